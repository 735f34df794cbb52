import { describe, expect, it } from 'vitest'
import { dateText, percentText, share, timeText, yuanShort } from './format'

describe('coverage page formats', () => {
  it('writes policy amounts as 元 or 万元 and exact amounts with fen', () => {
    expect(yuanShort(1_600_000)).toBe('1.6万元')
    expect(yuanShort(25_000_000)).toBe('25万元')
    expect(yuanShort(450_000)).toBe('4500元')
    expect(yuanShort(20_000)).toBe('200元')
    expect(yuanShort(806_629)).toBe('¥8,066.29')
  })

  it('writes rates, dates, times and bar shares', () => {
    expect(percentText(0.88)).toBe('88%')
    expect(percentText(0.725)).toBe('72.5%')
    expect(dateText('2026-07-05')).toBe('2026年7月5日')
    expect(timeText('2026-11-22T12:00:00.000+08:00')).toBe('2026年11月22日 12:00')
    expect(share(806_629, 25_000_000)).toBe(3)
    expect(share(900_000, 450_000)).toBe(100)
    expect(share(5, null)).toBe(0)
  })
})
