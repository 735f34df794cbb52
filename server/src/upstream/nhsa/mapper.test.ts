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
