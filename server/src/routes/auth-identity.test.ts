import type { Storage } from '../storage/types'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isPhoneTaken, upsertResident } from '../storage/residents'
import { residentAccounts } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { serveOnLoopback } from '../testing/loopback'
import { WECHAT_BIND_WINDOW_MS } from './auth'
import { DONGYING_ADULT, DONGYING_CHILD, FENGXIANG_CHILD, GUIZHOU_POVERTY } from '../testing/nhsa-handlers'
import { sendCode, wechatSignIn } from '../testing/people'
import { createTestStorage } from '../testing/storage'
import { clockedTestApps } from '../testing/test-app'

// Issue 10: the identity path as an attacker probes it. Its own database, so each person is used once.
let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

const { setup } = clockedTestApps(() => storage)

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reply bodies are checked by toMatchObject below
async function json(res: Response): Promise<any> {
  return res.json()
}

describe('a pending session left behind carries nothing into the next person\'s sign-in', () => {
  it('the attacker\'s WeChat sign-in does not reach the victim who signed in by phone in the same browser', async () => {
    const { app, deps, browser: kiosk } = setup()
    // The attacker starts WeChat sign-in on a shared browser and walks away from the bind step.
    expect(await wechatSignIn(kiosk, 'openid-attacker')).toBe('/login?step=bind')
    // The victim signs in there by phone and binds their identity.
    const phone = '13905461001'
    const code = await sendCode(kiosk, phone)
    const login = await kiosk.request('/api/v1/auth/phone-login', { method: 'POST', json: { phone, code } })
    expect(await json(login)).toEqual({ status: 'needs_binding' })
    // The new pending session holds only what the phone sign-in proved.
    expect((await kiosk.refreshSession()).pending).toEqual({ phoneVerified: true, viaWechat: false })
    const bind = await kiosk.bindWithFace({ name: DONGYING_CHILD.psn_name, certNo: DONGYING_CHILD.certno })
    expect(bind.status).toBe(200)
    expect(await kiosk.refreshSession()).toMatchObject({ kind: 'resident', resident: { certNo: '370502********0825' } })

    const [victim] = await storage.db.select().from(residentAccounts)
      .where(eq(residentAccounts.certRef, deps.vault.ref(DONGYING_CHILD.certno)))
    expect(victim!.openid).toBeNull()

    // Later the attacker signs in through WeChat on their own phone: still only a pending session.
    const attacker = new TestBrowser(app)
    expect(await wechatSignIn(attacker, 'openid-attacker')).toBe('/login?step=bind')
    expect(await attacker.refreshSession()).toMatchObject({ authenticated: false, kind: 'pending', resident: null })
    expect((await attacker.request('/api/v1/me/profile')).status).toBe(401)
  })

  it('a WeChat sign-in after a phone sign-in keeps only the openid (no phone is inherited)', async () => {
    const { browser } = setup()
    const phone = '13905461002'
    const code = await sendCode(browser, phone)
    await browser.request('/api/v1/auth/phone-login', { method: 'POST', json: { phone, code } })
    expect((await browser.refreshSession()).pending).toEqual({ phoneVerified: true, viaWechat: false })
    expect(await wechatSignIn(browser, 'openid-someone-else')).toBe('/login?step=bind')
    expect((await browser.refreshSession()).pending).toEqual({ phoneVerified: false, viaWechat: true })
    // Binding therefore asks for a phone and a code of its own.
    const bind = await browser.request('/api/v1/auth/bind', {
      method: 'POST',
      json: { name: GUIZHOU_POVERTY.psn_name, certNo: GUIZHOU_POVERTY.certno },
    })
    expect(await json(bind)).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { phone: '请输入手机号码' } } })
  })
})

describe('SMS codes', () => {
  it('evaluates exactly 5 of 25 parallel wrong codes against a real BFF, then refuses even the right code', async () => {
    const { app, browser } = setup()
    const phone = '13905461101'
    const right = await sendCode(browser, phone)
    const wrong = right === '000000' ? '111111' : '000000'
    const bff = await serveOnLoopback(app)
    try {
      const replies = await bff.burst(25, async () => {
        const res = await bff.post('/api/v1/auth/phone-login', { phone, code: wrong })
        return (await json(res)).error?.code as string
      })
      expect(replies.filter(c => c === 'OTP_INVALID')).toHaveLength(5)
      expect(replies.filter(c => c === 'OTP_TOO_MANY_ATTEMPTS')).toHaveLength(20)
      const late = await bff.post('/api/v1/auth/phone-login', { phone, code: right })
      expect(await json(late)).toMatchObject({ error: { code: 'OTP_TOO_MANY_ATTEMPTS' } })
    }
    finally {
      await bff.close()
    }
  })

  it('refuses a code 301 s after it was sent', async () => {
    const { browser, advance } = setup()
    const phone = '13905461102'
    const code = await sendCode(browser, phone)
    advance(301_000)
    const res = await browser.request('/api/v1/auth/phone-login', { method: 'POST', json: { phone, code } })
    expect(res.status).toBe(400)
    expect(await json(res)).toMatchObject({ error: { code: 'OTP_INVALID', fields: { code: '验证码不正确或已过期' } } })
  })

  it('accepts a code 299 s after it was sent, and only once', async () => {
    const { browser, app, advance } = setup()
    const phone = '13905461103'
    const code = await sendCode(browser, phone)
    advance(299_000)
    const first = await browser.request('/api/v1/auth/phone-login', { method: 'POST', json: { phone, code } })
    expect(await json(first)).toEqual({ status: 'needs_binding' })
    const again = await new TestBrowser(app).request('/api/v1/auth/phone-login', { method: 'POST', json: { phone, code } })
    expect(again.status).toBe(400)
    expect(await json(again)).toMatchObject({ error: { code: 'OTP_INVALID' } })
  })

  it('refuses the cookie held before sign-in once signed in (a new session every step)', async () => {
    const { browser, app, deps } = setup()
    const phone = '13905461104'
    await new TestBrowser(app).signInDirect(deps, { name: GUIZHOU_POVERTY.psn_name, certNo: GUIZHOU_POVERTY.certno, phone })
    // A pre-login session in this browser (a WeChat sign-in not bound yet), and a copy of its cookie.
    await wechatSignIn(browser, 'openid-prelogin')
    const before = browser.copyTo(app)
    expect((await before.refreshSession()).kind).toBe('pending')
    const code = await sendCode(browser, phone)
    expect(await json(await browser.request('/api/v1/auth/phone-login', { method: 'POST', json: { phone, code } })))
      .toEqual({ status: 'signed_in' })
    expect((await browser.request('/api/v1/me/profile')).status).toBe(200)
    expect(await before.refreshSession()).toMatchObject({ kind: null, authenticated: false })
    expect((await before.request('/api/v1/me/profile')).status).toBe(401)
  })

  it('ends a pending session 30 minutes after it started, even when used', async () => {
    const { browser, advance } = setup()
    const phone = '13905461105'
    const code = await sendCode(browser, phone)
    await browser.request('/api/v1/auth/phone-login', { method: 'POST', json: { phone, code } })
    for (let i = 0; i < 3; i++) {
      advance(10 * 60_000 - 1000)
      expect((await browser.refreshSession()).kind).toBe('pending')
    }
    advance(10 * 60_000)
    expect((await browser.refreshSession()).kind).toBeNull()
  })

  it('sends at most 5 codes an hour to one phone: the 6th is refused (429)', async () => {
    const { browser, advance } = setup()
    const phone = '13905461106'
    for (let i = 0; i < 5; i++) {
      await sendCode(browser, phone)
      advance(61_000)
    }
    const sixth = await browser.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } })
    expect(sixth.status).toBe(429)
    expect(await json(sixth)).toMatchObject({ error: { code: 'RATE_LIMITED', message: '操作太频繁，请稍后再试' } })
  })
})

describe('binding a phone that belongs to another account', () => {
  it('answers 409 PHONE_BOUND_ELSEWHERE with what to do next, binds nothing, and stays pending', async () => {
    const { browser, app, deps } = setup()
    const phone = '13905461201'
    await new TestBrowser(app).signInDirect(deps, { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno, phone })
    // Someone else signs in through WeChat and gives that phone (and its code) to bind their own identity.
    await wechatSignIn(browser, 'openid-other-person')
    const code = await sendCode(browser, phone)
    const person = { name: FENGXIANG_CHILD.psn_name, certNo: FENGXIANG_CHILD.certno }
    const bind = await browser.request('/api/v1/auth/bind', { method: 'POST', json: { ...person, phone, code } })
    expect(bind.status).toBe(409)
    expect(await json(bind)).toMatchObject({
      error: {
        code: 'PHONE_BOUND_ELSEWHERE',
        message: '该手机号已绑定其他参保人，请更换手机号后再认证；如该手机号是您本人的，请携带身份证到窗口办理',
        fields: { phone: '该手机号已绑定其他参保人' },
      },
    })
    expect((await browser.refreshSession()).kind).toBe('pending')
    const rows = await storage.db.select().from(residentAccounts)
      .where(eq(residentAccounts.certRef, deps.vault.ref(FENGXIANG_CHILD.certno)))
    expect(rows).toEqual([])
  })

  it('recognises the storage\'s refusal when another account takes the phone first (a race past the check)', async () => {
    const { deps } = setup()
    const one = { certNoEnc: 'x', nameMasked: '甲*', regionCode: '370502', phoneRef: deps.vault.ref('13905461202') }
    await upsertResident(storage.db, { ...one, certRef: 'race-cert-a' })
    const error = await upsertResident(storage.db, { ...one, certRef: 'race-cert-b' }).catch((e: unknown) => e)
    expect(isPhoneTaken(error)).toBe(true)
    expect(isPhoneTaken(new Error('other'))).toBe(false)
  })
})

describe('a WeChat sign-in binds its openid only while fresh', () => {
  // Its own database: these bind the fixture people the tests above also use.
  let ownStorage: Storage
  beforeAll(async () => { ownStorage = await createTestStorage() })
  afterAll(async () => { await ownStorage.close() })
  const own = clockedTestApps(() => ownStorage)

  it('a WeChat sign-in left behind for over 10 minutes binds nobody: the bind step is refused and the session ended', async () => {
    const { browser: kiosk, advance } = own.setup()
    expect(await wechatSignIn(kiosk, 'openid-left-behind')).toBe('/login?step=bind')
    advance(WECHAT_BIND_WINDOW_MS + 1000)
    // Someone else fills in the bind form there with their own phone: refused before any code is checked.
    const phone = '13905461003'
    const code = await sendCode(kiosk, phone)
    const bind = await kiosk.request('/api/v1/auth/bind', {
      method: 'POST',
      json: { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno, phone, code },
    })
    expect(bind.status).toBe(401)
    expect(await json(bind)).toMatchObject({ error: { code: 'WECHAT_SIGN_IN_STALE', message: expect.stringMatching(/微信/) } })
    expect(await kiosk.refreshSession()).toMatchObject({ kind: null, authenticated: false })
    // The code was not spent: the person signs in by phone with it, in a session of their own.
    const login = await kiosk.request('/api/v1/auth/phone-login', { method: 'POST', json: { phone, code } })
    expect(await json(login)).toEqual({ status: 'needs_binding' })
    expect((await kiosk.refreshSession()).pending).toEqual({ phoneVerified: true, viaWechat: false })
  })

  it('a fresh WeChat sign-in (within 10 minutes) still binds its openid', async () => {
    const { deps, browser, advance } = own.setup()
    expect(await wechatSignIn(browser, 'openid-fresh')).toBe('/login?step=bind')
    advance(WECHAT_BIND_WINDOW_MS - 60_000)
    const phone = '13905461004'
    const code = await sendCode(browser, phone)
    const bind = await browser.bindWithFace({ name: GUIZHOU_POVERTY.psn_name, certNo: GUIZHOU_POVERTY.certno, phone, code })
    expect(bind.status).toBe(200)
    const [account] = await ownStorage.db.select().from(residentAccounts)
      .where(eq(residentAccounts.certRef, deps.vault.ref(GUIZHOU_POVERTY.certno)))
    expect(account!.openid).toBe('openid-fresh')
  })
})
