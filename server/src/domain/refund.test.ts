import type { Policy } from '@yibao/shared'
import type { RefundFacts } from './refund'
import { getPolicy } from '@yibao/shared'
import { describe, expect, it } from 'vitest'
import { assessRefund, benefitStartsAt, needsRecords, newOutRefundNo, overlapMonths } from './refund'

const BEFORE = new Date('2026-12-31T15:59:59.999Z')
const STARTED = new Date('2026-12-31T16:00:00.000Z')
const DONGYING = getPolicy('dongying-2020')
const GUIZHOU = getPolicy('guizhou-2019')

/** A 2027 premium of 400.00 元 paid in full (no 资助 then). */
function facts(over: Partial<RefundFacts> = {}): RefundFacts {
  return {
    reason: 'overpaid',
    year: 2027,
    now: BEFORE,
    paidFen: 400_00,
    policy: DONGYING,
    person: { employee: [], statuses: [] },
    due: { standardFen: 400_00, subsidyFen: 0 },
    ...over,
  }
}

describe('refund rules', () => {
  it('starts a benefit year at midnight on 1 January, Shanghai time', () => {
    expect(benefitStartsAt(2027).toISOString()).toBe('2026-12-31T16:00:00.000Z')
  })

  it('refuses 重复参保 and 误缴多缴 once the year has started, to the second (assumed: no document)', () => {
    for (const reason of ['duplicate_enrolment', 'overpaid'] as const) {
      const before = assessRefund(facts({ reason, now: BEFORE }))
      expect(before).toMatchObject({ allowed: true, amountFen: 400_00, partial: false })
      const started = assessRefund(facts({ reason, now: STARTED }))
      expect(started).toMatchObject({ allowed: false, code: 'REFUND_BENEFIT_STARTED' })
    }
    const basis = (assessRefund(facts()) as { basis: { assumed?: true, reason?: string } }).basis
    expect(basis).toMatchObject({ assumed: true, reason: expect.stringContaining('均未规定') })
  })

  it('东医保发〔2020〕56号 六(一): the whole premium for a death before the benefit period, whenever the heirs apply', () => {
    const dongying = assessRefund(facts({ reason: 'died_before_benefit', now: new Date('2027-06-01T00:00:00Z') }))
    expect(dongying).toMatchObject({ allowed: true, amountFen: 400_00, basis: { source: '东医保发〔2020〕56号 六(一)' } })
    expect(dongying.allowed && dongying.basis.assumed).toBeUndefined()
    // Elsewhere the Dongying notice is only followed: marked assumed.
    const guizhou = assessRefund(facts({ reason: 'died_before_benefit', policy: GUIZHOU }))
    expect(guizhou).toMatchObject({ allowed: true, amountFen: 400_00, basis: { assumed: true } })
  })

  describe('已参加职工医保', () => {
    const employee = (since: string | null, until: string | null = null, now = new Date('2027-04-10T02:00:00Z')) =>
      assessRefund(facts({ reason: 'employee_insurance', now, person: { employee: [{ since, until }], statuses: [] } }))

    it('before 1 January: the whole premium (assumed), without the bureau\'s records', () => {
      expect(needsRecords('employee_insurance', 2027, BEFORE)).toBe(false)
      expect(assessRefund(facts({ reason: 'employee_insurance', person: undefined, due: undefined }))).toMatchObject({
        allowed: true,
        amountFen: 400_00,
        partial: false,
        basis: { source: expect.stringContaining('职工医保和居民医保参保接续衔接'), assumed: true },
      })
    })

    it('after it: the whole months that overlap, pro rata by month (assumed), rounded down to the fen', () => {
      expect(needsRecords('employee_insurance', 2027, STARTED)).toBe(true)
      // From 15 March: April–December, 9 months → 400.00 × 9 ÷ 12 = 300.00.
      const march15 = employee('2027-03-15')
      expect(march15).toMatchObject({ allowed: true, amountFen: 300_00, partial: true })
      expect(march15.allowed && march15.basis).toMatchObject({
        text: expect.stringContaining('2027年度有 9 个整月（4月至12月）'),
        assumed: true,
        reason: expect.stringContaining('按与职工医保重叠的整月数折算'),
      })
      // From 1 March: 10 months → 333.33 (333.333… rounded down: never more than paid for).
      expect(employee('2027-03-01')).toMatchObject({ amountFen: 333_33, partial: true })
      // Ended on 31 May after starting in 2026: January–May.
      expect(employee('2026-06-01', '2027-05-31')).toMatchObject({ amountFen: 166_66 })
      expect(overlapMonths([{ since: '2026-06-01', until: '2027-05-30' }], 2027)).toEqual([1, 2, 3, 4])
      // The whole year: the whole premium.
      expect(employee('2025-01-01')).toMatchObject({ amountFen: 400_00, partial: false })
    })

    it('refuses after 1 January when no whole month overlaps', () => {
      expect(employee('2027-12-02')).toMatchObject({ allowed: false, code: 'REFUND_NO_OVERLAP' })
      expect(employee('2026-01-01', '2026-12-31')).toMatchObject({ allowed: false, code: 'REFUND_NO_OVERLAP' })
      const none = assessRefund(facts({ reason: 'employee_insurance', now: STARTED }))
      expect(none).toMatchObject({ code: 'REFUND_NO_OVERLAP' })
    })
  })

  describe('资助对象: the part of the premium now funded', () => {
    type Status = 'poverty_registered' | 'extreme_poverty' | 'minimum_living' | 'severe_disability'
    const funded = (status: Status, since: string, over: Partial<RefundFacts> = {}) => {
      const person = { employee: [], statuses: [{ status, since, until: null }] }
      return assessRefund(facts({ reason: 'funded', policy: GUIZHOU, person, ...over }))
    }

    it('贵州方案 二(三): 建档立卡贫困人口 made so after paying get the fixed 100 元 back', () => {
      const r = funded('poverty_registered', '2027-03-01', { now: STARTED })
      expect(r).toMatchObject({ allowed: true, amountFen: 100_00, partial: true })
      expect(r.allowed && r.basis).toMatchObject({
        source: '贵州省医疗保障扶贫行动实施方案 二(三)；贵州省医疗保障扶贫行动实施方案 二(二)',
        text: expect.stringContaining('定额资助 100.00 元'),
      })
      expect(r.allowed && r.basis.assumed).toBeUndefined()
    })

    it('贵州方案 二(三): 特困人员 get the whole personal premium back; 资助 already taken off is not paid twice', () => {
      const whole = funded('extreme_poverty', '2027-02-01')
      expect(whole).toMatchObject({ allowed: true, amountFen: 400_00, partial: false })
      // Paid 300.00 as 建档立卡 (100.00 off): 特困 now gives the other 300.00.
      const as建档立卡 = { paidFen: 300_00, due: { standardFen: 400_00, subsidyFen: 100_00 } }
      expect(funded('extreme_poverty', '2027-02-01', as建档立卡)).toMatchObject({ amountFen: 300_00, partial: false })
      // …and 建档立卡 alone gives nothing more.
      const nothingMore = funded('poverty_registered', '2027-02-01', as建档立卡)
      expect(nothingMore).toMatchObject({ allowed: false, code: 'REFUND_NOT_FUNDED' })
    })

    it('贵州方案 二(二): identified by the end of August → that year; September–December → the next', () => {
      expect(funded('extreme_poverty', '2026-10-15')).toMatchObject({ allowed: true, amountFen: 400_00 })
      expect(funded('extreme_poverty', '2027-08-31')).toMatchObject({ allowed: true })
      expect(funded('extreme_poverty', '2027-09-01')).toMatchObject({ allowed: false, code: 'REFUND_NOT_FUNDED' })
    })

    it('uses the region\'s assumed subsidies where its document gives none, and says so', () => {
      const r = funded('minimum_living', '2027-03-01', { policy: DONGYING })
      expect(r).toMatchObject({ allowed: true, amountFen: 400_00 })
      expect(r.allowed && r.basis).toMatchObject({ assumed: true, source: expect.stringContaining('东医保发〔2020〕56号') })
    })

    it('东医保发〔2020〕56号 二(二): only the 重度残疾人 the policy counts are 资助对象', () => {
      const disabled = (disability: { kind: 'mental' | 'physical', grade: 3, poor: boolean }) => assessRefund(facts({
        reason: 'funded',
        person: {
          employee: [],
          statuses: [{ status: 'severe_disability', since: '2027-03-01', until: null, disability }],
        },
      }))
      // 三级精神残疾, 未脱贫: the assumed 155.00 元.
      const mental = disabled({ kind: 'mental', grade: 3, poor: true })
      expect(mental).toMatchObject({ allowed: true, amountFen: 155_00, partial: true })
      const physical = disabled({ kind: 'physical', grade: 3, poor: true })
      expect(physical).toMatchObject({ allowed: false, code: 'REFUND_NOT_FUNDED' })
    })

    it('refuses without a status in force in the year, or without the bureau\'s records', () => {
      const ended = { status: 'extreme_poverty', since: '2020-01-01', until: '2026-12-31' } as const
      const past = funded('extreme_poverty', '2020-01-01', { person: { employee: [], statuses: [ended] } })
      expect(past).toMatchObject({ allowed: false, code: 'REFUND_NOT_FUNDED' })
      const noRecord = assessRefund(facts({ reason: 'funded', due: undefined }))
      expect(noRecord).toMatchObject({ allowed: false, code: 'REFUND_NOT_FUNDED' })
      expect(assessRefund(facts({ reason: 'funded', policy: null as Policy | null }))).toMatchObject({ allowed: false })
      expect(needsRecords('funded', 2027, BEFORE)).toBe(true)
    })
  })

  it('numbers refunds within WeChat Pay\'s 6–32 characters, dated in Shanghai', () => {
    const no = newOutRefundNo(new Date('2026-12-31T16:30:00Z'), new Uint8Array(16).fill(7))
    expect(no).toMatch(/^YR20270101[0-9A-Za-z]{16}$/)
    expect(no.length).toBeLessThanOrEqual(32)
  })
})
