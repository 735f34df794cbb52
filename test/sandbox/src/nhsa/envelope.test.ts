import type { NhsaResponse } from './envelope'
import { describe, expect, it } from 'vitest'
import { createSandbox } from '../app'
import { DEMO_RESIDENT_CERT_NO } from '../seed/fixtures'
import { buildNhsaRequest, postNhsa } from '../testing'
import { isValidMsgid } from './envelope'

const NOW = new Date('2026-06-15T10:20:30.456+08:00')

function sandbox() {
  return createSandbox({ now: () => NOW })
}

const input1101 = { data: { mdtrt_cert_type: '02', mdtrt_cert_no: DEMO_RESIDENT_CERT_NO, psn_cert_type: '01', certno: DEMO_RESIDENT_CERT_NO } }

async function envelopeOf(res: Response): Promise<NhsaResponse> {
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toContain('application/json')
  return res.json() as Promise<NhsaResponse>
}

describe('national platform envelope', () => {
  it('answers a valid 1101 call with infcode 0 and a stamped envelope', async () => {
    const { app } = sandbox()
    const body = await envelopeOf(await postNhsa(app, buildNhsaRequest('1101', input1101, { insuplc_admdvs: '370502' })))
    expect(body.infcode).toBe(0)
    expect(body.err_msg).toBeNull()
    expect(body.inf_refmsgid).toMatch(/^\d{30}$/)
    // 接收方区划(6) + yyyyMMddHHmmss(14) + 流水号(10)
    expect(body.inf_refmsgid).toBe('370502202606151020300000000001')
    expect(body.refmsg_time).toBe('20260615102030456')
    expect(body.respond_time).toMatch(/^\d{17}$/)
    expect(body.output).not.toBeNull()
  })

  it('numbers inf_refmsgid serially and falls back on mdtrtarea_admvs for the region', async () => {
    const { app } = sandbox()
    const first = await envelopeOf(await postNhsa(app, buildNhsaRequest('1101', input1101, { mdtrtarea_admvs: '522601' })))
    const second = await envelopeOf(await postNhsa(app, buildNhsaRequest('1101', input1101, { mdtrtarea_admvs: '522601' })))
    expect(first.inf_refmsgid.slice(0, 6)).toBe('522601')
    expect(Number(second.inf_refmsgid.slice(20))).toBe(Number(first.inf_refmsgid.slice(20)) + 1)
  })

  it('rejects a body that is not JSON with infcode -1 over HTTP 200', async () => {
    const { app } = sandbox()
    const body = await envelopeOf(await postNhsa(app, '{"infno":"1101",'))
    expect(body.infcode).toBe(-1)
    expect(body.err_msg).toContain('不是合法的JSON')
    expect(body.output).toBeNull()
    expect(body.inf_refmsgid).toMatch(/^000000\d{24}$/)
  })

  it('rejects a JSON array body', async () => {
    const { app } = sandbox()
    const body = await envelopeOf(await postNhsa(app, '[]'))
    expect(body.infcode).toBe(-1)
    expect(body.err_msg).toContain('JSON对象')
  })

  it.each([
    ['msgid of 29 characters', { msgid: 'H37050200001202606151000000001'.slice(0, 29) }, 'msgid'],
    ['msgid with an impossible time', { msgid: 'H37050200001202613151000000001' }, 'msgid'],
    ['missing infno', { infno: undefined }, 'infno'],
    ['infno not 4 digits', { infno: '11011' }, 'infno'],
    ['mdtrtarea_admvs not 6 digits', { mdtrtarea_admvs: '3705' }, 'mdtrtarea_admvs'],
    ['insuplc_admdvs not 6 digits', { insuplc_admdvs: 'abc' }, 'insuplc_admdvs'],
    ['empty recer_sys_code', { recer_sys_code: '' }, 'recer_sys_code'],
    ['opter_type 4', { opter_type: '4' }, 'opter_type'],
    ['missing opter_name', { opter_name: undefined }, 'opter_name'],
    ['inf_time in the wrong format', { inf_time: '20260615102030' }, 'inf_time'],
    ['missing fixmedins_code', { fixmedins_code: undefined }, 'fixmedins_code'],
    ['missing sign_no', { sign_no: undefined }, 'sign_no'],
    ['input as a string', { input: 'data' }, 'input'],
  ])('rejects %s, naming the field in err_msg', async (_name, override, field) => {
    const { app } = sandbox()
    const request: Record<string, unknown> = { ...buildNhsaRequest('1101', input1101), ...override }
    const body = await envelopeOf(await postNhsa(app, request))
    expect(body.infcode).toBe(-1)
    expect(body.err_msg).toMatch(/^报文头校验失败：/)
    expect(body.err_msg).toContain(`[${field}]`)
    expect(body.output).toBeNull()
  })

  it('answers an unknown infno with 交易编号不存在', async () => {
    const { app } = sandbox()
    const body = await envelopeOf(await postNhsa(app, buildNhsaRequest('9999', { data: {} })))
    expect(body).toMatchObject({ infcode: -1, err_msg: '交易编号不存在', output: null })
  })

  it('requires insuplc_admdvs when the input carries psn_no', async () => {
    const { app } = sandbox()
    const request = buildNhsaRequest('1101', { data: { ...input1101.data, psn_no: '37000000050221691804' } })
    const body = await envelopeOf(await postNhsa(app, request))
    expect(body.infcode).toBe(-1)
    expect(body.err_msg).toContain('insuplc_admdvs')
  })

  it('validates the transaction input and reports the field', async () => {
    const { app } = sandbox()
    const body = await envelopeOf(await postNhsa(app, buildNhsaRequest('1101', { data: { mdtrt_cert_type: '09', mdtrt_cert_no: 'x' } })))
    expect(body.infcode).toBe(-1)
    expect(body.err_msg).toMatch(/^输入参数校验失败：.*mdtrt_cert_type/)
  })

  it('reports a missing data node', async () => {
    const { app } = sandbox()
    const body = await envelopeOf(await postNhsa(app, buildNhsaRequest('1101', {})))
    expect(body.err_msg).toContain('data')
  })
})

describe('isValidMsgid', () => {
  it('accepts 定点机构编号(12) + yyyyMMddHHmmss(14) + 顺序号(4)', () => {
    expect(isValidMsgid('H37050200001202606151020300001')).toBe(true)
  })

  it.each(['H3705020000120260615102030001', 'H37050200001202606151020300001X', 'H37050200001202602301020300001', 'H37050200001-02606151020300001'])('rejects %s', (msgid) => {
    expect(isValidMsgid(msgid)).toBe(false)
  })
})
