import { describe, expect, it } from 'vitest'
import {
  CrossRegionFilingInputSchema,
  crossRegionRulesFor,
  isLongTerm,
  maskDocumentNumber,
  temporaryEndDate,
} from './cross-region'

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

  it('refuses a start day the calendar does not have (2 月 30 日, month 13) in the schema, not at the bureau', () => {
    const base = { type: 'referral', destination: '440300', phone: '13800138000', referralHospital: '某某医院' }
    const startIssue = (startDate: string) => CrossRegionFilingInputSchema.safeParse({ ...base, startDate })
      .error?.issues.filter(i => i.path[0] === 'startDate').map(i => i.message)
    expect(startIssue('2027-02-30')).toEqual(['日期不存在，请核对'])
    expect(startIssue('2026-13-01')).toEqual(['日期不存在，请核对'])
    expect(startIssue('2026-04-31')).toEqual(['日期不存在，请核对'])
    expect(startIssue('2027-02-29')).toEqual(['日期不存在，请核对'])
    expect(startIssue('2028-02-29')).toBeUndefined()
    expect(startIssue('2026-12-31')).toBeUndefined()
    expect(startIssue('2026-1-5')).toEqual(['请选择开始日期'])
  })

  it('asks a long-term resident for the address and a 居住证明 or a 个人承诺 (医保发〔2022〕22号)', () => {
    const base = { destination: '440300', startDate: '2026-12-01', phone: '13800138000' }
    const parse = (v: object) => CrossRegionFilingInputSchema.safeParse({ ...base, ...v })
    const issues = (v: object) => parse(v).error?.issues.map(i => [i.path.join('.'), i.message])
    expect(issues({ type: 'long_term_resident' })).toEqual([
      ['address', '请填写异地居住地址（至少5个字）'],
      ['basis', '请选择办理方式：居住证明或个人承诺'],
    ])
    const long = { type: 'long_term_resident', address: '深圳市南山区某路1号' }
    expect(issues({ ...long, basis: 'promise' })).toEqual([['promise', '请阅读并勾选个人承诺']])
    expect(issues({ ...long, basis: 'residence_proof' })).toEqual([['residenceProof', '请填写居住证明类型和编号']])
    const proof = (residenceProof: object) => ({ ...long, basis: 'residence_proof', residenceProof })
    expect(issues(proof({ kind: 'residence_permit', number: '号码' }))).toEqual([
      ['residenceProof.number', '居住证明编号应为4–30位字母、数字或“-”'],
    ])
    const lease = parse(proof({ kind: 'lease_registration', number: ' SZ-2026-0012 ' }))
    expect(lease.data?.residenceProof).toEqual({ kind: 'lease_registration', number: 'SZ-2026-0012' })
    expect(parse({ ...long, basis: 'promise', promise: true }).success).toBe(true)
    // A client that only sends the promise (as before the choice) still files on it.
    expect(parse({ ...long, promise: true }).success).toBe(true)
    expect(CrossRegionFilingInputSchema.safeParse({ ...base, type: 'referral' }).error?.issues[0]?.message).toBe('请填写转出医院名称')
    expect(CrossRegionFilingInputSchema.safeParse({ ...base, type: 'temporary', destination: '44' }).error?.issues[0]?.message).toBe('请选择就医地')
  })

  it('masks a residence proof\'s number to its first and last two characters', () => {
    expect(maskDocumentNumber('440305199001011212')).toBe('44**************12')
    expect(maskDocumentNumber('ABCDE')).toBe('AB*DE')
    expect(maskDocumentNumber('ABCD')).toBe('****')
  })

  it('医保发〔2022〕22号: every seed 参保地 follows the national 补办 rule (no day count)', () => {
    for (const region of ['370502', '610322', '522732']) {
      const { backdateDays } = crossRegionRulesFor(region)
      expect(backdateDays).toMatchObject({ value: null, source: expect.stringContaining('医保发〔2022〕22号') })
    }
  })
})
