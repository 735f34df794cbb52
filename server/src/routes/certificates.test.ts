import type { Storage } from '../storage/types'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditForSubject } from '../storage/audit'
import { auditEvents, certificates } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { json } from '../testing/http'
import { DONGYING_ADULT, DONGYING_CHILD, GUIZHOU_POVERTY } from '../testing/nhsa-handlers'
import { pdfText } from '../testing/pdf'
import { createTestStaff, signInStaff } from '../testing/staff'
import { createTestStorage } from '../testing/storage'
import { clockedTestApps } from '../testing/test-app'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

/** Each test an hour after the last (rate-limit windows apart); 2026-11-22 in Shanghai. */
const { setup } = clockedTestApps(() => storage)

async function resident(person: { psn_name: string, certno: string }, t = setup()) {
  const b = new TestBrowser(t.app)
  await b.signInDirect(t.deps, { name: person.psn_name, certNo: person.certno })
  return { ...t, b }
}

async function clerk(regions: string[], t = setup()) {
  const browser = new TestBrowser(t.app)
  const staff = await createTestStaff(t.deps, { role: 'clerk', regions })
  await signInStaff(browser, t.deps, staff)
  return { ...t, browser, staff }
}

function print(browser: TestBrowser, body: unknown) {
  return browser.request('/api/v1/desk/certificates', { method: 'POST', json: body })
}

async function pdfOf(res: Response): Promise<{ pdf: Buffer, text: string, code: string }> {
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('application/pdf')
  expect(res.headers.get('cache-control')).toBe('no-store')
  const pdf = Buffer.from(await res.arrayBuffer())
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
  const text = pdfText(pdf)
  const code = /验证码：([A-Z2-9]{4}(?:-[A-Z2-9]{4}){3})/.exec(text)?.[1]
  expect(code, text).toBeDefined()
  expect(res.headers.get('x-certificate-code')).toBe(code)
  return { pdf, text, code: code! }
}

describe('GET /api/v1/certificates/pdf (参保证明, resident)', () => {
  it('issues a one-page PDF: name, masked ID, region name, years (category, paid), issue day, code, QR', async () => {
    const { b, deps } = await resident(DONGYING_ADULT)
    const res = await b.request('/api/v1/certificates/pdf')
    expect(res.headers.get('content-disposition')).toContain('certificate-20261122.pdf')
    const { pdf, text, code } = await pdfOf(res)
    expect(text).toContain('城乡居民基本医疗保险参保证明')
    expect(text).toContain(DONGYING_ADULT.psn_name)
    expect(text).toContain('370502********2021')
    expect(text).not.toContain(DONGYING_ADULT.certno)
    expect(text).toContain('山东省东营市东营区')
    for (const year of ['2026年度', '2025年度', '2024年度']) expect(text).toContain(year)
    expect(text).toContain('成年居民')
    expect(text).toContain('已缴费')
    expect(text).toContain('出具日期：2026-11-22')
    expect(text).toContain('有效期至：2027-02-20')
    expect((pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length).toBe(1)
    expect(pdf.toString('latin1')).toContain(`/URI (http://localhost/certificates/verify?code=${code})`)

    const [row] = await storage.db.select().from(certificates).where(eq(certificates.code, code))
    expect(row).toMatchObject({
      channel: 'self',
      nameMasked: '王**',
      certNoMasked: '370502********2021',
      regionCode: '370502',
    })
    expect(JSON.stringify(row)).not.toContain(DONGYING_ADULT.certno)
    const events = await listAuditForSubject(storage.db, deps.vault.ref(DONGYING_ADULT.certno))
    expect(events[0]).toMatchObject({
      action: 'certificate.issue',
      channel: 'self',
      success: true,
      target: `certificate:${code}`,
    })
  })

  it('issues a bound family member\'s; not another resident by that link (404), nor signed out (401)', async () => {
    const t = setup()
    const { b } = await resident(DONGYING_ADULT, t)
    const child = { name: DONGYING_CHILD.psn_name, certNo: DONGYING_CHILD.certno }
    const link = await json(await b.request('/api/v1/family/links', { method: 'POST', json: child }))
    expect(link.status).toBe('active')
    const { text, code } = await pdfOf(await b.request(`/api/v1/certificates/pdf?member=${link.id}`))
    expect(text).toContain(DONGYING_CHILD.psn_name)
    expect(text).not.toContain(DONGYING_ADULT.psn_name)
    const [row] = await storage.db.select().from(certificates).where(eq(certificates.code, code))
    expect(row).toMatchObject({ channel: 'family', subjectRef: t.deps.vault.ref(DONGYING_CHILD.certno) })

    const stranger = await resident(GUIZHOU_POVERTY, t)
    const refused = await stranger.b.request(`/api/v1/certificates/pdf?member=${link.id}`)
    expect(refused.status).toBe(404)
    expect(await json(refused)).toMatchObject({ error: { code: 'NOT_FOUND', message: '没有找到相关记录' } })
    expect((await new TestBrowser(t.app).request('/api/v1/certificates/pdf')).status).toBe(401)
  })

  it('words a bad ?member= in Chinese', async () => {
    const { b } = await resident(DONGYING_ADULT)
    const res = await b.request(`/api/v1/certificates/pdf?member=${'a'.repeat(200)}`)
    const body = await json(res)
    expect([res.status, body.error.code]).toEqual([400, 'VALIDATION_FAILED'])
    expect(body.error.message).toMatch(/\p{Script=Han}/u)
  })
})

describe('GET /api/v1/certificates/verify/:code (public check)', () => {
  it('round trip: the printed code shows the masked facts, without sign-in; 已过期 after 90 days', async () => {
    const t = setup()
    const { b } = await resident(DONGYING_ADULT, t)
    const { code } = await pdfOf(await b.request('/api/v1/certificates/pdf'))
    const anyone = new TestBrowser(t.app)
    // Typed in lower case without hyphens: the same certificate.
    const res = await anyone.request(`/api/v1/certificates/verify/${code.replace(/-/g, '').toLowerCase()}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = await json(res)
    expect(body).toMatchObject({
      code,
      status: 'valid',
      name: '王**',
      certNo: '370502********2021',
      regionCode: '370502',
      regionName: '山东省东营市东营区',
      issuedAt: expect.stringMatching(/^2026-11-22T/),
      validUntil: '2027-02-20',
    })
    const years = body.years.map((y: { year: number, paid: boolean }) => `${y.year}:${y.paid}`)
    expect(years).toEqual(['2026:true', '2025:true', '2024:true'])
    expect(JSON.stringify(body)).not.toContain(DONGYING_ADULT.certno)
    expect(JSON.stringify(body)).not.toContain(DONGYING_ADULT.psn_name)
    const verified = await storage.db.select().from(auditEvents)
      .where(and(
        eq(auditEvents.action, 'certificate.verify'),
        eq(auditEvents.requestId, res.headers.get('x-request-id')!),
      ))
    expect(verified).toMatchObject([{ actorType: 'anonymous', success: true }])

    t.advance(91 * 86_400_000)
    const later = await json(await anyone.request(`/api/v1/certificates/verify/${code}`))
    expect(later).toMatchObject({ status: 'expired', code })
  })

  it('an unknown code is 404 in Chinese; a malformed one is the Chinese validation envelope', async () => {
    const { browser } = setup()
    const missing = await browser.request('/api/v1/certificates/verify/ABCD-EFGH-JKLM-NPQR')
    expect(missing.status).toBe(404)
    expect(await json(missing)).toMatchObject({ error: { code: 'NOT_FOUND', message: '没有找到相关记录' } })
    for (const bad of ['123', 'ABCD-EFGH-JKLM-NPQ0', 'x'.repeat(60)]) {
      const res = await browser.request(`/api/v1/certificates/verify/${bad}`)
      const body = await json(res)
      expect([res.status, body.error.code], bad).toEqual([400, 'VALIDATION_FAILED'])
      expect(body.error.fields.code, bad).toMatch(/验证码不正确/)
    }
  })
})

describe('POST /api/v1/desk/certificates (窗口打印参保证明)', () => {
  async function deskAudit(staffId: string) {
    return storage.db.select().from(auditEvents)
      .where(and(eq(auditEvents.actorId, staffId), eq(auditEvents.action, 'desk.certificate.issue')))
  }

  it('prints for a person looked up in the clerk\'s region, audited: clerk as actor, resident as subject', async () => {
    const { browser, staff, deps } = await clerk(['370500'])
    const res = await print(browser, { certNo: DONGYING_ADULT.certno })
    const { text, code } = await pdfOf(res)
    expect(text).toContain('370502********2021')
    expect(text).toContain('山东省东营市东营区')
    const [row] = await storage.db.select().from(certificates).where(eq(certificates.code, code))
    expect(row).toMatchObject({ channel: 'desk', issuer: `staff:${staff.account.id}` })
    expect(await deskAudit(staff.account.id)).toMatchObject([{
      actorType: 'staff',
      channel: 'help_desk',
      success: true,
      subjectRef: deps.vault.ref(DONGYING_ADULT.certno),
      subjectMasked: '370502********2021',
      subjectRegion: '370502',
      target: `certificate:${code}`,
    }])
    // The resident's check finds what the desk printed.
    const checked = await json(await new TestBrowser(browser.app).request(`/api/v1/certificates/verify/${code}`))
    expect(checked).toMatchObject({ status: 'valid' })
  })

  it('takes the handle of a scanned 电子凭证; another clerk\'s use is refused (400), audited', async () => {
    const t = setup()
    const { browser } = await clerk(['370500'], t)
    const { b } = await resident(DONGYING_ADULT, t)
    const { token } = await json(await b.request('/api/v1/me/e-voucher'))
    const scanned = await browser.request('/api/v1/desk/e-vouchers/verify', { method: 'POST', json: { token } })
    const scan = await json(scanned)
    await pdfOf(await print(browser, { subject: scan.subject }))

    const other = await clerk(['370500'], t)
    const refused = await print(other.browser, { subject: scan.subject })
    expect(refused.status).toBe(400)
    expect(await json(refused)).toMatchObject({ error: { code: 'DESK_SUBJECT_EXPIRED' } })
    const audit = await deskAudit(other.staff.account.id)
    expect(audit).toMatchObject([{ success: false, detail: { outcome: 'DESK_SUBJECT_EXPIRED' } }])
  })

  it('refuses another region\'s resident (403, audited, none issued), residents (403), bad input (400)', async () => {
    const t = setup()
    const { browser, staff } = await clerk(['370500'], t)
    const before = (await storage.db.select().from(certificates)).length
    const res = await print(browser, { certNo: GUIZHOU_POVERTY.certno })
    expect(res.status).toBe(403)
    expect(await json(res)).toMatchObject({ error: { code: 'OUT_OF_REGION' } })
    expect(await deskAudit(staff.account.id)).toMatchObject([{ success: false, detail: { outcome: 'out_of_region' } }])
    expect((await storage.db.select().from(certificates)).length).toBe(before)

    const { b } = await resident(DONGYING_ADULT, t)
    expect((await print(b, { certNo: DONGYING_ADULT.certno })).status).toBe(403)

    for (const body of [{}, { certNo: '123' }, { certNo: DONGYING_ADULT.certno, subject: 'x' }]) {
      const bad = await print(browser, body)
      const err = (await json(bad)).error
      expect([bad.status, err.code], JSON.stringify(body)).toEqual([400, 'VALIDATION_FAILED'])
      expect(err.message).toMatch(/\p{Script=Han}/u)
    }
  })
})
