import type { Storage } from '../storage/types'
import { http, HttpResponse } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditForSubject } from '../storage/audit'
import { mswServer } from '../testing/msw'
import { DONGYING_ADULT, GUIZHOU_POVERTY, NHSA_TEST_ENDPOINT } from '../testing/nhsa-handlers'
import { lastCodeFor } from '../testing/sms-wechat-handlers'
import { createTestStorage } from '../testing/storage'
import { createTestApp } from '../testing/test-app'
import { TestBrowser } from '../testing/auth'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

/** A signed-in resident bound to the Dongying fixture person. */
async function setup() {
  const t = createTestApp({ storage, now: () => new Date('2026-11-22T04:00:00Z') })
  const browser = new TestBrowser(t.app)
  await browser.signInDirect(t.deps, { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno })
  return { ...t, browser, get: () => browser.request('/api/v1/me/profile') }
}

describe('GET /api/v1/me/profile', () => {
  it('returns the masked profile from the bureau, amounts in fen and codes as enums', async () => {
    const { get } = await setup()
    const res = await get()
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = await res.json()
    expect(body).toMatchObject({
      name: '王**',
      certNo: '370502********2021',
      sex: 'female',
      age: 58,
      regionCode: '370502',
      enrolments: [{ insuranceType: '390', insuranceTypeLabel: '城乡居民基本医疗保险', category: 'adult', categoryLabel: '成年居民', status: 'active', statusLabel: '正常参保', balance: 0 }],
    })
    expect(JSON.stringify(body)).not.toContain(DONGYING_ADULT.certno)
    expect(JSON.stringify(body)).not.toContain(DONGYING_ADULT.psn_name)
  })

  it('records the access in the audit trail without raw PII, and keeps PII out of the logs', async () => {
    const { get, deps, logs } = await setup()
    const res = await get()
    expect(res.status).toBe(200)
    const events = await listAuditForSubject(storage.db, deps.subjectRef(DONGYING_ADULT.certno))
    expect(events[0]).toMatchObject({ action: 'profile.read', channel: 'self', success: true, subjectMasked: '370502********2021' })
    expect(JSON.stringify(events)).not.toContain(DONGYING_ADULT.certno)
    const all = logs.join('')
    expect(all).toContain('"path":"/api/v1/me/profile"')
    expect(all).not.toContain(DONGYING_ADULT.certno)
    expect(all).not.toContain(DONGYING_ADULT.psn_name)
  })

  it('returns 401 and a Chinese message when nobody is signed in', async () => {
    const { client } = createTestApp({ storage })
    const res = await client.api.v1.me.profile.$get()
    expect(res.status).toBe(401)
    const body = await res.json()
    expect(body).toMatchObject({ error: { code: 'UNAUTHENTICATED', message: '登录已过期，请重新登录' } })
  })

  it('returns 504 and a Chinese message when the bureau system times out', async () => {
    mswServer.use(http.post(NHSA_TEST_ENDPOINT, async () => {
      await new Promise(r => setTimeout(r, 1000))
      return HttpResponse.json({})
    }))
    const res = await (await setup()).get()
    expect(res.status).toBe(504)
    const body = await res.json() as unknown as { error: { code: string, message: string, requestId: string } }
    expect(body.error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', message: '医保信息平台响应超时，请稍后再试' })
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'))
  })

  it('returns 502 when the bureau answers 5xx, without its wording', async () => {
    mswServer.use(http.post(NHSA_TEST_ENDPOINT, () => new HttpResponse('<html>Internal Error at com.nhsa.Foo</html>', { status: 503 })))
    const res = await (await setup()).get()
    expect(res.status).toBe(502)
    const text = await res.text()
    expect(text).toContain('UPSTREAM_UNAVAILABLE')
    expect(text).toContain('医保信息平台暂时无法访问')
    expect(text).not.toContain('com.nhsa')
  })

  it('returns 502 when the bureau sends a truncated body or a wrong shape', async () => {
    mswServer.use(http.post(NHSA_TEST_ENDPOINT, () => new HttpResponse('{"infcode":0,"output":{"baseinfo":', { status: 200, headers: { 'content-type': 'application/json' } })))
    const truncated = await (await setup()).get()
    expect(truncated.status).toBe(502)
    expect(await truncated.json()).toMatchObject({ error: { code: 'UPSTREAM_BAD_RESPONSE' } })

    mswServer.use(http.post(NHSA_TEST_ENDPOINT, () => HttpResponse.json({ infcode: 0, output: { baseinfo: { psn_name: 42 } } })))
    const badShape = await (await setup()).get()
    expect(badShape.status).toBe(502)
    expect(await badShape.json()).toMatchObject({ error: { code: 'UPSTREAM_BAD_RESPONSE', message: '医保信息平台返回的数据异常，请稍后再试' } })
  })

  it('returns 502 UPSTREAM_REJECTED when the bureau refuses the transaction', async () => {
    mswServer.use(http.post(NHSA_TEST_ENDPOINT, () => HttpResponse.json({ infcode: -1, err_msg: '签到信息不存在，请先签到', output: null })))
    const res = await (await setup()).get()
    expect(res.status).toBe(502)
    const text = await res.text()
    expect(text).toContain('UPSTREAM_REJECTED')
    expect(text).not.toContain('签到')
  })
})

describe('GET /api/v1/me/access-log', () => {
  it('lists who accessed the resident\'s data, newest first, and only theirs', async () => {
    const { get, browser } = await setup()
    await get()
    const res = await browser.request('/api/v1/me/access-log')
    expect(res.status).toBe(200)
    const log = await res.json() as { at: string, actor: string, action: string }[]
    expect(log[0]).toMatchObject({ actor: 'self', action: 'profile.read', success: true })
    expect(log[0]!.at).toMatch(/\+08:00$/)
    expect(JSON.stringify(log)).not.toContain(DONGYING_ADULT.certno)
  })

  it('pages: newest first, `before` the last id shown goes on with no repeat and no gap, also past new events', async () => {
    const { get, browser } = await setup()
    for (let i = 0; i < 6; i++) await get()
    const page = async (query: string) =>
      await (await browser.request(`/api/v1/me/access-log?${query}`)).json() as { id: number, at: string }[]
    const all = await page('limit=100')
    expect(all.length).toBeGreaterThanOrEqual(7)
    const first = await page('limit=3')
    expect(first).toEqual(all.slice(0, 3))
    // Something new happens between two pages: the next page still starts right after what was shown.
    await get()
    const second = await page(`limit=3&before=${first[2]!.id}`)
    expect(second).toEqual(all.slice(3, 6))
    const rest = await page(`limit=100&before=${second[2]!.id}`)
    expect([...first, ...second, ...rest]).toEqual(all)
    const bad = await browser.request('/api/v1/me/access-log?limit=1000&before=x')
    expect(bad.status).toBe(400)
    expect((await bad.json() as { error: { fields: Record<string, string> } }).error.fields)
      .toEqual({ before: '记录编号不正确', limit: '每次最多100条' })
  })

  it('calls the resident\'s own steps before their account existed 本人 (self), failed ones too; another phone\'s is other', async () => {
    const t = createTestApp({ storage, now: () => new Date('2026-11-22T04:00:00Z') })
    const person = { name: GUIZHOU_POVERTY.psn_name, certNo: GUIZHOU_POVERTY.certno }
    const pending = async (phone: string) => {
      const browser = new TestBrowser(t.app)
      await browser.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } })
      await browser.request('/api/v1/auth/phone-login', { method: 'POST', json: { phone, code: lastCodeFor(phone) } })
      await browser.refreshSession()
      return browser
    }
    const bind = (browser: TestBrowser, json: unknown) => browser.request('/api/v1/auth/bind', { method: 'POST', json })
    // Someone else's phone tries the person's ID number with a wrong name.
    const stranger = await pending('13905467001')
    expect((await bind(stranger, { name: '张三', certNo: person.certNo })).status).toBe(404)
    // The person: a wrong name first, then a face check that fails, then one that passes.
    const own = await pending('13905467002')
    expect((await bind(own, { name: '张三', certNo: person.certNo })).status).toBe(404)
    expect((await bind(own, person)).status).toBe(403)
    await own.faceCheck({ purpose: 'bind', ...person }, 'live_fail')
    expect((await bind(own, person)).status).toBe(403)
    await own.faceCheck({ purpose: 'bind', ...person })
    expect((await bind(own, person)).status).toBe(200)
    await own.refreshSession()
    await own.agreeToConsent()

    const log = await (await own.request('/api/v1/me/access-log')).json() as { actor: string, action: string, success: boolean }[]
    expect(log.filter(e => e.actor !== 'self')).toEqual([expect.objectContaining({ actor: 'other', action: 'auth.bind', success: false })])
    expect(log).toEqual(expect.arrayContaining([
      expect.objectContaining({ actor: 'self', action: 'auth.bind', success: false }),
      expect.objectContaining({ actor: 'self', action: 'face_check.result', success: false }),
      expect.objectContaining({ actor: 'self', action: 'face_check.consume', success: false }),
      expect.objectContaining({ actor: 'self', action: 'auth.bind', success: true }),
    ]))
  })
})
