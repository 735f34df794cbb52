import { describe, expect, it } from 'vitest'
import { parseEnv } from '../env'
import { createTestClock, TEST_NOW } from '../testing/clock'
import { offsetClock } from './clock'

const EXTERNAL = {
  SANDBOX: 'external',
  NHSA_BASE_URL: 'http://127.0.0.1:8788',
  SMS_BASE_URL: 'http://127.0.0.1:8788',
  WECHAT_AUTHORIZE_BASE_URL: 'http://127.0.0.1:8788',
  WECHAT_API_BASE_URL: 'http://127.0.0.1:8788',
}

describe('offsetClock', () => {
  it('starts at the given instant and runs on in real time', async () => {
    const now = offsetClock(new Date('2026-11-15T10:00:00+08:00'))
    const first = now().getTime()
    expect(first - Date.parse('2026-11-15T02:00:00Z')).toBeLessThan(1000)
    await new Promise(r => setTimeout(r, 30))
    expect(now().getTime() - first).toBeGreaterThanOrEqual(25)
  })

  it('refuses an invalid start', () => {
    expect(() => offsetClock(new Date('not a date'))).toThrow(RangeError)
  })

  it('advances by the given ms, returns the new time, and runs on in real time from there', async () => {
    const now = offsetClock(new Date('2026-11-15T10:00:00+08:00'))
    const before = now().getTime()
    const moved = now.advance(86_400_000 + 5 * 60_000).getTime()
    const jump = moved - before
    expect(jump).toBeGreaterThanOrEqual(86_400_000 + 5 * 60_000)
    expect(jump).toBeLessThan(86_400_000 + 5 * 60_000 + 1000)
    const after = now().getTime()
    expect(after - moved).toBeGreaterThanOrEqual(0)
    expect(after - Date.parse('2026-11-16T02:05:00Z')).toBeLessThan(1000)
    await new Promise(r => setTimeout(r, 30))
    expect(now().getTime() - after).toBeGreaterThanOrEqual(25)
    now.advance(1)
    expect(now().getTime() - Date.parse('2026-11-16T02:05:00.001Z')).toBeGreaterThanOrEqual(25)
  })

  it('moves forward only, by a positive whole number of ms, and never past the last valid date', () => {
    const now = offsetClock(new Date('2026-11-15T10:00:00+08:00'))
    for (const bad of [0, -1, -86_400_000, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])
      expect(() => now.advance(bad), String(bad)).toThrow(RangeError)
    expect(() => now.advance(8.64e15)).toThrow(/last valid date/)
    // A refused advance leaves the clock where it was.
    expect(now().getTime() - Date.parse('2026-11-15T02:00:00Z')).toBeLessThan(1000)
  })

  it('moves only its own time: two clocks are apart', () => {
    const a = offsetClock(new Date('2026-11-15T10:00:00+08:00'))
    const b = offsetClock(new Date('2026-11-15T10:00:00+08:00'))
    a.advance(3_600_000)
    expect(a().getTime() - b().getTime()).toBeGreaterThanOrEqual(3_600_000 - 50)
    expect(b().getTime() - Date.parse('2026-11-15T02:00:00Z')).toBeLessThan(1000)
  })
})

describe('SANDBOX_CLOCK', () => {
  it('is unset by default, and parsed with its offset in sandbox modes', () => {
    expect(parseEnv({}).SANDBOX_CLOCK).toBeUndefined()
    expect(parseEnv({ SANDBOX_CLOCK: '' }).SANDBOX_CLOCK).toBeUndefined()
    const shanghai = parseEnv({ SANDBOX_CLOCK: '2026-11-15T10:00:00+08:00' }).SANDBOX_CLOCK
    expect(shanghai).toEqual(new Date('2026-11-15T02:00:00Z'))
    const utc = parseEnv({ ...EXTERNAL, SANDBOX_CLOCK: '2026-12-31T16:00Z' }).SANDBOX_CLOCK
    expect(utc).toEqual(new Date('2026-12-31T16:00:00Z'))
  })

  it('needs an unambiguous date-time (with its offset)', () => {
    for (const bad of ['2026-11-15', '2026-11-15T10:00:00', 'tomorrow', '2026-13-45T10:00:00+08:00'])
      expect(() => parseEnv({ SANDBOX_CLOCK: bad }), bad).toThrow(/SANDBOX_CLOCK/)
  })

  it('is refused with SANDBOX=off: a real deployment never runs on a made-up date', () => {
    const real = { ...EXTERNAL, SANDBOX: 'off', SANDBOX_CLOCK: '2026-11-15T10:00:00+08:00' }
    expect(() => parseEnv(real)).toThrow(/SANDBOX_CLOCK: a fixed clock is for sandbox modes only/)
  })
})

describe('createTestClock', () => {
  it('starts at TEST_NOW, runs on, and can be set, frozen and moved', async () => {
    const clock = createTestClock()
    expect(clock.now().getTime() - Date.parse(TEST_NOW)).toBeLessThan(1000)
    clock.set('2026-12-31T15:59:59Z', { frozen: true })
    await new Promise(r => setTimeout(r, 20))
    expect(clock.now().toISOString()).toBe('2026-12-31T15:59:59.000Z')
    clock.advance(1000)
    expect(clock.now().toISOString()).toBe('2026-12-31T16:00:00.000Z')
    clock.set('2027-06-30T12:00:00+08:00')
    await new Promise(r => setTimeout(r, 30))
    expect(clock.now().getTime() - Date.parse('2027-06-30T04:00:00Z')).toBeGreaterThanOrEqual(25)
    expect(() => clock.set('nope')).toThrow(RangeError)
  })
})
