import { describe, expect, it } from 'vitest'
import { CrossRegionFilingInputSchema, isLongTerm, temporaryEndDate } from './cross-region'

describe('异地就医备案 rules', () => {
  it('ends a temporary filing the day before the same date six months on, clamped to month ends', () => {
    expect(temporaryEndDate('2026-11-23')).toBe('2027-05-22')
    expect(temporaryEndDate('2026-08-31')).toBe('2027-02-28')
    expect(temporaryEndDate('2027-08-31')).toBe('2028-02-29')
    expect(temporaryEndDate('2026-01-01')).toBe('2026-06-30')
  })

  it('knows which types are long-term', () => {
    expect(isLongTerm('long_term_resident')).toBe(true)
    expect(isLongTerm('referral')).toBe(false)
  })

  it('asks a long-term resident for the address and the promise, a referral for the hospital', () => {
    const base = { destination: '440300', startDate: '2026-12-01', phone: '13800138000' }
    const long = CrossRegionFilingInputSchema.safeParse({ ...base, type: 'long_term_resident' })
    expect(long.error?.issues.map(i => [i.path.join('.'), i.message])).toEqual([['address', '请填写异地居住地址（至少5个字）'], ['promise', '请阅读并勾选个人承诺']])
    expect(CrossRegionFilingInputSchema.safeParse({ ...base, type: 'long_term_resident', address: '深圳市南山区某路1号', promise: true }).success).toBe(true)
    expect(CrossRegionFilingInputSchema.safeParse({ ...base, type: 'referral' }).error?.issues[0]?.message).toBe('请填写转出医院名称')
    expect(CrossRegionFilingInputSchema.safeParse({ ...base, type: 'temporary', destination: '44' }).error?.issues[0]?.message).toBe('请选择就医地')
  })
})
