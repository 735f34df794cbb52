import type { PaymentOrderInput } from '@yibao/shared'
import type { JsapiParams } from './types'
import { absoluteUrl, receiptVerifyPath } from '@yibao/shared'

/** Inside WeChat's in-app browser (JSAPI payment is possible there only). */
export function isWechatBrowser(userAgent: string = navigator.userAgent): boolean {
  return /MicroMessenger/i.test(userAgent)
}

/** A phone's (or tablet's) browser, by its user agent: WeChat Pay H5 can open the WeChat app on it. */
export function isPhoneBrowser(userAgent: string = navigator.userAgent): boolean {
  return /Android|iPhone|iPad|iPod|HarmonyOS|OpenHarmony|Mobile/i.test(userAgent)
}

/** Where the page runs, as payment sees it: inside WeChat (JSAPI), another phone browser (H5), a computer (QR). */
export type PayDevice = 'wechat' | 'phone' | 'desktop'

export function payDevice(userAgent: string = navigator.userAgent): PayDevice {
  if (isWechatBrowser(userAgent)) return 'wechat'
  return isPhoneBrowser(userAgent) ? 'phone' : 'desktop'
}

/**
 * Sends the browser to WeChat Pay's H5 address (it comes back to our order page by itself). Through a link
 * that sends our origin as the Referer: WeChat Pay refuses an H5 visit without one (商家参数格式有误), and
 * every page of ours otherwise says `Referrer-Policy: no-referrer`.
 */
export function openH5(h5Url: string): void {
  const link = document.createElement('a')
  link.href = h5Url
  link.referrerPolicy = 'strict-origin'
  link.hidden = true
  document.body.append(link)
  link.click()
  link.remove()
}

/** A fresh `Idempotency-Key` (a UUID; 20–255 characters of `[\w-]`). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  // Outside a secure context randomUUID is missing; 16 random bytes in hex serve the same purpose.
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('')
}

/**
 * One tap of 确认支付: the body and its key. Retrying the same confirmation (after a network failure,
 * a 5xx or "still in progress") must send the same key so that no second order is made; a changed
 * body is a new confirmation with a new key.
 */
export interface Confirmation<B = PaymentOrderInput> {
  key: string
  body: B
}

/** The confirmation to send for `body`: the previous one when it is the same body (a retry), else a new key. */
export function confirmationFor<B>(body: B, previous: Confirmation<B> | null): Confirmation<B> {
  if (previous && JSON.stringify(previous.body) === JSON.stringify(body)) return previous
  return { key: newIdempotencyKey(), body }
}

/** Errors after which the same confirmation may be sent again with the same key. */
export function isRetryable(code: string, status: number): boolean {
  return code === 'NETWORK' || code === 'IDEMPOTENCY_KEY_IN_USE' || status >= 500
}

/** The `prepay_id` inside JSAPI's `package` (`prepay_id=wx…`). */
export function prepayIdOf(params: Pick<JsapiParams, 'package'>): string {
  return params.package.replace(/^prepay_id=/, '')
}

/** The sandbox WeChat Pay simulator's payer page for a prepay (JSAPI) or a Native code URL. */
export function sandboxPayUrl(base: string, target: { prepayId: string } | { codeUrl: string }, returnUrl?: string): string {
  const url = new URL(`${base}/pay`)
  if ('prepayId' in target) url.searchParams.set('prepay_id', target.prepayId)
  else url.searchParams.set('code_url', target.codeUrl)
  if (returnUrl) url.searchParams.set('return_url', returnUrl)
  return url.toString()
}

/** The absolute URL of an order page of ours (where WeChat Pay sends the payer back). */
export function orderPageUrl(id: string, origin: string = window.location.origin): string {
  return `${origin}/pay/orders/${encodeURIComponent(id)}`
}

/** The public verification page of a receipt (what the receipt's QR code holds). */
export function receiptVerifyUrl(code: string, origin: string = window.location.origin): string {
  return absoluteUrl(origin, receiptVerifyPath(code))
}

interface WeixinJSBridge {
  invoke: (api: 'getBrandWCPayRequest', params: JsapiParams, callback: (res: { err_msg?: string }) => void) => void
}

declare global {
  interface Window {
    WeixinJSBridge?: WeixinJSBridge
  }
}

/** What WeChat's payment sheet answered. */
export type JsapiOutcome = 'ok' | 'cancel' | 'fail'

/** WeChat's JS bridge, waiting up to `waitMs` for `WeixinJSBridgeReady` when it is not there yet. */
export function wechatBridge(waitMs = 0): Promise<WeixinJSBridge | null> {
  if (window.WeixinJSBridge) return Promise.resolve(window.WeixinJSBridge)
  if (waitMs <= 0) return Promise.resolve(null)
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      document.removeEventListener('WeixinJSBridgeReady', ready)
      resolve(null)
    }, waitMs)
    function ready() {
      clearTimeout(timer)
      resolve(window.WeixinJSBridge ?? null)
    }
    document.addEventListener('WeixinJSBridgeReady', ready, { once: true })
  })
}

/** Opens WeChat's payment sheet (`getBrandWCPayRequest`). The order page asks the BFF for the real outcome. */
export function invokeJsapi(bridge: WeixinJSBridge, params: JsapiParams): Promise<JsapiOutcome> {
  return new Promise((resolve) => {
    bridge.invoke('getBrandWCPayRequest', params, (res) => {
      const msg = res.err_msg ?? ''
      resolve(msg.endsWith(':ok') ? 'ok' : msg.endsWith(':cancel') ? 'cancel' : 'fail')
    })
  })
}

/**
 * Opens WeChat Pay for a JSAPI order: WeChat's payment sheet when the JS bridge is there; in sandbox
 * mode (no bridge) the simulator's payer page, which comes back to our order page; `none` otherwise.
 */
export async function startJsapi(order: { id: string, jsapi: JsapiParams }, sandboxBase: string | null): Promise<'sheet' | 'redirect' | 'none'> {
  const bridge = await wechatBridge(sandboxBase ? 0 : 3000)
  if (bridge) {
    await invokeJsapi(bridge, order.jsapi)
    return 'sheet'
  }
  if (sandboxBase) {
    window.location.assign(sandboxPayUrl(sandboxBase, { prepayId: prepayIdOf(order.jsapi) }, orderPageUrl(order.id)))
    return 'redirect'
  }
  return 'none'
}

/** `YYYY-MM-DD HH:mm` of a Shanghai ISO time (`…+08:00`) as the BFF sends it. */
export function shanghaiMinute(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ')
}

const STORE_PREFIX = 'yb-pay-order:'

/** What the order page needs to pay again (JSAPI) or to re-order the same people after expiry. */
export interface RememberedOrder {
  body: PaymentOrderInput
  jsapi: JsapiParams | null
}

/**
 * Kept in this tab's sessionStorage (gone when the tab closes; removed once the order is paid): the
 * people of an order are known only by masked names on the server's side.
 */
export function rememberOrder(id: string, value: RememberedOrder): void {
  try {
    sessionStorage.setItem(STORE_PREFIX + id, JSON.stringify(value))
  }
  catch {}
}

export function recallOrder(id: string): RememberedOrder | null {
  try {
    const raw = sessionStorage.getItem(STORE_PREFIX + id)
    return raw ? JSON.parse(raw) as RememberedOrder : null
  }
  catch {
    return null
  }
}

export function forgetOrder(id: string): void {
  try {
    sessionStorage.removeItem(STORE_PREFIX + id)
  }
  catch {}
}

/** `m:ss` (or `h:mm:ss`) of a number of seconds, for countdowns. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const ss = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`
}

/** A receipt code as typed or scanned (any case, spaces or no dashes) in the canonical `ABCD-EFGH-JKLM-NPQR` form, or null. */
export function normaliseReceiptCode(text: string): string | null {
  const raw = text.toUpperCase().replace(/[^A-Z0-9]/g, '')
  if (!/^[A-Z2-9]{16}$/.test(raw)) return null
  return raw.replace(/(.{4})(?=.)/g, '$1-')
}
