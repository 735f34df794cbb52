import type { StaffAccountView, StaffCreated, StaffList } from '@yibao/shared'
import type { Storage } from '../storage/types'
import { and, desc, eq, isNull } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAdmin } from '../admin'
import { auditEvents, sessions } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { json } from '../testing/http'
import { createTestStaff, signInStaff } from '../testing/staff'
import { createTestStorage } from '../testing/storage'
import { clockedTestApps } from '../testing/test-app'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

const { setup } = clockedTestApps(() => storage)
const BASE = '/api/v1/desk/admin/staff'

/** A signed-in staff member of the given role and regions, in `t`'s app. */
async function signedIn(t: ReturnType<typeof setup>, role: 'clerk' | 'supervisor' | 'admin', regions: string[]) {
  const browser = new TestBrowser(t.app)
  const staff = await createTestStaff(t.deps, { role, regions })
  const secret = await signInStaff(browser, t.deps, staff)
  return { browser, staff, secret }
}

async function adminOf(regions = ['370500']) {
  const t = setup()
  return { ...t, ...await signedIn(t, 'admin', regions) }
}

function post(browser: TestBrowser, path: string, body?: unknown) {
  return browser.request(`${BASE}${path}`, { method: 'POST', ...(body !== undefined && { json: body }) })
}

async function trailAbout(accountId: string) {
  return storage.db.select().from(auditEvents).where(eq(auditEvents.subjectRef, `staff:${accountId}`)).orderBy(desc(auditEvents.id))
}

async function trailOf(actorId: string, action: string) {
  return storage.db.select().from(auditEvents)
    .where(and(eq(auditEvents.actorId, actorId), eq(auditEvents.action, action))).orderBy(desc(auditEvents.id))
}

async function liveSessionsOf(accountId: string) {
  return storage.db.select().from(sessions).where(and(eq(sessions.accountId, accountId), isNull(sessions.revokedAt)))
}

async function sessionKind(browser: TestBrowser) {
  return (await json(await browser.request('/api/v1/session')) as { kind: string | null }).kind
}

describe('staff administration: who may', () => {
  it('refuses clerks and supervisors (403) and anyone not signed in (401)', async () => {
    const t = setup()
    for (const role of ['clerk', 'supervisor'] as const) {
      const { browser } = await signedIn(t, role, ['370500'])
      const list = await browser.request(BASE)
      expect(list.status).toBe(403)
      expect(await json(list)).toMatchObject({ error: { code: 'FORBIDDEN', message: '您没有权限办理此项业务' } })
      const create = await post(browser, '', { username: `x-${role}`, displayName: '某某', role: 'clerk', regionCodes: ['370500'] })
      expect(create.status).toBe(403)
    }
    const anonymous = new TestBrowser(t.app)
    expect((await anonymous.request(BASE)).status).toBe(401)
  })

  it('refuses a clerk who tries to raise their own role through the admin routes (403), the role unchanged', async () => {
    const t = setup()
    const { browser, staff } = await signedIn(t, 'clerk', ['370500'])
    const res = await post(browser, `/${staff.account.id}/access`, { role: 'admin', regionCodes: ['370500'] })
    expect(res.status).toBe(403)
    expect(await json(res)).toMatchObject({ error: { code: 'FORBIDDEN' } })
    const session = await json(await browser.request('/api/v1/session')) as { staff: { role: string } }
    expect(session.staff.role).toBe('clerk')
  })
})

describe('staff administration: the list', () => {
  it('shows the admin the accounts of their regions with names, MFA, lock, disabled and last sign-in; not others', async () => {
    const t = await adminOf(['370500'])
    const district = await signedIn(t, 'clerk', ['370502'])
    const guizhou = await createTestStaff(t.deps, { role: 'clerk', regions: ['520000'] })
    const mixed = await createTestStaff(t.deps, { role: 'supervisor', regions: ['370500', '520000'] })
    const fresh = await createTestStaff(t.deps, { role: 'clerk', regions: ['370500'] })

    const res = await t.browser.request(BASE)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = await json(res) as StaffList
    const ids = body.accounts.map(a => a.id)
    expect(ids).toContain(district.staff.account.id)
    expect(ids).toContain(fresh.account.id)
    expect(ids).not.toContain(guizhou.account.id)
    expect(ids).not.toContain(mixed.account.id)
    expect(body.grantable).toEqual([{ code: '370500', label: '东营市（370500）' }])

    const self = body.accounts.find(a => a.id === t.staff.account.id)!
    expect(self).toMatchObject({ self: true, role: 'admin', mfa: 'enrolled', disabled: false, locked: false })
    expect(self.lastSignInAt).toMatch(/^2026-11-2\dT\d\d:\d\d:\d\d.*\+08:00$/)
    const d = body.accounts.find(a => a.id === district.staff.account.id)!
    expect(d).toMatchObject({ self: false, role: 'clerk', regions: [{ code: '370502', label: '东营区（370502）' }], mfa: 'enrolled' })
    expect(d.lastSignInAt).toMatch(/^2026-11-22T\d\d:\d\d:\d\d/)
    expect(body.accounts.find(a => a.id === fresh.account.id)).toMatchObject({ mfa: 'pending', lastSignInAt: null })
    expect(JSON.stringify(body)).not.toMatch(/passwordHash|totpSecret|argon2/)
  })
})

describe('staff administration: create', () => {
  it('creates a clerk of the admin\'s region with a one-time password (never logged) who then signs in', async () => {
    const t = await adminOf(['370500'])
    const res = await post(t.browser, '', { username: ' New.Clerk ', displayName: '李娜', role: 'clerk', regionCodes: ['370502', '370502'] })
    expect(res.status).toBe(201)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const created = await json(res) as StaffCreated
    expect(created.account).toMatchObject({ username: 'new.clerk', displayName: '李娜', role: 'clerk', regions: [{ code: '370502', label: '东营区（370502）' }], mfa: 'pending', disabled: false })
    expect(created.mfa).toBe('enrol_at_first_sign_in')
    expect(created.initialPassword.length).toBeGreaterThanOrEqual(12)

    const trail = await trailAbout(created.account.id)
    expect(trail.map(e => [e.action, e.success, e.actorId, e.actorRole, e.subjectMasked, e.subjectRegion])).toEqual([
      ['desk.staff.create', true, t.staff.account.id, 'admin', 'new.clerk', '370502'],
    ])
    expect(JSON.stringify(trail) + t.logs.join('')).not.toContain(created.initialPassword)

    // The holder signs in with it and enrols their own authenticator.
    const clerk = new TestBrowser(t.app)
    await signInStaff(clerk, t.deps, { username: 'new.clerk', password: created.initialPassword })
    expect(await sessionKind(clerk)).toBe('staff')
  })

  it('refuses regions outside the admin\'s own (403) and unknown codes (400), auditing the refusal', async () => {
    const t = await adminOf(['370502'])
    const outside = await post(t.browser, '', { username: 'too-wide', displayName: '王五', role: 'clerk', regionCodes: ['370500'] })
    expect(outside.status).toBe(403)
    expect(await json(outside)).toMatchObject({ error: { code: 'STAFF_REGION_NOT_OWN', message: '只能授予您本人服务区域内的区域', fields: { regionCodes: '不在您的服务区域内：370500' } } })
    const other = await post(t.browser, '', { username: 'too-far', displayName: '王五', role: 'admin', regionCodes: ['520000'] })
    expect(other.status).toBe(403)
    const unknown = await post(t.browser, '', { username: 'nowhere', displayName: '王五', role: 'clerk', regionCodes: ['999999'] })
    expect(unknown.status).toBe(400)
    expect(await json(unknown)).toMatchObject({ error: { code: 'STAFF_REGION_UNKNOWN' } })

    const refusals = await trailOf(t.staff.account.id, 'desk.staff.create')
    expect(refusals.map(e => [e.success, e.subjectMasked, (e.detail as { outcome?: string }).outcome])).toEqual([
      [false, 'nowhere', 'STAFF_REGION_UNKNOWN'],
      [false, 'too-far', 'STAFF_REGION_NOT_OWN'],
      [false, 'too-wide', 'STAFF_REGION_NOT_OWN'],
    ])
    expect(await storage.db.select().from(auditEvents).where(eq(auditEvents.subjectMasked, 'too-wide'))).toHaveLength(1)
  })

  it('answers a taken username with 409 and bad input with the Chinese envelope', async () => {
    const t = await adminOf(['370500'])
    const taken = await post(t.browser, '', { username: t.staff.username, displayName: '重名', role: 'clerk', regionCodes: ['370500'] })
    expect(taken.status).toBe(409)
    expect(await json(taken)).toMatchObject({ error: { code: 'STAFF_USERNAME_TAKEN', message: '该用户名已被使用，请换一个' } })

    const bad = await post(t.browser, '', { username: '张三', displayName: '', role: 'boss', regionCodes: ['3705'] })
    expect(bad.status).toBe(400)
    const body = await json(bad) as { error: { code: string, message: string, fields: Record<string, string> } }
    expect(body.error.code).toBe('VALIDATION_FAILED')
    expect(body.error.message).toBe('填写的信息有误，请检查后再提交')
    expect(body.error.fields).toMatchObject({
      'username': '用户名为2–32位小写字母、数字或 . _ -，以字母或数字开头',
      'displayName': '请输入姓名',
      'role': '请选择角色',
      'regionCodes.0': '区域代码应为6位数字，如 370500',
    })
    const empty = await post(t.browser, '', { username: 'ok-name', displayName: '某', role: 'clerk', regionCodes: [] })
    expect(await json(empty)).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { regionCodes: '请至少填写一个服务区域' } } })
    const badId = await post(t.browser, '/not-a-uuid/unlock')
    expect(badId.status).toBe(400)
    expect(await json(badId)).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { id: '没有该工作人员账号' } } })
    const badFlag = await post(t.browser, `/${t.staff.account.id}/disabled`, { disabled: 'yes' })
    expect(await json(badFlag)).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { disabled: '请选择停用或启用' } } })
  })
})

describe('staff administration: the admin\'s own account', () => {
  it('refuses raising or changing their own role and regions, disabling themselves and resetting their own MFA', async () => {
    const t = await adminOf(['370500'])
    const own = t.staff.account.id
    for (const [path, body] of [
      [`/${own}/access`, { role: 'admin', regionCodes: ['370500', '370502'] }],
      [`/${own}/access`, { role: 'clerk', regionCodes: ['370500'] }],
      [`/${own}/disabled`, { disabled: true }],
      [`/${own}/mfa-reset`, undefined],
    ] as const) {
      const res = await post(t.browser, path, body)
      expect(res.status).toBe(403)
      expect(await json(res)).toMatchObject({ error: { code: 'STAFF_SELF_CHANGE' } })
    }
    expect(await sessionKind(t.browser)).toBe('staff')
    const trail = await trailAbout(own)
    expect(trail.filter(e => !e.success).map(e => [e.action, (e.detail as { outcome: string }).outcome])).toEqual([
      ['desk.staff.reset_mfa', 'STAFF_SELF_CHANGE'],
      ['desk.staff.disable', 'STAFF_SELF_CHANGE'],
      ['desk.staff.access', 'STAFF_SELF_CHANGE'],
      ['desk.staff.access', 'STAFF_SELF_CHANGE'],
    ])
  })

  it('changes another account\'s role and regions within the admin\'s own, refusing wider ones', async () => {
    const t = await adminOf(['370500'])
    const clerk = await signedIn(t, 'clerk', ['370502'])
    const wider = await post(t.browser, `/${clerk.staff.account.id}/access`, { role: 'supervisor', regionCodes: ['370000'] })
    expect(wider.status).toBe(403)
    expect(await json(wider)).toMatchObject({ error: { code: 'STAFF_REGION_NOT_OWN' } })
    const ok = await post(t.browser, `/${clerk.staff.account.id}/access`, { role: 'supervisor', regionCodes: ['370500'] })
    expect(ok.status).toBe(200)
    expect(await json(ok)).toMatchObject({ role: 'supervisor', regions: [{ code: '370500', label: '东营市（370500）' }] })
    // It applies at the account's next request.
    const session = await json(await clerk.browser.request('/api/v1/session')) as { staff: { role: string, regions: string[] } }
    expect(session.staff).toMatchObject({ role: 'supervisor', regions: ['370500'] })
    expect((await trailAbout(clerk.staff.account.id)).map(e => [e.action, e.success, e.detail])).toEqual([
      ['desk.staff.access', true, { role: 'supervisor', regionCodes: ['370500'] }],
      ['desk.staff.access', false, { role: 'supervisor', regionCodes: ['370000'], outcome: 'STAFF_REGION_NOT_OWN' }],
    ])
  })

  it('does not let an admin act on an account of other regions (404, audited)', async () => {
    const t = await adminOf(['370500'])
    const guizhou = await createTestStaff(t.deps, { role: 'clerk', regions: ['520000'] })
    for (const path of ['/unlock', '/mfa-reset']) {
      const res = await post(t.browser, `/${guizhou.account.id}${path}`)
      expect(res.status).toBe(404)
      expect(await json(res)).toMatchObject({ error: { code: 'STAFF_NOT_FOUND' } })
    }
    const disable = await post(t.browser, `/${guizhou.account.id}/disabled`, { disabled: true })
    expect(disable.status).toBe(404)
    const trail = await trailAbout(guizhou.account.id)
    expect(trail.map(e => e.success)).toEqual([false, false, false])
    const clerk = new TestBrowser(t.app)
    await signInStaff(clerk, t.deps, guizhou)
    expect(await sessionKind(clerk)).toBe('staff')
  })
})

describe('staff administration: reset MFA, unlock, disable', () => {
  it('resets a clerk\'s authenticator: their sessions end and the next sign-in enrols a new one', async () => {
    const t = await adminOf(['370500'])
    const clerk = await signedIn(t, 'clerk', ['370500'])
    expect(await liveSessionsOf(clerk.staff.account.id)).toHaveLength(1)
    const res = await post(t.browser, `/${clerk.staff.account.id}/mfa-reset`)
    expect(res.status).toBe(200)
    expect(await json(res)).toMatchObject({ mfa: 'pending' })
    expect(await liveSessionsOf(clerk.staff.account.id)).toHaveLength(0)
    expect(await sessionKind(clerk.browser)).toBeNull()

    const again = await clerk.browser.request('/api/v1/desk/auth/password', { method: 'POST', json: { username: clerk.staff.username, password: clerk.staff.password } })
    const body = await json(again) as { next: string, secret?: string }
    expect(body.next).toBe('enrol')
    expect(body.secret).not.toBe(clerk.secret)
    expect((await trailAbout(clerk.staff.account.id)).map(e => [e.action, e.success, e.actorId])).toEqual([
      ['desk.staff.reset_mfa', true, t.staff.account.id],
    ])
  })

  it('shows a locked clerk as locked and unlocks them', async () => {
    const t = await adminOf(['370500'])
    const clerk = await createTestStaff(t.deps, { role: 'clerk', regions: ['370500'] })
    const guesser = new TestBrowser(t.app)
    for (let i = 0; i < 6; i++)
      await guesser.request('/api/v1/desk/auth/password', { method: 'POST', json: { username: clerk.username, password: `wrong-${i}-password` } })
    const locked = await guesser.request('/api/v1/desk/auth/password', { method: 'POST', json: { username: clerk.username, password: clerk.password } })
    expect(locked.status).toBe(423)

    const list = await json(await t.browser.request(BASE)) as StaffList
    expect(list.accounts.find(a => a.id === clerk.account.id)).toMatchObject({ locked: true })
    const res = await post(t.browser, `/${clerk.account.id}/unlock`)
    expect(res.status).toBe(200)
    expect((await json(res) as StaffAccountView).locked).toBe(false)
    await signInStaff(guesser, t.deps, clerk)
    expect(await sessionKind(guesser)).toBe('staff')
    expect((await trailAbout(clerk.account.id)).map(e => [e.action, e.success])).toEqual([['desk.staff.unlock', true]])
  })

  it('disables a signed-in clerk: their session ends at once, sign-in is refused, and enabling lets them back', async () => {
    const t = await adminOf(['370500'])
    const clerk = await signedIn(t, 'clerk', ['370500'])
    // One more, half-way through sign-in (password done, code not yet) on another device.
    const second = new TestBrowser(t.app)
    const half = await second.request('/api/v1/desk/auth/password', { method: 'POST', json: { username: clerk.staff.username, password: clerk.staff.password } })
    expect(half.status).toBe(200)
    await second.refreshSession()

    const res = await post(t.browser, `/${clerk.staff.account.id}/disabled`, { disabled: true })
    expect(res.status).toBe(200)
    expect(await json(res)).toMatchObject({ disabled: true })
    expect(await sessionKind(clerk.browser)).toBeNull()
    const refused = await clerk.browser.request('/api/v1/desk/audit')
    expect(refused.status).toBe(401)
    const pending = await storage.db.select().from(sessions).where(isNull(sessions.revokedAt))
    expect(pending.filter(s => (s.data as { staffId?: string } | null)?.staffId === clerk.staff.account.id)).toHaveLength(0)

    t.advance(60_000)
    const signIn = await new TestBrowser(t.app).request('/api/v1/desk/auth/password', { method: 'POST', json: { username: clerk.staff.username, password: clerk.staff.password } })
    expect(signIn.status).toBe(403)
    expect(await json(signIn)).toMatchObject({ error: { code: 'ACCOUNT_DISABLED', message: '该账号已停用，请联系系统管理员' } })
    // Only the right password learns that: a wrong one is just wrong.
    const wrong = await new TestBrowser(t.app).request('/api/v1/desk/auth/password', { method: 'POST', json: { username: clerk.staff.username, password: 'not-the-password' } })
    expect(await json(wrong)).toMatchObject({ error: { code: 'INVALID_CREDENTIALS' } })

    const list = await json(await t.browser.request(BASE)) as StaffList
    expect(list.accounts.find(a => a.id === clerk.staff.account.id)).toMatchObject({ disabled: true })

    const enable = await post(t.browser, `/${clerk.staff.account.id}/disabled`, { disabled: false })
    expect(await json(enable)).toMatchObject({ disabled: false })
    const back = new TestBrowser(t.app)
    await signInStaff(back, t.deps, clerk.staff, clerk.secret)
    expect(await sessionKind(back)).toBe('staff')
    expect((await trailAbout(clerk.staff.account.id)).map(e => [e.action, e.success, e.actorId, e.actorRole])).toEqual([
      ['desk.staff.enable', true, t.staff.account.id, 'admin'],
      ['desk.staff.disable', true, t.staff.account.id, 'admin'],
    ])
  })

  it('the CLI disables through the same functions (and its reset-mfa ends sessions too)', async () => {
    const t = await adminOf(['370500'])
    const clerk = await signedIn(t, 'clerk', ['370500'])
    const out: string[] = []
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l), now: t.deps.now }
    expect(await runAdmin(['disable', '--username', clerk.staff.username], storage, io)).toBe(0)
    expect(await liveSessionsOf(clerk.staff.account.id)).toHaveLength(0)
    const list = await json(await t.browser.request(BASE)) as StaffList
    expect(list.accounts.find(a => a.id === clerk.staff.account.id)).toMatchObject({ disabled: true })
    expect(await runAdmin(['enable', '--username', clerk.staff.username], storage, io)).toBe(0)
    expect(await runAdmin(['disable', '--username', 'nobody-here'], storage, io)).toBe(1)
    expect(out).toEqual([`${clerk.staff.username} disabled and its sessions ended`, `${clerk.staff.username} enabled`, 'error: no staff account nobody-here'])
  })
})
