import { describe, expect, it } from 'vitest'
import { createSandbox } from '../app'
import { FIXTURE_CERT_NOS } from '../seed/fixtures'
import { TAX_QUERY_PATH } from './routes'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire replies are checked with toMatchObject/toEqual below
type Json = any

async function query(body: unknown, now = new Date('2026-11-22T04:00:00Z'), headers: Record<string, string> = {}) {
  const { app } = createSandbox({ now: () => now })
  const res = await app.request(TAX_QUERY_PATH, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  return { res, body: await res.clone().json().catch(() => null) as Json }
}

describe('tax bureau contribution query (stand-in)', () => {
  it('lists the seeded years and the coming year once collection has opened', async () => {
    const { body } = await query({ sfzjlx: '201', sfzjhm: FIXTURE_CERT_NOS.demoParent })
    expect(body.fhdm).toBe('0000')
    expect(body.jfxx.map((r: { jfnd: string }) => r.jfnd)).toEqual(['2022', '2023', '2024', '2025', '2026', '2027'])
    // 低保: 60 % of the 400 元 standard is subsidised → 160.00 paid for 2026.
    expect(body.jfxx[4]).toMatchObject({ jfnd: '2026', xzdm: '390', cbdq: '370502', jfrylb: '1601', jfzt: '1', jfje: '160.00', jfrq: '2026-02-11 11:41:10', jfqd: '01' })
    // 2027 is not paid yet: the amount due, no date.
    expect(body.jfxx[5]).toEqual({ jfnd: '2027', xzdm: '390', cbdq: '370502', jfrylb: '1601', jfzt: '0', jfje: '160.00', jfrq: '', jfqd: '', pzhm: '' })
  })

  it('has no coming-year row before 1 September, and finance-paid residents are paid by 15 September', async () => {
    const june = await query({ sfzjlx: '201', sfzjhm: FIXTURE_CERT_NOS.fengxiangExtremePoverty }, new Date('2026-06-15T04:00:00Z'))
    expect(june.body.jfxx.map((r: { jfnd: string }) => r.jfnd)).toEqual(['2022', '2023', '2024', '2025', '2026'])
    const sep10 = await query({ sfzjlx: '201', sfzjhm: FIXTURE_CERT_NOS.fengxiangExtremePoverty, jfnd: 2027 }, new Date('2026-09-10T04:00:00Z'))
    expect(sep10.body.jfxx).toEqual([expect.objectContaining({ jfnd: '2027', jfzt: '0', jfje: '0.00' })])
    const nov = await query({ sfzjlx: '201', sfzjhm: FIXTURE_CERT_NOS.fengxiangExtremePoverty, jfnd: '2027' })
    expect(nov.body.jfxx).toEqual([expect.objectContaining({ jfnd: '2027', jfzt: '1', jfje: '0.00', jfqd: '05' })])
  })

  it('shows the suspended resident\'s unpaid 2026 and answers business errors with fhdm', async () => {
    const { body } = await query({ sfzjlx: '201', sfzjhm: FIXTURE_CERT_NOS.suspended, jfnd: 2026 })
    expect(body.jfxx).toEqual([expect.objectContaining({ jfnd: '2026', jfzt: '0', jfje: '400.00', jfrq: '' })])
    expect((await query({ sfzjlx: '201', sfzjhm: FIXTURE_CERT_NOS.neverEnrolled })).body).toEqual({ fhdm: '1001', fhxx: '未查询到缴费人登记信息', jfxx: [] })
    expect((await query({ sfzjlx: '101', sfzjhm: FIXTURE_CERT_NOS.demoParent })).body).toMatchObject({ fhdm: '9001', fhxx: '请求参数错误：身份证件类型[sfzjlx]应为201（居民身份证）' })
    expect((await query('{not json')).body).toMatchObject({ fhdm: '9001' })
  })

  it('is faulted like every bureau route', async () => {
    const { res } = await query({ sfzjlx: '201', sfzjhm: FIXTURE_CERT_NOS.demoParent }, undefined, { 'X-Sandbox-Fault': 'status=502' })
    expect(res.status).toBe(502)
    expect(await res.text()).toContain('nginx')
  })
})
