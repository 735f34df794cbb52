import type { Storage } from '../storage/types'
import { desc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditEvents } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { DONGYING_ADULT } from '../testing/nhsa-handlers'
import { createTestStaff, signInStaff } from '../testing/staff'
import { createTestStorage } from '../testing/storage'
import { createTestApp } from '../testing/test-app'
import { json } from '../testing/http'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

let clock = new Date('2026-11-22T02:00:00Z').getTime()

/** One app (one clock) with a resident who shows their QR and a signed-in staff member of `regions`. */
async function setup(regions = ['370500']) {
  clock += 3_600_000
  const t = createTestApp({ storage, now: () => new Date(clock) })
  const resident = new TestBrowser(t.app)
  const account = await resident.signInDirect(t.deps, { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno })
  const desk = new TestBrowser(t.app)
  const staff = await createTestStaff(t.deps, { regions })
  await signInStaff(desk, t.deps, staff)
  const token = async () => ((await (await resident.request('/api/v1/me/e-voucher')).json()) as { token: string }).token
  const verify = (browser: TestBrowser, value: string) => browser.request('/api/v1/desk/e-vouchers/verify', { method: 'POST', json: { token: value } })
  const audit = async () => storage.db.select().from(auditEvents).where(eq(auditEvents.actorId, staff.account.id)).orderBy(desc(auditEvents.id))
  return { ...t, resident, desk, account, token, verify, audit, advance: (ms: number) => { clock += ms } }
}

describe('POST /api/v1/desk/e-vouchers/verify', () => {
  it('lets a Dongying clerk scan a Dongying resident\'s QR: masked profile, audited on the help-desk channel', async () => {
    const s = await setup()
    const res = await s.verify(s.desk, await s.token())
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = await json(res)
    expect(body.profile).toMatchObject({ name: '王**', certNo: '370502********2021', regionCode: '370502', enrolments: [{ insuranceType: '390', status: 'active' }] })
    expect(JSON.stringify(body)).not.toContain(DONGYING_ADULT.certno)
    const [event] = await s.audit()
    expect(event).toMatchObject({ actorType: 'staff', channel: 'help_desk', action: 'desk.evoucher.verify', success: true, subjectMasked: '370502********2021', subjectRegion: '370502', subjectRef: s.deps.vault.ref(DONGYING_ADULT.certno) })
  })

  it('returns a handle through which the same clerk may unmask the scanned person with a reason, for 15 minutes', async () => {
    const s = await setup()
    const scan = await json(await s.verify(s.desk, await s.token()))
    expect(scan.subjectExpiresAt).toMatch(/\+08:00$/)
    const unmask = (reason: string) => s.desk.request('/api/v1/desk/unmask', { method: 'POST', json: { subject: scan.subject, reason } })
    const shown = await unmask('核对身份信息')
    expect(shown.status).toBe(200)
    expect(await json(shown)).toEqual({ certNo: DONGYING_ADULT.certno })
    expect((await s.audit())[0]).toMatchObject({ action: 'desk.person.unmask', success: true, subjectRef: s.deps.vault.ref(DONGYING_ADULT.certno), detail: { reason: '核对身份信息' } })
    s.advance(15 * 60_000)
    const late = await unmask('再次核对身份')
    expect(late.status).toBe(400)
    expect(await json(late)).toMatchObject({ error: { code: 'DESK_SUBJECT_EXPIRED' } })
    // Neither a person nor a handle: a field message.
    const none = await s.desk.request('/api/v1/desk/unmask', { method: 'POST', json: { reason: '核对身份信息' } })
    expect(await json(none)).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { certNo: '请先查询或扫码确定办理对象' } } })
  })

  it('refuses a resident\'s session (403) and nobody signed in (401)', async () => {
    const s = await setup()
    const token = await s.token()
    const asResident = await s.verify(s.resident, token)
    expect(asResident.status).toBe(403)
    expect(await json(asResident)).toMatchObject({ error: { code: 'FORBIDDEN', message: '您没有权限办理此项业务' } })
    expect((await s.verify(new TestBrowser(s.app), token)).status).toBe(401)
  })

  it('refuses an expired QR with 400 and a Chinese message, and audits the refusal', async () => {
    const s = await setup()
    const token = await s.token()
    s.advance(66_000)
    const res = await s.verify(s.desk, token)
    expect(res.status).toBe(400)
    expect(await json(res)).toMatchObject({ error: { code: 'EVOUCHER_EXPIRED', message: '该医保电子凭证二维码已过期，请参保人刷新后重新出示' } })
    expect((await s.audit())[0]).toMatchObject({ action: 'desk.evoucher.verify', success: false, detail: { outcome: 'expired' }, subjectRef: null })
  })

  it('refuses forged, truncated and foreign tokens with 400 EVOUCHER_INVALID', async () => {
    const s = await setup()
    const token = await s.token()
    const [prefix, body, sig] = token.split('.') as [string, string, string]
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>
    const forged = `${prefix}.${Buffer.from(JSON.stringify({ ...payload, exp: (payload.exp as number) + 3600 })).toString('base64url')}.${sig}`
    for (const bad of [forged, token.slice(0, -2), `${prefix}.${body}`, 'https://example.com/not-a-voucher']) {
      const res = await s.verify(s.desk, bad)
      expect(res.status).toBe(400)
      expect(await json(res)).toMatchObject({ error: { code: 'EVOUCHER_INVALID', message: '无法识别该医保电子凭证二维码，请参保人刷新后重新出示' } })
    }
    const empty = await s.verify(s.desk, '')
    expect(await json(empty)).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { token: '请扫描医保电子凭证二维码' } } })
    expect((await s.audit()).filter(e => e.action === 'desk.evoucher.verify' && !e.success)).toHaveLength(4)
  })

  it('refuses a clerk of another region (403 OUT_OF_REGION), audited', async () => {
    const s = await setup(['520000'])
    const res = await s.verify(s.desk, await s.token())
    expect(res.status).toBe(403)
    expect(await json(res)).toMatchObject({ error: { code: 'OUT_OF_REGION' } })
    expect((await s.audit())[0]).toMatchObject({ success: false, subjectRegion: '370502', detail: { outcome: 'out_of_region' } })
  })
})
