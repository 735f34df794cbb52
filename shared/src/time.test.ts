import { describe, expect, it } from 'vitest'
import { ageOn, shanghaiDate, shanghaiYear, toShanghaiIso } from './time'

describe('Asia/Shanghai time', () => {
  it('formats instants with the +08:00 offset', () => {
    expect(toShanghaiIso(new Date('2026-12-31T16:30:00Z'))).toBe('2027-01-01T00:30:00.000+08:00')
  })
  it('uses the Shanghai calendar day and year', () => {
    expect(shanghaiDate(new Date('2026-12-31T16:30:00Z'))).toBe('2027-01-01')
    expect(shanghaiYear(new Date('2026-12-31T15:59:59Z'))).toBe(2026)
  })
  it('counts whole years of age', () => {
    expect(ageOn('1968-04-12', new Date('2026-04-11T16:00:00Z'))).toBe(58)
    expect(ageOn('1968-04-12', new Date('2026-04-11T15:59:00Z'))).toBe(57)
  })
})
