import { performance } from 'node:perf_hooks'

/**
 * Where every server test's clock starts unless the test moves it: 15 November 2026, 10:00 in Shanghai.
 * That is inside the collection window of benefit year 2027 (1 September 2026 – 30 June 2027) and before
 * that year starts (1 January 2027), so 2027 is payable and refundable for any reason.
 */
export const TEST_NOW = '2026-11-15T10:00:00+08:00'
/** The benefit year that is payable (and not started) at `TEST_NOW`. */
export const TEST_YEAR = 2027

/** A settable clock for tests: the BFF's `deps.now` and the sandbox's `now` read it; the machine's never. */
export interface TestClock {
  /** The clock's time (a bound function: pass it as `now`). */
  readonly now: () => Date
  /**
   * Puts the clock at `at`. It runs on from there in real time (timeouts and expiries still elapse), or
   * stands still with `{ frozen: true }` (to stay exactly on one side of an instant).
   */
  set: (at: Date | string, opts?: { frozen?: boolean }) => void
  /** Moves the clock by `ms` (back when negative). */
  advance: (ms: number) => void
}

/** A test clock at `start` (default `TEST_NOW`), running in real time unless `frozen`. */
export function createTestClock(start: Date | string = TEST_NOW, opts: { frozen?: boolean } = {}): TestClock {
  let base = 0
  let since = 0
  let frozen = false
  const set = (at: Date | string, o: { frozen?: boolean } = {}) => {
    const t = new Date(at).getTime()
    if (Number.isNaN(t)) throw new RangeError(`test clock: invalid date ${String(at)}`)
    base = t
    since = performance.now()
    frozen = o.frozen ?? false
  }
  set(start, opts)
  return {
    now: () => new Date(frozen ? base : base + Math.floor(performance.now() - since)),
    set,
    advance: (ms: number) => { base += ms },
  }
}
