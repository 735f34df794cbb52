import { describe, expect, it } from 'vitest'
import { newOtpCode } from './otp'

describe('SMS codes', () => {
  it('are six digits, leading zeros kept, drawn from all 1,000,000', () => {
    const asked: number[] = []
    const code = (n: number) => newOtpCode((max) => {
      asked.push(max)
      return n
    })
    expect([code(0), code(42), code(99_999), code(999_999)]).toEqual(['000000', '000042', '099999', '999999'])
    expect(asked).toEqual([1_000_000, 1_000_000, 1_000_000, 1_000_000])
    const drawn = Array.from({ length: 200 }, () => newOtpCode())
    for (const c of drawn) expect(c).toMatch(/^\d{6}$/)
    expect(new Set(drawn).size).toBeGreaterThan(190)
  })
})
