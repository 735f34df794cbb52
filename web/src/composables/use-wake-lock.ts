import type { ShallowRef } from 'vue'
import { onBeforeUnmount, onMounted, shallowRef } from 'vue'

/** Minimal shape of the Screen Wake Lock API (not in every browser, and not in every TS lib). */
interface WakeLockSentinelLike {
  released: boolean
  release: () => Promise<void>
  addEventListener: (type: 'release', listener: () => void) => void
}
interface WakeLockLike {
  request: (type: 'screen') => Promise<WakeLockSentinelLike>
}

/**
 * Keeps the screen on while the component is shown (Screen Wake Lock, where the browser has it): a phone that
 * dims while a code is held up to a scanner fails the scan. The browser drops the lock when the page is hidden;
 * coming back asks again. Where there is no API or it is refused, `held` stays false and nothing else changes.
 */
export function useWakeLock(): { held: ShallowRef<boolean> } {
  const held = shallowRef(false)
  let sentinel: WakeLockSentinelLike | null = null
  let active = true

  async function acquire() {
    const wakeLock = (navigator as Navigator & { wakeLock?: WakeLockLike }).wakeLock
    if (!wakeLock || document.visibilityState !== 'visible' || (sentinel && !sentinel.released)) return
    try {
      const next = await wakeLock.request('screen')
      if (!active) {
        await next.release()
        return
      }
      sentinel = next
      held.value = true
      next.addEventListener('release', () => {
        held.value = false
      })
    }
    catch {
      held.value = false
    }
  }

  function onVisibility() {
    if (document.visibilityState === 'visible') void acquire()
  }

  onMounted(() => {
    document.addEventListener('visibilitychange', onVisibility)
    void acquire()
  })
  onBeforeUnmount(() => {
    active = false
    document.removeEventListener('visibilitychange', onVisibility)
    void sentinel?.release().catch(() => undefined)
    sentinel = null
  })
  return { held }
}
