import type * as QrCodeNs from 'qrcode'
import type { ShallowRef } from 'vue'
import { onBeforeUnmount, onMounted, shallowRef } from 'vue'
import { api } from '../../api/client'
import { ApiError, unwrap } from '../../api/errors'

type QrCodeModule = typeof QrCodeNs

/** `qrcode` is CommonJS: depending on the bundler its functions sit on the namespace or on `default`. */
async function loadQrCode(): Promise<QrCodeModule> {
  const mod = await import('qrcode') as QrCodeModule & { default?: QrCodeModule }
  return mod.default ?? mod
}

/** Ask for a new token this many seconds before the current one expires. */
export const REFRESH_BEFORE_S = 10

export interface EVoucherState {
  /** `data:` URL of the QR image of the current token (SVG). */
  image: ShallowRef<string | null>
  /** Seconds the shown code stays valid (what the server issued). */
  ttl: ShallowRef<number>
  /** Seconds left before the shown code expires (counts down once a second). */
  secondsLeft: ShallowRef<number>
  error: ShallowRef<ApiError | null>
  loading: ShallowRef<boolean>
  /** Fetches a new token now. */
  refresh: () => Promise<void>
}

/**
 * The resident's 医保电子凭证 QR: a short-lived opaque token from the BFF drawn as a QR code (the
 * `qrcode` library is loaded on first use, outside the entry bundle). It is renewed automatically
 * `REFRESH_BEFORE_S` before expiry, and not at all while the page is hidden; coming back renews a
 * code that is (nearly) expired at once.
 */
export function useEVoucher(): EVoucherState {
  const image = shallowRef<string | null>(null)
  const ttl = shallowRef(60)
  const secondsLeft = shallowRef(0)
  const error = shallowRef<ApiError | null>(null)
  const loading = shallowRef(false)
  let expiresAtMs = 0
  let tick: ReturnType<typeof setInterval> | undefined
  let renew: ReturnType<typeof setTimeout> | undefined
  let generation = 0

  function stopTimers() {
    clearInterval(tick)
    clearTimeout(renew)
    tick = undefined
    renew = undefined
  }

  function startTimers() {
    stopTimers()
    const update = () => { secondsLeft.value = Math.max(0, Math.ceil((expiresAtMs - Date.now()) / 1000)) }
    update()
    tick = setInterval(update, 1000)
    // Renew early, but never sooner than half the lifetime (short test lifetimes).
    const lead = Math.min(REFRESH_BEFORE_S, ttl.value / 2) * 1000
    renew = setTimeout(() => { void refresh() }, Math.max(0, expiresAtMs - lead - Date.now()))
  }

  async function refresh() {
    const mine = ++generation
    loading.value = true
    try {
      const body = await unwrap(api.api.v1.me['e-voucher'].$get())
      const QRCode = await loadQrCode()
      const svg = await QRCode.toString(body.token, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
      if (mine !== generation) return
      ttl.value = body.ttlSeconds
      // The server's clock decides the lifetime; our own clock only measures it from now.
      expiresAtMs = Date.now() + body.ttlSeconds * 1000
      image.value = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`
      error.value = null
      if (document.visibilityState !== 'hidden') startTimers()
    }
    catch (e) {
      if (mine !== generation) return
      error.value = e instanceof ApiError ? e : new ApiError('INTERNAL', '系统繁忙，请稍后再试', 0)
      image.value = null
      stopTimers()
    }
    finally {
      if (mine === generation) loading.value = false
    }
  }

  function onVisibility() {
    if (document.visibilityState === 'hidden') {
      stopTimers()
      return
    }
    if (error.value) return
    if (expiresAtMs - Date.now() <= Math.min(REFRESH_BEFORE_S, ttl.value / 2) * 1000) void refresh()
    else startTimers()
  }

  onMounted(() => {
    document.addEventListener('visibilitychange', onVisibility)
    void refresh()
  })
  onBeforeUnmount(() => {
    generation++
    stopTimers()
    document.removeEventListener('visibilitychange', onVisibility)
  })

  return { image, ttl, secondsLeft, error, loading, refresh }
}
