import type { Storage } from '../storage/types'
import process from 'node:process'
import { and, desc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditEvents, staffAccounts } from '../storage/schema'
import { setStaffDisabledByUsername } from '../lib/staff-admin'
import { TestBrowser } from '../testing/auth'
import { serveOnLoopback } from '../testing/loopback'
import { DONGYING_ADULT } from '../testing/nhsa-handlers'
import { wechatSignIn } from '../testing/people'
import { authenticatorCode, createTestStaff, signInStaff } from '../testing/staff'
import { createTestStorage } from '../testing/storage'
import { clockedTestApps, createTestApp } from '../testing/test-app'
import { signInDelayMs } from './desk-auth'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

/** Each test starts an hour after the last, so rate-limit windows of one test do not touch the next. */
const { setup, now } = clockedTestApps(() => storage)

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reply bodies are checked by toMatchObject/toEqual below
async function json(res: Response): Promise<any> {
  return res.json()
}

/** The password step; `ip` is the client address a trusted proxy reports (apps with TRUST_PROXY). */
function password(browser: TestBrowser, username: string, pw: string, ip?: string) {
  const headers = ip ? { 'x-forwarded-for': ip } : undefined
  return browser.request('/api/v1/desk/auth/password', { method: 'POST', json: { username, password: pw }, headers })
}

function totp(browser: TestBrowser, code: string, ip?: string) {
  const headers = ip ? { 'x-forwarded-for': ip } : undefined
  return browser.request('/api/v1/desk/auth/totp', { method: 'POST', json: { code }, headers })
}

const lookup = { certNo: DONGYING_ADULT.certno }

async function auditOf(actorId: string) {
  return storage.db.select().from(auditEvents).where(eq(auditEvents.actorId, actorId)).orderBy(desc(auditEvents.id))
}

describe('staff sign-in: password, then TOTP', () => {
  it('enrols an authenticator on first sign-in, then asks only for its code', async () => {
    const { browser, deps, app, advance } = setup()
    const staff = await createTestStaff(deps, { name: '王芳', regions: ['370500'] })

    const first = await password(browser, staff.username, staff.password)
    expect(first.status).toBe(200)
    const enrol = await json(first)
    expect(enrol.next).toBe('enrol')
    expect(enrol.secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(enrol.otpauthUri).toBe(`otpauth://totp/yibao:${staff.username}?issuer=yibao&secret=${enrol.secret}&algorithm=SHA1&digits=6&period=30`)
    expect(enrol.qrSvg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/)
    // The secret is stored sealed, never as is.
    const [row] = await storage.db.select().from(staffAccounts).where(eq(staffAccounts.id, staff.account.id))
    expect(row!.totpSecretEnc).toMatch(/^v1\./)
    expect(row!.totpSecretEnc).not.toContain(enrol.secret)
    expect(row!.totpEnrolled).toBe(false)

    // Half-way: a pending session, not a staff one.
    expect(await browser.refreshSession()).toMatchObject({ authenticated: false, kind: 'pending', staff: null })

    const done = await totp(browser, authenticatorCode(enrol.secret, now()))
    expect(done.status).toBe(200)
    expect(await json(done)).toEqual({ status: 'signed_in' })
    expect(await browser.refreshSession()).toMatchObject({ authenticated: true, kind: 'staff', resident: null, staff: { name: '王芳', role: 'clerk', regions: ['370500'] } })
    expect((await browser.request('/api/v1/desk/person-lookups', { method: 'POST', json: lookup })).status).toBe(200)

    // Next time on another device: no enrolment, no secret in the reply.
    advance(60_000)
    const other = new TestBrowser(app)
    const again = await password(other, staff.username, staff.password)
    expect(await json(again)).toEqual({ next: 'totp' })
    await other.refreshSession()
    expect((await totp(other, authenticatorCode(enrol.secret, now()))).status).toBe(200)
    expect((await other.refreshSession()).kind).toBe('staff')

    const actions = (await auditOf(staff.account.id)).map(e => [e.action, e.success, e.channel, e.actorType])
    expect(actions).toContainEqual(['desk.auth.password', true, 'help_desk', 'staff'])
    expect(actions).toContainEqual(['desk.auth.sign_in', true, 'help_desk', 'staff'])
  })

  it('gives a password alone no access to desk routes (TOTP required)', async () => {
    const { browser, deps } = setup()
    const staff = await createTestStaff(deps)
    expect((await browser.request('/api/v1/desk/person-lookups', { method: 'POST', json: lookup })).status).toBe(401)

    await password(browser, staff.username, staff.password)
    await browser.refreshSession()
    const res = await browser.request('/api/v1/desk/person-lookups', { method: 'POST', json: lookup })
    expect(res.status).toBe(401)
    expect(await json(res)).toMatchObject({ error: { code: 'MFA_REQUIRED', message: '请先输入动态验证码完成登录' } })
    expect((await browser.request('/api/v1/desk/audit')).status).toBe(401)
  })

  it('refuses a code used once already, a wrong code, and a code two steps old', async () => {
    const { browser, deps, app, advance } = setup()
    const staff = await createTestStaff(deps)
    const secret = await signInStaff(browser, deps, staff)
    const used = authenticatorCode(secret, now())

    // Same 30-second step, same code, another device: refused.
    const other = new TestBrowser(app)
    await password(other, staff.username, staff.password)
    await other.refreshSession()
    const replay = await totp(other, used)
    expect(replay.status).toBe(400)
    expect(await json(replay)).toMatchObject({ error: { code: 'MFA_INVALID', fields: { code: '动态验证码不正确或已使用，请输入验证器中最新的验证码' } } })
    expect((await other.refreshSession()).kind).toBe('pending')

    const wrong = used === '000000' ? '111111' : '000000'
    expect((await totp(other, wrong)).status).toBe(400)
    // A code of 60 s ago is outside the ±1 step window.
    advance(30_000)
    expect((await totp(other, authenticatorCode(secret, new Date(now().getTime() - 60_000)))).status).toBe(400)
    // The current code works.
    expect((await totp(other, authenticatorCode(secret, now()))).status).toBe(200)
    expect((await other.refreshSession()).kind).toBe('staff')
  })

  it('accepts the code of the previous step (phone clock drift)', async () => {
    const { browser, deps, advance } = setup()
    const staff = await createTestStaff(deps)
    const secret = await signInStaff(browser, deps, staff)
    advance(90_000)
    await password(browser, staff.username, staff.password)
    await browser.refreshSession()
    expect((await totp(browser, authenticatorCode(secret, new Date(now().getTime() - 30_000)))).status).toBe(200)
  })

  it('locks the account on the 6th wrong password for 15 minutes, refusing even the right password', async () => {
    const { browser, deps, advance } = setup()
    const staff = await createTestStaff(deps)
    for (let i = 1; i <= 5; i++) {
      const res = await password(browser, staff.username, 'wrong-password-123')
      expect(res.status).toBe(401)
      expect(await json(res)).toMatchObject({ error: { code: 'INVALID_CREDENTIALS', message: '用户名或密码不正确' } })
    }
    const sixth = await password(browser, staff.username, 'wrong-password-123')
    expect(sixth.status).toBe(423)
    expect(sixth.headers.get('retry-after')).toBe('900')
    expect(await json(sixth)).toMatchObject({ error: { code: 'ACCOUNT_LOCKED', message: '登录失败次数过多，账号已锁定，请15分钟后再试或联系管理员解锁' } })

    advance(10 * 60_000)
    const right = await password(browser, staff.username, staff.password)
    expect(right.status).toBe(423)
    expect(await json(right)).toMatchObject({ error: { code: 'ACCOUNT_LOCKED', message: '登录失败次数过多，账号已锁定，请5分钟后再试或联系管理员解锁' } })
    expect((await browser.refreshSession()).kind).toBeNull()

    advance(5 * 60_000 + 1000)
    expect((await password(browser, staff.username, staff.password)).status).toBe(200)

    const outcomes = (await auditOf(staff.account.id)).filter(e => e.action === 'desk.auth.password').map(e => [e.success, (e.detail as { outcome?: string } | null)?.outcome ?? null]).reverse()
    expect(outcomes).toEqual([
      [false, 'invalid'],
      [false, 'invalid'],
      [false, 'invalid'],
      [false, 'invalid'],
      [false, 'invalid'],
      [false, 'locked_now'],
      [false, 'locked'],
      [true, null],
    ])
  })

  it('counts wrong TOTP codes towards the lock too', async () => {
    const { browser, deps } = setup()
    const staff = await createTestStaff(deps)
    const enrol = await json(await password(browser, staff.username, staff.password))
    await browser.refreshSession()
    const right = authenticatorCode(enrol.secret, now())
    const wrong = right === '123456' ? '654321' : '123456'
    for (let i = 1; i <= 5; i++) expect((await totp(browser, wrong)).status).toBe(400)
    const sixth = await totp(browser, wrong)
    expect(sixth.status).toBe(423)
    // The half-done sign-in is gone: the right code cannot finish it.
    await browser.refreshSession()
    expect((await totp(browser, right)).status).toBe(401)
  })

  it('answers an unknown username like a wrong password, and keeps the username out of the trail', async () => {
    const { browser, deps } = setup()
    const staff = await createTestStaff(deps)
    const unknown = await password(browser, 'no-such-user-370502196804122021', 'whatever-password')
    const wrong = await password(browser, staff.username, 'whatever-password')
    expect(unknown.status).toBe(401)
    const a = (await json(unknown)).error
    const b = (await json(wrong)).error
    expect([a.code, a.message]).toEqual([b.code, b.message])
    const [event] = await auditOf('unknown')
    expect(event).toMatchObject({ actorType: 'staff', channel: 'help_desk', action: 'desk.auth.password', success: false })
    expect(JSON.stringify(event)).not.toContain('no-such-user')
    expect(JSON.stringify(event)).not.toContain('196804122021')
  })

  it('gives up the TOTP step 5 minutes after the password', async () => {
    const { browser, deps, advance } = setup()
    const staff = await createTestStaff(deps)
    const enrol = await json(await password(browser, staff.username, staff.password))
    await browser.refreshSession()
    advance(5 * 60_000 + 1000)
    const late = await totp(browser, authenticatorCode(enrol.secret, now()))
    expect(late.status).toBe(401)
    expect(await json(late)).toMatchObject({ error: { code: 'UNAUTHENTICATED' } })
  })

  it('refuses a TOTP code without a password step, and checks the fields in Chinese', async () => {
    const { browser } = setup()
    expect((await totp(browser, '123456')).status).toBe(401)
    const empty = await browser.request('/api/v1/desk/auth/password', { method: 'POST', json: { username: '', password: '' } })
    expect(empty.status).toBe(400)
    expect(await json(empty)).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { username: '请输入用户名', password: '请输入密码' } } })
    const badCode = await totp(browser, '12ab')
    expect(await json(badCode)).toMatchObject({ error: { fields: { code: '请输入验证器中的6位动态验证码' } } })
  })
})

/** Outcomes of the audited attempts of one account and action, oldest first. */
async function outcomes(actorId: string, action: string) {
  return (await auditOf(actorId)).filter(e => e.action === action).reverse()
    .map(e => (e.success ? 'success' : (e.detail as { outcome?: string } | null)?.outcome ?? null))
}

/** How many attempts had their factor checked (each is audited: invalid, locked_now or success). */
function evaluated(list: (string | null)[]) {
  return list.filter(o => o === 'invalid' || o === 'locked_now' || o === 'success').length
}

describe('staff sign-in limits hold under real concurrency (a BFF on a loopback port)', () => {
  it('checks exactly 6 of 25 parallel wrong passwords; the rest, then the right one, get 423 unchecked', async () => {
    const { app, deps } = setup()
    const staff = await createTestStaff(deps)
    const bff = await serveOnLoopback(app)
    try {
      const statuses = await bff.burst(25, async () => {
        const wrong = { username: staff.username, password: 'wrong-password-123' }
        return (await bff.post('/api/v1/desk/auth/password', wrong)).status
      })
      expect(statuses.filter(s => s === 401)).toHaveLength(5)
      expect(statuses.filter(s => s === 423)).toHaveLength(20)
      const right = await bff.post('/api/v1/desk/auth/password', { username: staff.username, password: staff.password })
      expect(right.status).toBe(423)
    }
    finally {
      await bff.close()
    }
    const list = await outcomes(staff.account.id, 'desk.auth.password')
    expect(list).toHaveLength(26)
    expect(evaluated(list)).toBe(6)
    expect(list.filter(o => o === 'locked_now')).toHaveLength(1)
    expect(list.filter(o => o === 'locked')).toHaveLength(20)
  })

  it('checks exactly 6 of 25 parallel wrong TOTP codes of one half-done sign-in', async () => {
    const { app, deps } = setup()
    const staff = await createTestStaff(deps)
    const bff = await serveOnLoopback(app)
    try {
      const first = await bff.post('/api/v1/desk/auth/password', { username: staff.username, password: staff.password })
      expect(first.status).toBe(200)
      const cookie = first.headers.getSetCookie().find(c => c.startsWith('yb_sid='))!.split(';')[0]!
      const session = await fetch(`${bff.url}/api/v1/session`, { headers: { cookie } })
      const view = await session.json() as { csrfToken: string }
      const { secret } = await first.json() as { secret: string }
      const right = authenticatorCode(secret, deps.now())
      const wrong = right === '123456' ? '654321' : '123456'
      const headers = { cookie, 'x-csrf-token': view.csrfToken }
      const send = async () => (await bff.post('/api/v1/desk/auth/totp', { code: wrong }, headers)).status
      const statuses = await bff.burst(25, send)
      expect(statuses.filter(s => s === 400)).toHaveLength(5)
      expect(statuses.every(s => s === 400 || s === 423 || s === 401)).toBe(true)
      expect((await bff.post('/api/v1/desk/auth/totp', { code: right }, headers)).status).toBe(401)
    }
    finally {
      await bff.close()
    }
    const list = await outcomes(staff.account.id, 'desk.auth.totp')
    expect(evaluated(list)).toBe(6)
    expect(list.filter(o => o === 'locked_now')).toHaveLength(1)
  })
})

describe('staff locks are per account and source', () => {
  it('locks out only the source of the guessing: the clerk at the counter still signs in', async () => {
    const { deps } = setup()
    const { app } = createTestApp({ storage, now, env: { TRUST_PROXY: 'true' } })
    const staff = await createTestStaff(deps)
    const attacker = new TestBrowser(app)
    const guess = () => password(attacker, staff.username, 'wrong-password-123', '198.51.100.66')
    for (let i = 1; i <= 5; i++) expect((await guess()).status).toBe(401)
    expect((await guess()).status).toBe(423)
    expect((await password(attacker, staff.username, staff.password, '198.51.100.66')).status).toBe(423)

    const clerk = new TestBrowser(app)
    const first = await password(clerk, staff.username, staff.password, '10.20.0.15')
    expect(first.status).toBe(200)
    const { secret } = await json(first)
    await clerk.refreshSession()
    expect((await totp(clerk, authenticatorCode(secret, now()), '10.20.0.15')).status).toBe(200)
    expect((await clerk.refreshSession()).kind).toBe('staff')
    // The guesser's source is still locked.
    expect((await password(attacker, staff.username, staff.password, '198.51.100.66')).status).toBe(423)
  })

  it('answers an unknown username exactly like a real one, lock included, and as slowly', async () => {
    const { deps } = setup()
    const { app } = createTestApp({ storage, now, env: { TRUST_PROXY: 'true' } })
    const staff = await createTestStaff(deps)
    const replies = async (username: string, ip: string) => {
      const browser = new TestBrowser(app)
      const out: [number, string, string | null, number][] = []
      for (let i = 0; i < 7; i++) {
        const started = performance.now()
        const res = await password(browser, username, 'wrong-password-123', ip)
        const ms = performance.now() - started
        const { error } = await json(res)
        out.push([res.status, `${error.code} ${error.message}`, res.headers.get('retry-after'), ms])
      }
      return out
    }
    const known = await replies(staff.username, '198.51.100.70')
    const unknown = await replies('no-such-clerk', '198.51.100.71')
    expect(unknown.map(r => r.slice(0, 3))).toEqual(known.map(r => r.slice(0, 3)))
    expect(known.map(r => r[0])).toEqual([401, 401, 401, 401, 401, 423, 423])
    // The checked attempts of both cost one argon2id verification (the unknown one against a dummy hash).
    const median = (list: typeof known) => list.slice(0, 6).map(r => r[3]).sort((a, b) => a - b)[3]!
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.3)
  })

  it('counts a right password then a wrong code as one more failure in a row (no reset before TOTP)', async () => {
    const { browser, deps } = setup()
    const staff = await createTestStaff(deps)
    for (let i = 1; i <= 5; i++)
      expect((await password(browser, staff.username, 'wrong-password-123')).status).toBe(401)
    const right = await password(browser, staff.username, staff.password)
    expect(right.status).toBe(200)
    await browser.refreshSession()
    const code = authenticatorCode((await json(right)).secret, now())
    const wrong = code === '123456' ? '654321' : '123456'
    expect((await totp(browser, wrong)).status).toBe(423)
  })

  it('a full sign-in starts the count again', async () => {
    const { browser, deps, advance } = setup()
    const staff = await createTestStaff(deps)
    for (let i = 1; i <= 5; i++)
      expect((await password(browser, staff.username, 'wrong-password-123')).status).toBe(401)
    const secret = await signInStaff(browser, deps, staff)
    advance(30_000)
    const other = new TestBrowser(browser.app)
    for (let i = 1; i <= 5; i++)
      expect((await password(other, staff.username, 'wrong-password-123')).status).toBe(401)
    expect((await password(other, staff.username, 'wrong-password-123')).status).toBe(423)
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
  })

  it('slows sign-in down progressively when an account is guessed at from many sources, never locking it', () => {
    expect([0, 5, 6, 7, 8, 10, 11, 50].map(signInDelayMs)).toEqual([0, 0, 250, 500, 1000, 4000, 8000, 8000])
  })
})

describe('staff sign-in: the edges of each step', () => {
  it('a disabled (停用) account is told so only after its right password, and audited', async () => {
    const { browser, deps } = setup()
    const staff = await createTestStaff(deps)
    await setStaffDisabledByUsername(storage.db, staff.username, true, now())
    const wrong = await password(browser, staff.username, 'wrong-password-123')
    expect(wrong.status).toBe(401)
    const right = await password(browser, staff.username, staff.password)
    expect(right.status).toBe(403)
    expect(await json(right)).toMatchObject({ error: { code: 'ACCOUNT_DISABLED' } })
    expect((await browser.refreshSession()).kind).toBeNull()
    expect(await outcomes(staff.account.id, 'desk.auth.password')).toEqual(['invalid', 'disabled'])
  })

  it('shows the same authenticator secret until the first code confirms it; the reply is not cached', async () => {
    const { browser, deps } = setup()
    const staff = await createTestStaff(deps)
    const first = await password(browser, staff.username, staff.password)
    expect(first.headers.get('cache-control')).toBe('no-store')
    const again = await password(new TestBrowser(browser.app), staff.username, staff.password)
    expect((await json(again)).secret).toBe((await json(first)).secret)
    const audited = (await auditOf(staff.account.id)).filter(e => e.action === 'desk.auth.password')
    expect(audited.map(e => e.detail)).toEqual([{ next: 'enrol' }, { next: 'enrol' }])
    // Each audited step carries its request's id (the log and the trail meet there).
    expect(audited[0]!.requestId).toBe(again.headers.get('x-request-id'))
  })

  it('records whether a sign-in enrolled the authenticator', async () => {
    const { browser, deps, app, advance } = setup()
    const staff = await createTestStaff(deps)
    const secret = await signInStaff(browser, deps, staff)
    advance(60_000)
    await signInStaff(new TestBrowser(app), deps, staff, secret)
    const signIns = (await auditOf(staff.account.id)).filter(e => e.action === 'desk.auth.sign_in').reverse()
    expect(signIns.map(e => e.detail)).toEqual([{ enrolled: true }, { enrolled: false }])
  })

  it('takes a TOTP code only in the pending step a right password started, for 5 minutes to the ms', async () => {
    const { browser, deps, advance } = setup()
    const staff = await createTestStaff(deps)
    const code = '123456'
    // No session, a resident's session, a resident's pending sign-in: no staff password step behind them.
    expect((await totp(browser, code)).status).toBe(401)
    const resident = new TestBrowser(browser.app)
    await resident.signInDirect(deps, { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno })
    expect(await json(await totp(resident, code))).toMatchObject({ error: { code: 'UNAUTHENTICATED' } })
    const pendingResident = new TestBrowser(browser.app)
    expect(await wechatSignIn(pendingResident, 'openid-desk-edge')).toBe('/login?step=bind')
    expect((await totp(pendingResident, code)).status).toBe(401)

    const first = await json(await password(browser, staff.username, staff.password))
    await browser.refreshSession()
    advance(5 * 60_000)
    expect((await totp(browser, authenticatorCode(first.secret, now()))).status).toBe(200)

    const late = new TestBrowser(browser.app)
    advance(60_000)
    await password(late, staff.username, staff.password)
    await late.refreshSession()
    advance(5 * 60_000 + 1)
    expect((await totp(late, authenticatorCode(first.secret, now()))).status).toBe(401)
    expect((await late.refreshSession()).kind).toBeNull()
  })

  it('refuses the TOTP step of an account disabled after its password step', async () => {
    const { browser, deps } = setup()
    const staff = await createTestStaff(deps)
    const first = await json(await password(browser, staff.username, staff.password))
    await browser.refreshSession()
    // Disabled by a path that leaves the pending session alone (as another instance's cached copy would be).
    await storage.db.update(staffAccounts).set({ disabledAt: now() }).where(eq(staffAccounts.id, staff.account.id))
    const res = await totp(browser, authenticatorCode(first.secret, now()))
    expect(res.status).toBe(401)
    expect(await json(res)).toMatchObject({ error: { code: 'UNAUTHENTICATED' } })
    expect((await browser.refreshSession()).kind).not.toBe('staff')
  })

  it('a source locked while a TOTP step waits: that step is refused unchecked, audited and ended', async () => {
    const { deps } = setup()
    const { app } = createTestApp({ storage, now, env: { TRUST_PROXY: 'true' } })
    const staff = await createTestStaff(deps)
    const ip = '198.51.100.90'
    const clerk = new TestBrowser(app)
    const first = await json(await password(clerk, staff.username, staff.password, ip))
    await clerk.refreshSession()
    const guesser = new TestBrowser(app)
    const guess = () => password(guesser, staff.username, 'wrong-password-123', ip)
    for (let i = 1; i <= 5; i++) expect((await guess()).status).toBe(401)
    expect((await password(guesser, staff.username, 'wrong-password-123', ip)).status).toBe(423)
    const res = await totp(clerk, authenticatorCode(first.secret, now()), ip)
    expect(res.status).toBe(423)
    expect(await outcomes(staff.account.id, 'desk.auth.totp')).toEqual(['locked'])
    expect((await clerk.refreshSession()).kind).toBeNull()
  })

  it('a lock reached at the password step ends no other session of that browser', async () => {
    const { browser, deps } = setup()
    const staff = await createTestStaff(deps)
    await browser.signInDirect(deps, { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno })
    const guess = () => password(browser, staff.username, 'wrong-password-123')
    for (let i = 1; i <= 5; i++) expect((await guess()).status).toBe(401)
    const locked = await guess()
    expect(locked.status).toBe(423)
    expect(locked.headers.get('set-cookie')).toBeNull()
    expect((await browser.refreshSession()).kind).toBe('resident')
  })

  it('audits a guessed unknown username by a keyed reference, never the name', async () => {
    const { browser, deps } = setup()
    const username = `ghost-${process.pid}`
    expect((await password(browser, username, 'wrong-password-123')).status).toBe(401)
    const [event] = await storage.db.select().from(auditEvents)
      .where(and(eq(auditEvents.actorId, 'unknown'), eq(auditEvents.action, 'desk.auth.password')))
      .orderBy(desc(auditEvents.id)).limit(1)
    expect(event!.detail).toEqual({ outcome: 'unknown_user', usernameRef: deps.vault.ref(username) })
    expect(JSON.stringify(event)).not.toContain(username)
  })

  it('slows down the password step once the account has failed from 6 sources in 15 minutes', async () => {
    const { deps } = setup()
    const { app } = createTestApp({ storage, now, env: { TRUST_PROXY: 'true' } })
    const staff = await createTestStaff(deps)
    const guessFrom = (ip: string) => password(new TestBrowser(app), staff.username, 'wrong-password-123', ip)
    for (let i = 1; i <= 6; i++) expect((await guessFrom(`203.0.113.${i}`)).status).toBe(401)
    const started = performance.now()
    expect((await guessFrom('203.0.113.7')).status).toBe(401)
    // At least the delay for 6 failures (a busy machine is only slower).
    expect(performance.now() - started).toBeGreaterThanOrEqual(signInDelayMs(6))
  })
})
