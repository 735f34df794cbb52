import type { Storage } from '../storage/types'
import { and, eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { findResidentBy } from '../storage/residents'
import { auditEvents } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { carrierChecks, carrierVerdicts } from '../testing/carrier-handlers'
import { json } from '../testing/http'
import { freshPerson, freshPhone, phoneSignIn } from '../testing/people'
import { lastCodeFor, wechatCodes } from '../testing/sms-wechat-handlers'
import { createTestStorage } from '../testing/storage'
import { clockedTestApps } from '../testing/test-app'

// Issue 10: the phone used with SMS sign-in must be registered (运营商三要素) to the person being bound.
let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })
afterEach(() => {
  carrierVerdicts.clear()
  carrierChecks.length = 0
})

const { setup } = clockedTestApps(() => storage)

function checks(deps: { vault: { ref: (v: string) => string } }, certNo: string) {
  return storage.db.select().from(auditEvents)
    .where(and(eq(auditEvents.subjectRef, deps.vault.ref(certNo)), eq(auditEvents.action, 'auth.carrier_check')))
    .orderBy(auditEvents.id)
}

describe('POST /api/v1/auth/bind: the carrier check (运营商三要素)', () => {
  it('binds when the carrier says the phone is the person\'s, asking once for the bind and its retry after face',
    async () => {
      const { deps, browser } = setup()
      const person = freshPerson()
      const phone = freshPhone()
      await phoneSignIn(browser, phone)
      expect((await browser.bindWithFace(person)).status).toBe(200)
      expect(await browser.refreshSession()).toMatchObject({ kind: 'resident' })
      expect(carrierChecks).toHaveLength(1)
      const [event] = await checks(deps, person.certNo)
      const detail = { verdict: 'match', outcome: 'passed', phoneTail: phone.slice(-4), carrier: '中国移动' }
      expect(event).toMatchObject({ success: true, channel: 'self', detail })
      expect(JSON.stringify(event)).not.toContain(phone)
    })

  it.each([
    ['mismatch', '不一致'],
    ['unregistered', '查无实名记录'],
  ] as const)('refuses a phone the carrier answers %s for (%s): 409 PHONE_NOT_REAL_NAME, audited, nothing bound',
    async (verdict, _label) => {
      const { deps, browser } = setup()
      const person = freshPerson()
      const phone = freshPhone()
      carrierVerdicts.set(phone, verdict)
      await phoneSignIn(browser, phone)
      const res = await browser.request('/api/v1/auth/bind', { method: 'POST', json: person })
      expect(res.status).toBe(409)
      expect(await json(res)).toMatchObject({
        error: {
          code: 'PHONE_NOT_REAL_NAME',
          message: '该手机号未实名登记在您名下。请使用本人实名登记的手机号，或携带身份证到医保服务窗口办理',
        },
      })
      expect(await findResidentBy(storage.db, 'certRef', deps.vault.ref(person.certNo))).toBeNull()
      expect(await browser.refreshSession()).toMatchObject({ kind: 'pending' })
      const refused = { success: false, actorType: 'anonymous', detail: { verdict, outcome: 'refused' } }
      expect(await checks(deps, person.certNo)).toMatchObject([refused])
      // Asked again, the same answer (a refusal is never remembered as a pass).
      expect((await browser.request('/api/v1/auth/bind', { method: 'POST', json: person })).status).toBe(409)
      expect(carrierChecks).toHaveLength(2)
    })

  it.each([
    ['timeout', { kind: 'timeout' }],
    ['error', { kind: 'unavailable' }],
    ['throttled', { kind: 'rejected', upstreamCode: 'RequestFrequencyLimit' }],
  ] as const)('does not lock people out when the carrier fails (%s): binds, warns in the log and records it',
    async (verdict, failure) => {
      const { deps, browser, logs } = setup()
      const person = freshPerson()
      const phone = freshPhone()
      carrierVerdicts.set(phone, verdict)
      await phoneSignIn(browser, phone)
      const started = performance.now()
      expect((await browser.bindWithFace(person)).status).toBe(200)
      // The carrier's deadline (CARRIER_TIMEOUT_MS 300 in tests) bounds the wait, twice at most.
      expect(performance.now() - started).toBeLessThan(5000)
      expect(await browser.refreshSession()).toMatchObject({ kind: 'resident' })
      const events = await checks(deps, person.certNo)
      const unchecked = { verdict: 'unknown', outcome: 'unchecked_proceeded', failure }
      expect(events.at(-1)).toMatchObject({ success: false, detail: unchecked })
      const warning = logs.map(l => JSON.parse(l) as { level: number, msg: string })
        .find(l => l.msg.startsWith('carrier check gave no answer'))
      expect(warning?.level).toBe(40)
      expect(logs.join('')).not.toContain(phone)
    })

  it('does not ask the carrier again when the person is bound to this phone already (WeChat sign-in)', async () => {
    const { deps, app, browser } = setup()
    const person = freshPerson()
    const phone = freshPhone()
    await new TestBrowser(app).signInDirect(deps, { ...person, phone })
    carrierVerdicts.set(phone, 'mismatch')
    // WeChat sign-in: the bind step asks for the phone and a code.
    const start = new URL((await browser.request('/api/v1/auth/wechat/start')).headers.get('location')!)
    wechatCodes.set('code-carrier-1', 'openid-carrier-1')
    await browser.request(`/api/v1/auth/wechat/callback?code=code-carrier-1&state=${start.searchParams.get('state')}`)
    await browser.refreshSession()
    expect((await browser.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } })).status).toBe(200)
    const body = { ...person, phone, code: lastCodeFor(phone) }
    const res = await browser.request('/api/v1/auth/bind', { method: 'POST', json: body })
    expect(res.status).toBe(200)
    expect(carrierChecks).toHaveLength(0)
  })

  it('checks the phone the code proved, for the name on the bureau\'s record', async () => {
    const { deps, browser } = setup()
    const person = freshPerson()
    const phone = freshPhone()
    const other = freshPhone()
    carrierVerdicts.set(phone, 'mismatch')
    await phoneSignIn(browser, phone)
    // A phone typed into the body next to a pending phone sign-in is not what gets checked or bound.
    const body = { ...person, phone: other, code: '123456' }
    const res = await browser.request('/api/v1/auth/bind', { method: 'POST', json: body })
    expect(await json(res)).toMatchObject({ error: { code: 'PHONE_NOT_REAL_NAME' } })
    expect(await checks(deps, person.certNo)).toMatchObject([{ detail: { phoneTail: phone.slice(-4) } }])
  })
})
