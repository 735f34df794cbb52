import { describe, expect, it } from 'vitest'
import { EstimateInputSchema, EstimateResultSchema, PremiumQuoteInputSchema, PremiumQuoteSchema } from './api-schemas'
import { quotePremium } from './premium'
import { estimateSettlement } from './settlement'

const valid = { policy: 'guizhou-2019', statuses: ['poverty_registered'], hospitalLevel: 2, referred: true, total: 50_000_00, outOfList: 8_000_00 }

/** `path → message` of the issues of a failed parse. */
function problems(schema: { safeParse: (v: unknown) => { success: boolean, error?: { issues: { path: PropertyKey[], message: string }[] } } }, value: unknown) {
  const r = schema.safeParse(value)
  expect(r.success).toBe(false)
  return Object.fromEntries(r.error!.issues.map(i => [i.path.join('.'), i.message]))
}

describe('EstimateInputSchema', () => {
  it('accepts a valid request, with or without year-to-date amounts', () => {
    expect(EstimateInputSchema.parse(valid)).toEqual(valid)
    const ytd = { criticalBurden: 0, criticalPaid: 0, basicPaid: 1_000_00, assistancePaid: 0 }
    expect(EstimateInputSchema.safeParse({ ...valid, statuses: [], yearToDate: ytd }).success).toBe(true)
  })

  it('negative and fractional fen', () => {
    expect(problems(EstimateInputSchema, { ...valid, total: -1, outOfList: 0 })).toEqual({ total: '住院总费用不能为负数' })
    expect(problems(EstimateInputSchema, { ...valid, total: 100.5 })).toEqual({ total: '住院总费用必须精确到分（以“分”为单位的整数）' })
    expect(problems(EstimateInputSchema, { ...valid, outOfList: -5 })).toEqual({ outOfList: '目录外费用不能为负数' })
    expect(problems(EstimateInputSchema, { ...valid, total: '100' })).toEqual({ total: '住院总费用必须是数字' })
  })

  it('out-of-list above the total, on the outOfList field', () => {
    expect(problems(EstimateInputSchema, { ...valid, total: 100, outOfList: 101 })).toEqual({ outOfList: '目录外费用不能超过住院总费用' })
    // Reported together with other problems.
    expect(problems(EstimateInputSchema, { ...valid, hospitalLevel: 4, total: 100, outOfList: 101 })).toEqual({
      hospitalLevel: '医院级别只能是一级、二级或三级',
      outOfList: '目录外费用不能超过住院总费用',
    })
  })

  it('unknown policy, unknown status, hospital level 4', () => {
    expect(problems(EstimateInputSchema, { ...valid, policy: 'shanghai-2020' })).toEqual({ policy: '暂不支持所选地区的医保政策' })
    expect(problems(EstimateInputSchema, { ...valid, statuses: ['poverty_registered', 'rich'] })).toEqual({ 'statuses.1': '人员身份类别不正确' })
    expect(problems(EstimateInputSchema, { ...valid, hospitalLevel: 4 })).toEqual({ hospitalLevel: '医院级别只能是一级、二级或三级' })
    expect(problems(EstimateInputSchema, { ...valid, hospitalLevel: '2' })).toEqual({ hospitalLevel: '医院级别只能是一级、二级或三级' })
    expect(problems(EstimateInputSchema, { ...valid, referred: 'yes' })).toEqual({ referred: '是否办理转诊只能选“是”或“否”' })
  })

  it('year-to-date amounts', () => {
    const ytd = { criticalBurden: 0, criticalPaid: 0, basicPaid: -1, assistancePaid: 0.5 }
    expect(problems(EstimateInputSchema, { ...valid, yearToDate: ytd })).toEqual({
      'yearToDate.basicPaid': '今年基本医保已支付金额不能为负数',
      'yearToDate.assistancePaid': '今年医疗救助已支付金额必须精确到分（以“分”为单位的整数）',
    })
  })
})

describe('PremiumQuoteInputSchema', () => {
  it('accepts statuses, the student flag and a birth date', () => {
    expect(PremiumQuoteInputSchema.safeParse({ statuses: [], student: true, birthDate: '2004-02-29' }).success).toBe(true)
  })

  it('explains bad input in Chinese on the field', () => {
    expect(problems(PremiumQuoteInputSchema, { statuses: ['nobody'] })).toEqual({ 'statuses.0': '人员身份类别不正确' })
    expect(problems(PremiumQuoteInputSchema, { statuses: 'extreme_poverty' })).toEqual({ statuses: '人员身份必须是列表' })
    expect(problems(PremiumQuoteInputSchema, { statuses: [], birthDate: '2001-02-29' })).toEqual({ birthDate: '日期不存在，请核对' })
    expect(problems(PremiumQuoteInputSchema, { statuses: [], birthDate: '2001/02/28' })).toEqual({ birthDate: '日期格式应为“年-月-日”，例如 2001-09-01' })
    expect(problems(PremiumQuoteInputSchema, { statuses: [], student: 1 })).toEqual({ student: '是否学生只能选“是”或“否”' })
  })
})

describe('schemas and engine fit together', () => {
  it('a parsed request goes straight into the engine and the result matches the result schema', () => {
    const input = EstimateInputSchema.parse(valid)
    const result = estimateSettlement(input.policy, input)
    expect(EstimateResultSchema.parse(result)).toEqual(result)
    const q = PremiumQuoteInputSchema.parse({ statuses: ['extreme_poverty'], birthDate: '2010-05-05' })
    const quote = quotePremium('dongying-2020', q)
    expect(PremiumQuoteSchema.parse(quote)).toEqual(quote)
  })
})
