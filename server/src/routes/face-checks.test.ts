import type { Storage } from '../storage/types'
import { delay, http, HttpResponse } from 'msw'
import { afterEach, describe, expect, it } from 'vitest'
import { listAuditForSubject } from '../storage/audit'
import { findFaceCheck } from '../storage/face-checks'
import { TestBrowser } from '../testing/auth'
import { completeFaceCheck, FACEID_TEST_URL } from '../testing/faceid-handlers'
import { serveOnLoopback } from '../testing/loopback'
import { mswServer } from '../testing/msw'
import { DONGYING_ADULT, FENGXIANG_CHILD, GUIZHOU_POVERTY } from '../testing/nhsa-handlers'
import { lastCodeFor, wechatCodes } from '../testing/sms-wechat-handlers'
import { createTestStorage } from '../testing/storage'
import { createTestApp } from '../testing/test-app'

// 人脸核身 (issue 10): every outcome of a check and the ways a check must not be used. Each test has its own
// database, so the four fixture people can bind in each.
const open: Storage[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map(s => s.close()))
})

let phoneSeq = 0
async function fresh(env: Record<string, string> = {}) {
  const storage = await createTestStorage()
  open.push(storage)
  let clock = new Date('2026-11-22T02:00:00Z').getTime()
  const t = createTestApp({ storage, now: () => new Date(clock), env })
  return { ...t, storage, browser: new TestBrowser(t.app), advance: (ms: number) => { clock += ms } }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reply bodies are checked with toMatchObject below
async function json(res: Response): Promise<any> {
  return res.json()
}

const post = (browser: TestBrowser, path: string, body: unknown) =>
  browser.request(path, { method: 'POST', json: body })

const ADULT = { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno }
const OTHER = { name: GUIZHOU_POVERTY.psn_name, certNo: GUIZHOU_POVERTY.certno }

/** A pending session of a new phone (SMS sign-in), ready to bind. */
async function pendingPhone(browser: TestBrowser) {
  const phone = `1390546${String(2000 + ++phoneSeq).padStart(4, '0')}`
  await browser.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } })
  const login = await post(browser, '/api/v1/auth/phone-login', { phone, code: lastCodeFor(phone) })
  expect(await json(login)).toEqual({ status: 'needs_binding' })
  await browser.refreshSession()
  return phone
}

const bind = (browser: TestBrowser, person = ADULT) => post(browser, '/api/v1/auth/bind', person)
const startCheck = (browser: TestBrowser, input: unknown) => post(browser, '/api/v1/face-checks', input)
/** The check as its session reads it (status refreshed from the provider while pending). */
async function read(browser: TestBrowser, id: string) {
  return json(await browser.request(`/api/v1/face-checks/${id}`))
}

describe('first binding with 人脸核身', () => {
  it('is refused without a face check, binds after a passed one, and audits start, result and use', async () => {
    const { browser, deps, storage } = await fresh()
    await pendingPhone(browser)
    const refused = await bind(browser)
    expect(refused.status).toBe(403)
    const message = '为保护您的医保信息安全，请先完成人脸识别验证（本人刷脸）'
    expect(await json(refused)).toMatchObject({ error: { code: 'FACE_VERIFICATION_REQUIRED', message } })

    const start = await startCheck(browser, { purpose: 'bind', ...ADULT })
    expect(start.status).toBe(201)
    expect(start.headers.get('cache-control')).toBe('no-store')
    const started = await json(start)
    expect(started.url).toMatch(/\/__sandbox\/faceid\/h5\?token=/)
    expect(JSON.stringify(started)).not.toContain(ADULT.certNo)
    // Only the keyed reference of the ID number is stored.
    const row = await findFaceCheck(storage.db, started.id)
    expect(row).toMatchObject({ certRef: deps.vault.ref(ADULT.certNo), purpose: 'bind', status: 'pending' })
    expect(JSON.stringify(row)).not.toContain(ADULT.certNo)
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBe(10 * 60_000)

    await completeFaceCheck(started.url, 'pass')
    const back = await browser.request(`/api/v1/face-checks/${started.id}/return?token=x&ErrCode=0`)
    expect(back.status).toBe(302)
    // Back to the page that asked, with no personal data in the URL.
    expect(back.headers.get('location')).toBe(`/login?step=bind&face=${started.id}`)
    expect(await read(browser, started.id)).toMatchObject({ status: 'passed', purpose: 'bind' })

    expect((await bind(browser)).status).toBe(200)
    expect(await browser.refreshSession())
      .toMatchObject({ kind: 'resident', resident: { certNo: '370502********2021' } })
    const events = await listAuditForSubject(storage.db, deps.vault.ref(ADULT.certNo))
    const steps = events.map(e => `${e.action}:${e.success}`).reverse().filter(a => !a.startsWith('auth.carrier_check'))
    expect(steps).toEqual([
      'face_check.consume:false',
      'face_check.start:true',
      'face_check.result:true',
      'face_check.consume:true',
      'auth.bind:true',
    ])
    // 访问记录 shows the face steps to the person (once they agreed to the 用户协议 and 隐私政策, as the app asks).
    await browser.agreeToConsent()
    const log = await json(await browser.request('/api/v1/me/access-log'))
    expect(log.map((e: { action: string }) => e.action))
      .toEqual(expect.arrayContaining(['face_check.start', 'face_check.result', 'face_check.consume']))
  })

  it('re-binding an account that exists with the same phone needs no face', async () => {
    const { browser, app, deps } = await fresh()
    const phone = '13905469901'
    await new TestBrowser(app).signInDirect(deps, { ...ADULT, phone })
    // WeChat sign-in in a new browser, then the person binds with the phone their account already has.
    const authorize = new URL((await browser.request('/api/v1/auth/wechat/start')).headers.get('location')!)
    wechatCodes.set('face-rebind', 'openid-face-rebind')
    await browser.request(`/api/v1/auth/wechat/callback?code=face-rebind&state=${authorize.searchParams.get('state')}`)
    await browser.refreshSession()
    await browser.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } })
    const res = await bind(browser, { ...ADULT, phone, code: lastCodeFor(phone) } as typeof ADULT)
    expect(res.status).toBe(200)
  })

  it('a liveness failure is refused (活体未通过), then a retry that passes binds', async () => {
    const { browser } = await fresh()
    await pendingPhone(browser)
    const failed = await browser.faceCheck({ purpose: 'bind', ...ADULT }, 'live_fail')
    expect(await read(browser, failed.id)).toMatchObject({ status: 'failed' })
    const refused = await bind(browser)
    expect(refused.status).toBe(403)
    expect(await json(refused))
      .toMatchObject({ error: { code: 'FACE_CHECK_FAILED', message: expect.stringContaining('活体检测未通过') } })
    await browser.faceCheck({ purpose: 'bind', ...ADULT }, 'pass')
    expect((await bind(browser)).status).toBe(200)
  })

  it('not the same person (比对不一致) is refused', async () => {
    const { browser } = await fresh()
    await pendingPhone(browser)
    await browser.faceCheck({ purpose: 'bind', ...ADULT }, 'not_same')
    expect(await json(await bind(browser)))
      .toMatchObject({ error: { code: 'FACE_NOT_SAME_PERSON', message: expect.stringContaining('比对不一致') } })
  })

  it('a check that never comes back stays pending (refused), then expires after 10 minutes', async () => {
    const { browser, advance } = await fresh()
    await pendingPhone(browser)
    const check = await browser.faceCheck({ purpose: 'bind', ...ADULT }, 'timeout')
    expect(check.location).toBe(`/login?step=bind&face=${check.id}`)
    expect(await read(browser, check.id)).toMatchObject({ status: 'pending' })
    expect(await json(await bind(browser))).toMatchObject({ error: { code: 'FACE_CHECK_PENDING' } })
    advance(10 * 60_000)
    expect(await read(browser, check.id)).toMatchObject({ status: 'expired' })
    expect(await json(await bind(browser))).toMatchObject({ error: { code: 'FACE_CHECK_EXPIRED' } })
  })

  it('a passed check not used within 10 minutes is refused as expired', async () => {
    const { browser, advance } = await fresh()
    await pendingPhone(browser)
    const check = await browser.faceCheck({ purpose: 'bind', ...ADULT })
    advance(10 * 60_000 + 1)
    expect(await read(browser, check.id)).toMatchObject({ status: 'expired' })
    expect(await json(await bind(browser))).toMatchObject({ error: { code: 'FACE_CHECK_EXPIRED' } })
  })

  it('never trusts the return URL: a result claimed in its query changes nothing', async () => {
    const { browser } = await fresh()
    await pendingPhone(browser)
    const start = await json(await startCheck(browser, { purpose: 'bind', ...ADULT }))
    const token = new URL(start.url).searchParams.get('token')
    await browser.request(`/api/v1/face-checks/${start.id}/return?token=${token}&ErrCode=0&status=passed`)
    expect(await read(browser, start.id)).toMatchObject({ status: 'pending' })
    expect(await json(await bind(browser))).toMatchObject({ error: { code: 'FACE_CHECK_PENDING' } })
  })

  it('refuses another person\'s check and another session\'s check', async () => {
    const { browser, app } = await fresh()
    await pendingPhone(browser)
    const theirs = await browser.faceCheck({ purpose: 'bind', ...OTHER })
    expect(await json(await bind(browser))).toMatchObject({ error: { code: 'FACE_CHECK_MISMATCH' } })

    // Another browser (its own pending session) cannot use, read or spend the first browser's check.
    const other = new TestBrowser(app)
    await pendingPhone(other)
    expect((await other.request(`/api/v1/face-checks/${theirs.id}`)).status).toBe(404)
    expect(await json(await bind(other, OTHER))).toMatchObject({ error: { code: 'FACE_VERIFICATION_REQUIRED' } })
    // The first browser still binds that person with its own check.
    expect((await bind(browser, OTHER)).status).toBe(200)
  })

  it('a check for another purpose does not open binding', async () => {
    const { browser } = await fresh()
    await pendingPhone(browser)
    await browser.faceCheck({ purpose: 'recover', ...ADULT })
    expect(await json(await bind(browser))).toMatchObject({ error: { code: 'FACE_VERIFICATION_REQUIRED' } })
  })

  it('needs a session to start, and the right kind for the purpose', async () => {
    const { browser, app, deps } = await fresh()
    const none = await startCheck(new TestBrowser(app), { purpose: 'bind', ...ADULT })
    expect(none.status).toBe(401)
    await browser.signInDirect(deps, OTHER)
    expect(await json(await startCheck(browser, { purpose: 'bind', ...ADULT })))
      .toMatchObject({ error: { code: 'BINDING_REQUIRED' } })
    const bad = await startCheck(browser, { purpose: 'family_bind', name: '王', certNo: '1' })
    expect(bad.status).toBe(400)
  })
})

describe('provider trouble is never a pass', () => {
  it('a provider that does not answer in time: a clear Chinese error, and the check stays unusable', async () => {
    const { browser } = await fresh({ UPSTREAM_TIMEOUT_MS: '200' })
    await pendingPhone(browser)
    mswServer.use(http.post(FACEID_TEST_URL, async () => {
      await delay(1000)
      return HttpResponse.json({})
    }, { once: true }))
    const start = await browser.request('/api/v1/face-checks', { method: 'POST', json: { purpose: 'bind', ...ADULT } })
    expect(start.status).toBe(504)
    expect(await json(start)).toMatchObject({ error: { code: 'UPSTREAM_TIMEOUT', message: '人脸核身服务响应超时，请稍后再试' } })

    // Started, then the result query times out: still pending, binding refused.
    const check = await browser.faceCheck({ purpose: 'bind', ...ADULT }, 'timeout')
    await completeFaceCheck(check.url, 'pass')
    mswServer.use(http.post(FACEID_TEST_URL, async () => {
      await delay(1000)
      return HttpResponse.json({})
    }))
    const read = await browser.request(`/api/v1/face-checks/${check.id}`)
    expect(read.status).toBe(504)
    expect((await bind(browser)).status).toBe(504)
    mswServer.resetHandlers()
    expect((await bind(browser)).status).toBe(200)
  })

  it('a provider error or an unreadable answer is refused with its own message', async () => {
    const { browser } = await fresh()
    await pendingPhone(browser)
    const arrears = { Response: { Error: { Code: 'UnauthorizedOperation.Arrears', Message: 'arrears' } } }
    mswServer.use(http.post(FACEID_TEST_URL, () => HttpResponse.json(arrears), { once: true }))
    expect(await json(await startCheck(browser, { purpose: 'bind', ...ADULT })))
      .toMatchObject({ error: { code: 'UPSTREAM_REJECTED', message: '人脸核身服务未能受理本次业务，请稍后再试或到窗口办理' } })
    const check = await browser.faceCheck({ purpose: 'bind', ...ADULT }, 'timeout')
    const unreadable = { Response: { Text: { ErrCode: 'zero' } } }
    mswServer.use(http.post(FACEID_TEST_URL, () => HttpResponse.json(unreadable), { once: true }))
    expect(await read(browser, check.id)).toMatchObject({ error: { code: 'UPSTREAM_BAD_RESPONSE' } })
  })
})

describe('查看完整身份证号 (unmask_self)', () => {
  it('shows one\'s own full ID number once per passed check, not cached, audited; a replay is refused', async () => {
    const { browser, deps, storage } = await fresh()
    await browser.signInDirect(deps, ADULT)
    const unmask = () => browser.request('/api/v1/me/cert-no/unmask', { method: 'POST' })
    expect(await json(await unmask())).toMatchObject({ error: { code: 'FACE_VERIFICATION_REQUIRED' } })
    const check = await browser.faceCheck({ purpose: 'unmask_self' })
    expect(check.location).toBe(`/me?face=${check.id}`)
    const res = await unmask()
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await json(res)).toEqual({ certNo: ADULT.certNo })
    const replay = await unmask()
    expect(replay.status).toBe(403)
    expect(await json(replay)).toMatchObject({ error: { code: 'FACE_CHECK_USED', message: '该次人脸识别结果已使用过，请重新验证' } })
    expect(await read(browser, check.id)).toMatchObject({ status: 'used' })
    const events = await listAuditForSubject(storage.db, deps.vault.ref(ADULT.certNo))
    expect(events.filter(e => e.action === 'profile.cert_no.unmask')).toHaveLength(1)
  })
})

describe('family member aged 16 or more', () => {
  it('needs that member\'s passed check; a check of another member is refused', async () => {
    const { browser, deps } = await fresh()
    await browser.signInDirect(deps, OTHER)
    const member = { name: FENGXIANG_CHILD.psn_name, certNo: FENGXIANG_CHILD.certno }
    await browser.faceCheck({ purpose: 'family_bind', ...ADULT })
    const res = await browser.request('/api/v1/family/links', { method: 'POST', json: member })
    expect(await json(res)).toMatchObject({ error: { code: 'FACE_CHECK_MISMATCH' } })
    await browser.faceCheck({ purpose: 'family_bind', ...member })
    expect((await browser.request('/api/v1/family/links', { method: 'POST', json: member })).status).toBe(201)
  })
})

describe('a passed check is used once, even by parallel requests', () => {
  it('of 10 parallel requests with one passed check, exactly one sees the number (real BFF)', async () => {
    const { browser, deps, app } = await fresh()
    await browser.signInDirect(deps, ADULT)
    await browser.faceCheck({ purpose: 'unmask_self' })
    const bff = await serveOnLoopback(app)
    try {
      const cookie = `yb_sid=${(browser as unknown as { cookies: Map<string, string> }).cookies.get('yb_sid')}`
      const replies = await bff.burst(10, async () => {
        const headers = { 'cookie': cookie, 'x-csrf-token': browser.csrfToken! }
        const res = await bff.post('/api/v1/me/cert-no/unmask', {}, headers)
        return res.status
      })
      expect(replies.filter(s => s === 200)).toHaveLength(1)
      expect(replies.filter(s => s === 403)).toHaveLength(9)
    }
    finally {
      await bff.close()
    }
  })
  it('a double-submitted first binding (5 at once, one passed check) binds once (real BFF)', async () => {
    const { browser, app, storage, deps } = await fresh()
    await pendingPhone(browser)
    await browser.faceCheck({ purpose: 'bind', ...ADULT })
    const bff = await serveOnLoopback(app)
    try {
      const cookie = `yb_sid=${(browser as unknown as { cookies: Map<string, string> }).cookies.get('yb_sid')}`
      const replies = await bff.burst(5, async () => {
        const res = await bff.post('/api/v1/auth/bind', ADULT, { 'cookie': cookie, 'x-csrf-token': browser.csrfToken! })
        return res.status === 200 ? 'bound' : (await json(res)).error.code as string
      })
      expect(replies.filter(r => r === 'bound')).toHaveLength(1)
      // The others lost the check (or found their pending session ended by the winner's sign-in).
      const lost = ['FACE_CHECK_USED', 'BINDING_REQUIRED', 'CSRF_REJECTED']
      expect(replies.filter(r => r !== 'bound').every(r => lost.includes(r))).toBe(true)
      const consumed = (await listAuditForSubject(storage.db, deps.vault.ref(ADULT.certNo)))
        .filter(e => e.action === 'face_check.consume' && e.success)
      expect(consumed).toHaveLength(1)
    }
    finally {
      await bff.close()
    }
  })
})
