import type { SandboxPerson } from '../../seed/model'
import { describe, expect, it } from 'vitest'
import { createSandbox } from '../../app'
import { FIXTURE_CERT_NOS } from '../../seed/fixtures'
import { buildNhsaRequest, postNhsa } from '../../testing'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire replies are checked with toMatchObject/toEqual below
type Json = any

function setup(now = new Date('2026-06-15T02:00:00Z')) {
  const clock = { now }
  const { state, app } = createSandbox({ now: () => clock.now })
  const person = (key: keyof typeof FIXTURE_CERT_NOS) => state.residents.findPersonByCertNo(FIXTURE_CERT_NOS[key])!
  const send = async (infno: string, input: Record<string, unknown>, who: SandboxPerson): Promise<Json> =>
    (await postNhsa(app, buildNhsaRequest(infno, input, { insuplc_admdvs: who.insurance[0]!.admdvs }))).json()
  const file = async (who: SandboxPerson, fields: Record<string, unknown> = {}): Promise<string> => {
    const body = await send('2551', { outappy: { psn_no: who.psnNo, insutype: '390', rloc_rea: '08', rloc_admdvs: '460203', begndate: '2026-06-20', enddate: '2026-12-19', tel: '13805461288', dcla_souc: '02', ...fields } }, who)
    expect(body.infcode).toBe(0)
    return body.output.result.trt_dcla_detl_sn
  }
  const cancel = (who: SandboxPerson, sn: string, memo: unknown = '行程取消') => send('2552', { data: { trt_dcla_detl_sn: sn, psn_no: who.psnNo, memo } }, who)
  return { state, clock, person, send, file, cancel }
}

const PROMISE_04 = { rloc_rea: '04', rloc_admdvs: '440306', enddate: null, resout_addr: '广东省深圳市宝安区西乡街道固戍社区3栋501室', prom_flag: '1' }

describe('2552 撤销异地就医备案 (local extension)', () => {
  it('cancels: vali_flag 0, the reason as memo, the time recorded', async () => {
    const { clock, person, file, cancel, send } = setup()
    const demo = person('demoResident')
    const sn = await file(demo, { memo: 'req:1' })
    clock.now = new Date('2026-06-16T01:30:05Z')
    expect(await cancel(demo, sn, '行程取消，不再外出')).toMatchObject({ infcode: 0, err_msg: null, output: {} })
    expect(demo.crossRegionFilings).toEqual([expect.objectContaining({ sn, valid: false, memo: '行程取消，不再外出', requestKey: 'req:1', cancelledAt: '2026-06-16T09:30:05.000+08:00' })])
    const list = await send('5302', { data: { psn_no: demo.psnNo } }, demo)
    expect(list.output.outappyinfo).toEqual([expect.objectContaining({ trt_dcla_detl_sn: sn, vali_flag: '0', memo: '行程取消，不再外出', crte_time: '2026-06-15 10:00:00', updt_time: '2026-06-16 09:30:05' })])
  })

  it('answers a repeated cancellation with success and changes nothing', async () => {
    const { clock, person, file, cancel } = setup()
    const demo = person('demoResident')
    const sn = await file(demo)
    expect((await cancel(demo, sn, '第一次')).infcode).toBe(0)
    const after = { ...demo.crossRegionFilings[0]! }
    clock.now = new Date('2026-06-20T02:00:00Z')
    expect(await cancel(demo, sn, '第二次')).toMatchObject({ infcode: 0, output: {} })
    expect(demo.crossRegionFilings).toEqual([after])
    expect(after).toMatchObject({ valid: false, memo: '第一次', cancelledAt: '2026-06-15T10:00:00.000+08:00' })
  })

  it('locks a long-term filing made on a promise for 6 months from its begndate', async () => {
    const { clock, person, file, cancel } = setup()
    const demo = person('demoResident')
    const sn = await file(demo, { ...PROMISE_04, begndate: '2026-06-15' })
    const locked = { infcode: -1, err_msg: '以个人承诺方式办理的长期居住备案，自开始之日起6个月内不能变更或撤销', output: null }
    expect(await cancel(demo, sn)).toMatchObject(locked)
    clock.now = new Date('2026-12-14T15:59:59Z') // 2026-12-14 23:59:59 in Shanghai
    expect(await cancel(demo, sn)).toMatchObject(locked)
    expect(demo.crossRegionFilings[0]).toMatchObject({ valid: true, memo: null, cancelledAt: null })
    clock.now = new Date('2026-12-14T16:00:00Z') // 2026-12-15 00:00 in Shanghai
    expect(await cancel(demo, sn)).toMatchObject({ infcode: 0 })
    expect(demo.crossRegionFilings[0]).toMatchObject({ valid: false, memo: '行程取消' })
  })

  it('does not lock long-term filings without a promise, nor temporary ones', async () => {
    const { person, file, cancel } = setup()
    const mother = person('demoParent')
    const retired = await file(mother, { rloc_rea: '02', enddate: null, prom_flag: '0' })
    expect(await cancel(mother, retired)).toMatchObject({ infcode: 0 })
    const spouse = person('demoSpouse')
    const trip = await file(spouse, { prom_flag: '1' })
    expect(await cancel(spouse, trip)).toMatchObject({ infcode: 0 })
  })

  it('locks and then frees the seeded long-term 04 filing (since 2025-03-01 on a promise)', async () => {
    const early = setup(new Date('2025-08-31T02:00:00Z'))
    const holder = early.state.residents.dataset.persons.find(p => p.crossRegionFilings.some(f => f.rlocRea === '04'))!
    const sn = holder.crossRegionFilings.find(f => f.rlocRea === '04')!.sn
    expect(await early.cancel(holder, sn)).toMatchObject({ infcode: -1, err_msg: '以个人承诺方式办理的长期居住备案，自开始之日起6个月内不能变更或撤销' })
    const later = setup(new Date('2025-09-01T02:00:00Z'))
    const same = later.state.residents.findPersonByCertNo(holder.certNo)!
    expect(await later.cancel(same, sn, '已返回参保地居住')).toMatchObject({ infcode: 0 })
    expect(same.crossRegionFilings.find(f => f.sn === sn)).toMatchObject({ valid: false, memo: '已返回参保地居住' })
  })

  it('refuses an unknown filing, another person\'s filing and a missing reason', async () => {
    const { state, person, file, cancel, send } = setup()
    const demo = person('demoResident')
    const notFound = { infcode: -1, err_msg: '未查询到该异地就医备案信息', output: null }
    expect(await cancel(demo, '370000000000000000')).toMatchObject(notFound)
    const spouse = person('demoSpouse')
    const his = await file(spouse)
    expect(await cancel(demo, his)).toMatchObject(notFound)
    const seeded = state.residents.dataset.persons.find(p => p.crossRegionFilings.some(f => f.valid))!
    expect(await cancel(demo, seeded.crossRegionFilings.find(f => f.valid)!.sn)).toMatchObject(notFound)
    expect(await cancel(spouse, his, '  ')).toMatchObject({ infcode: -1, err_msg: '输入参数校验失败：撤销原因[memo]不能为空' })
    expect(await send('2552', { data: { trt_dcla_detl_sn: his, psn_no: spouse.psnNo } }, spouse)).toMatchObject({ infcode: -1, err_msg: '输入参数校验失败：撤销原因[memo]不能为空' })
    expect(spouse.crossRegionFilings[0]).toMatchObject({ valid: true, cancelledAt: null })
    expect(seeded.crossRegionFilings.some(f => f.valid)).toBe(true)
  })
})
