import { performance } from 'node:perf_hooks'

/** The clock `offsetClock` makes: call it for the time now; `advance` moves it forward. */
export interface OffsetClock {
  (): Date
  /**
   * Moves the clock forward by `ms` (a positive whole number of milliseconds; anything else, or a time past
   * the last valid date, is a RangeError) and returns the new time. It runs on in real time from there.
   */
  advance: (ms: number) => Date
}

/**
 * A clock that reads `start` now and runs on in real time from there (measured on the monotonic clock,
 * so the machine's date never enters). Sandbox modes use it for `SANDBOX_CLOCK`: demos and the browser
 * journeys on a fixed calendar day, while timeouts, expiries and retry schedules still elapse; `advance`
 * (the sandbox's `POST /__sandbox/clock/advance`) skips ahead, e.g. to the next day's trade bill.
 */
export function offsetClock(start: Date): OffsetClock {
  let base = start.getTime()
  if (Number.isNaN(base)) throw new RangeError('offsetClock: invalid start date')
  const since = performance.now()
  const now = () => new Date(base + Math.floor(performance.now() - since))
  const advance = (ms: number): Date => {
    if (!Number.isSafeInteger(ms) || ms <= 0)
      throw new RangeError(`offsetClock: advance takes a positive whole number of ms, not ${String(ms)}`)
    if (Number.isNaN(new Date(now().getTime() + ms).getTime()))
      throw new RangeError('offsetClock: advance would pass the last valid date')
    base += ms
    return now()
  }
  return Object.assign(now, { advance })
}
