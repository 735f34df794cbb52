import type { NhsaResponse } from '../nhsa/envelope'
import type { PersonInfoOutput } from '../nhsa/transactions/1101-person-info'
import type { SandboxInsurance } from '../seed/model'
import { beforeEach, describe, expect, it } from 'vitest'
import { createSandbox } from '../app'
import { FIXTURE_CERT_NOS } from '../seed/fixtures'
import { buildNhsaRequest, postNhsa } from '../testing'
import { PREMIUM_COLLECT_PATH, PREMIUM_QUOTE_PATH, PREMIUM_REFUND_PATH } from './premiums'
import { TAX_QUERY_PATH } from './routes'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire replies are checked with toEqual/toMatchObject below
type Json = any

const CERT = FIXTURE_CERT_NOS.demoParent
/** 2026-11-22 12:00 Shanghai: collection for 2027 is open, its benefit period has not started. */
const NOV = new Date('2026-11-22T04:00:00Z')

let now: Date
let sandbox: ReturnType<typeof createSandbox>

beforeEach(() => {
  now = NOV
  sandbox = createSandbox({ now: () => now })
})

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await sandbox.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  return { res, body: await res.clone().json().catch(() => null) as Json }
}

const person = () => sandbox.state.residents.findPersonByCertNo(CERT)!
const record2027 = () => person().contributions.find(c => c.year === 2027)

async function collect(ddh: string, je = '160.00') {
  const { body } = await post(PREMIUM_COLLECT_PATH, { ddh, zfqd: '01', zfls: `4200${ddh}`, zfsj: '2026-11-22T12:00:00+08:00', mx: [{ sfzjhm: CERT, jfnd: 2027, je }] })
  expect(body.fhdm).toBe('0000')
}

async function quote2027() {
  return (await post(PREMIUM_QUOTE_PATH, { sfzjlx: '201', sfzjhm: CERT, jfnd: 2027 })).body.jfxx
}

function refundBody(over: Record<string, unknown> = {}) {
  return { tkdh: 'RF202611220001', ddh: 'ORDER20261122A', sfzjlx: '201', sfzjhm: CERT, jfnd: 2027, je: '160.00', tkyy: '02', ...over }
}

async function refund(over: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return post(PREMIUM_REFUND_PATH, refundBody(over), headers)
}

/** The error reply, and that nothing changed: the collected 2027 premium is still paid. */
async function refused(over: Record<string, unknown>, fhdm: string, fhxx: string | RegExp) {
  const before = structuredClone(person().contributions)
  const { res, body } = await refund(over)
  expect(res.status).toBe(200)
  expect(body.fhdm).toBe(fhdm)
  expect(body.fhxx).toMatch(fhxx)
  expect(body.tkpzh).toBeUndefined()
  expect(person().contributions).toEqual(before)
}

describe('tax bureau premium refund (stand-in)', () => {
  it('approves a refund of a collected year: the premium is payable again everywhere', async () => {
    await collect('ORDER20261122A')
    expect(await quote2027()).toMatchObject({ jfzt: '1', kjbz: '0', bkjyy: '01', yjje: '0.00' })
    const receipt = record2027()!.receiptNo

    const { res, body } = await refund()
    expect(res.status).toBe(200)
    expect(body).toEqual({ fhdm: '0000', fhxx: '退费审核通过', tkpzh: expect.stringMatching(/^TF\d{10}$/) })

    // The record stays (unpaid), so the derived 2027 does not come back in its place.
    expect(person().contributions.filter(c => c.year === 2027)).toEqual([expect.objectContaining({ paid: false, paidAt: null, channel: null, receiptNo: null, personalFen: 16_000 })])
    expect(receipt).not.toBeNull()
    expect(await quote2027()).toMatchObject({ jfzt: '0', kjbz: '1', bkjyy: '', yjje: '160.00' })
    const rows = (await post(TAX_QUERY_PATH, { sfzjlx: '201', sfzjhm: CERT, jfnd: 2027 })).body.jfxx
    expect(rows).toEqual([expect.objectContaining({ jfnd: '2027', jfzt: '0', jfje: '160.00', jfrq: '', pzhm: '' })])

    // Once 2027 starts, the national platform sees resident coverage suspended (not paid).
    now = new Date('2027-03-01T02:00:00Z')
    const info = await (await postNhsa(sandbox.app, buildNhsaRequest('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: CERT, psn_cert_type: '01', certno: CERT } }))).json() as NhsaResponse<PersonInfoOutput>
    expect(info.output?.insuinfo.find(r => r.insutype === '390')).toMatchObject({ psn_insu_stas: '2', paus_insu_date: '2027-01-01' })
  })

  it('gives the same tkpzh for the same tkdh, and the number depends on tkdh', async () => {
    await collect('ORDER20261122A')
    const first = (await refund()).body
    // A fresh sandbox: same tkdh, same number.
    sandbox = createSandbox({ now: () => now })
    await collect('ORDER20261122A')
    expect((await refund()).body).toEqual(first)
    sandbox = createSandbox({ now: () => now })
    await collect('ORDER20261122A')
    expect((await refund({ tkdh: 'RF202611220002' })).body.tkpzh).not.toBe(first.tkpzh)
  })

  it('is idempotent on tkdh: a replay answers the same and changes nothing', async () => {
    await collect('ORDER20261122A')
    const first = (await refund()).body
    expect(first.fhdm).toBe('0000')
    // Paid again under another order after the refund.
    await collect('ORDER20261122B')
    expect(record2027()).toMatchObject({ paid: true })
    const before = structuredClone(person().contributions)

    expect((await refund()).body).toEqual(first)
    // The replay did not refund the new payment.
    expect(person().contributions).toEqual(before)
    expect(await quote2027()).toMatchObject({ jfzt: '1', kjbz: '0' })

    // The same tkdh for another order (or person, or year) is a parameter error.
    await refused({ ddh: 'ORDER20261122B' }, '9001', /tkdh/)
    await refused({ jfnd: 2026 }, '9001', /tkdh/)
    await refused({ sfzjhm: FIXTURE_CERT_NOS.suspended }, '9001', /tkdh/)
    // The first order's payment was refunded: nothing left to refund under it.
    await refused({ tkdh: 'RF202611220003' }, '2001', '未查询到该笔缴费记录')
    // The new one can be.
    expect((await refund({ tkdh: 'RF202611220004', ddh: 'ORDER20261122B' })).body.fhdm).toBe('0000')
    expect(record2027()).toMatchObject({ paid: false })
  })

  it('refuses bad parameters with 9001', async () => {
    await collect('ORDER20261122A')
    const bad = await post(PREMIUM_REFUND_PATH, '{not json')
    expect(bad.body.fhdm).toBe('9001')
    expect(record2027()).toMatchObject({ paid: true })
    await refused({ tkdh: '12345' }, '9001', '请求参数错误')
    await refused({ tkdh: 'RF 2026 1122' }, '9001', '请求参数错误')
    await refused({ tkdh: 'R'.repeat(33) }, '9001', '请求参数错误')
    await refused({ sfzjlx: '101' }, '9001', '请求参数错误')
    await refused({ sfzjhm: '12345' }, '9001', '请求参数错误')
    await refused({ je: '160' }, '9001', '请求参数错误')
    await refused({ tkyy: '06' }, '9001', '请求参数错误')
    await refused({ jfnd: undefined }, '9001', '请求参数错误')
    await refused({ ddh: undefined }, '9001', '请求参数错误')
  })

  it('refuses an unknown person (1001), an unknown payment (2001) and another amount (2002)', async () => {
    await collect('ORDER20261122A')
    expect(sandbox.state.residents.findPersonByCertNo('110101199001011237')).toBeUndefined()
    await refused({ sfzjhm: '110101199001011237' }, '1001', '未查询到缴费人登记信息')
    await refused({ ddh: 'ORDER20261122Z' }, '2001', '未查询到该笔缴费记录')
    // 2026 was paid (seeded), but not through this order.
    await refused({ jfnd: 2026 }, '2001', '未查询到该笔缴费记录')
    await refused({ sfzjhm: FIXTURE_CERT_NOS.suspended }, '2001', '未查询到该笔缴费记录')
    await refused({ je: '400.00' }, '2002', '退费金额与缴费金额不一致')
    await refused({ je: '159.99' }, '2002', '退费金额与缴费金额不一致')
  })

  it('refuses once the benefit year has started (2003), except for a death before it', async () => {
    await collect('ORDER20261122A')
    now = new Date('2026-12-31T16:00:00Z') // 00:00 on 1 January 2027 in Shanghai
    for (const tkyy of ['02', '04']) await refused({ tkyy }, '2003', '该年度待遇享受期已开始，不予退费')
    // 03 goes on, for the months that overlap employee insurance: none here.
    await refused({ tkyy: '03', je: '10.00' }, '2007', '未查询到与该年度重叠的职工医保参保月份')
    now = new Date('2026-12-31T15:59:59Z') // 23:59:59 on 31 December: still before
    expect((await refund({ tkyy: '04' })).body.fhdm).toBe('0000')
  })

  it('checks the death register for 01 (2004)', async () => {
    await collect('ORDER20261122A')
    await refused({ tkyy: '01' }, '2004', '未查询到死亡登记信息')
    person().deathDate = '2027-01-01'
    await refused({ tkyy: '01' }, '2004', '未查询到死亡登记信息')
    person().deathDate = '2026-12-31'
    // After the benefit year started: allowed for a death before it.
    now = new Date('2027-02-01T02:00:00Z')
    expect((await refund({ tkyy: '01' })).body).toMatchObject({ fhdm: '0000', fhxx: '退费审核通过' })
    expect(record2027()).toMatchObject({ paid: false })
  })

  it('checks employee insurance for 03 (2005)', async () => {
    await collect('ORDER20261122A')
    await refused({ tkyy: '03' }, '2005', '未查询到职工医保参保信息')
    const emp: SandboxInsurance = { insutype: '310', admdvs: '370502', insuDate: '2026-03-01', endDate: '2026-12-31', endReason: null, empName: '东营测试有限公司', balanceFen: 0, psnType: '11', cvlservFlag: '0' }
    person().insurance.push(emp)
    await refused({ tkyy: '03' }, '2005', '未查询到职工医保参保信息')
    emp.endDate = '2027-01-01'
    expect((await refund({ tkyy: '03' })).body.fhdm).toBe('0000')
    expect(record2027()).toMatchObject({ paid: false })
  })

  it('refunds 03 after 1 January pro rata: at most the whole months of a 310 relation, year kept paid', async () => {
    await collect('ORDER20261122A')
    now = new Date('2027-03-10T02:00:00Z')
    // Employee insurance from 15 March: April–December whole, 9 months → at most 160.00 × 9 ÷ 12 = 120.00.
    const emp: SandboxInsurance = {
      insutype: '310',
      admdvs: '370502',
      insuDate: '2027-03-15',
      endDate: null,
      endReason: null,
      empName: '东营测试有限公司',
      balanceFen: 0,
      psnType: '11',
      cvlservFlag: '0',
    }
    person().insurance.push(emp)
    await refused({ tkyy: '03', je: '120.01' }, '2002', '退费金额超出核定金额')
    await refused({ tkyy: '03', je: '0.00' }, '2002', '退费金额超出核定金额')
    const { body } = await refund({ tkyy: '03', je: '120.00' })
    expect(body).toMatchObject({ fhdm: '0000', fhxx: '退费审核通过' })
    expect(record2027()).toMatchObject({ paid: true, refundedFen: 120_00 })
    // The same number again is the same answer; another refund of the record is refused.
    expect((await refund({ tkyy: '03', je: '120.00' })).body).toEqual(body)
    await refused({ tkdh: 'RF202611220002', tkyy: '03', je: '10.00' }, '2001', '未查询到该笔缴费记录')
  })

  it('refunds 05 (资助对象) up to what was collected when a funded status is in force in the year (2006)', async () => {
    await collect('ORDER20261122A')
    const mother = person()
    const statuses = mother.statuses
    mother.statuses = []
    await refused({ tkyy: '05', je: '100.00' }, '2006', '未查询到参保资助信息')
    // Made 特困 in March 2027, after paying.
    const made = { ...statuses[0]!, status: 'extreme_poverty', idetType: '2301', begin: '2027-03-01' } as const
    mother.statuses = [...statuses, { ...made, end: null }]
    now = new Date('2027-04-01T02:00:00Z')
    await refused({ tkyy: '05', je: '160.01' }, '2002', '退费金额超出核定金额')
    expect((await refund({ tkyy: '05', je: '160.00' })).body.fhdm).toBe('0000')
    expect(record2027()).toMatchObject({ paid: true, refundedFen: 160_00 })
  })

  it('is faulted like every bureau route', async () => {
    await collect('ORDER20261122A')
    const { res } = await refund({}, { 'X-Sandbox-Fault': 'status=502' })
    expect(res.status).toBe(502)
    expect(await res.text()).toContain('nginx')
    expect(record2027()).toMatchObject({ paid: true })
  })
})
