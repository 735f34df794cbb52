import type { Storage } from '../storage/types'
import { maskIdCard } from '@yibao/shared'
import { and, eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { phoneActorId } from '../lib/session'
import { findResidentBy } from '../storage/residents'
import { auditEvents } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { carrierChecks } from '../testing/carrier-handlers'
import { json } from '../testing/http'
import { freshPerson, freshPhone, phoneSignIn, sendCode, wechatSignIn } from '../testing/people'
import { lastCodeFor, wechatCodes } from '../testing/sms-wechat-handlers'
import { createTestStorage } from '../testing/storage'
import { clockedTestApps } from '../testing/test-app'
import { WECHAT_BIND_WINDOW_MS } from './auth'

// What each step of a resident's sign-in leaves in the audit trail (访问记录), and the refusals on the way.
let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })
afterEach(() => { carrierChecks.length = 0 })

const { setup } = clockedTestApps(() => storage)

/** The audit events of one action in one request (by its X-Request-Id). */
function eventsOf(action: string, requestId: string | null) {
  return storage.db.select().from(auditEvents)
    .where(and(eq(auditEvents.action, action), eq(auditEvents.requestId, requestId ?? '-')))
}

describe('the audit trail of resident sign-in', () => {
  it('records a first binding, the carrier check and a later phone sign-in as whose, about whom, in which request',
    async () => {
      const { deps, browser, app } = setup()
      const person = freshPerson()
      const phone = freshPhone()
      await phoneSignIn(browser, phone)
      const first = await browser.request('/api/v1/auth/bind', { method: 'POST', json: person })
      expect(first.status).toBe(403)
      await browser.faceCheck({ purpose: 'bind', ...person })
      const bind = await browser.request('/api/v1/auth/bind', { method: 'POST', json: person })
      expect(bind.status).toBe(200)
      const account = (await findResidentBy(storage.db, 'certRef', deps.vault.ref(person.certNo)))!
      const about = { subjectRef: deps.vault.ref(person.certNo), subjectMasked: maskIdCard(person.certNo) }
      // The carrier was asked in the first request, as the phone holder (not signed in yet).
      expect(await eventsOf('auth.carrier_check', first.headers.get('x-request-id'))).toEqual([
        expect.objectContaining({ actorType: 'anonymous', actorId: phoneActorId(deps.vault.ref(phone)), ...about }),
      ])
      expect(await eventsOf('auth.bind', bind.headers.get('x-request-id'))).toEqual([expect.objectContaining({
        actorType: 'resident',
        actorId: account.id,
        ...about,
        channel: 'self',
        success: true,
      })])

      const again = new TestBrowser(app)
      await sendCode(again, phone)
      const login = await again.request('/api/v1/auth/phone-login', {
        method: 'POST',
        json: { phone, code: lastCodeFor(phone) },
      })
      expect(await json(login)).toEqual({ status: 'signed_in' })
      expect(await eventsOf('auth.sign_in.phone', login.headers.get('x-request-id'))).toEqual([expect.objectContaining({
        actorType: 'resident',
        actorId: account.id,
        subjectRef: about.subjectRef,
        channel: 'self',
        success: true,
      })])
    })

  it('records a WeChat sign-in of a bound account, and a refused binding of a phone another person holds', async () => {
    const { deps, browser } = setup()
    const holder = freshPerson()
    const phone = freshPhone()
    expect(await wechatSignIn(browser, 'openid-trail-1')).toBe('/login?step=bind')
    const code = await sendCode(browser, phone)
    expect((await browser.bindWithFace({ ...holder, phone, code })).status).toBe(200)
    const account = (await findResidentBy(storage.db, 'certRef', deps.vault.ref(holder.certNo)))!

    const later = setup().browser
    const start = new URL((await later.request('/api/v1/auth/wechat/start')).headers.get('location')!)
    wechatCodes.set('trail-code-2', 'openid-trail-1')
    const state = start.searchParams.get('state')
    const back = await later.request(`/api/v1/auth/wechat/callback?code=trail-code-2&state=${state}`)
    expect(back.headers.get('location')).toBe('/')
    expect(await eventsOf('auth.sign_in.wechat', back.headers.get('x-request-id'))).toEqual([expect.objectContaining({
      actorType: 'resident',
      actorId: account.id,
      subjectRef: deps.vault.ref(holder.certNo),
      success: true,
    })])

    // Someone else signs in through WeChat and proves the same phone by SMS: it is the first person's.
    const other = setup().browser
    const someone = freshPerson()
    expect(await wechatSignIn(other, 'openid-trail-2')).toBe('/login?step=bind')
    const otherCode = await sendCode(other, phone)
    const body = { ...someone, phone, code: otherCode }
    const refused = await other.request('/api/v1/auth/bind', { method: 'POST', json: body })
    expect(refused.status).toBe(409)
    expect((await json(refused)).error)
      .toMatchObject({ code: 'PHONE_BOUND_ELSEWHERE', fields: { phone: '该手机号已绑定其他参保人' } })
    expect(await eventsOf('auth.bind', refused.headers.get('x-request-id'))).toEqual([expect.objectContaining({
      actorType: 'anonymous',
      actorId: phoneActorId(deps.vault.ref(phone)),
      subjectRef: deps.vault.ref(someone.certNo),
      subjectMasked: maskIdCard(someone.certNo),
      success: false,
    })])
  })

  it('refuses an identity bound to another phone before asking the carrier (no paid check for a refusal)', async () => {
    const { browser } = setup()
    const person = freshPerson()
    const phone = freshPhone()
    await phoneSignIn(browser, phone)
    expect((await browser.bindWithFace(person)).status).toBe(200)
    expect(carrierChecks).toHaveLength(1)
    const elsewhere = setup().browser
    await phoneSignIn(elsewhere, freshPhone())
    const res = await elsewhere.request('/api/v1/auth/bind', { method: 'POST', json: person })
    expect(res.status).toBe(409)
    expect(await json(res)).toMatchObject({ error: { code: 'IDENTITY_PHONE_MISMATCH' } })
    expect(carrierChecks).toHaveLength(1)
  })
})

describe('POST /api/v1/auth/bind refusals', () => {
  it('refuses a bind with no pending sign-in, or from a resident already signed in', async () => {
    const { browser, deps } = setup()
    const person = freshPerson()
    const nobody = await browser.request('/api/v1/auth/bind', { method: 'POST', json: person })
    expect(nobody.status).toBe(401)
    expect(await json(nobody)).toMatchObject({ error: { code: 'BINDING_REQUIRED' } })
    await browser.signInDirect(deps, freshPerson())
    const resident = await browser.request('/api/v1/auth/bind', { method: 'POST', json: person })
    expect(resident.status).toBe(401)
    expect(await json(resident)).toMatchObject({ error: { code: 'BINDING_REQUIRED' } })
  })

  it('asks a WeChat sign-in for only what is missing of its phone and code', async () => {
    const { browser } = setup()
    expect(await wechatSignIn(browser, 'openid-trail-3')).toBe('/login?step=bind')
    const person = freshPerson()
    const phone = freshPhone()
    const noCode = await browser.request('/api/v1/auth/bind', { method: 'POST', json: { ...person, phone } })
    expect(noCode.status).toBe(400)
    expect((await json(noCode)).error).toMatchObject({ code: 'VALIDATION_FAILED', fields: { code: '请输入短信验证码' } })
    const noPhone = await browser.request('/api/v1/auth/bind', { method: 'POST', json: { ...person, code: '123456' } })
    expect((await json(noPhone)).error.fields).toEqual({ phone: '请输入手机号码' })
  })

  it('binds a WeChat sign-in exactly 10 minutes old; one a moment older is refused and audited', async () => {
    const { browser, advance } = setup()
    expect(await wechatSignIn(browser, 'openid-trail-4')).toBe('/login?step=bind')
    advance(WECHAT_BIND_WINDOW_MS)
    const person = freshPerson()
    const phone = freshPhone()
    const code = await sendCode(browser, phone)
    // Still fresh: on to the face step (a first binding), not refused as stale.
    const fresh = await browser.request('/api/v1/auth/bind', { method: 'POST', json: { ...person, phone, code } })
    expect(await json(fresh)).toMatchObject({ error: { code: 'FACE_VERIFICATION_REQUIRED' } })
    advance(1)
    const stale = await browser.request('/api/v1/auth/bind', { method: 'POST', json: person })
    expect(stale.status).toBe(401)
    expect(await json(stale)).toMatchObject({ error: { code: 'WECHAT_SIGN_IN_STALE' } })
    expect(await eventsOf('auth.bind', stale.headers.get('x-request-id'))).toEqual([expect.objectContaining({
      actorType: 'anonymous',
      success: false,
      channel: 'self',
    })])
  })
})

describe('WeChat web authorisation', () => {
  it('keeps its state in a short-lived cookie for the callback path only, and clears it on return', async () => {
    const { browser, logs } = setup()
    const start = await browser.request('/api/v1/auth/wechat/start')
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!
    expect(start.headers.get('set-cookie'))
      .toBe(`yb_oauth=${state}; Max-Age=600; Path=/api/v1/auth/wechat; HttpOnly; Secure; SameSite=Lax`)
    const back = await browser.request(`/api/v1/auth/wechat/callback?code=never-issued&state=${state}`)
    expect(back.headers.get('location')).toBe('/login?error=OAUTH_FAILED')
    expect(back.headers.get('set-cookie')).toBe('yb_oauth=; Max-Age=0; Path=/api/v1/auth/wechat; Secure')
    // The operator sees why, without the code.
    const warned = logs.filter(l => l.includes('"msg":"wechat oauth failed"'))
    expect(warned).toHaveLength(1)
    expect(JSON.parse(warned[0]!)).toMatchObject({ err: expect.any(Object) })
    expect(warned[0]).not.toContain('never-issued')
    expect(await eventsOf('auth.sign_in.wechat', back.headers.get('x-request-id'))).toEqual([])
  })
})
