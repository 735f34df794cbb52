import type { SandboxPerson } from '../../seed/model'
import { describe, expect, it } from 'vitest'
import { createSandbox } from '../../app'
import { buildNhsaRequest, postNhsa } from '../../testing'

const NOW = new Date('2026-11-22T04:00:00Z')

function sandbox(now = NOW) {
  const sb = createSandbox({ now: () => now })
  const member = (household: string, name: string): SandboxPerson => sb.state.residents.listHousehold(household).find(p => p.name === name)!
  const slip = (key: string) => sb.state.settlements.all.find(s => s.scriptKey === key)!
  return { ...sb, member, slip }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reply bodies are checked with toMatchObject
async function call(sb: ReturnType<typeof sandbox>, data: Record<string, unknown>, admdvs: string, headers: Record<string, string> = {}): Promise<any> {
  return (await postNhsa(sb.app, buildNhsaRequest('5203', { data }, { insuplc_admdvs: admdvs }), { headers })).json()
}

describe('5203 结算信息查询', () => {
  it('answers a Guizhou slip with string amounts, inscp_amt / psn_pay drift and the local additions', async () => {
    const sb = sandbox()
    const person = sb.member('522732000101', '韦秀珍')
    const s = sb.slip('weixiuzhen-2025-a')
    const body = await call(sb, { psn_no: person.psnNo, setl_id: s.setlId, mdtrt_id: s.mdtrtId }, '522732')
    expect(body.infcode).toBe(0)
    const info = body.output.setlinfo
    expect(info).toMatchObject({
      setl_id: s.setlId,
      psn_no: person.psnNo,
      med_type: '21',
      medfee_sumamt: '12345.60',
      fulamt_ownpay_amt: '1500.00',
      inscp_amt: '10845.60',
      act_pay_dedc: '400.00',
      hifp_pay: '8356.48',
      pool_prop_selfpay: '0.8000',
      hifmi_pay: '0.00',
      maf_pay: '1742.38',
      hosp_part_amt: '265.44',
      fund_pay_sumamt: '10098.86',
      psn_pay: '1981.30',
      psn_cash_pay: '1981.30',
      fixmedins_name: '三都水族自治县人民医院',
      hosp_lv: '05',
      insuplc_admdvs: '522732',
      dise_name: '肺炎',
    })
    expect(info).not.toHaveProperty('inscp_scp_amt')
    expect(info).not.toHaveProperty('psn_part_amt')
    expect(info.begntime).toMatch(/^2025-03-10 09:12:00$/)
    expect(body.output.setldetail.map((d: { fund_pay_type: string, fund_payamt: string }) => [d.fund_pay_type, d.fund_payamt]))
      .toEqual([['390100', '8356.48'], ['610100', '1742.38'], ['630101', '265.44']])
  })

  it('spells Shaanxi fields cash_payamt / ownpay_amt / othfund_pay with numbers, and books 999996', async () => {
    const sb = sandbox()
    const person = sb.member('610322000102', '王秀兰')
    const s = sb.slip('wangxiulan-2024-a')
    const body = await call(sb, { psn_no: person.psnNo, setl_id: s.setlId }, '610322')
    const info = body.output.setlinfo
    // 9 870.50 − 620.50 = 9 250 in policy; basic 78 % × 8 750 = 6 825; 999996 pays 300 of the 3 045.50 left.
    expect(info).toMatchObject({ medfee_sumamt: 9870.5, ownpay_amt: 620.5, inscp_scp_amt: 9250, hifp_pay: 6825, othfund_pay: 300, fund_pay_sumamt: 7125, cash_payamt: 2745.5, psn_part_amt: 2745.5 })
    expect(info).not.toHaveProperty('psn_cash_pay')
    expect(info).not.toHaveProperty('fulamt_ownpay_amt')
    expect(body.output.setldetail.at(-1)).toMatchObject({ fund_pay_type: '999996', fund_payamt: 300 })
  })

  it('uses the national names in Shandong', async () => {
    const sb = sandbox()
    const person = sb.member('370503000101', '陈玉兰')
    const s = sb.slip('chenyulan-2024-a')
    const info = (await call(sb, { psn_no: person.psnNo, setl_id: s.setlId }, '370503')).output.setlinfo
    // The deliberate discrepancy: 大病 8 520 by the policy, 6 520 on the slip.
    expect(info).toMatchObject({ medfee_sumamt: 80000, fulamt_ownpay_amt: 6000, inscp_scp_amt: 74000, act_pay_dedc: 1000, hifp_pay: 43800, hifmi_pay: 6520, psn_cash_pay: 29680, psn_part_amt: 29680, oth_pay: 0 })
  })

  it('never confirms another person\'s slip, a wrong mdtrt_id or a slip after "now"', async () => {
    const sb = sandbox()
    const weixiuzhen = sb.member('522732000101', '韦秀珍')
    const sister = sb.member('522732000101', '潘小燕')
    const hers = sb.slip('weixiuzhen-2025-a')
    expect(await call(sb, { psn_no: sister.psnNo, setl_id: hers.setlId }, '522732')).toMatchObject({ infcode: -1, err_msg: '未查询到结算信息', output: null })
    expect(await call(sb, { psn_no: weixiuzhen.psnNo, setl_id: hers.setlId, mdtrt_id: '1' }, '522732')).toMatchObject({ infcode: -1, err_msg: '就诊ID[mdtrt_id]与结算ID[setl_id]不匹配' })
    const early = sandbox(new Date('2025-03-01T00:00:00Z'))
    expect(await call(early, { psn_no: weixiuzhen.psnNo, setl_id: hers.setlId }, '522732')).toMatchObject({ infcode: -1, err_msg: '未查询到结算信息' })
    expect(await call(sb, { psn_no: weixiuzhen.psnNo }, '522732')).toMatchObject({ infcode: -1, err_msg: '输入参数校验失败：结算ID[setl_id]不能为空' })
    expect(await call(sb, { psn_no: weixiuzhen.psnNo, setl_id: hers.setlId }, '370502')).toMatchObject({ infcode: -1, err_msg: '参保地医保区划[insuplc_admdvs]与人员参保地不一致' })
  })

  it('keeps fault injection working: bad-shape drops setl_id and spells the total in words', async () => {
    const sb = sandbox()
    const person = sb.member('522732000101', '韦秀珍')
    const s = sb.slip('weixiuzhen-2025-a')
    const body = await call(sb, { psn_no: person.psnNo, setl_id: s.setlId }, '522732', { 'X-Sandbox-Fault': 'bad-shape' })
    expect(body.infcode).toBe(0)
    expect(body.output.setlinfo).not.toHaveProperty('setl_id')
    expect(body.output.setlinfo.medfee_sumamt).toBe('壹万贰仟元')
  })
})
