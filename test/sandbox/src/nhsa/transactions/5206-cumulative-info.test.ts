import { describe, expect, it } from 'vitest'
import { createSandbox } from '../../app'
import { FIXTURE_CERT_NOS } from '../../seed/fixtures'
import { buildNhsaRequest, postNhsa } from '../../testing'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire replies are checked with toMatchObject/toEqual below
type Json = any

const NOW = new Date('2026-11-22T04:00:00Z')

async function call(certNo: string, cumYm: string, opts: { admdvs?: string, now?: Date, fault?: string } = {}) {
  const { app, state } = createSandbox({ now: () => opts.now ?? NOW })
  const person = state.residents.findPersonByCertNo(certNo)!
  const admdvs = opts.admdvs ?? person.insurance[0]!.admdvs
  const res = await postNhsa(app, buildNhsaRequest('5206', { data: { psn_no: person.psnNo, cum_ym: cumYm } }, { insuplc_admdvs: admdvs }), opts.fault ? { headers: { 'X-Sandbox-Fault': opts.fault } } : {})
  return { res, body: await res.clone().json().catch(() => null) as Json }
}

describe('5206 人员累计信息查询', () => {
  it('sums the Guizhou poverty fixture\'s two 2026 stays, as 2-decimal strings (Guizhou quirk)', async () => {
    const { body } = await call(FIXTURE_CERT_NOS.guizhouPoverty, '202611')
    expect(body.infcode).toBe(0)
    const rows = Object.fromEntries(body.output.cuminfo.map((r: { cum_type_code: string, cum: string }) => [r.cum_type_code, r.cum]))
    // 28 600.00 + 64 250.50 元 of total cost in two stays.
    expect(rows).toMatchObject({ F0000_BIZ2101: '92850.50', C0000_BIZ21: '2', D390101: '58856.63', D390201: '14633.82', D610101: '8665.83', Q390201: '27013.57' })
    expect(body.output.cuminfo[0]).toMatchObject({ insutype: '390', year: 2026 })
  })

  it('counts only stays up to the end of cum_ym and up to today', async () => {
    // The second stay is on 2026-08-05: a query for May sees only the March stay.
    const may = await call(FIXTURE_CERT_NOS.guizhouPoverty, '202605')
    const stays = may.body.output.cuminfo.find((r: { cum_type_code: string }) => r.cum_type_code === 'C0000_BIZ21')
    expect(stays.cum).toBe('1')
    const early = await call(FIXTURE_CERT_NOS.guizhouPoverty, '202612', { now: new Date('2026-03-01T04:00:00Z') })
    expect(early.body.output.cuminfo).toEqual([])
  })

  it('spells the Shaanxi rows cum_type / cum_amt / cum_year, with yuan numbers', async () => {
    const { body } = await call(FIXTURE_CERT_NOS.fengxiangExtremePoverty, '202611')
    expect(body.output.cuminfo).toContainEqual({ insutype: '390', cum_year: '2026', cum_type: 'F0000_BIZ2101', cum_amt: 12345.67 })
  })

  it('answers an empty list for most people, and yuan numbers in Shandong', async () => {
    const student = await call(FIXTURE_CERT_NOS.student, '202611')
    expect(student.body).toMatchObject({ infcode: 0, output: { cuminfo: [] } })
    const parent = await call(FIXTURE_CERT_NOS.demoParent, '202611')
    // By hand (Dongying, 低保, level 2): in-policy 19 850 − 1 200 = 18 650; basic (18 650 − 500) × 75 % = 13 612.50;
    // burden 5 037.50 over the 5 000 poverty threshold × 65 % = 24.38; assistance 70 % × (5 037.50 − 24.38) = 3 509.18.
    const codes = Object.fromEntries(parent.body.output.cuminfo.map((r: { cum_type_code: string, cum: number }) => [r.cum_type_code, r.cum]))
    expect(codes).toEqual({ F0000_BIZ2101: 19850, D390101: 13612.5, Q390201: 5037.5, D390201: 24.38, D610101: 3509.18, C0000_BIZ21: 1 })
    const lastYear = await call(FIXTURE_CERT_NOS.demoParent, '202512')
    expect(lastYear.body.output.cuminfo).toContainEqual({ insutype: '390', year: '2025', cum_type_code: 'F0000_BIZ2101', cum: 6450 })
  })

  it('adds up exactly what the person\'s slips say, the bureau\'s own mistakes included (韦秀珍 2025)', async () => {
    const { app, state } = createSandbox({ now: () => NOW })
    const person = state.residents.listHousehold('522732000101').find(p => p.name === '韦秀珍')!
    const slips = state.settlements.listForPerson(person.psnNo).filter(s => s.settledAt.startsWith('2025'))
    expect(slips).toHaveLength(3)
    const body = await (await postNhsa(app, buildNhsaRequest('5206', { data: { psn_no: person.psnNo, cum_ym: '202512' } }, { insuplc_admdvs: '522732' }))).json() as Json
    const rows = Object.fromEntries(body.output.cuminfo.map((r: { cum_type_code: string, cum: string }) => [r.cum_type_code, r.cum]))
    const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`
    expect(rows.C0000_BIZ21).toBe('3')
    // 12 345.60 + 68 000.00 + 3 200.00 元.
    expect(rows.F0000_BIZ2101).toBe('83545.60')
    expect(rows.D390201).toBe(yuan(slips.reduce((a, s) => a + s.bureau.critical, 0)))
    expect(rows.D390101).toBe(yuan(slips.reduce((a, s) => a + s.bureau.basic, 0)))
  })

  it('refuses a wrong 参保地, an unknown psn_no and a malformed cum_ym', async () => {
    expect((await call(FIXTURE_CERT_NOS.guizhouPoverty, '202611', { admdvs: '370502' })).body).toMatchObject({ infcode: -1, err_msg: '参保地医保区划[insuplc_admdvs]与人员参保地不一致' })
    const { app } = createSandbox({ now: () => NOW })
    const unknown = await (await postNhsa(app, buildNhsaRequest('5206', { data: { psn_no: '99', cum_ym: '202611' } }, { insuplc_admdvs: '370502' }))).json() as Json
    expect(unknown).toMatchObject({ infcode: -1, err_msg: '未查询到人员信息' })
    expect((await call(FIXTURE_CERT_NOS.guizhouPoverty, '2026-11')).body).toMatchObject({ infcode: -1, err_msg: expect.stringContaining('累计年月[cum_ym]格式错误') })
  })

  it('keeps fault injection working: status and bad-shape', async () => {
    const down = await call(FIXTURE_CERT_NOS.guizhouPoverty, '202611', { fault: 'status=503' })
    expect(down.res.status).toBe(503)
    const bad = await call(FIXTURE_CERT_NOS.guizhouPoverty, '202611', { fault: 'bad-shape' })
    expect(bad.body.output.cuminfo[0]).toEqual({ insutype: '390', cum: '12,345.60' })
  })
})
