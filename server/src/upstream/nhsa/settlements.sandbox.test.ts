import type { BureauSlip } from '../../domain/slip'
import { buildNhsaRequest, createSandbox, postNhsa, SETTLEMENT_DISCREPANCIES } from '@yibao/sandbox'
import { describe, expect, it } from 'vitest'
import { explainSlip } from '../../domain/slip'
import { toPerson } from './mapper'
import { PersonInfoOutputWire } from './schemas'
import { SettlementInfoOutputWire, SettlementListOutputWire } from './settlement-schemas'
import { toBureauSlip } from './settlements'

/**
 * The whole chain against the bureau sandbox's own wire format (all three provinces' drift): 1101, 5260
 * and 5203 replies go through this adapter's schemas, and the domain's explanation must agree with every
 * seeded slip except the sandbox's documented deliberate discrepancies, on exactly the tiers they touch.
 */
describe('settlement adapter + explanation against every sandbox slip', () => {
  it('explains every seeded slip as the policy, except the listed discrepancies', async () => {
    const { app, state } = createSandbox({ now: () => new Date('2026-11-22T04:00:00Z') })
    const call = async (infno: string, data: Record<string, unknown>, admdvs = '') => {
      const body = await (await postNhsa(app, buildNhsaRequest(infno, { data }, { insuplc_admdvs: admdvs }))).json() as { infcode: number, output: unknown }
      expect(body.infcode).toBe(0)
      return body.output
    }
    const owners = [...new Set(state.settlements.all.map(s => s.certNo))]
    const verdicts = new Map<string, string[]>()
    /** Slips of Dongying 重度残疾人 outside 二(二)'s scope, explained as such. */
    let outOfScope = 0
    for (const certNo of owners) {
      const person = toPerson(PersonInfoOutputWire.parse(await call('1101', { mdtrt_cert_type: '02', mdtrt_cert_no: certNo, psn_cert_type: '01', certno: certNo })))
      const slips: BureauSlip[] = []
      for (const year of [2024, 2025, 2026]) {
        const list = SettlementListOutputWire.parse(await call('5260', { psn_no: person.psnNo, begndate: `${year}-01-01`, enddate: `${year}-12-31`, page_size: 100 }, person.regionCode))
        expect(list.record_counts).toBe(list.data.length)
        for (const row of list.data) {
          const out = SettlementInfoOutputWire.parse(await call('5203', { psn_no: person.psnNo, setl_id: row.setlId, mdtrt_id: row.mdtrtId }, person.regionCode))
          const slip = toBureauSlip(out.setlinfo, out.setldetail)
          // The list and the slip agree, and the slip's parts add up to its total.
          expect([slip.amounts.total, slip.amounts.personalCash]).toEqual([row.total, row.personalCash])
          expect(slip.amounts.fundTotal + slip.amounts.hospital + slip.amounts.personalBurden).toBe(slip.amounts.total)
          slips.push(slip)
        }
      }
      for (const slip of slips) {
        const e = explainSlip({ slip, earlier: slips, statuses: person.statuses, regionCode: person.regionCode })
        expect(e.gap).toBeNull()
        if (e.status !== 'match') verdicts.set(slip.setlId, e.rows.filter(r => !r.matches).map(r => r.key))
        if (e.estimate?.steps.some(st => st.tier === 'critical' && st.text.includes('二(二)只把未脱贫的'))) outOfScope++
      }
    }
    expect(state.settlements.all.length).toBeGreaterThan(40)
    const expected = new Map(SETTLEMENT_DISCREPANCIES.map((d) => {
      const setlId = state.settlements.all.find(s => s.scriptKey === d.key)!.setlId
      const keys = d.field === 'hifmi_pay' ? ['critical', 'personal'] : d.field === 'maf_pay' ? ['assistance', 'personal'] : ['deductible', 'basic', 'personal']
      return [setlId, keys]
    }))
    expect(verdicts).toEqual(expected)
    // The bureau's 残疾类别, 等级 and 贫困标志 reach the engine: a 已脱贫 一级视力残疾 Dongying resident is settled, and
    // explained, as an ordinary resident (东医保发〔2020〕56号 二(二)).
    expect(outOfScope).toBeGreaterThan(0)
  })
})
