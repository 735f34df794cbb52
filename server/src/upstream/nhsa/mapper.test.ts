import { describe, expect, it } from 'vitest'
import dongying from '../../testing/fixtures/1101-dongying-adult.json' with { type: 'json' }
import guizhou from '../../testing/fixtures/1101-guizhou-poverty.json' with { type: 'json' }
import { personCategoryFromPsnType } from './dictionaries'
import { toPerson } from './mapper'
import { PersonInfoOutputWire, YuanAmountWire } from './schemas'

describe('nhsa 1101 mapper', () => {
  it('parses every fixture with the wire schema', () => {
    for (const f of [dongying, guizhou]) expect(PersonInfoOutputWire.safeParse(f).success).toBe(true)
  })

  it('maps an ordinary Dongying adult', () => {
    const p = toPerson(PersonInfoOutputWire.parse(dongying))
    expect(p).toMatchObject({ certNo: '370502196804122021', sex: 'female', birthDate: '1968-04-12', regionCode: '370502', statuses: [] })
    expect(p.enrolments).toEqual([{ insuranceType: '390', category: 'adult', status: 'active', since: '2016-01-01', pausedOn: null, regionCode: '370502', balance: 0, unitName: '东营区城乡居民虚拟单位' }])
  })

  it('normalises drift: string amounts, datetime strings, empty strings, unknown codes', () => {
    const p = toPerson(PersonInfoOutputWire.parse(guizhou))
    expect(p.enrolments[0]).toMatchObject({ balance: 1230, since: '2018-01-01', pausedOn: null, category: 'adult' })
    expect(p.statuses).toEqual([
      { status: 'poverty_registered', since: '2018-03-01', until: null },
      { status: 'minimum_living', since: '2019-01-01', until: '2026-12-31' },
    ])
  })

  it('carries a 重度残疾人\'s kind, grade and 贫困标志 (东医保发〔2020〕56号 二(二) needs all three)', () => {
    const row = (extra: Record<string, unknown>) =>
      ({ psn_idet_type: '2401', memo: null, begntime: '2015-06-01 00:00:00', endtime: null, ...extra })
    const statusesOf = (...idetinfo: Record<string, unknown>[]) =>
      toPerson(PersonInfoOutputWire.parse({ ...dongying, idetinfo })).statuses
    const factsOf = (extra: Record<string, unknown>) => statusesOf(row(extra))[0]!.disability
    expect(statusesOf(row({ psn_type_lv: '3', dsab_type: '5', poor_flag: '1' }))).toEqual([
      {
        status: 'severe_disability',
        since: '2015-06-01',
        until: null,
        disability: { kind: 'intellectual', grade: 3, poor: true },
      },
    ])
    const lifted = { psn_type_lv: '1', dsab_type: '1', poor_flag: '0' }
    expect(factsOf(lifted)).toEqual({ kind: 'visual', grade: 1, poor: false })
    // No 贫困标志 is not 未脱贫.
    expect(factsOf({ psn_type_lv: '2', dsab_type: '4' })).toEqual({ kind: 'physical', grade: 2, poor: false })
    // Kind or grade unknown: no facts, so a policy with a scope does not count the status.
    const unknown = [{ psn_type_lv: '2' }, { psn_type_lv: '2', dsab_type: '8' }, { psn_type_lv: '5', dsab_type: '4' }]
    for (const extra of [...unknown, { psn_type_lv: null, dsab_type: '4' }]) expect(factsOf(extra)).toBeNull()
  })

  it('falls back on the 2-digit psn_type prefix', () => {
    expect(personCategoryFromPsnType('1403')).toBe('student')
    expect(personCategoryFromPsnType('1699')).toBe('senior')
    expect(personCategoryFromPsnType('9901')).toBe('other')
  })

  it('converts yuan to fen exactly and refuses three decimals', () => {
    expect(YuanAmountWire.parse(0.29)).toBe(29)
    expect(YuanAmountWire.parse('1234.5')).toBe(123450)
    expect(YuanAmountWire.safeParse(0.125).success).toBe(false)
  })
})
