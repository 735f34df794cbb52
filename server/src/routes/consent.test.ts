import type { ConsentState, SessionView } from '@yibao/shared'
import type { OpenAPIV3_1 } from 'openapi-types'
import type { Storage } from '../storage/types'
import { CONSENT_VERSION } from '@yibao/shared'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recoverIdentity } from '../identity/recovery'
import { openApiDocument } from '../lib/openapi'
import { latestConsent } from '../storage/consents'
import { auditEvents, residentConsents } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { DONGYING_ADULT, DONGYING_CHILD, FENGXIANG_CHILD } from '../testing/nhsa-handlers'
import { sendCode, wechatSignIn } from '../testing/people'
import { lastCodeFor, wechatCodes } from '../testing/sms-wechat-handlers'
import { createTestStorage } from '../testing/storage'
import { clockedTestApps, createTestApp } from '../testing/test-app'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

/** Each test starts an hour after the last (rate-limit windows apart); `now` is the apps' shared clock. */
const { setup, now } = clockedTestApps(() => storage)

const ADULT = { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno }

let seq = 0
/** A person of their own for each test (accounts are per person, and consents per account). */
function person() {
  seq += 1
  return { name: '孙丽', certNo: `37050219800101${String(1000 + seq)}` }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reply bodies are checked by the matchers below
async function json(res: Response): Promise<any> {
  return res.json()
}

const agree = (browser: TestBrowser, version = CONSENT_VERSION, extra: Record<string, unknown> = {}) =>
  browser.request('/api/v1/me/consent', { method: 'POST', json: { version, general: true, sensitive: true, ...extra } })

const CONSENT_REQUIRED = {
  error: { code: 'CONSENT_REQUIRED', message: '请先阅读并同意用户协议和隐私政策（含敏感个人信息处理），同意后才能办理医保业务' },
}

/** The consent steps of a person in the audit trail (their 访问记录), oldest first. */
async function consentAudits(deps: { subjectRef: (certNo: string) => string }, certNo: string) {
  const rows = await storage.db.select().from(auditEvents)
    .where(and(eq(auditEvents.subjectRef, deps.subjectRef(certNo))))
    .orderBy(auditEvents.id)
  return rows.filter(r => r.action.startsWith('consent.'))
}

describe('first sign-in: nothing is processed before the resident agrees', () => {
  it('answers 403 CONSENT_REQUIRED in Chinese on data routes; sessions, sign-out and consent stay open', async () => {
    const { browser, deps } = setup()
    await browser.signInDirect(deps, ADULT, { consent: false })
    const paths = ['/api/v1/me/profile', '/api/v1/me/access-log', '/api/v1/me/e-voucher', '/api/v1/coverage',
      '/api/v1/family/links', '/api/v1/payments/orders', '/api/v1/refunds', '/api/v1/slips']
    for (const path of paths) {
      const res = await browser.request(path)
      expect({ path, status: res.status }).toEqual({ path, status: 403 })
      expect(await json(res)).toMatchObject(CONSENT_REQUIRED)
    }
    // A write too, before its body is looked at for anything but its shape.
    const quote = await browser.request('/api/v1/payments/quotes', {
      method: 'POST',
      json: { year: 2027, people: [{ kind: 'self' }] },
    })
    expect(quote.status).toBe(403)
    expect(await json(quote)).toMatchObject(CONSENT_REQUIRED)

    // The session says so, so the app asks at once; the consent itself, the devices and sign-out stay reachable.
    const view = await browser.refreshSession()
    const asked = { version: CONSENT_VERSION, required: true, agreed: null, withdrawnAt: null }
    expect(view.resident?.consent).toEqual(asked)
    const state = await browser.request('/api/v1/me/consent')
    expect(state.status).toBe(200)
    expect(state.headers.get('cache-control')).toBe('no-store')
    expect(await json(state)).toEqual(asked)
    expect((await browser.request('/api/v1/session/all')).status).toBe(200)
    expect((await browser.request('/api/v1/session', { method: 'DELETE' })).status).toBe(200)
  })

  it('agrees to the current version (general and sensitive, by phone), then the data routes answer 200', async () => {
    const { browser, deps } = setup()
    const account = await browser.signInDirect(deps, ADULT, { consent: false })
    expect((await browser.request('/api/v1/me/profile')).status).toBe(403)
    const res = await agree(browser)
    expect(res.status).toBe(200)
    const at = now()
    const agreed = { version: CONSENT_VERSION, general: true, sensitive: true, channel: 'phone' }
    expect(await json(res)).toEqual({
      version: CONSENT_VERSION,
      required: false,
      agreed: { ...agreed, at: expect.stringMatching(/\+08:00$/) },
      withdrawnAt: null,
    })
    expect(await latestConsent(storage.db, account.id))
      .toMatchObject({ ...agreed, action: 'agree', accountId: account.id, at })
    expect((await browser.request('/api/v1/me/profile')).status).toBe(200)
    expect((await browser.refreshSession()).resident?.consent).toMatchObject({ required: false, agreed })

    // Agreeing again (a second tab) changes nothing: one record, one audit row.
    expect((await agree(browser)).status).toBe(200)
    const rows = await storage.db.select().from(residentConsents).where(eq(residentConsents.accountId, account.id))
    expect(rows).toHaveLength(1)
    const audits = await consentAudits(deps, DONGYING_ADULT.certno)
    expect(audits).toEqual([expect.objectContaining({
      actorType: 'resident',
      actorId: account.id,
      action: 'consent.agree',
      success: true,
      channel: 'self',
      subjectMasked: '370502********2021',
      detail: { version: CONSENT_VERSION, via: 'phone' },
    })])
  })

  it('refuses an agreement without the separate sensitive-information consent, or to another version', async () => {
    const { browser, deps } = setup()
    const someone = person()
    const account = await browser.signInDirect(deps, someone, { consent: false })
    const post = (json: unknown) => browser.request('/api/v1/me/consent', { method: 'POST', json })
    const noSensitive = await post({ version: CONSENT_VERSION, general: true })
    expect(noSensitive.status).toBe(400)
    expect(await json(noSensitive))
      .toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { sensitive: '请单独勾选同意处理敏感个人信息' } } })
    const notTicked = await post({ version: CONSENT_VERSION, general: false, sensitive: true })
    expect(await json(notTicked))
      .toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { general: '请阅读并同意用户协议和隐私政策' } } })

    const stale = await agree(browser, '2025-01-01')
    expect(stale.status).toBe(409)
    expect(await json(stale)).toMatchObject({
      error: { code: 'CONSENT_VERSION_STALE', message: '用户协议和隐私政策已更新，请阅读新版本后再同意' },
    })
    expect(await latestConsent(storage.db, account.id)).toBeNull()
    expect(await consentAudits(deps, someone.certNo)).toEqual([
      expect.objectContaining({
        action: 'consent.agree',
        success: false,
        detail: { version: '2025-01-01', via: 'phone' },
      }),
    ])
    expect((await browser.request('/api/v1/me/access-log')).status).toBe(403)
  })

  it('records a WeChat sign-in\'s agreement as given through WeChat', async () => {
    const { browser } = setup()
    const start = new URL((await browser.request('/api/v1/auth/wechat/start')).headers.get('location')!)
    wechatCodes.set('consent-code-1', 'openid-consent')
    await browser.request(`/api/v1/auth/wechat/callback?code=consent-code-1&state=${start.searchParams.get('state')}`)
    await browser.refreshSession()
    const phone = '13905469001'
    await browser.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } })
    const someone = { name: FENGXIANG_CHILD.psn_name, certNo: FENGXIANG_CHILD.certno }
    await browser.bindWithFace({ ...someone, phone, code: lastCodeFor(phone) }, { consent: false })
    expect((await browser.refreshSession()).resident?.consent?.required).toBe(true)
    expect(await json(await agree(browser))).toMatchObject({ required: false, agreed: { channel: 'wechat' } })

    // Straight back in through WeChat on another device: already agreed, nothing asked.
    const later = setup().browser
    const again = new URL((await later.request('/api/v1/auth/wechat/start')).headers.get('location')!)
    wechatCodes.set('consent-code-2', 'openid-consent')
    await later.request(`/api/v1/auth/wechat/callback?code=consent-code-2&state=${again.searchParams.get('state')}`)
    expect((await later.refreshSession()).resident?.consent)
      .toMatchObject({ required: false, agreed: { channel: 'wechat' } })
  })

  it('records each agreement with the channel of its sign-in: phone, then WeChat, for a bound account', async () => {
    // Bound earlier through WeChat (so the account has both a phone and an openid), never agreed.
    const first = setup().browser
    expect(await wechatSignIn(first, 'openid-consent-3')).toBe('/login?step=bind')
    const phone = '13905469003'
    const code = await sendCode(first, phone)
    const someone = { name: DONGYING_CHILD.psn_name, certNo: DONGYING_CHILD.certno }
    await first.bindWithFace({ ...someone, phone, code }, { consent: false })

    // Back by SMS code on another phone's browser: the agreement is given through the phone sign-in.
    const byPhone = setup().browser
    await byPhone.signInByPhone(phone, undefined, { consent: false })
    expect((await byPhone.refreshSession()).resident?.consent?.required).toBe(true)
    expect(await json(await agree(byPhone))).toMatchObject({ required: false, agreed: { channel: 'phone' } })

    // Withdrawn, then back through WeChat: the new agreement is given through WeChat.
    expect((await byPhone.request('/api/v1/me/consent/withdraw', { method: 'POST' })).status).toBe(200)
    const byWechat = setup().browser
    expect(await wechatSignIn(byWechat, 'openid-consent-3')).toBe('/')
    expect((await byWechat.refreshSession()).resident?.consent?.required).toBe(true)
    expect(await json(await agree(byWechat))).toMatchObject({ required: false, agreed: { channel: 'wechat' } })
  })
})

describe('a new version of the texts', () => {
  it('asks again: data routes answer 403 until the new version is agreed to, the old agreement shown', async () => {
    const { browser, deps } = setup()
    const someone = person()
    const account = await browser.signInDirect(deps, someone)
    expect((await browser.request('/api/v1/me/access-log')).status).toBe(200)

    // The same database, an app asking for a newer version (a deployment with new texts).
    const next = createTestApp({ storage, now, env: { CONSENT_VERSION: '2027-03-01' } })
    const same = browser.on(next.app)
    const refused = await same.request('/api/v1/me/access-log')
    expect(refused.status).toBe(403)
    expect(await json(refused)).toMatchObject(CONSENT_REQUIRED)
    const state = await json(await same.request('/api/v1/me/consent')) as ConsentState
    expect(state).toMatchObject({ version: '2027-03-01', required: true, agreed: { version: CONSENT_VERSION } })
    expect(((await same.refreshSession()) as SessionView).resident?.consent?.required).toBe(true)

    // The page read before the update cannot agree to what it did not show.
    expect(await json(await agree(same, CONSENT_VERSION))).toMatchObject({ error: { code: 'CONSENT_VERSION_STALE' } })
    expect(await json(await agree(same, '2027-03-01')))
      .toMatchObject({ required: false, agreed: { version: '2027-03-01' } })
    expect((await same.request('/api/v1/me/access-log')).status).toBe(200)
    expect(await latestConsent(storage.db, account.id)).toMatchObject({ action: 'agree', version: '2027-03-01' })
  })
})

describe('an account moved to another phone (刷脸找回, 换绑 at the desk)', () => {
  it('asks the person now holding it: an agreement from before the move does not count', async () => {
    const { browser, deps, app, advance } = setup()
    const someone = person()
    const account = await browser.signInDirect(deps, { ...someone, phone: '13905469101' })
    expect((await browser.request('/api/v1/me/access-log')).status).toBe(200)
    advance(60_000)
    await recoverIdentity(deps, {
      certNo: someone.certNo,
      newPhone: '13905469102',
      via: 'face',
      actor: { type: 'resident', id: account.id },
    })
    const owner = new TestBrowser(app)
    await owner.signInDirect(deps, someone, { consent: false })
    expect((await owner.request('/api/v1/me/access-log')).status).toBe(403)
    expect(await json(await owner.request('/api/v1/me/consent'))).toMatchObject({ required: true, agreed: null })
    expect((await agree(owner)).status).toBe(200)
    expect((await owner.request('/api/v1/me/access-log')).status).toBe(200)
  })
})

describe('withdrawing consent', () => {
  it('records it, signs out every device, and processes nothing until the resident agrees again', async () => {
    const { browser, deps, app } = setup()
    const someone = person()
    const account = await browser.signInDirect(deps, someone)
    // A second device of the same resident.
    const phone = new TestBrowser(app)
    await phone.signInDirect(deps, someone, { consent: false })
    expect((await phone.request('/api/v1/me/access-log')).status).toBe(200)

    const res = await browser.request('/api/v1/me/consent/withdraw', { method: 'POST' })
    expect(res.status).toBe(200)
    expect(await json(res)).toEqual({ ok: true })
    expect(await browser.refreshSession()).toMatchObject({ authenticated: false, kind: null })
    for (const device of [browser, phone]) {
      const after = await device.request('/api/v1/me/access-log')
      expect(after.status).toBe(401)
      expect(await json(after)).toMatchObject({ error: { code: 'UNAUTHENTICATED' } })
    }
    expect(await latestConsent(storage.db, account.id)).toMatchObject({
      action: 'withdraw',
      version: CONSENT_VERSION,
      general: false,
      sensitive: false,
      channel: 'phone',
      at: now(),
    })

    // Signed in again: asked again, the withdrawal shown; data refused until then.
    const back = new TestBrowser(app)
    await back.signInDirect(deps, someone, { consent: false })
    expect((await back.request('/api/v1/me/access-log')).status).toBe(403)
    expect(await json(await back.request('/api/v1/me/consent'))).toEqual({
      version: CONSENT_VERSION,
      required: true,
      agreed: null,
      withdrawnAt: expect.stringMatching(/\+08:00$/),
    })
    expect((await agree(back)).status).toBe(200)
    expect((await back.request('/api/v1/me/access-log')).status).toBe(200)

    const audits = await consentAudits(deps, someone.certNo)
    expect(audits.map(a => [a.action, a.success, a.actorId])).toEqual([
      ['consent.withdraw', true, account.id],
      ['consent.agree', true, account.id],
    ])
    expect(audits[0]!.detail).toEqual({ version: CONSENT_VERSION, via: 'phone' })
    // The resident sees both in their 访问记录.
    const log = await json(await back.request('/api/v1/me/access-log')) as { action: string, actor: string }[]
    expect(log.filter(e => e.action.startsWith('consent.')).map(e => [e.action, e.actor]))
      .toEqual([['consent.agree', 'self'], ['consent.withdraw', 'self']])
  })

  it('needs a signed-in resident and the session\'s CSRF token', async () => {
    const { browser, deps, app } = setup()
    const anonymous = new TestBrowser(app)
    const nobody = await anonymous.request('/api/v1/me/consent/withdraw', { method: 'POST' })
    expect(nobody.status).toBe(401)
    expect((await anonymous.request('/api/v1/me/consent')).status).toBe(401)
    await browser.signInDirect(deps, person())
    const forged = await browser.request('/api/v1/me/consent/withdraw', {
      method: 'POST',
      headers: { 'x-csrf-token': 'forged' },
    })
    expect(forged.status).toBe(403)
    expect(await json(forged)).toMatchObject({ error: { code: 'CSRF_REJECTED' } })
    const crossSite = await browser.request('/api/v1/me/consent', {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
      json: { version: CONSENT_VERSION, general: true, sensitive: true },
    })
    expect(crossSite.status).toBe(403)
    expect((await browser.request('/api/v1/me/access-log')).status).toBe(200)
  })
})

describe('one resident\'s consent is their own', () => {
  it('another resident can neither read nor change it: their steps touch only their own account', async () => {
    const { browser: alice, deps, app } = setup()
    const bob = new TestBrowser(app)
    const aliceAccount = await alice.signInDirect(deps, person())
    const bobAccount = await bob.signInDirect(deps, person(), { consent: false })

    // Each reads their own: Alice has agreed, Bob has not.
    expect(await json(await alice.request('/api/v1/me/consent')))
      .toMatchObject({ required: false, agreed: { version: CONSENT_VERSION } })
    expect(await json(await bob.request('/api/v1/me/consent'))).toMatchObject({ required: true, agreed: null })
    // Bob cannot name Alice's account: an account id in the body is not part of the request.
    expect(await json(await agree(bob, CONSENT_VERSION, { accountId: aliceAccount.id })))
      .toMatchObject({ required: false })
    expect(await latestConsent(storage.db, bobAccount.id)).toMatchObject({ action: 'agree' })

    // Bob withdraws: Alice stays signed in and agreed.
    expect((await bob.request('/api/v1/me/consent/withdraw', { method: 'POST' })).status).toBe(200)
    expect((await alice.request('/api/v1/me/access-log')).status).toBe(200)
    expect(await latestConsent(storage.db, aliceAccount.id)).toMatchObject({ action: 'agree' })
    const aliceRows = await storage.db.select().from(residentConsents)
      .where(eq(residentConsents.accountId, aliceAccount.id))
    expect(aliceRows.map(r => r.action)).toEqual(['agree'])
  })
})

describe('the published contract', () => {
  it('lists 403 CONSENT_REQUIRED on resident data routes, not on those open without consent', async () => {
    const { app } = setup()
    const document = await openApiDocument(app)
    const codes = (path: string, method: string): string[] => {
      const op = (document.paths?.[path] as Record<string, OpenAPIV3_1.OperationObject> | undefined)?.[method]
      const r = op?.responses?.['403'] as OpenAPIV3_1.ResponseObject | undefined
      type Envelope = { properties?: { error?: { properties?: { code?: { enum?: string[] } } } } }
      const schema = r?.content?.['application/json']?.schema as Envelope | undefined
      return schema?.properties?.error?.properties?.code?.enum ?? []
    }
    const guarded = [['/api/v1/me/profile', 'get'], ['/api/v1/coverage', 'get'], ['/api/v1/payments/orders', 'post'],
      ['/api/v1/me/e-voucher', 'get']] as const
    for (const [path, method] of guarded) {
      expect({ path, codes: codes(path, method) })
        .toEqual({ path, codes: expect.arrayContaining(['CONSENT_REQUIRED']) })
    }
    const open = [['/api/v1/me/consent', 'get'], ['/api/v1/me/consent', 'post'],
      ['/api/v1/me/consent/withdraw', 'post'], ['/api/v1/session/all', 'get'],
      ['/api/v1/session/sign-out-everywhere', 'post']] as const
    for (const [path, method] of open) {
      expect({ path, codes: codes(path, method) })
        .toEqual({ path, codes: expect.not.arrayContaining(['CONSENT_REQUIRED']) })
    }
  })
})
