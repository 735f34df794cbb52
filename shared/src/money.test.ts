import { describe, expect, it } from 'vitest'
import { fenToYuanString, formatFen, yuanToFen } from './money'

describe('money in integer fen', () => {
  it('converts yuan numbers and strings exactly', () => {
    expect(yuanToFen(0.07)).toBe(7)
    expect(yuanToFen(12.3)).toBe(1230)
    expect(yuanToFen('12.30')).toBe(1230)
    expect(yuanToFen(1.1)).toBe(110)
    expect(yuanToFen(0.29)).toBe(29)
    expect(yuanToFen(310)).toBe(31000)
    expect(yuanToFen('-5.5')).toBe(-550)
  })
  it('refuses amounts with more than two decimals or no number', () => {
    expect(yuanToFen(1.005)).toBeNull()
    expect(yuanToFen('abc')).toBeNull()
    expect(yuanToFen(Number.NaN)).toBeNull()
    expect(yuanToFen('')).toBeNull()
  })
  it('formats fen for the wire and for display', () => {
    expect(fenToYuanString(123456)).toBe('1234.56')
    expect(fenToYuanString(5)).toBe('0.05')
    expect(formatFen(123456789)).toBe('¥1,234,567.89')
    expect(formatFen(-50)).toBe('-¥0.50')
  })
})
