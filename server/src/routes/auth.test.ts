import type { Storage } from '../storage/types'
import { maskIdCard } from '@yibao/shared'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { phoneActorId } from '../lib/session'
import { auditEvents } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { DONGYING_ADULT, FENGXIANG_CHILD, GUIZHOU_POVERTY } from '../testing/nhsa-handlers'
import { lastCodeFor, wechatCodes } from '../testing/sms-wechat-handlers'
import { createTestStorage } from '../testing/storage'
import { clockedTestApps, createTestApp } from '../testing/test-app'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

/** Each test starts an hour after the last, so rate-limit windows of one test do not touch the next. */
const { setup, now } = clockedTestApps(() => storage)

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reply bodies are checked by toMatchObject/toEqual below
async function json(res: Response): Promise<any> {
  return res.json()
}

/** The person's 实名认证 attempts in the audit trail (what their 访问记录 shows). */
async function bindAudits(certNo: string) {
  const ref = createTestApp({ storage }).deps.vault.ref(certNo)
  return storage.db.select().from(auditEvents)
    .where(and(eq(auditEvents.subjectRef, ref), eq(auditEvents.action, 'auth.bind'))).orderBy(auditEvents.id)
}
/** A refused bind by someone not signed in, who proved `phone` by SMS: theirs, not the person's, in 访问记录. */
const refusedBind = (certNo: string, phone: string) => expect.objectContaining({
  actorType: 'anonymous',
  actorId: phoneActorId(createTestApp({ storage }).deps.vault.ref(phone)),
  action: 'auth.bind',
  success: false,
  subjectMasked: maskIdCard(certNo),
  channel: 'self',
})

describe('resident sign-in by phone + SMS and binding (实名认证)', () => {
  it('binds a new phone to the person the bureau confirms, then signs straight in next time', async () => {
    const { browser, app, advance } = setup()
    const phone = '13905460001'
    expect((await browser.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } })).status).toBe(200)
    const login = await browser.request('/api/v1/auth/phone-login', { method: 'POST', json: { phone, code: lastCodeFor(phone) } })
    expect(await json(login)).toEqual({ status: 'needs_binding' })
    expect(await browser.refreshSession()).toMatchObject({ authenticated: false, kind: 'pending', pending: { phoneVerified: true, viaWechat: false } })
    // Not a resident yet: personal data is refused.
    expect((await browser.request('/api/v1/me/profile')).status).toBe(401)

    // A first binding needs a passed 人脸核身 of the person in this session.
    const person = { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno }
    const noFace = await browser.request('/api/v1/auth/bind', { method: 'POST', json: person })
    expect(noFace.status).toBe(403)
    expect(await json(noFace)).toMatchObject({ error: { code: 'FACE_VERIFICATION_REQUIRED' } })
    await browser.faceCheck({ purpose: 'bind', ...person })
    const bind = await browser.request('/api/v1/auth/bind', { method: 'POST', json: person })
    expect(bind.status).toBe(200)
    const session = await browser.refreshSession()
    expect(session).toMatchObject({ authenticated: true, kind: 'resident', resident: { name: '王**', certNo: '370502********2021', regionCode: '370502' } })
    // Signed in, but nothing is processed before the 用户协议 and 隐私政策 are agreed to (the app asks next).
    expect(session.resident?.consent?.required).toBe(true)
    expect((await browser.request('/api/v1/me/profile')).status).toBe(403)
    await browser.agreeToConsent()
    expect((await browser.request('/api/v1/me/profile')).status).toBe(200)

    // Next time: the phone alone signs in.
    advance(120_000)
    const again = new TestBrowser(app)
    await again.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } })
    expect(await json(await again.request('/api/v1/auth/phone-login', { method: 'POST', json: { phone, code: lastCodeFor(phone) } }))).toEqual({ status: 'signed_in' })
  })

  it('refuses a name that does not match the ID number, and stays pending', async () => {
    const { browser } = setup()
    const phone = '13905460002'
    await browser.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } })
    await browser.request('/api/v1/auth/phone-login', { method: 'POST', json: { phone, code: lastCodeFor(phone) } })
    await browser.refreshSession()
    const bind = await browser.request('/api/v1/auth/bind', { method: 'POST', json: { name: '张三', certNo: GUIZHOU_POVERTY.certno } })
    expect(bind.status).toBe(404)
    expect(await json(bind)).toMatchObject({ error: { code: 'PERSON_NOT_FOUND' } })
    expect((await browser.refreshSession()).kind).toBe('pending')
    // In the person's 访问记录: a failed 实名认证 by someone not signed in, the ID number masked.
    expect(await bindAudits(GUIZHOU_POVERTY.certno)).toEqual([refusedBind(GUIZHOU_POVERTY.certno, phone)])
  })

  it('refuses binding an identity already bound to another phone (409)', async () => {
    const { browser, deps } = setup()
    await new TestBrowser(createTestApp({ storage }).app).signInDirect(deps, { name: GUIZHOU_POVERTY.psn_name, certNo: GUIZHOU_POVERTY.certno, phone: '13800000001' })
    const phone = '13905460003'
    await browser.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } })
    await browser.request('/api/v1/auth/phone-login', { method: 'POST', json: { phone, code: lastCodeFor(phone) } })
    await browser.refreshSession()
    const before = (await bindAudits(GUIZHOU_POVERTY.certno)).length
    const bind = await browser.request('/api/v1/auth/bind', { method: 'POST', json: { name: GUIZHOU_POVERTY.psn_name, certNo: GUIZHOU_POVERTY.certno } })
    expect(bind.status).toBe(409)
    expect(await json(bind)).toMatchObject({ error: { code: 'IDENTITY_PHONE_MISMATCH' } })
    expect((await bindAudits(GUIZHOU_POVERTY.certno)).slice(before)).toEqual([refusedBind(GUIZHOU_POVERTY.certno, phone)])
  })

  it('limits wrong codes: the 6th try is refused even with the right code', async () => {
    const { browser } = setup()
    const phone = '13905460004'
    await browser.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } })
    const right = lastCodeFor(phone)
    const wrong = right === '000000' ? '111111' : '000000'
    for (let i = 0; i < 5; i++) {
      const res = await browser.request('/api/v1/auth/phone-login', { method: 'POST', json: { phone, code: wrong } })
      expect(await json(res)).toMatchObject({ error: { code: 'OTP_INVALID', fields: { code: '验证码不正确或已过期' } } })
    }
    const res = await browser.request('/api/v1/auth/phone-login', { method: 'POST', json: { phone, code: right } })
    expect(await json(res)).toMatchObject({
      error: { code: 'OTP_TOO_MANY_ATTEMPTS', fields: { code: '错误次数过多，请重新获取' } },
    })
  })

  it('lets a new code go out exactly 60 s after the last one, not a millisecond before', async () => {
    const { browser, advance } = setup()
    const phone = '13905460009'
    const send = () => browser.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } })
    expect((await send()).status).toBe(200)
    advance(59_999)
    expect(await json(await send())).toMatchObject({ error: { code: 'OTP_RESEND_TOO_SOON' } })
    advance(1)
    expect((await send()).status).toBe(200)
  })

  it('sends at most one code a minute to a phone', async () => {
    const { browser } = setup()
    const phone = '13905460005'
    expect((await browser.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } })).status).toBe(200)
    const again = await browser.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } })
    expect(again.status).toBe(429)
    expect(await json(again)).toMatchObject({ error: { code: 'OTP_RESEND_TOO_SOON', message: '验证码已发送，请稍后再获取' } })
  })

  it('checks the phone number format in Chinese', async () => {
    const { browser } = setup()
    const res = await browser.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone: '1234' } })
    expect(res.status).toBe(400)
    expect(await json(res)).toMatchObject({ error: { fields: { phone: '请输入11位手机号码' } } })
  })
})

describe('WeChat web authorisation', () => {
  it('redirects to the authorize URL with a state, and binds on first return', async () => {
    const { browser } = setup()
    const start = await browser.request('/api/v1/auth/wechat/start')
    expect(start.status).toBe(302)
    const authorize = new URL(start.headers.get('location')!)
    expect(authorize.pathname).toBe('/connect/oauth2/authorize')
    expect(authorize.searchParams.get('redirect_uri')).toBe('http://localhost/api/v1/auth/wechat/callback')
    expect(authorize.hash).toBe('#wechat_redirect')
    const state = authorize.searchParams.get('state')!

    wechatCodes.set('code-1', 'openid-alice')
    const back = await browser.request(`/api/v1/auth/wechat/callback?code=code-1&state=${state}`)
    expect(back.status).toBe(302)
    expect(back.headers.get('location')).toBe('/login?step=bind')
    expect((await browser.refreshSession()).pending).toEqual({ phoneVerified: false, viaWechat: true })

    const phone = '13905460006'
    await browser.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } })
    const noCode = await browser.request('/api/v1/auth/bind', { method: 'POST', json: { name: FENGXIANG_CHILD.psn_name, certNo: FENGXIANG_CHILD.certno } })
    expect(await json(noCode)).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { phone: '请输入手机号码', code: '请输入短信验证码' } } })
    const person = { name: FENGXIANG_CHILD.psn_name, certNo: FENGXIANG_CHILD.certno }
    const first = await browser.request('/api/v1/auth/bind', { method: 'POST', json: { ...person, phone, code: lastCodeFor(phone) } })
    expect(await json(first)).toMatchObject({ error: { code: 'FACE_VERIFICATION_REQUIRED' } })
    // The code this bind checked is remembered by the session: after the face step no second code is needed.
    expect((await browser.refreshSession()).pending).toEqual({ phoneVerified: true, viaWechat: true })
    await browser.faceCheck({ purpose: 'bind', ...person })
    const bind = await browser.request('/api/v1/auth/bind', { method: 'POST', json: person })
    expect(bind.status).toBe(200)
    expect(await browser.refreshSession()).toMatchObject({ kind: 'resident', resident: { name: '赵**', certNo: '610322********1021' } })

    // The same WeChat user comes back later on another device: signed straight in.
    const later = setup().browser
    const again = new URL((await later.request('/api/v1/auth/wechat/start')).headers.get('location')!)
    wechatCodes.set('code-1b', 'openid-alice')
    const back2 = await later.request(`/api/v1/auth/wechat/callback?code=code-1b&state=${again.searchParams.get('state')}`)
    expect(back2.headers.get('location')).toBe('/')
    expect(await later.refreshSession()).toMatchObject({ kind: 'resident', resident: { name: '赵**' } })
  })

  it('refuses a callback whose state does not match (login CSRF)', async () => {
    const { browser } = setup()
    await browser.request('/api/v1/auth/wechat/start')
    wechatCodes.set('code-2', 'openid-bob')
    const back = await browser.request('/api/v1/auth/wechat/callback?code=code-2&state=forged')
    expect(back.headers.get('location')).toBe('/login?error=OAUTH_FAILED')
    expect((await browser.refreshSession()).kind).toBeNull()
  })

  it('treats a code WeChat rejects as a failed authorisation', async () => {
    const { browser } = setup()
    const start = new URL((await browser.request('/api/v1/auth/wechat/start')).headers.get('location')!)
    const back = await browser.request(`/api/v1/auth/wechat/callback?code=never-issued&state=${start.searchParams.get('state')}`)
    expect(back.headers.get('location')).toBe('/login?error=OAUTH_FAILED')
    expect((await browser.refreshSession()).kind).toBeNull()
  })
})

describe('sessions and CSRF', () => {
  it('refuses a state-changing request without the CSRF token, and one from another origin', async () => {
    const { browser, deps } = setup()
    await browser.signInDirect(deps, { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno })
    const noToken = await browser.request('/api/v1/session/sign-out-everywhere', { method: 'POST', headers: { 'x-csrf-token': '' } })
    expect(noToken.status).toBe(403)
    expect(await json(noToken)).toMatchObject({ error: { code: 'CSRF_REJECTED', message: '页面已过期，请刷新后重试' } })
    // Compared in constant time, whatever the length: a token one character off or with more appended is refused.
    const token = browser.csrfToken!
    const nearly = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`
    for (const forged of [nearly, `${token}x`, token.slice(0, 20)]) {
      const signOut = { method: 'POST', headers: { 'x-csrf-token': forged } }
      const res = await browser.request('/api/v1/session/sign-out-everywhere', signOut)
      expect(res.status).toBe(403)
    }
    const crossSite = await browser.request('/api/v1/session/sign-out-everywhere', { method: 'POST', headers: { origin: 'https://evil.example' } })
    expect(crossSite.status).toBe(403)
    // Still signed in.
    expect((await browser.request('/api/v1/me/profile')).status).toBe(200)
  })

  it('refuses a session idle for more than 30 minutes', async () => {
    const { browser, deps, advance } = setup()
    await browser.signInDirect(deps, { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno })
    advance(29 * 60_000)
    expect((await browser.request('/api/v1/me/profile')).status).toBe(200)
    advance(31 * 60_000)
    const res = await browser.request('/api/v1/me/profile')
    expect(res.status).toBe(401)
    expect(await json(res)).toMatchObject({ error: { code: 'UNAUTHENTICATED', message: '登录已过期，请重新登录' } })
  })

  it('signs out everywhere: another device of the same person is signed out too', async () => {
    const { browser, deps, app } = setup()
    await browser.signInDirect(deps, { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno })
    const other = new TestBrowser(app)
    await other.signInDirect(deps, { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno })
    const list = await json(await browser.request('/api/v1/session/all'))
    expect(list.length).toBeGreaterThanOrEqual(2)
    expect(list.filter((s: { current: boolean }) => s.current)).toHaveLength(1)
    expect((await browser.request('/api/v1/session/sign-out-everywhere', { method: 'POST' })).status).toBe(200)
    expect((await other.request('/api/v1/me/profile')).status).toBe(401)
    expect((await browser.request('/api/v1/me/profile')).status).toBe(401)
  })

  it('a session revoked on one BFF instance is refused by another within the 3 s cache bound', async () => {
    const { browser, deps, advance } = setup()
    await browser.signInDirect(deps, { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno })
    // The same cookie presented to a second instance (another process behind the load balancer).
    const other = createTestApp({ storage, now })
    // Its own copy of the cookie: signing out clears the first browser's jar, not this one.
    const onOther = browser.copyTo(other.app)
    expect((await onOther.request('/api/v1/me/profile')).status).toBe(200)
    expect((await browser.request('/api/v1/session/sign-out-everywhere', { method: 'POST' })).status).toBe(200)
    advance(3_001)
    expect((await onOther.request('/api/v1/me/profile')).status).toBe(401)
  })

  it('…even while the other instance keeps serving that session every second (the cache does not renew itself)', async () => {
    const { browser, deps, advance } = setup()
    await browser.signInDirect(deps, { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno })
    const other = createTestApp({ storage, now })
    const onOther = browser.copyTo(other.app)
    expect((await onOther.request('/api/v1/session')).status).toBe(200)
    expect((await browser.request('/api/v1/session/sign-out-everywhere', { method: 'POST' })).status).toBe(200)
    const seen: boolean[] = []
    for (let i = 0; i < 4; i++) {
      advance(1_000)
      seen.push((await json(await onOther.request('/api/v1/session'))).authenticated)
    }
    expect(seen).toEqual([true, true, false, false])
  })

  it('clears the cookie for the whole site on sign-out (Secure, expired now)', async () => {
    const { browser } = setup()
    const phone = '13905460010'
    await browser.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } })
    const res = await browser.request('/api/v1/auth/phone-login', { method: 'POST', json: { phone, code: lastCodeFor(phone) } })
    expect(res.headers.getSetCookie().find(c => c.startsWith('yb_sid='))).toMatch(/; Path=\/(;|$)/)
    await browser.refreshSession()
    const out = await browser.request('/api/v1/session', { method: 'DELETE' })
    const cleared = out.headers.getSetCookie().find(c => c.startsWith('yb_sid='))!
    expect(cleared).toMatch(/^yb_sid=;/)
    expect(cleared).toMatch(/Max-Age=0/)
    expect(cleared).toMatch(/; Path=\/(;|$)/)
    expect(cleared).toMatch(/Secure/)
  })

  it('without an Origin, takes the Referer\'s: another site or an unreadable Referer is refused (CSRF)', async () => {
    const { app } = setup()
    const post = (phone: string, referer: string) => app.request('http://localhost/api/v1/auth/sms-codes', {
      method: 'POST',
      headers: { 'content-type': 'application/json', referer },
      body: JSON.stringify({ phone }),
    })
    for (const referer of ['https://evil.example/pay', 'not a url']) {
      const res = await post('13905460011', referer)
      expect(res.status, referer).toBe(403)
      expect(await json(res)).toMatchObject({ error: { code: 'CSRF_REJECTED' } })
    }
    expect((await post('13905460011', 'http://localhost/login?from=me')).status).toBe(200)
  })

  it('issues the session cookie HttpOnly, Secure, SameSite=Lax', async () => {
    const { browser } = setup()
    const phone = '13905460008'
    await browser.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } })
    const res = await browser.request('/api/v1/auth/phone-login', { method: 'POST', json: { phone, code: lastCodeFor(phone) } })
    const cookie = res.headers.getSetCookie().find(c => c.startsWith('yb_sid='))!
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/Secure/)
    expect(cookie).toMatch(/SameSite=Lax/)
  })
})
