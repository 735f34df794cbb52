import { describe, expect, it } from 'vitest'
import { filingStatus, lockedUntil, sameArea, startDateProblem } from './cross-region'

describe('异地就医备案 domain rules', () => {
  it('says where a filing stands on a day', () => {
    const f = { cancelled: false, startDate: '2026-12-01', endDate: '2027-05-31' }
    expect(filingStatus(f, '2026-11-30')).toBe('upcoming')
    expect(filingStatus(f, '2026-12-01')).toBe('valid')
    expect(filingStatus(f, '2027-05-31')).toBe('valid')
    expect(filingStatus(f, '2027-06-01')).toBe('expired')
    expect(filingStatus({ ...f, endDate: null }, '2040-01-01')).toBe('valid')
    expect(filingStatus({ ...f, cancelled: true }, '2026-12-15')).toBe('cancelled')
  })

  it('locks a 承诺制 long-term filing for six months, and nothing else', () => {
    const f = { type: 'long_term_resident' as const, promise: true, startDate: '2026-06-15' }
    expect(lockedUntil(f, '2026-12-14')).toBe('2026-12-15')
    expect(lockedUntil(f, '2026-12-15')).toBeNull()
    expect(lockedUntil({ ...f, promise: false }, '2026-07-01')).toBeNull()
    expect(lockedUntil({ ...f, type: 'temporary' }, '2026-07-01')).toBeNull()
  })

  it('takes start dates from 30 days back to 180 ahead', () => {
    expect(startDateProblem('2026-10-24', '2026-11-23')).toBeNull()
    expect(startDateProblem('2026-10-23', '2026-11-23')).toBe('开始日期最早可选2026-10-24（可补办30天内的备案）')
    expect(startDateProblem('2027-05-22', '2026-11-23')).toBeNull()
    expect(startDateProblem('2027-05-23', '2026-11-23')).toBe('开始日期最晚可选2027-05-22')
  })

  it('compares 统筹区 by prefecture', () => {
    expect(sameArea('370523', '370502')).toBe(true)
    expect(sameArea('440300', '370502')).toBe(false)
    expect(sameArea('370100', '370502')).toBe(false)
  })
})
