import type { PolicyRegion, SandboxPerson } from '../../seed/model'
import { describe, expect, it } from 'vitest'
import { createSandbox } from '../../app'
import { FIXTURE_CERT_NOS } from '../../seed/fixtures'
import { buildNhsaRequest, postNhsa } from '../../testing'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire replies are checked with toMatchObject/toEqual below
type Json = any

function setup(now = new Date('2026-06-15T02:00:00Z')) {
  const clock = { now }
  const { state, app } = createSandbox({ now: () => clock.now })
  const send = async (infno: string, input: Record<string, unknown>, who: SandboxPerson, insuplc = who.insurance[0]!.admdvs): Promise<Json> =>
    (await postNhsa(app, buildNhsaRequest(infno, input, { insuplc_admdvs: insuplc }))).json()
  const list = async (who: SandboxPerson, insuplc?: string): Promise<Json> => send('5302', { data: { psn_no: who.psnNo } }, who, insuplc)
  const seededIn = (region: PolicyRegion) => state.residents.listPersons({ policyRegion: region }).find(p => p.crossRegionFilings.length > 0)!
  return { state, clock, send, list, seededIn }
}

describe('5302 人员异地就医备案查询 (local extension)', () => {
  it('lists the seeded Guizhou resident\'s long-term 04 filing above her cancelled 2024 trip', async () => {
    const { list, seededIn } = setup()
    const p = seededIn('520000')
    const body = await list(p)
    expect(body).toMatchObject({ infcode: 0, err_msg: null })
    const rows = body.output.outappyinfo
    expect(rows).toHaveLength(2)
    expect(rows[0]).toEqual({
      trt_dcla_detl_sn: expect.stringMatching(/^5220250226\d{8}$/),
      insutype: '390',
      rloc_rea: '04',
      rloc_admdvs: rows[1].rloc_admdvs,
      begndate: '2025-03-01',
      enddate: null,
      tel: p.mobile,
      resout_addr: expect.stringMatching(/^(广东|浙江)省/),
      trafout_fixmedins_name: null,
      prom_flag: '1',
      resd_cert_type: null,
      resd_certno: null,
      att_cnt: 0,
      vali_flag: '1',
      memo: null,
      dcla_souc: '02',
      agnter_name: null,
      crte_time: '2025-02-26 21:07:33',
      updt_time: '2025-02-26 21:07:33',
    })
    expect(rows[1]).toMatchObject({ rloc_rea: '08', begndate: '2024-02-05', enddate: '2024-08-04', vali_flag: '0', memo: '已返回参保地', crte_time: '2024-02-03 08:55:40', updt_time: '2024-02-28 14:20:02' })
    expect(rows[0].rloc_admdvs.slice(0, 4)).not.toBe(p.countyCode.slice(0, 4))
  })

  it('lists the Fengxiang referral (filed by the spouse at the desk) and the ended trip, still vali_flag 1', async () => {
    const { list, seededIn } = setup()
    const p = seededIn('610322')
    const rows = (await list(p)).output.outappyinfo
    expect(rows.map((r: Json) => [r.rloc_rea, r.begndate, r.enddate, r.vali_flag])).toEqual([
      ['08', '2025-06-01', '2025-11-30', '1'],
      ['06', '2024-10-08', '2025-04-07', '0'],
    ])
    expect(rows[1]).toMatchObject({ trafout_fixmedins_name: '宝鸡市中心医院', dcla_souc: '01', memo: '病情好转，在参保地继续治疗' })
    const seededShandong = (await list(setup().seededIn('370500'))).output.outappyinfo
    expect(seededShandong).toEqual([expect.objectContaining({ rloc_rea: '08', vali_flag: '0', memo: '行程取消，不再外出' })])
  })

  it('lists newest first, cancelled ones included, after filing and cancelling', async () => {
    const { state, clock, send, list } = setup()
    const demo = state.residents.findPersonByCertNo(FIXTURE_CERT_NOS.demoResident)!
    expect((await list(demo)).output).toEqual({ outappyinfo: [] })
    const file = async (fields: Record<string, unknown>) => (await send('2551', { outappy: { psn_no: demo.psnNo, insutype: '390', rloc_rea: '08', rloc_admdvs: '460203', tel: '13805461288', dcla_souc: '02', ...fields } }, demo)).output.result.trt_dcla_detl_sn
    const first = await file({ begndate: '2026-06-20', enddate: '2026-07-20' })
    clock.now = new Date('2026-06-18T02:00:00Z')
    expect((await send('2552', { data: { trt_dcla_detl_sn: first, psn_no: demo.psnNo, memo: '改去北京' } }, demo)).infcode).toBe(0)
    clock.now = new Date('2026-06-19T02:00:00Z')
    const second = await file({ rloc_admdvs: '110105', begndate: '2026-06-20', enddate: '2026-07-20', memo: 'req:abc' })
    const rows = (await list(demo)).output.outappyinfo
    expect(rows.map((r: Json) => [r.trt_dcla_detl_sn, r.rloc_admdvs, r.vali_flag, r.memo, r.crte_time, r.updt_time])).toEqual([
      [second, '110105', '1', 'req:abc', '2026-06-19 10:00:00', '2026-06-19 10:00:00'],
      [first, '460203', '0', '改去北京', '2026-06-15 10:00:00', '2026-06-18 10:00:00'],
    ])
  })

  it('gives the demo household nothing and checks the 参保地', async () => {
    const { state, list } = setup()
    for (const member of state.residents.listHousehold(FIXTURE_CERT_NOS.demoResident)) {
      expect((await list(member)).output.outappyinfo).toEqual([])
    }
    const demo = state.residents.findPersonByCertNo(FIXTURE_CERT_NOS.demoResident)!
    expect(await list(demo, '520112')).toMatchObject({ infcode: -1, err_msg: '参保地医保区划[insuplc_admdvs]与人员参保地不一致' })
  })
})
