import { describe, expect, it } from 'vitest'
import { applyRate, percent, roundBp, toBasisPoints, yuan } from './arithmetic'

describe('integer money arithmetic', () => {
  it('rounds fen × rate half-up, exactly', () => {
    expect(applyRate(1, 5000)).toBe(1) // 0.5 fen → 1
    expect(applyRate(1, 4999)).toBe(0)
    expect(applyRate(3, 5000)).toBe(2) // 1.5 → 2
    expect(applyRate(10, 6500)).toBe(7) // 6.5 → 7 (floating 0.65 × 10 would be 6.5000000000000001 or 6.499…)
    expect(applyRate(20_600_00, 6000)).toBe(12_360_00)
    expect(applyRate(1_500_000_00, 8500)).toBe(1_275_000_00)
    expect(roundBp(0)).toBe(0)
    expect(toBasisPoints(0.78)).toBe(7800)
    expect(toBasisPoints(0.065)).toBe(650)
  })

  it('writes yuan for people', () => {
    expect(yuan(1_234_567)).toBe('12,345.67')
    expect(yuan(5)).toBe('0.05')
    expect(yuan(100)).toBe('1.00')
    expect(yuan(100_000_000)).toBe('1,000,000.00')
    expect(yuan(100_005_00)).toBe('100,005.00')
    expect(percent(6000)).toBe('60')
    expect(percent(7250)).toBe('72.5')
  })
})
