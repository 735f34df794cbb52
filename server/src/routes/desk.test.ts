import type { Storage } from '../storage/types'
import { desc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditEvents } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { DONGYING_ADULT, FENGXIANG_CHILD, GUIZHOU_POVERTY } from '../testing/nhsa-handlers'
import { createTestStaff, signInStaff } from '../testing/staff'
import { createTestStorage } from '../testing/storage'
import { clockedTestApps } from '../testing/test-app'
import { json } from '../testing/http'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

/** Each test starts an hour after the last, so rate-limit windows of one test do not touch the next. */
const { setup } = clockedTestApps(() => storage)

/** A signed-in staff member of the given role and regions (in a new app, or in `t`'s at the same time). */
async function staffBrowser(role: 'clerk' | 'supervisor' | 'admin', regions: string[], t = setup()) {
  const browser = new TestBrowser(t.app)
  const staff = await createTestStaff(t.deps, { role, regions })
  await signInStaff(browser, t.deps, staff)
  return { ...t, browser, staff }
}

function lookUp(browser: TestBrowser, person: { certno: string, psn_name?: string }, withName = false) {
  return browser.request('/api/v1/desk/person-lookups', { method: 'POST', json: { certNo: person.certno, ...(withName && { name: person.psn_name }) } })
}

async function auditOf(actorId: string) {
  return storage.db.select().from(auditEvents).where(eq(auditEvents.actorId, actorId)).orderBy(desc(auditEvents.id))
}

/** Events far enough apart from any clock the tests use (the trail is stamped by the database). */
const ALL_DAYS = 'from=2000-01-01&to=2099-12-31'

describe('help-desk person look-up by region', () => {
  it('lets a Dongying clerk open a Dongying resident (masked) and refuses a Guizhou one, auditing both', async () => {
    const { browser, staff, logs } = await staffBrowser('clerk', ['370500'])
    const ok = await lookUp(browser, DONGYING_ADULT, true)
    expect(ok.status).toBe(200)
    expect(ok.headers.get('cache-control')).toBe('no-store')
    const profile = await json(ok)
    expect(profile).toMatchObject({ name: '王**', certNo: '370502********2021', regionCode: '370502', enrolments: [{ insuranceType: '390', regionCode: '370502' }] })
    expect(JSON.stringify(profile)).not.toContain(DONGYING_ADULT.certno)
    expect(JSON.stringify(profile)).not.toContain('王桂兰')

    const denied = await lookUp(browser, GUIZHOU_POVERTY)
    expect(denied.status).toBe(403)
    expect(await json(denied)).toMatchObject({ error: { code: 'OUT_OF_REGION', message: '该人员的参保地不在您的服务区域内，不能为其办理业务' } })

    const events = (await auditOf(staff.account.id)).filter(e => e.action === 'desk.person.lookup')
    expect(events.map(e => [e.success, e.subjectMasked, e.subjectRegion, e.channel, e.actorRole, (e.detail as { outcome?: string } | null)?.outcome ?? null])).toEqual([
      [false, '522601********0518', '522601', 'help_desk', 'clerk', 'out_of_region'],
      [true, '370502********2021', '370502', 'help_desk', 'clerk', null],
    ])
    const everything = JSON.stringify(events) + logs.join('')
    expect(everything).not.toContain(DONGYING_ADULT.certno)
    expect(everything).not.toContain(GUIZHOU_POVERTY.certno)
  })

  it('lets a clerk of all Guizhou (520000) open a Guizhou resident but not a Fengxiang one', async () => {
    const { browser } = await staffBrowser('clerk', ['520000'])
    expect((await lookUp(browser, GUIZHOU_POVERTY)).status).toBe(200)
    expect((await lookUp(browser, FENGXIANG_CHILD)).status).toBe(403)
    expect((await lookUp(browser, DONGYING_ADULT)).status).toBe(403)
  })

  it('serves a district account only its district', async () => {
    const { browser } = await staffBrowser('clerk', ['370503'])
    expect((await lookUp(browser, DONGYING_ADULT)).status).toBe(403)
  })

  it('says when the name does not match the ID number', async () => {
    const { browser } = await staffBrowser('clerk', ['370500'])
    const res = await browser.request('/api/v1/desk/person-lookups', { method: 'POST', json: { certNo: DONGYING_ADULT.certno, name: '张三' } })
    expect(res.status).toBe(404)
    expect(await json(res)).toMatchObject({ error: { code: 'PERSON_NOT_FOUND' } })
  })

  it('checks the ID number with its checksum', async () => {
    const { browser } = await staffBrowser('clerk', ['370500'])
    const res = await browser.request('/api/v1/desk/person-lookups', { method: 'POST', json: { certNo: '370502196804122022' } })
    expect(res.status).toBe(400)
    expect(await json(res)).toMatchObject({ error: { fields: { certNo: '身份证号码校验不通过，请核对后重新输入' } } })
  })
})

describe('sessions of residents and staff do not mix', () => {
  it('refuses desk routes to a resident (403) and to nobody (401)', async () => {
    const { browser, deps, app } = setup()
    await browser.signInDirect(deps, { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno })
    const res = await lookUp(browser, DONGYING_ADULT)
    expect(res.status).toBe(403)
    expect(await json(res)).toMatchObject({ error: { code: 'FORBIDDEN' } })
    expect((await browser.request('/api/v1/desk/audit')).status).toBe(403)
    expect((await browser.request('/api/v1/desk/unmask', { method: 'POST', json: { certNo: DONGYING_ADULT.certno, reason: '核对身份信息' } })).status).toBe(403)
    expect((await lookUp(new TestBrowser(app), DONGYING_ADULT)).status).toBe(401)
  })

  it('refuses resident routes to staff', async () => {
    const { browser } = await staffBrowser('clerk', ['370500'])
    const res = await browser.request('/api/v1/me/profile')
    expect(res.status).toBe(401)
    expect((await browser.request('/api/v1/session/all')).status).toBe(401)
  })

  it('ends a staff session idle for more than 15 minutes', async () => {
    const { browser, advance } = await staffBrowser('clerk', ['370500'])
    advance(14 * 60_000)
    expect((await lookUp(browser, DONGYING_ADULT)).status).toBe(200)
    advance(15 * 60_000 + 1000)
    const res = await lookUp(browser, DONGYING_ADULT)
    expect(res.status).toBe(401)
    expect(await json(res)).toMatchObject({ error: { code: 'UNAUTHENTICATED' } })
    expect((await browser.refreshSession()).kind).toBeNull()
  })

  it('ends a staff session after 12 hours however busy', async () => {
    const { browser, advance } = await staffBrowser('clerk', ['370500'])
    for (let i = 0; i < 12 * 6; i++) {
      advance(10 * 60_000)
      // A session-only request keeps it alive without using the bureau.
      await browser.request('/api/v1/session')
    }
    expect((await lookUp(browser, DONGYING_ADULT)).status).toBe(401)
  })

  it('signs staff out', async () => {
    const { browser, staff } = await staffBrowser('clerk', ['370500'])
    expect((await browser.request('/api/v1/session', { method: 'DELETE' })).status).toBe(200)
    expect((await lookUp(browser, DONGYING_ADULT)).status).toBe(401)
    expect((await auditOf(staff.account.id)).map(e => e.action)).toContain('desk.auth.sign_out')
  })
})

describe('showing a full ID number (unmask)', () => {
  it('needs a reason, returns the number, and audits the reason but never the number', async () => {
    const { browser, staff, logs } = await staffBrowser('clerk', ['370500'])
    const none = await browser.request('/api/v1/desk/unmask', { method: 'POST', json: { certNo: DONGYING_ADULT.certno } })
    expect(none.status).toBe(400)
    expect(await json(none)).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { reason: '请填写查看完整证件号码的原因' } } })
    const short = await browser.request('/api/v1/desk/unmask', { method: 'POST', json: { certNo: DONGYING_ADULT.certno, reason: '核对' } })
    expect(await json(short)).toMatchObject({ error: { fields: { reason: '原因至少4个字' } } })

    const reason = '居民现场办理代缴，核对身份证原件'
    const res = await browser.request('/api/v1/desk/unmask', { method: 'POST', json: { certNo: DONGYING_ADULT.certno, reason } })
    expect(res.status).toBe(200)
    expect(await json(res)).toEqual({ certNo: '370502196804122021' })

    const [event] = (await auditOf(staff.account.id)).filter(e => e.action === 'desk.person.unmask')
    expect(event).toMatchObject({ success: true, channel: 'help_desk', subjectMasked: '370502********2021', subjectRegion: '370502', detail: { reason } })
    expect(JSON.stringify(event)).not.toContain(DONGYING_ADULT.certno)
    expect(logs.join('')).not.toContain(DONGYING_ADULT.certno)
  })

  it('masks an ID number typed into the reason', async () => {
    const { browser, staff } = await staffBrowser('clerk', ['370500'])
    await browser.request('/api/v1/desk/unmask', { method: 'POST', json: { certNo: DONGYING_ADULT.certno, reason: `核对 ${DONGYING_ADULT.certno} 原件` } })
    const [event] = (await auditOf(staff.account.id)).filter(e => e.action === 'desk.person.unmask')
    expect(event!.detail).toEqual({ reason: '核对 370502********2021 原件' })
  })

  it('refuses to show the number of a person outside the region', async () => {
    const { browser } = await staffBrowser('clerk', ['370500'])
    const res = await browser.request('/api/v1/desk/unmask', { method: 'POST', json: { certNo: GUIZHOU_POVERTY.certno, reason: '居民现场办理代缴' } })
    expect(res.status).toBe(403)
    expect(JSON.stringify(await json(res))).not.toContain(GUIZHOU_POVERTY.certno)
  })
})

describe('audit trail for supervisors', () => {
  it('shows a supervisor the events of their region only, an admin all, and a clerk nothing', async () => {
    const dongying = await staffBrowser('clerk', ['370500'])
    await lookUp(dongying.browser, DONGYING_ADULT)
    const guizhou = await staffBrowser('clerk', ['520000'], dongying)
    await lookUp(guizhou.browser, GUIZHOU_POVERTY)
    // A Dongying clerk's refused attempt on a Guizhou resident belongs to Guizhou's trail.
    await lookUp(dongying.browser, GUIZHOU_POVERTY)

    const clerk = await dongying.browser.request(`/api/v1/desk/audit?${ALL_DAYS}`)
    expect(clerk.status).toBe(403)

    const supervisor = await staffBrowser('supervisor', ['370500'], dongying)
    const mine = await json(await supervisor.browser.request(`/api/v1/desk/audit?${ALL_DAYS}`))
    expect(mine.page).toBe(1)
    expect(mine.events.length).toBeGreaterThan(0)
    expect(mine.events.every((e: { subjectRegion: string }) => e.subjectRegion.startsWith('3705'))).toBe(true)
    const byDongying = mine.events.filter((e: { actor: string }) => e.actor === dongying.staff.username)
    expect(byDongying.map((e: object) => ({ ...e, id: 0, at: '' }))).toContainEqual({
      id: 0,
      at: '',
      actorType: 'staff',
      actor: dongying.staff.username,
      actorRole: 'clerk',
      subjectMasked: '370502********2021',
      subjectRegion: '370502',
      channel: 'help_desk',
      action: 'desk.person.lookup',
      success: true,
      reason: null,
      outcome: null,
    })
    expect(mine.events.some((e: { actor: string }) => e.actor === guizhou.staff.username)).toBe(false)
    expect(mine.events[0].at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+08:00$/)

    const gzSupervisor = await staffBrowser('supervisor', ['522601'], dongying)
    const theirs = await json(await gzSupervisor.browser.request(`/api/v1/desk/audit?${ALL_DAYS}`))
    const denied = theirs.events.find((e: { actor: string }) => e.actor === dongying.staff.username)
    expect(denied).toMatchObject({ success: false, outcome: 'out_of_region', subjectRegion: '522601' })
    expect(theirs.events.some((e: { actor: string }) => e.actor === guizhou.staff.username)).toBe(true)

    const admin = await staffBrowser('admin', ['370500'], dongying)
    const all = await json(await admin.browser.request(`/api/v1/desk/audit?${ALL_DAYS}`))
    const actors = new Set(all.events.map((e: { actor: string }) => e.actor))
    expect(actors.has(guizhou.staff.username)).toBe(true)
    expect(actors.has(dongying.staff.username)).toBe(true)
  })

  it('pages 20 events at a time and checks the dates', async () => {
    const supervisor = await staffBrowser('supervisor', ['370500'])
    for (let i = 0; i < 21; i++) await lookUp(supervisor.browser, DONGYING_ADULT)
    const first = await json(await supervisor.browser.request(`/api/v1/desk/audit?${ALL_DAYS}`))
    expect(first.events).toHaveLength(20)
    expect(first.hasMore).toBe(true)
    const second = await json(await supervisor.browser.request(`/api/v1/desk/audit?${ALL_DAYS}&page=2`))
    expect(second.page).toBe(2)
    expect(second.events[0].id).toBeLessThan(first.events[19].id)
    const bad = await supervisor.browser.request('/api/v1/desk/audit?from=2026-12-01&to=2026-11-01')
    expect(bad.status).toBe(400)
    const badFormat = await supervisor.browser.request('/api/v1/desk/audit?from=20261201')
    expect(await json(badFormat)).toMatchObject({ error: { fields: { from: '日期格式应为 YYYY-MM-DD' } } })
  })
})
