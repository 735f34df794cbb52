import { describe, expect, it } from 'vitest'
import { checkEstimateForm } from './estimate-checks'
import { blankEstimateForm, parseYuan } from './estimate-form'

describe('parseYuan (元 text → exact fen)', () => {
  it('converts without floating-point drift', () => {
    expect(parseYuan('19.99')).toEqual({ fen: 1999 })
    expect(parseYuan('0.29')).toEqual({ fen: 29 })
    expect(parseYuan('1234567.8')).toEqual({ fen: 123456780 })
    expect(parseYuan('100')).toEqual({ fen: 10000 })
  })

  it('accepts full-width digits, a full-width point, spaces and thousands separators', () => {
    expect(parseYuan(' １２，３４５．６ ')).toEqual({ fen: 1234560 })
  })

  it('reports empty text, non-numbers and more than two decimals', () => {
    expect(parseYuan('  ')).toBeNull()
    expect(parseYuan('12a')).toEqual({ problem: 'number' })
    expect(parseYuan('1.2.3')).toEqual({ problem: 'number' })
    expect(parseYuan('0.001')).toEqual({ problem: 'decimals' })
  })

  it('keeps a negative sign for the shared schema to reject', () => {
    expect(parseYuan('-5')).toEqual({ fen: -500 })
  })
})

describe('checkEstimateForm', () => {
  const base = blankEstimateForm('dongying-2020')

  it('sends a 重度残疾人\'s kind, grade and 脱贫 state only once all three are answered (东医保发〔2020〕56号 二(二))', () => {
    const ytd = base.yearToDate
    const form = (disability: { kind: '' | 'mental', grade: 3 | null, poor: boolean | null }) =>
      checkEstimateForm({ ...base, statuses: ['severe_disability'], disability, total: '10', yearToDate: { ...ytd } })
    const all = form({ kind: 'mental', grade: 3, poor: false })
    expect(all.ok && all.input.disability).toEqual({ kind: 'mental', grade: 3, poor: false })
    const partial = form({ kind: 'mental', grade: null, poor: true })
    expect(partial.ok && partial.input.disability).toBeUndefined()
    // Not sent without the status.
    const facts = { kind: 'mental', grade: 3, poor: true } as const
    const other = checkEstimateForm({ ...base, statuses: [], disability: facts, total: '10', yearToDate: { ...ytd } })
    expect(other.ok && other.input.disability).toBeUndefined()
  })

  it('sends year-to-date only when one amount is filled, the others as 0', () => {
    const none = checkEstimateForm({ ...base, statuses: [], total: '10', yearToDate: { ...base.yearToDate } })
    expect(none).toEqual({ ok: true, input: { policy: 'dongying-2020', statuses: [], hospitalLevel: 3, referred: true, total: 1000, outOfList: 0 } })
    const some = checkEstimateForm({ ...base, statuses: [], total: '10', yearToDate: { ...base.yearToDate, basicPaid: '1.5' } })
    expect(some.ok && some.input.yearToDate).toEqual({ criticalBurden: 0, criticalPaid: 0, basicPaid: 150, assistancePaid: 0 })
  })

  it('lets a format problem win over the schema\'s message for the same field', () => {
    const r = checkEstimateForm({ ...base, statuses: [], total: 'x', outOfList: '-1', yearToDate: { ...base.yearToDate } })
    expect(r).toEqual({ ok: false, problems: { total: 'number' }, fields: { outOfList: '目录外费用不能为负数' } })
  })
})
