import type { SandboxPerson } from '../../seed/model'
import type { SandboxState } from '../../state'
import { describe, expect, it } from 'vitest'
import { createSandbox } from '../../app'
import { FIXTURE_CERT_NOS } from '../../seed/fixtures'
import { buildNhsaRequest, postNhsa } from '../../testing'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire replies are checked with toMatchObject/toEqual below
type Json = any

/** 2026-06-15 10:00 in Shanghai: 补办 has no day count (医保发〔2022〕22号), filing ahead up to 2026-12-12. */
const NOW = new Date('2026-06-15T02:00:00Z')
/** Prefix of every input-schema failure. */
const INVALID = '输入参数校验失败：'

function setup(now = NOW) {
  const clock = { now }
  const { app, state } = createSandbox({ now: () => clock.now })
  const person = (key: keyof typeof FIXTURE_CERT_NOS) => state.residents.findPersonByCertNo(FIXTURE_CERT_NOS[key])!
  const send = async (infno: string, input: Record<string, unknown>, who: SandboxPerson, insuplc = who.insurance[0]!.admdvs): Promise<Json> =>
    (await postNhsa(app, buildNhsaRequest(infno, input, { insuplc_admdvs: insuplc }))).json()
  const file = (who: SandboxPerson, fields: Record<string, unknown> = {}, insuplc?: string) =>
    send('2551', { outappy: { ...trip(who), ...fields } }, who, insuplc)
  return { app, state, clock, person, send, file }
}

/** A valid 08 trip to 三亚 for a week-old plan. */
function trip(who: SandboxPerson): Record<string, unknown> {
  return { psn_no: who.psnNo, insutype: '390', rloc_rea: '08', rloc_admdvs: '460203', begndate: '2026-06-20', enddate: '2026-12-19', tel: '13805461288', dcla_souc: '02' }
}

/** A 04 long-term filing to 三亚 without a basis yet (居住证明 or 个人承诺). */
const LONG = { rloc_rea: '04', enddate: null, resout_addr: '海南省三亚市吉阳区' }
/** A 居住证 as the residence proof. */
const PERMIT = { resd_cert_type: '01', resd_certno: '4602030012345' }
const NO_BASIS = '异地长期居住人员备案须提供居住证明（resd_cert_type、resd_certno）或个人承诺（prom_flag为1）'

function allFilings(state: SandboxState) {
  return state.residents.dataset.persons.flatMap(p => p.crossRegionFilings)
}

describe('2551 异地就医备案 (local extension)', () => {
  it('files a temporary trip for the person herself and keeps it', async () => {
    const { state, person, file, send } = setup()
    const demo = person('demoResident')
    expect(demo.crossRegionFilings).toEqual([])
    const body = await file(demo, { memo: '探亲' })
    expect(body).toMatchObject({ infcode: 0, err_msg: null, output: { result: { begndate: '2026-06-20', enddate: '2026-12-19', vali_flag: '1' } } })
    const sn = body.output.result.trt_dcla_detl_sn as string
    expect(sn).toMatch(/^3720260615\d{8}$/)
    expect(demo.crossRegionFilings).toEqual([expect.objectContaining({
      sn,
      insuAdmdvs: '370502',
      insutype: '390',
      rlocRea: '08',
      rlocAdmdvs: '460203',
      valid: true,
      memo: '探亲',
      requestKey: null,
      dclaSouc: '02',
      agnterName: null,
      agnterCertno: null,
      createdAt: '2026-06-15T10:00:00.000+08:00',
      cancelledAt: null,
    })])
    expect(new Set(allFilings(state).map(f => f.sn)).size).toBe(allFilings(state).length)
    const list = await send('5302', { data: { psn_no: demo.psnNo } }, demo)
    expect(list.output.outappyinfo).toEqual([expect.objectContaining({ trt_dcla_detl_sn: sn, crte_time: '2026-06-15 10:00:00', vali_flag: '1' })])
  })

  it('files through an agent (代办人) at the desk, a long-term 04 on a promise and a 06 referral', async () => {
    const { person, file } = setup()
    const demo = person('demoResident')
    const spouse = person('demoSpouse')
    const body = await file(demo, {
      rloc_rea: '04',
      rloc_admdvs: '440306',
      begndate: '2026-05-16', // 补办
      enddate: null,
      resout_addr: '广东省深圳市宝安区西乡街道固戍社区3栋501室',
      prom_flag: '1',
      dcla_souc: '01',
      agnter_name: spouse.name,
      agnter_certno: spouse.certNo.toLowerCase(),
      agnter_rlts: '10',
    })
    expect(body).toMatchObject({ infcode: 0, output: { result: { begndate: '2026-05-16', enddate: null, vali_flag: '1' } } })
    expect(demo.crossRegionFilings[0]).toMatchObject({ rlocRea: '04', end: null, promFlag: '1', dclaSouc: '01', agnterName: '王建军', agnterCertno: spouse.certNo, agnterRlts: '10', resoutAddr: '广东省深圳市宝安区西乡街道固戍社区3栋501室' })

    // A relation in words is kept as sent.
    const child = person('demoChild')
    expect(await file(child, { tel: '13805461288', agnter_name: '张秀英', agnter_certno: FIXTURE_CERT_NOS.demoResident, agnter_rlts: '家属' })).toMatchObject({ infcode: 0 })
    expect(child.crossRegionFilings[0]).toMatchObject({ agnterName: '张秀英', agnterRlts: '家属', dclaSouc: '02' })

    const mother = person('demoParent')
    const referral = await file(mother, { rloc_rea: '06', rloc_admdvs: '370102', begndate: '2026-12-12', enddate: '2027-12-12', trafout_fixmedins_name: '东营市人民医院' })
    expect(referral).toMatchObject({ infcode: 0, output: { result: { begndate: '2026-12-12', enddate: '2027-12-12' } } })
    expect(mother.crossRegionFilings[0]).toMatchObject({ rlocRea: '06', trafoutFixmedinsName: '东营市人民医院', agnterName: null })
  })

  it('医保发〔2022〕22号: files a long-term 04 on a 居住证 instead of a promise, any day back (补办)', async () => {
    const { person, file, send } = setup()
    const demo = person('demoResident')
    const body = await file(demo, {
      ...LONG,
      rloc_admdvs: '440306',
      begndate: '2025-09-01',
      resd_cert_type: '01',
      resd_certno: '4403060a12345678',
      att_cnt: 1,
    })
    expect(body).toMatchObject({ infcode: 0, output: { result: { begndate: '2025-09-01', enddate: null } } })
    const held = demo.crossRegionFilings[0]
    expect(held).toMatchObject({ promFlag: null, resdCertType: '01', resdCertno: '4403060A12345678' })
    const row = (await send('5302', { data: { psn_no: demo.psnNo } }, demo)).output.outappyinfo[0]
    expect(row).toMatchObject({ rloc_rea: '04', prom_flag: null, resd_cert_type: '01' })
    expect(row.resd_certno).toBe('4403060A12345678')
    expect(row.att_cnt).toBe(1)
    // Not locked: it may be cancelled the day after (only 承诺制 filings wait six months).
    const cancel = { trt_dcla_detl_sn: row.trt_dcla_detl_sn, psn_no: demo.psnNo, memo: '搬回参保地' }
    expect(await send('2552', { data: cancel }, demo)).toMatchObject({ infcode: 0 })
  })

  it('files employee insurance (310) for 周磊 but not the resident insurance he left', async () => {
    const { person, file } = setup()
    const zhou = person('movedToEmployee')
    const resident = await file(zhou, { rloc_admdvs: '440306' })
    expect(resident).toMatchObject({ infcode: -1, err_msg: '该人员在参保地无有效的城乡居民基本医疗保险参保信息', output: null })
    expect(zhou.crossRegionFilings).toEqual([])
    const employee = await file(zhou, { insutype: '310', rloc_admdvs: '440306' })
    expect(employee).toMatchObject({ infcode: 0, output: { result: { vali_flag: '1' } } })
    expect(employee.output.result.trt_dcla_detl_sn).toMatch(/^52/)
    expect(zhou.crossRegionFilings.map(f => f.insutype)).toEqual(['310'])
  })

  it.each([
    ['险种', { insutype: '391' }, `${INVALID}险种类型[insutype]应为390（城乡居民基本医疗保险）或310（职工基本医疗保险）`],
    ['备案类型', { rloc_rea: '07' }, `${INVALID}备案类型[rloc_rea]应为02、03、04、06或08`],
    ['就医地 format', { rloc_admdvs: '46020' }, `${INVALID}就医地[rloc_admdvs]格式错误，应为6位行政区划代码`],
    ['就医地 unknown province', { rloc_admdvs: '990101' }, '就医地[rloc_admdvs]不是有效的行政区划代码'],
    ['就医地 in the 统筹区 (广饶)', { rloc_admdvs: '370523' }, '就医地不能为参保地所在统筹区'],
    ['就医地 the city itself', { rloc_admdvs: '370500' }, '就医地不能为参保地所在统筹区'],
    ['就医地 the whole own province', { rloc_admdvs: '370000' }, '就医地不能为参保地所在统筹区'],
    ['begndate not a date', { begndate: '2026-02-30' }, `${INVALID}开始日期[begndate]格式错误，应为yyyy-MM-dd`],
    [
      'a 补办 trip that ended before today',
      { begndate: '2025-06-01', enddate: '2025-12-01' },
      '结束日期[enddate]早于今天（2026-06-15），补办的临时备案须在有效期内',
    ],
    ['begndate 181 days ahead', { begndate: '2026-12-13', enddate: '2027-01-10' }, '开始日期[begndate]不能晚于2026-12-12（最多提前180天办理）'],
    ['enddate not a date', { enddate: '20261219' }, `${INVALID}结束日期[enddate]格式错误，应为yyyy-MM-dd`],
    ['long-term with an end', { rloc_rea: '02' }, '长期备案（备案类型02、03、04）长期有效，结束日期[enddate]应为空'],
    ['temporary without an end', { enddate: null }, '临时外出就医备案（备案类型06、08）结束日期[enddate]不能为空'],
    ['end on the start day', { enddate: '2026-06-20' }, '结束日期[enddate]应晚于开始日期[begndate]'],
    ['end before the start', { enddate: '2026-06-19' }, '结束日期[enddate]应晚于开始日期[begndate]'],
    ['more than 12 months', { enddate: '2027-06-21' }, '临时外出就医备案有效期不能超过12个月'],
    ['06 without 转出医院', { rloc_rea: '06' }, '异地转诊就医人员备案须填写转出医院名称[trafout_fixmedins_name]'],
    ['04 without an address', { rloc_rea: '04', enddate: null, prom_flag: '1' }, '异地长期居住人员备案须填写居住地址[resout_addr]'],
    ['04 without a proof or a promise', LONG, NO_BASIS],
    ['04 with prom_flag 0', { ...LONG, prom_flag: '0' }, NO_BASIS],
    ['04 with both a proof and a promise', { ...LONG, prom_flag: '1', ...PERMIT }, '居住证明与个人承诺只能选择一种方式办理'],
    [
      '04 with a proof kind but no number',
      { ...LONG, resd_cert_type: '01' },
      '居住证明类型[resd_cert_type]与居住证明编号[resd_certno]须同时填写',
    ],
    [
      'a proof of an unknown kind',
      { ...LONG, ...PERMIT, resd_cert_type: '09' },
      `${INVALID}居住证明类型[resd_cert_type]应为01、02、03或04`,
    ],
    [
      'a proof number with spaces',
      { ...LONG, ...PERMIT, resd_certno: '46 02' },
      `${INVALID}居住证明编号[resd_certno]应为4–30位字母、数字或“-”`,
    ],
    ['a proof on a temporary trip', PERMIT, '居住证明[resd_cert_type、resd_certno]仅用于异地长期居住人员备案（备案类型04）'],
    ['bad prom_flag', { prom_flag: 'Y' }, `${INVALID}个人承诺标志[prom_flag]应为0或1`],
    ['tel of 10 digits', { tel: '1380546128' }, `${INVALID}联系电话[tel]格式错误，应为11位手机号码`],
    ['tel missing', { tel: undefined }, `${INVALID}联系电话[tel]不能为空`],
    ['申报来源', { dcla_souc: '04' }, `${INVALID}申报来源[dcla_souc]应为01（经办窗口）、02（移动端）或03（网上服务大厅）`],
    ['agent without a cert no', { agnter_name: '王建军' }, '代办人姓名[agnter_name]与代办人证件号码[agnter_certno]须同时填写'],
    ['agent relation alone', { agnter_rlts: '10' }, '代办人姓名[agnter_name]与代办人证件号码[agnter_certno]须同时填写'],
    ['agent cert no invalid', { agnter_name: '王建军', agnter_certno: '370502198408210171' }, '代办人证件号码[agnter_certno]不是有效的居民身份证号码'],
    ['agent relation too long', { agnter_name: '王建军', agnter_certno: FIXTURE_CERT_NOS.demoSpouse, agnter_rlts: '配偶'.repeat(11) }, `${INVALID}代办人关系[agnter_rlts]超长（最多20位）`],
    ['agent is the person', { agnter_name: '张秀英', agnter_certno: FIXTURE_CERT_NOS.demoResident }, '代办人不能为备案人本人'],
  ])('refuses %s', async (_label, fields, message) => {
    const { state, person, file } = setup()
    const before = allFilings(state).length
    const body = await file(person('demoResident'), fields)
    expect(body).toMatchObject({ infcode: -1, err_msg: message, output: null })
    expect(allFilings(state)).toHaveLength(before)
    expect(person('demoResident').crossRegionFilings).toEqual([])
  })

  it('refuses a missing node, a missing psn_no and a wrong or missing 参保地', async () => {
    const { send, person, file } = setup()
    const demo = person('demoResident')
    expect(await send('2551', { data: trip(demo) }, demo)).toMatchObject({ infcode: -1, err_msg: `${INVALID}交易输入缺少outappy节点` })
    expect(await file(demo, { psn_no: ' ' })).toMatchObject({ infcode: -1, err_msg: `${INVALID}人员编号[psn_no]不能为空` })
    expect(await file(demo, {}, '610322')).toMatchObject({ infcode: -1, err_msg: '参保地医保区划[insuplc_admdvs]与人员参保地不一致' })
    expect(await file(demo, {}, '')).toMatchObject({ infcode: -1, err_msg: '参保地医保区划[insuplc_admdvs]不能为空' })
    expect(demo.crossRegionFilings).toEqual([])
  })

  it('allows a temporary filing of exactly 12 months, clamping to the end of February', async () => {
    const { person, file } = setup()
    expect(await file(person('demoResident'), { begndate: '2026-06-20', enddate: '2027-06-20' })).toMatchObject({ infcode: 0 })
    const leap = setup(new Date('2028-02-20T02:00:00Z'))
    // 2028-02-29 + 12 months: 2029 has no 29 February, so the last allowed day is 2029-02-28.
    expect(await leap.file(leap.person('demoResident'), { begndate: '2028-02-29', enddate: '2029-03-01' })).toMatchObject({ infcode: -1, err_msg: '临时外出就医备案有效期不能超过12个月' })
    expect(await leap.file(leap.person('demoResident'), { begndate: '2028-02-29', enddate: '2029-02-28' })).toMatchObject({ infcode: 0 })
  })

  it('holds one filing in force at a time; a cancelled or ended one does not count', async () => {
    const { state, clock, person, file, send } = setup()
    const demo = person('demoResident')
    const first = await file(demo)
    expect(first.infcode).toBe(0)
    // Even a filing that starts later is in force for this rule.
    const second = await file(demo, { rloc_rea: '04', rloc_admdvs: '440306', begndate: '2026-07-01', enddate: null, resout_addr: '广东省深圳市宝安区', prom_flag: '1' })
    expect(second).toMatchObject({ infcode: -1, err_msg: '该人员已有有效的异地就医备案，请先变更或撤销' })
    expect(demo.crossRegionFilings).toHaveLength(1)

    const sn = first.output.result.trt_dcla_detl_sn
    expect(await send('2552', { data: { trt_dcla_detl_sn: sn, psn_no: demo.psnNo, memo: '行程取消' } }, demo)).toMatchObject({ infcode: 0 })
    const third = await file(demo, { rloc_admdvs: '110105' })
    expect(third).toMatchObject({ infcode: 0 })
    expect(third.output.result.trt_dcla_detl_sn).not.toBe(sn)
    expect(demo.crossRegionFilings.map(f => f.valid)).toEqual([false, true])

    // Once the trip has ended (after 2026-12-19) a new filing is accepted.
    clock.now = new Date('2026-12-20T02:00:00Z')
    expect(await file(demo, { begndate: '2026-12-25', enddate: '2027-03-01' })).toMatchObject({ infcode: 0 })
    expect(demo.crossRegionFilings).toHaveLength(3)

    // The seeded resident whose 2025 trip simply ended may file again.
    const ended = state.residents.dataset.persons.find(p => p.crossRegionFilings.some(f => f.valid && f.end === '2025-11-30'))!
    expect(ended.crossRegionFilings.filter(f => f.valid).map(f => f.end)).toEqual(['2025-11-30'])
    expect(await file(ended, { tel: ended.mobile, begndate: '2026-12-25', enddate: '2027-03-01' })).toMatchObject({ infcode: 0 })
  })

  it('answers a repeat with the same req: memo with the same filing, per person', async () => {
    const { state, person, file } = setup()
    const demo = person('demoResident')
    const memo = 'req:7f0c2a52-3c5e-4d0e-9f57-2b8f5b1a9c11'
    const first = await file(demo, { memo })
    expect(first.infcode).toBe(0)
    const count = allFilings(state).length
    // The retry may even differ: the filing made first is what it gets.
    const again = await file(demo, { memo, rloc_admdvs: '110105' })
    expect(again).toEqual(expect.objectContaining({ infcode: 0, output: first.output }))
    expect(allFilings(state)).toHaveLength(count)
    expect(demo.crossRegionFilings).toEqual([expect.objectContaining({ rlocAdmdvs: '460203', requestKey: memo, memo })])

    // Another request key, or the same text without the req: prefix, is a new filing (refused: one in force).
    expect(await file(demo, { memo: 'req:another' })).toMatchObject({ infcode: -1, err_msg: '该人员已有有效的异地就医备案，请先变更或撤销' })
    expect(await file(demo, { memo: '探亲' })).toMatchObject({ infcode: -1 })

    // The key is the person's: the spouse's request with the same memo files for him.
    const spouse = person('demoSpouse')
    const his = await file(spouse, { memo })
    expect(his.infcode).toBe(0)
    expect(his.output.result.trt_dcla_detl_sn).not.toBe(first.output.result.trt_dcla_detl_sn)
    expect(spouse.crossRegionFilings).toHaveLength(1)
  })

  it('sends the serial as a number under the bad-shape fault', async () => {
    const { app, person } = setup()
    const demo = person('demoResident')
    const res = await postNhsa(app, buildNhsaRequest('2551', { outappy: trip(demo) }, { insuplc_admdvs: '370502' }), { headers: { 'X-Sandbox-Fault': 'bad-shape' } })
    const body: Json = await res.json()
    expect(typeof body.output.result.trt_dcla_detl_sn).toBe('number')
    expect(body.output.result.vali_flag).toBeUndefined()
  })
})
