import type { SpecialStatus } from '../schemas/person'
import type { PremiumInput } from './premium'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SPECIAL_STATUSES } from '../schemas/person'
import { PremiumQuoteSchema } from './api-schemas'
import { POLICY_IDS } from './ids'
import { POLICIES } from './policies'
import { ageOnNewYear, enrolmentYearForNewTarget, quotePremium } from './premium'

describe('premium due', () => {
  it('东医保发〔2020〕56号 一(二): residents (not students) 310 元', () => {
    const q = quotePremium('dongying-2020', { statuses: [] })
    expect(q).toMatchObject({ category: 'adult', standard: 310_00, subsidy: 0, due: 310_00, appliedStatus: null })
    expect(q.steps.map(s => s.tier)).toEqual(['premium', 'subsidy', 'personal'])
    expect(q.steps[0]!.source).toBe('东医保发〔2020〕56号 一(二)')
    expect(q.steps[0]!.text).toContain('居民（不含学生）每人每年 310.00 元')
    expect(q.steps[2]!.text).toBe('您今年需要自己缴纳 310.00 元。')
    expect(PremiumQuoteSchema.safeParse(q).success).toBe(true)
  })

  it('东医保发〔2020〕56号 一(二): students incl. college students 210 元', () => {
    expect(quotePremium('dongying-2020', { statuses: [], student: true })).toMatchObject({ category: 'student', standard: 210_00, due: 210_00 })
  })

  it('under-18s on 1 January pay the student rate (assumed rule, marked in the step)', () => {
    // Born 2005-06-01: 14 on 2020-01-01 → student rate.
    const child = quotePremium('dongying-2020', { statuses: [], birthDate: '2005-06-01' })
    expect(child).toMatchObject({ category: 'student', standard: 210_00 })
    expect(child.steps[0]!.assumed).toBe(true)
    expect(child.steps[0]!.text).toContain('未满18周岁')
    // Born 2002-01-01: exactly 18 on 2020-01-01 → resident rate; born 2002-01-02: still 17 → student rate.
    expect(quotePremium('dongying-2020', { statuses: [], birthDate: '2002-01-01' }).standard).toBe(310_00)
    expect(quotePremium('dongying-2020', { statuses: [], birthDate: '2002-01-02' }).standard).toBe(210_00)
    // An adult student is a student.
    expect(quotePremium('dongying-2020', { statuses: [], birthDate: '1999-09-01', student: true }).standard).toBe(210_00)
    expect(ageOnNewYear('2002-01-02', 2020)).toBe(17)
  })

  it('贵州方案 二(三): 特困人员 get the full contribution subsidised', () => {
    const q = quotePremium('guizhou-2019', { statuses: ['extreme_poverty'] })
    expect(q).toMatchObject({ standard: 250_00, subsidy: 250_00, due: 0, appliedStatus: 'extreme_poverty' })
    expect(q.steps[1]).toMatchObject({ tier: 'subsidy', kind: 'full', source: '贵州省医疗保障扶贫行动实施方案 二(三)' })
    expect(q.steps[1]!.assumed).toBeUndefined()
    expect(q.steps[2]!.text).toBe('您个人今年不需要缴费。')
  })

  it('贵州方案 二(三): 建档立卡贫困人口 get a fixed 100 元', () => {
    // Standard 250 元 is assumed (national minimum 2019); 250 − 100 = 150.
    const q = quotePremium('guizhou-2019', { statuses: ['poverty_registered'] })
    expect(q).toMatchObject({ subsidy: 100_00, due: 150_00, appliedStatus: 'poverty_registered' })
    expect(q.steps[1]!.text).toBe('您是建档立卡贫困人口，政府每人每年定额资助 100.00 元。')
  })

  it('贵州方案 二(五): 特困 + 建档立卡 take the larger subsidy once (就高), never 250 + 100', () => {
    const q = quotePremium('guizhou-2019', { statuses: ['poverty_registered', 'extreme_poverty'] })
    expect(q).toMatchObject({ subsidy: 250_00, due: 0, appliedStatus: 'extreme_poverty' })
    expect(q.steps[1]!.text).toContain('按就高原则只享受资助最多的一项')
    expect(q.steps[1]!.source).toBe('贵州省医疗保障扶贫行动实施方案 二(三)、二(五)')
  })

  it('a fixed subsidy never makes the due amount negative', () => {
    // A variant of the Guizhou policy with a 50 元 standard: the 100 元 subsidy is limited to 50 元.
    const g = POLICIES['guizhou-2019']
    const cheap = { ...g, premium: { ...g.premium, adult: { ...g.premium.adult, value: 50_00 }, student: { ...g.premium.student, value: 50_00 } } }
    expect(quotePremium(cheap, { statuses: ['poverty_registered'] })).toMatchObject({ standard: 50_00, subsidy: 50_00, due: 0 })
  })

  it('statuses without a subsidy say so (Dongying 边缘人口, assumed none)', () => {
    const q = quotePremium('dongying-2020', { statuses: ['marginal'] })
    expect(q).toMatchObject({ subsidy: 0, due: 310_00, appliedStatus: null })
    expect(q.steps[1]).toMatchObject({ kind: 'none', assumed: true })
  })

  it('东医保发〔2020〕56号 二(二): only 未脱贫的一、二级重度残疾、三级智力/精神残疾 hold the 重度残疾人 status (assumed 155 元)', () => {
    const disabled = (disability: PremiumInput['disability']) =>
      quotePremium('dongying-2020', { statuses: ['severe_disability'], disability })
    const inScope = disabled({ kind: 'mental', grade: 3, poor: true })
    expect(inScope).toMatchObject({ subsidy: 155_00, due: 155_00, appliedStatus: 'severe_disability' })
    expect(inScope.steps[1]!.text).toContain('您是三级精神残疾（未脱贫），属于东医保发〔2020〕56号 二(二)所列')
    expect(inScope.steps[1]!.source).toContain('二(二)')
    const lifted = disabled({ kind: 'visual', grade: 1, poor: false })
    expect(lifted).toMatchObject({ subsidy: 0, due: 310_00, appliedStatus: null })
    expect(lifted.steps[1]!.text).toContain('您不享受重度残疾人的贫困人口待遇，按一般居民计算。不享受参保资助。')
    const grade3Physical = disabled({ kind: 'physical', grade: 3, poor: true })
    expect(grade3Physical.subsidy).toBe(0)
  })

  it('properties: due = standard − subsidy ≥ 0; several statuses = the best single one', () => {
    fc.assert(fc.property(
      fc.constantFrom(...POLICY_IDS),
      fc.subarray([...SPECIAL_STATUSES]),
      fc.option(fc.boolean(), { nil: undefined }),
      fc.option(fc.date({ min: new Date('1930-01-01'), max: new Date('2020-12-31'), noInvalidDate: true }).map(d => d.toISOString().slice(0, 10)), { nil: undefined }),
      (policy, statuses, student, birthDate) => {
        const q = quotePremium(policy, { statuses, student, birthDate })
        expect(PremiumQuoteSchema.safeParse(q).success).toBe(true)
        expect(q.due).toBe(q.standard - q.subsidy)
        expect(q.due).toBeGreaterThanOrEqual(0)
        const singles = statuses.map((s: SpecialStatus) => quotePremium(policy, { statuses: [s], student, birthDate }).subsidy)
        expect(q.subsidy).toBe(Math.max(0, ...singles))
      },
    ), { numRuns: 300 })
  })
})

describe('enrolment year of a newly identified target', () => {
  it('贵州方案 二(二): identified by the end of August → this year; September–December → next year', () => {
    expect(enrolmentYearForNewTarget('guizhou-2019', '2019-01-15')).toBe(2019)
    expect(enrolmentYearForNewTarget('guizhou-2019', '2019-08-31')).toBe(2019)
    expect(enrolmentYearForNewTarget('guizhou-2019', '2019-09-01')).toBe(2020)
    expect(enrolmentYearForNewTarget('guizhou-2019', '2019-12-31')).toBe(2020)
  })

  it('Dongying and Fengxiang enrol new targets in the year they are identified (assumed)', () => {
    expect(enrolmentYearForNewTarget('dongying-2020', '2020-11-20')).toBe(2020)
    expect(enrolmentYearForNewTarget('fengxiang-2020', '2020-12-31')).toBe(2020)
  })

  it('rejects dates that do not exist', () => {
    expect(() => enrolmentYearForNewTarget('guizhou-2019', '2019-02-30')).toThrow(RangeError)
    expect(() => enrolmentYearForNewTarget('guizhou-2019', '2019/08/31')).toThrow(RangeError)
  })
})
