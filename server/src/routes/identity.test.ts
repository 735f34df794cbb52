import type { Storage } from '../storage/types'
import { maskIdCard } from '@yibao/shared'
import { eq } from 'drizzle-orm'
import { http, HttpResponse } from 'msw'
import { afterEach, describe, expect, it } from 'vitest'
import { recoverIdentity } from '../identity/recovery'
import { AppError } from '../lib/errors'
import { listAuditForSubject } from '../storage/audit'
import { upsertResident } from '../storage/residents'
import { residentAccounts } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { mswServer } from '../testing/msw'
import { DONGYING_ADULT, GUIZHOU_POVERTY } from '../testing/nhsa-handlers'
import { lastCodeFor, sentSms, SMS_TEST_URL, wechatCodes } from '../testing/sms-wechat-handlers'
import { createTestStorage } from '../testing/storage'
import { createTestApp } from '../testing/test-app'

// 刷脸找回 (issue 10): the real person reclaims an identity someone else bound to their own phone.
const open: Storage[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map(s => s.close()))
})

async function fresh() {
  const storage = await createTestStorage()
  open.push(storage)
  const t = createTestApp({ storage })
  return { ...t, storage, browser: new TestBrowser(t.app) }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reply bodies are checked with toMatchObject below
async function json(res: Response): Promise<any> {
  return res.json()
}

const face = { via: 'face' as const, actor: { type: 'resident' as const, id: 'resident-x' } }

const VICTIM = { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno }
const OLD_PHONE = '13905463001'
const NEW_PHONE = '13905463002'

const recoverIn = (browser: TestBrowser) =>
  browser.request('/api/v1/identity/recover', { method: 'POST', json: { certNo: VICTIM.certNo } })

async function pendingPhone(browser: TestBrowser, phone: string) {
  await browser.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } })
  await browser.request('/api/v1/auth/phone-login', { method: 'POST', json: { phone, code: lastCodeFor(phone) } })
  await browser.refreshSession()
}

/** Someone bound the victim's identity to their phone (and WeChat) first; their browser is signed in. */
async function takenOver(t: Awaited<ReturnType<typeof fresh>>) {
  const holder = new TestBrowser(t.app)
  const account = await holder.signInDirect(t.deps, { ...VICTIM, phone: OLD_PHONE })
  await t.storage.db.update(residentAccounts).set({ openid: 'openid-holder' })
    .where(eq(residentAccounts.id, account.id))
  return { holder, account }
}

describe('POST /api/v1/identity/recover', () => {
  it('after a passed recover check moves the account here, ends every old session, tells both phones', async () => {
    const t = await fresh()
    const { holder, account } = await takenOver(t)
    const holderTwin = holder.copyTo(t.app)
    const victim = t.browser
    await pendingPhone(victim, NEW_PHONE)
    expect(await json(await victim.request('/api/v1/auth/bind', { method: 'POST', json: VICTIM })))
      .toMatchObject({ error: { code: 'IDENTITY_PHONE_MISMATCH' } })

    const recover = () => recoverIn(victim)
    expect(await json(await recover())).toMatchObject({ error: { code: 'FACE_VERIFICATION_REQUIRED' } })
    const face = await victim.faceCheck({ purpose: 'recover', ...VICTIM })
    expect(face.location).toBe(`/login?step=recover&face=${face.id}`)
    const sentBefore = sentSms.length
    const res = await recover()
    expect(res.status).toBe(200)
    expect(await json(res)).toEqual({ status: 'signed_in' })
    expect(await victim.refreshSession())
      .toMatchObject({ kind: 'resident', resident: { certNo: '370502********2021' } })

    // The account now has the new phone and no WeChat openid; the holder's sessions are over at once.
    const [row] = await t.storage.db.select().from(residentAccounts).where(eq(residentAccounts.id, account.id))
    expect(row).toMatchObject({ phoneRef: t.deps.vault.ref(NEW_PHONE), openid: null })
    expect((await holder.request('/api/v1/me/profile')).status).toBe(401)
    expect((await holderTwin.request('/api/v1/session').then(r => r.json()))).toMatchObject({ authenticated: false })
    // WeChat sign-in with the old openid no longer reaches the account.
    const wx = new TestBrowser(t.app)
    const authorize = new URL((await wx.request('/api/v1/auth/wechat/start')).headers.get('location')!)
    wechatCodes.set('recover-old-openid', 'openid-holder')
    const state = authorize.searchParams.get('state')
    const back = await wx.request(`/api/v1/auth/wechat/callback?code=recover-old-openid&state=${state}`)
    expect(back.headers.get('location')).toBe('/login?step=bind')

    // Both phones told, with the other phone's last four digits only.
    const notices = sentSms.slice(sentBefore)
    expect(notices).toEqual([
      expect.objectContaining({
        phone: OLD_PHONE,
        template: 'SMS_YIBAO_ACCOUNT_MOVED_AWAY',
        params: { tail: '3002', via: '刷脸找回' },
      }),
      expect.objectContaining({
        phone: NEW_PHONE,
        template: 'SMS_YIBAO_ACCOUNT_MOVED_HERE',
        params: { tail: '3001', via: '刷脸找回' },
      }),
    ])
    // Every step on the person's record, and in their 访问记录.
    const events = await listAuditForSubject(t.storage.db, t.deps.vault.ref(VICTIM.certNo))
    const actions = events.map(e => `${e.action}:${e.success}`)
    expect(actions).toEqual(expect.arrayContaining([
      'face_check.start:true',
      'face_check.result:true',
      'face_check.consume:true',
      'identity.recover:true',
      'identity.recover.sessions_ended:true',
      'identity.recover.sms:true',
    ]))
    expect(JSON.stringify(events)).not.toContain(NEW_PHONE)
    expect(JSON.stringify(events)).not.toContain(VICTIM.certNo)
    // The person now holding the account agrees for themselves: the holder's agreement does not count for them.
    expect((await victim.request('/api/v1/me/access-log')).status).toBe(403)
    await victim.agreeToConsent()
    const log = await json(await victim.request('/api/v1/me/access-log'))
    expect(log.map((e: { action: string }) => e.action))
      .toEqual(expect.arrayContaining(['identity.recover', 'identity.recover.sms']))

    // A double submit: this browser is signed in now, the pending session is gone.
    expect((await recover()).status).toBe(401)
  })

  it('refuses a new phone another account holds (409 PHONE_BOUND_ELSEWHERE), not spending the check', async () => {
    const t = await fresh()
    await takenOver(t)
    const other = { name: GUIZHOU_POVERTY.psn_name, certNo: GUIZHOU_POVERTY.certno, phone: NEW_PHONE }
    await new TestBrowser(t.app).signInDirect(t.deps, other)
    const victim = t.browser
    await pendingPhone(victim, '13905463003')
    await victim.faceCheck({ purpose: 'recover', ...VICTIM })
    await expect(recoverIdentity(t.deps, { ...face, certNo: VICTIM.certNo, newPhone: NEW_PHONE }))
      .rejects.toMatchObject({ code: 'PHONE_BOUND_ELSEWHERE', status: 409 })
    // The route, with a phone nobody holds, still has its passed check.
    expect((await recoverIn(victim)).status).toBe(200)
  })

  it('needs a pending session with a phone proved by SMS, and an identity that is bound', async () => {
    const t = await fresh()
    expect((await recoverIn(t.browser)).status).toBe(401)
    await pendingPhone(t.browser, NEW_PHONE)
    await t.browser.faceCheck({ purpose: 'recover', ...VICTIM })
    expect(await json(await recoverIn(t.browser))).toMatchObject({ error: { code: 'RECOVERY_NOT_NEEDED' } })
  })

  it('a failed face check is refused', async () => {
    const t = await fresh()
    await takenOver(t)
    await pendingPhone(t.browser, NEW_PHONE)
    await t.browser.faceCheck({ purpose: 'recover', ...VICTIM }, 'not_same')
    expect(await json(await recoverIn(t.browser))).toMatchObject({ error: { code: 'FACE_NOT_SAME_PERSON' } })
  })
})

describe('recoverIdentity(deps, input)', () => {
  it('two recoveries racing to the same phone: one wins, the other is told it is done', async () => {
    const t = await fresh()
    await takenOver(t)
    const input = { ...face, certNo: VICTIM.certNo, newPhone: NEW_PHONE }
    const results = await Promise.allSettled([1, 2].map(() => recoverIdentity(t.deps, input)))
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1)
    const lost = results.find(r => r.status === 'rejected') as PromiseRejectedResult
    expect(lost.reason).toBeInstanceOf(AppError)
    expect(lost.reason).toMatchObject({ code: 'RECOVERY_ALREADY_DONE', status: 409 })
  })

  it('two face recoveries racing to different phones: one wins, the other goes to the desk', async () => {
    const t = await fresh()
    await takenOver(t)
    const results = await Promise.allSettled([NEW_PHONE, '13905463004']
      .map(newPhone => recoverIdentity(t.deps, { ...face, certNo: VICTIM.certNo, newPhone })))
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1)
    const lost = results.find(r => r.status === 'rejected') as PromiseRejectedResult
    expect(lost.reason).toMatchObject({ code: 'RECOVERY_RECENTLY_DONE' })
  })

  it('a recovery racing a bind from the old phone: it ends on the new phone, without the old openid', async () => {
    const t = await fresh()
    const { account } = await takenOver(t)
    const vault = t.deps.vault
    // A bind of the victim from the old phone (same-phone only, as the sign-in's bind step does it).
    const bindFromOldPhone = (openid?: string) => upsertResident(t.storage.db, {
      certRef: vault.ref(VICTIM.certNo),
      certNoEnc: vault.encrypt(VICTIM.certNo),
      nameMasked: '王**',
      regionCode: '370502',
      phoneRef: vault.ref(OLD_PHONE),
      phoneEnc: vault.encrypt(OLD_PHONE),
      ...(openid ? { openid } : {}),
    }, { samePhoneOnly: true })
    const rebind = bindFromOldPhone('openid-holder-again')
    const recovery = recoverIdentity(t.deps, { ...face, certNo: VICTIM.certNo, newPhone: NEW_PHONE })
    const [, recovered] = await Promise.all([rebind, recovery])
    expect(recovered.accountId).toBe(account.id)
    const [row] = await t.storage.db.select().from(residentAccounts).where(eq(residentAccounts.id, account.id))
    expect(row).toMatchObject({ phoneRef: vault.ref(NEW_PHONE), openid: null })
    // A bind from the old phone after the recovery updates nothing.
    expect(await bindFromOldPhone()).toBeNull()
  })

  it('at the desk: a staff actor and a reason are required; the steps are on the help-desk channel', async () => {
    const t = await fresh()
    await takenOver(t)
    const clerk = { type: 'staff' as const, id: 'clerk-1' }
    const desk = { certNo: VICTIM.certNo, newPhone: NEW_PHONE, via: 'desk' as const, actor: clerk }
    await expect(recoverIdentity(t.deps, desk)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    // The clerk writes the ID number into the reason: the trail (and 访问记录) keeps it masked.
    await recoverIdentity(t.deps, { ...desk, reason: `本人持身份证${VICTIM.certNo}到窗口办理` })
    const events = await listAuditForSubject(t.storage.db, t.deps.vault.ref(VICTIM.certNo))
    expect(events.find(e => e.action === 'identity.recover' && e.success)).toMatchObject({
      channel: 'help_desk',
      actorType: 'staff',
      actorId: 'clerk-1',
      detail: expect.objectContaining({ via: 'desk', reason: `本人持身份证${maskIdCard(VICTIM.certNo)}到窗口办理` }),
    })
    expect(JSON.stringify(events)).not.toContain(VICTIM.certNo)
  })

  it('a failed SMS does not undo the recovery: it is logged and audited as failed', async () => {
    const t = await fresh()
    await takenOver(t)
    const refused = { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: 'limit' }
    mswServer.use(http.post(`${SMS_TEST_URL}/sms/send`, () => HttpResponse.json(refused)))
    await recoverIdentity(t.deps, { ...face, certNo: VICTIM.certNo, newPhone: NEW_PHONE })
    const events = await listAuditForSubject(t.storage.db, t.deps.vault.ref(VICTIM.certNo))
    expect(events.filter(e => e.action === 'identity.recover.sms').map(e => e.success)).toEqual([false, false])
    expect(events.find(e => e.action === 'identity.recover')).toMatchObject({ success: true })
  })
})
