import { describe, expect, it } from 'vitest'
import { CHRONIC_FIXTURES, CUMULATIVE_FIXTURES } from '../../testing/coverage-fixtures'
import { ChronicFilingOutputWire, CumulativeInfoOutputWire } from './coverage-schemas'
import { toChronicFiling, toCumulativeUsage } from './coverage'

describe('5206 cumulative info: wire → domain', () => {
  it('turns yuan into exact fen (0.29 元 is 29 fen, not 28.999…), whatever the province spells', () => {
    const rows = CumulativeInfoOutputWire.parse({
      cuminfo: [
        { insutype: '390', year: '2026', cum_type_code: 'D390101', cum: 0.29 },
        { insutype: 390, year: 2026, cum_type_code: 'D390201', cum: '1234.5' },
        { insutype: '390', cum_year: '2026', cum_type: 'D610101', cum_amt: 16089.02 },
        { insutype: '390', year: '2026', cum_type_code: 'F0000_BIZ2101', cum: '0.07' },
        { insutype: '390', year: '2026', cum_type_code: 'C0000_BIZ21', cum: '3' },
      ],
    }).cuminfo
    expect(toCumulativeUsage(rows, 2026)).toEqual({ year: 2026, basicPaid: 29, criticalPaid: 123_450, assistancePaid: 1_608_902, inpatientTotal: 7, criticalBurden: 0, inpatientStays: 3 })
  })

  it('ignores other years, other 险种 and unknown codes; an absent node is no usage', () => {
    const out = CumulativeInfoOutputWire.parse(CUMULATIVE_FIXTURES['37000000000000000000012345'])
    expect(toCumulativeUsage(out.cuminfo, 2026)).toEqual({ year: 2026, basicPaid: 806_629, criticalPaid: 0, criticalBurden: 224_381, assistancePaid: 0, inpatientTotal: 1_031_010, inpatientStays: 1 })
    expect(CumulativeInfoOutputWire.parse({}).cuminfo).toEqual([])
    expect(CumulativeInfoOutputWire.parse({ cuminfo: null }).cuminfo).toEqual([])
  })

  it('rejects amounts that are not 2-decimal yuan and rows without a code', () => {
    expect(CumulativeInfoOutputWire.safeParse({ cuminfo: [{ year: '2026', cum_type_code: 'D390101', cum: '12,345.60' }] }).success).toBe(false)
    expect(CumulativeInfoOutputWire.safeParse({ cuminfo: [{ year: '2026', cum_type_code: 'D390101', cum: 1.234 }] }).success).toBe(false)
    expect(CumulativeInfoOutputWire.safeParse({ cuminfo: [{ insutype: '390', cum: '12.00' }] }).success).toBe(false)
    expect(CumulativeInfoOutputWire.safeParse({ cuminfo: [{ year: '2026', cum_type_code: 'C0000_BIZ21', cum: '1.5' }] }).success).toBe(false)
  })
})

describe('5301 chronic filings: wire → domain', () => {
  it('cuts dates to days, treats a blank end as open and recognises 两病', () => {
    const rows = ChronicFilingOutputWire.parse(CHRONIC_FIXTURES['52000000000000000000067890']).feedetail
    expect(rows.map(toChronicFiling)).toEqual([{ code: 'M01600', name: '糖尿病（两病）', since: '2021-06-10', until: null, twoDiseases: true }])
    expect(toChronicFiling({ opsp_dise_code: 'M04500', opsp_dise_name: '慢性阻塞性肺疾病', begndate: '2020-01-01', enddate: '2025-12-31 23:59:59' }))
      .toEqual({ code: 'M04500', name: '慢性阻塞性肺疾病', since: '2020-01-01', until: '2025-12-31', twoDiseases: false })
    // A local code for hypertension is still 两病, by its name.
    expect(toChronicFiling({ opsp_dise_code: 'X001', opsp_dise_name: '原发性高血压', begndate: '2020-01-01', enddate: null }).twoDiseases).toBe(true)
    expect(ChronicFilingOutputWire.parse({ feedetail: null }).feedetail).toEqual([])
  })
})
