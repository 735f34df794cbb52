import type { NhsaResponse } from '../envelope'
import type { PersonInfoOutput } from './1101-person-info'
import { isValidIdCard, yuanToFen } from '@yibao/shared'
import { describe, expect, it } from 'vitest'
import { createSandbox } from '../../app'
import { DEMO_RESIDENT_CERT_NO, FIXTURE_CERT_NOS } from '../../seed/fixtures'
import { buildNhsaRequest, postNhsa } from '../../testing'
import { DSAB_TYPE, PSN_IDET_TYPES, PSN_TYPES } from '../dictionaries'
import { ageWithTenths } from './1101-person-info'

// 2026-06-15 10:00 in Shanghai: mid benefit year 2026.
const NOW = new Date('2026-06-15T10:00:00+08:00')

interface Query {
  certNo?: string
  name?: string
  certType?: '01' | '02' | '03'
  certValue?: string
  cardSn?: string
  begntime?: string
}

async function call1101(q: Query, sandbox = createSandbox({ now: () => NOW })): Promise<NhsaResponse<PersonInfoOutput>> {
  const data = {
    mdtrt_cert_type: q.certType ?? '02',
    mdtrt_cert_no: q.certValue ?? q.certNo ?? '',
    card_sn: q.cardSn ?? '',
    begntime: q.begntime ?? '',
    psn_cert_type: q.certNo ? '01' : '',
    certno: q.certNo ?? '',
    psn_name: q.name ?? '',
  }
  const res = await postNhsa(sandbox.app, buildNhsaRequest('1101', { data }))
  expect(res.status).toBe(200)
  return res.json() as Promise<NhsaResponse<PersonInfoOutput>>
}

async function ok(q: Query): Promise<PersonInfoOutput> {
  const body = await call1101(q)
  expect(body.err_msg).toBeNull()
  expect(body.infcode).toBe(0)
  if (!body.output) throw new Error('no output')
  return body.output
}

describe('1101 人员信息获取', () => {
  it('returns the demo resident 张秀英 with baseinfo, one paid 390 row and no special status', async () => {
    const out = await ok({ certNo: DEMO_RESIDENT_CERT_NO, name: '张秀英' })
    expect(isValidIdCard(DEMO_RESIDENT_CERT_NO)).toBe(true)
    expect(out.baseinfo).toMatchObject({
      psn_cert_type: '01',
      certno: DEMO_RESIDENT_CERT_NO,
      psn_name: '张秀英',
      gend: '2',
      naty: '01',
      brdy: '1986-03-15',
      age: 40.2,
      exp_content: '',
    })
    expect(out.baseinfo.psn_no).toMatch(/^37\d{18}$/)
    expect(out.insuinfo).toHaveLength(1)
    expect(out.insuinfo[0]).toMatchObject({
      balc: 0,
      insutype: '390',
      psn_type: '1501',
      psn_insu_stas: '1',
      paus_insu_date: null,
      cvlserv_flag: '0',
      insuplc_admdvs: '370502',
      emp_name: '东营区城乡居民虚拟单位',
    })
    expect(out.insuinfo[0]!.psn_insu_date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(out.idetinfo).toEqual([])
  })

  it('returns the demo mother with her 低保 status in idetinfo', async () => {
    const out = await ok({ certNo: FIXTURE_CERT_NOS.demoParent })
    expect(out.baseinfo.psn_name).toBe('刘桂英')
    expect(out.insuinfo[0]?.psn_type).toBe('1601')
    expect(out.idetinfo).toEqual([{ psn_idet_type: '2201', psn_type_lv: null, memo: null, begntime: '2019-07-01 00:00:00', endtime: null }])
  })

  it('returns a Guizhou 建档立卡 person with two statuses and amounts as strings', async () => {
    const out = await ok({ certNo: FIXTURE_CERT_NOS.guizhouPoverty, name: '潘光明' })
    expect(out.baseinfo).toMatchObject({ gend: '1', naty: '25', brdy: '1978-04-12' })
    const row = out.insuinfo[0]!
    expect(row.insuplc_admdvs).toBe('522732')
    // Guizhou rows send yuan as 2-decimal strings (field-format drift the BFF must normalise).
    expect(row.balc).toBe('0.00')
    expect(yuanToFen(row.balc)).toBe(0)
    expect(row.emp_name).toContain('财政代缴')
    const types = out.idetinfo.map(i => i.psn_idet_type).sort()
    expect(types).toEqual(['2101', '2401'])
    const disability = out.idetinfo.find(i => i.psn_idet_type === '2401')!
    expect(disability).toMatchObject({ psn_type_lv: '2', memo: '二级肢体残疾', begntime: '2012-05-18 00:00:00', endtime: null })
    // 残疾类别 and 贫困标志 (sandbox fields: 东医保发〔2020〕56号 二(二) counts only 未脱贫的一、二级重度残疾、三级智力/精神残疾).
    expect(disability).toMatchObject({ dsab_type: '4', poor_flag: '1' })
    expect(DSAB_TYPE[disability.dsab_type as '4']).toBe('physical')
    // Other statuses carry neither.
    expect(out.idetinfo.find(i => i.psn_idet_type === '2101')).not.toHaveProperty('dsab_type')
    for (const i of out.idetinfo) expect(PSN_IDET_TYPES).toHaveProperty(i.psn_idet_type)
  })

  it('sends yuan with two decimals: a Guizhou employee balance as "1286.40", numbers elsewhere', async () => {
    const out = await ok({ certNo: FIXTURE_CERT_NOS.movedToEmployee })
    const employee = out.insuinfo.find(r => r.insutype === '310')!
    expect(employee).toMatchObject({ balc: '1286.40', psn_type: '11', psn_insu_stas: '1', psn_insu_date: '2025-03-01', emp_name: '贵阳顺达物流有限公司' })
    const resident = out.insuinfo.find(r => r.insutype === '390')!
    expect(resident).toMatchObject({ psn_insu_stas: '4', paus_insu_date: '2025-03-01', psn_type: '1501' })
  })

  it('shows the 2024 view of the employee mover when begntime is in 2024', async () => {
    const out = await ok({ certNo: FIXTURE_CERT_NOS.movedToEmployee, begntime: '2024-05-01 09:00:00' })
    expect(out.insuinfo.map(r => `${r.insutype}:${r.psn_insu_stas}`)).toEqual(['390:1'])
    expect(out.baseinfo.age).toBe(29.0)
  })

  it('lists the 392 row and the newer balance fields for a Fengxiang 特困 person', async () => {
    const out = await ok({ certNo: FIXTURE_CERT_NOS.fengxiangExtremePoverty })
    expect(out.insuinfo.map(r => r.insutype)).toEqual(['390', '392'])
    for (const row of out.insuinfo) {
      expect(row).toMatchObject({ insuplc_admdvs: '610322', psn_insu_stas: '1', balc: 0, crt_year_balc: 0, cal_year_balc: 0 })
      expect(row.emp_name).toBe('凤翔县医疗保障参保库(财政代缴特困人员)')
    }
    expect(out.idetinfo.map(i => i.psn_idet_type)).toEqual(['2301'])
  })

  it('sends the local psn_type 1560, which the dictionary does not know but whose prefix is 15', async () => {
    const out = await ok({ certNo: FIXTURE_CERT_NOS.unknownPsnType })
    const code = out.insuinfo[0]!.psn_type
    expect(code).toBe('1560')
    expect(PSN_TYPES).not.toHaveProperty(code)
    expect(PSN_TYPES).toHaveProperty(code.slice(0, 2))
    expect(out.idetinfo.map(i => i.psn_idet_type).sort()).toEqual(['2201', '2401'])
    // 一级视力残疾 of a 低保 (not 建档立卡) household: 贫困标志 0.
    const disability = out.idetinfo.find(i => i.psn_idet_type === '2401')
    expect(disability).toMatchObject({ psn_type_lv: '1', dsab_type: '1', poor_flag: '0' })
  })

  it('reports a suspended person (2026 unpaid) with psn_insu_stas 2', async () => {
    const out = await ok({ certNo: FIXTURE_CERT_NOS.suspended, name: '高丽' })
    expect(out.insuinfo[0]).toMatchObject({ psn_insu_stas: '2', paus_insu_date: '2026-01-01' })
  })

  it('reports a deceased person as terminated with the death date in exp_content', async () => {
    const out = await ok({ certNo: FIXTURE_CERT_NOS.deceased })
    expect(out.insuinfo[0]).toMatchObject({ psn_insu_stas: '4', paus_insu_date: '2025-11-20' })
    expect(JSON.parse(out.baseinfo.exp_content)).toEqual({ die_date: '2025-11-20' })
    expect(out.baseinfo.age).toBe(85.4)
  })

  it('lists both regions of a duplicate enrolment', async () => {
    const out = await ok({ certNo: FIXTURE_CERT_NOS.duplicateEnrolment })
    expect(out.insuinfo.filter(r => r.insutype === '390' && r.psn_insu_stas === '1').map(r => r.insuplc_admdvs)).toEqual(['522601', '370502'])
  })

  it('returns a person who never enrolled with no insuinfo', async () => {
    const out = await ok({ certNo: FIXTURE_CERT_NOS.neverEnrolled })
    expect(out.insuinfo).toEqual([])
  })

  it('uses the student and college-student psn_types', async () => {
    expect((await ok({ certNo: FIXTURE_CERT_NOS.student })).insuinfo[0]?.psn_type).toBe('1403')
    expect((await ok({ certNo: FIXTURE_CERT_NOS.collegeStudent })).insuinfo[0]?.psn_type).toBe('1404')
    expect((await ok({ certNo: FIXTURE_CERT_NOS.newborn })).insuinfo[0]?.psn_type).toBe('1401')
  })

  it('rejects a name that does not belong to the ID number', async () => {
    const body = await call1101({ certNo: DEMO_RESIDENT_CERT_NO, name: '张秀兰' })
    expect(body).toMatchObject({ infcode: -1, err_msg: '人员姓名与证件号码不匹配', output: null })
  })

  it('answers 未查询到人员信息 for a valid but unknown ID number', async () => {
    const unknown = '11010519491231002X'
    expect(isValidIdCard(unknown)).toBe(true)
    const body = await call1101({ certNo: unknown })
    expect(body).toMatchObject({ infcode: -1, err_msg: '未查询到人员信息', output: null })
  })

  it('accepts a lower-case x in the ID number', async () => {
    const out = await ok({ certNo: FIXTURE_CERT_NOS.movedToEmployee.toLowerCase() })
    expect(out.baseinfo.certno).toBe(FIXTURE_CERT_NOS.movedToEmployee)
  })

  it('rejects mdtrt_cert_no that differs from certno', async () => {
    const body = await call1101({ certNo: DEMO_RESIDENT_CERT_NO, certValue: FIXTURE_CERT_NOS.demoSpouse })
    expect(body.infcode).toBe(-1)
    expect(body.err_msg).toBe('就诊凭证编号与证件号码不一致')
  })

  it('finds a person by e-voucher token (01) and by social security card (03)', async () => {
    const sandbox = createSandbox({ now: () => NOW })
    const person = sandbox.state.residents.findPersonByCertNo(DEMO_RESIDENT_CERT_NO)!
    const byToken = await call1101({ certType: '01', certValue: person.ecToken }, sandbox)
    expect(byToken.output?.baseinfo.certno).toBe(DEMO_RESIDENT_CERT_NO)
    const byCard = await call1101({ certType: '03', certValue: person.ssCardNo, cardSn: person.ssCardSn }, sandbox)
    expect(byCard.output?.baseinfo.certno).toBe(DEMO_RESIDENT_CERT_NO)
    const noSn = await call1101({ certType: '03', certValue: person.ssCardNo }, sandbox)
    expect(noSn.err_msg).toContain('card_sn')
    const badToken = await call1101({ certType: '01', certValue: 'not-a-token' }, sandbox)
    expect(badToken.infcode).toBe(-1)
  })
})

describe('ageWithTenths', () => {
  it('floors to one decimal and never goes negative', () => {
    expect(ageWithTenths('1986-03-15', new Date('2026-03-15T00:00:00+08:00'))).toBe(40)
    expect(ageWithTenths('1986-03-15', new Date('2026-03-14T23:00:00+08:00'))).toBe(39.9)
    expect(ageWithTenths('1986-03-15', new Date('2026-09-15T12:00:00+08:00'))).toBe(40.5)
    expect(ageWithTenths('2026-12-01', new Date('2026-06-15T12:00:00+08:00'))).toBe(0)
  })
})
