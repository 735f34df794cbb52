import { performance } from 'node:perf_hooks'

/**
 * A clock that reads `start` now and runs on in real time from there (measured on the monotonic clock,
 * so the machine's date never enters). Sandbox modes use it for `SANDBOX_CLOCK`: demos and the browser
 * journeys on a fixed calendar day, while timeouts, expiries and retry schedules still elapse.
 */
export function offsetClock(start: Date): () => Date {
  const base = start.getTime()
  if (Number.isNaN(base)) throw new RangeError('offsetClock: invalid start date')
  const since = performance.now()
  return () => new Date(base + Math.floor(performance.now() - since))
}
