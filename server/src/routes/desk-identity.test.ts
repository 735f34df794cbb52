import type { Storage } from '../storage/types'
import { randomUUID } from 'node:crypto'
import process from 'node:process'
import { idCardCheckChar } from '@yibao/shared'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sealDeskSubject } from '../lib/desk-subject'
import { findResidentBy } from '../storage/residents'
import { auditEvents } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { json } from '../testing/http'
import { GUIZHOU_POVERTY, PERSON_FIXTURES } from '../testing/nhsa-handlers'
import { lastCodeFor, sentSms } from '../testing/sms-wechat-handlers'
import { createTestStaff, signInStaff } from '../testing/staff'
import { createTestStorage } from '../testing/storage'
import { createTestApp } from '../testing/test-app'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

let clock = new Date('2026-11-22T02:00:00Z').getTime()
const REASON = '本人持身份证现场办理，原手机号已停用'
let seq = 0

/** A Dongying resident of its own (a fresh ID number the fake bureau answers for), so tests never share one. */
function freshPerson() {
  seq += 1
  const first17 = `37050219800101${String(100 + seq).padStart(3, '0')}`
  const certNo = `${first17}${idCardCheckChar(first17)}`
  const base = PERSON_FIXTURES['370502198001012021'] ?? Object.values(PERSON_FIXTURES)[0]!
  const name = `王换${'一二三四五六七八九十'[seq % 10]}`
  PERSON_FIXTURES[certNo] = { ...base, baseinfo: { ...base.baseinfo, certno: certNo, psn_name: name } }
  return { name, certNo }
}

let phoneSeq = 0
function freshPhone(): string {
  phoneSeq += 1
  return `1377${String(process.pid % 10_000).padStart(4, '0')}${String(phoneSeq).padStart(3, '0')}`
}

/** An app on its own hour, a clerk of Dongying signed in, and helpers for the three desk calls. */
async function setup() {
  clock += 3_600_000
  const t = createTestApp({ storage, now: () => new Date(clock) })
  const staff = await createTestStaff(t.deps, { regions: ['370500'] })
  const desk = new TestBrowser(t.app)
  await signInStaff(desk, t.deps, staff)
  const call = (path: string, body: unknown, browser = desk, headers: Record<string, string> = {}) =>
    browser.request(`/api/v1/desk/identity/${path}`, { method: 'POST', json: body, headers })
  const status = (who: object, browser = desk) => call('status', who, browser)
  const sendCode = (who: object, phone: string, browser = desk) => call('sms-codes', { ...who, phone }, browser)
  const recover = (who: object, phone: string, extra: { code?: string, reason?: string } = {}, browser = desk,
    key = randomUUID()) => {
    const body = { ...who, phone, code: extra.code ?? lastCodeFor(phone), reason: extra.reason ?? REASON }
    return call('recoveries', body, browser, { 'idempotency-key': key })
  }
  const events = (certNo: string, action?: string) => storage.db.select().from(auditEvents)
    .where(and(
      eq(auditEvents.subjectRef, t.deps.vault.ref(certNo)),
      ...(action ? [eq(auditEvents.action, action)] : []),
    ))
    .orderBy(auditEvents.id)
  const account = (certNo: string) => findResidentBy(storage.db, 'certRef', t.deps.vault.ref(certNo))
  /** Another clerk of the same region, signed in on the same app. */
  const clerk = async () => {
    const other = await createTestStaff(t.deps, { regions: ['370500'] })
    const b = new TestBrowser(t.app)
    await signInStaff(b, t.deps, other)
    return { browser: b, staff: other }
  }
  return { ...t, staff, desk, status, sendCode, recover, events, account, clerk }
}

/** A resident signed in on their own phone (their account and a live session in `browser`). */
async function residentOnPhone(s: Awaited<ReturnType<typeof setup>>, person = freshPerson(), phone = freshPhone()) {
  const browser = new TestBrowser(s.app)
  await browser.signInDirect(s.deps, { ...person, phone })
  expect((await browser.request('/api/v1/me/profile')).status).toBe(200)
  return { person, phone, browser }
}

describe('POST /api/v1/desk/identity/status', () => {
  it('shows whether the identity is bound, the phone\'s last four digits only, and audits the look-up', async () => {
    const s = await setup()
    const unbound = freshPerson()
    const none = await s.status({ certNo: unbound.certNo })
    expect(none.status).toBe(200)
    expect(await json(none)).toEqual({ bound: false, phoneTail: null, recoveredAt: null })

    const { person, phone } = await residentOnPhone(s)
    const res = await s.status({ certNo: person.certNo })
    expect(res.headers.get('cache-control')).toBe('no-store')
    const text = await res.text()
    expect(JSON.parse(text)).toEqual({ bound: true, phoneTail: phone.slice(-4), recoveredAt: null })
    expect(text).not.toContain(phone)
    expect(text).not.toContain(person.certNo)
    const [event] = await s.events(person.certNo, 'desk.identity.status')
    const seen = { actorType: 'staff', actorId: s.staff.account.id, channel: 'help_desk', subjectRegion: '370502' }
    expect(event).toMatchObject({ ...seen, success: true })
  })

  it('opens a scanned person by the sealed handle of this clerk only', async () => {
    const s = await setup()
    const { person } = await residentOnPhone(s)
    const handle = sealDeskSubject(s.deps.vault, s.staff.account.id, person, s.deps.now()).subject
    expect(await json(await s.status({ subject: handle }))).toMatchObject({ bound: true })
    const other = await s.clerk()
    const res = await s.status({ subject: handle }, other.browser)
    expect(res.status).toBe(400)
    expect(await json(res)).toMatchObject({ error: { code: 'DESK_SUBJECT_EXPIRED' } })
  })

  it('refuses a person of another region (403 OUT_OF_REGION, audited); residents and strangers too', async () => {
    const s = await setup()
    const res = await s.status({ certNo: GUIZHOU_POVERTY.certno })
    expect(res.status).toBe(403)
    expect(await json(res)).toMatchObject({ error: { code: 'OUT_OF_REGION', message: '该人员的参保地不在您的服务区域内，不能为其办理业务' } })
    const [event] = await s.events(GUIZHOU_POVERTY.certno, 'desk.identity.status')
    expect(event).toMatchObject({ success: false, actorId: s.staff.account.id, detail: { outcome: 'out_of_region' } })

    const { browser } = await residentOnPhone(s)
    expect((await s.status({ certNo: GUIZHOU_POVERTY.certno }, browser)).status).toBe(403)
    expect((await s.status({ certNo: GUIZHOU_POVERTY.certno }, new TestBrowser(s.app))).status).toBe(401)
  })
})

describe('desk recovery: POST /sms-codes then /recoveries', () => {
  it('moves a bound identity to the new phone: old sessions end, both phones told, every step audited', async () => {
    const s = await setup()
    const { person, phone: oldPhone, browser: oldBrowser } = await residentOnPhone(s)
    const newPhone = freshPhone()
    const sent = await s.sendCode({ certNo: person.certNo }, newPhone)
    expect(sent.status).toBe(200)
    expect(await json(sent)).toEqual({ sent: true, expiresInSeconds: 300, resendAfterSeconds: 60 })

    const res = await s.recover({ certNo: person.certNo }, newPhone)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await json(res)).toEqual({ outcome: 'recovered', phoneTail: newPhone.slice(-4) })

    // The old phone's browser is signed out at once.
    const after = await oldBrowser.request('/api/v1/me/profile')
    expect(after.status).toBe(401)
    expect((await s.account(person.certNo))?.phoneRef).toBe(s.deps.vault.ref(newPhone))
    // Both phones got a notice, with the other phone's last four digits only.
    const notice = (phone: string, template: string) =>
      sentSms.find(m => m.phone === phone && m.template === template)?.params
    expect(notice(oldPhone, 'SMS_YIBAO_ACCOUNT_MOVED_AWAY')).toMatchObject({ tail: newPhone.slice(-4), via: '窗口办理' })
    expect(notice(newPhone, 'SMS_YIBAO_ACCOUNT_MOVED_HERE')).toMatchObject({ tail: oldPhone.slice(-4) })

    const [desk] = await s.events(person.certNo, 'desk.identity.recover')
    expect(desk).toMatchObject({
      actorType: 'staff',
      actorId: s.staff.account.id,
      actorRole: 'clerk',
      channel: 'help_desk',
      success: true,
      subjectRegion: '370502',
      detail: { result: 'recovered', phoneTail: newPhone.slice(-4), reason: REASON },
    })
    const recovered = { actorType: 'staff', success: true, detail: { via: 'desk' } }
    expect(await s.events(person.certNo, 'identity.recover')).toMatchObject([recovered])
    expect(JSON.stringify(await s.events(person.certNo))).not.toContain(newPhone)

    // The resident signs in with the new phone, straight into their account; 访问记录 shows the desk's work.
    const fresh = new TestBrowser(s.app)
    await fresh.signInByPhone(newPhone)
    const log = await json(await fresh.request('/api/v1/me/access-log'))
    expect(log).toEqual(expect.arrayContaining([
      expect.objectContaining({ actor: 'staff', action: 'desk.identity.recover', success: true }),
      expect.objectContaining({ actor: 'staff', action: 'identity.recover', success: true }),
    ]))
  })

  it('binds a person no phone holds yet (the desk way in for someone without a phone in their own name)', async () => {
    const s = await setup()
    const person = freshPerson()
    const phone = freshPhone()
    expect((await s.sendCode({ certNo: person.certNo }, phone)).status).toBe(200)
    const res = await s.recover({ certNo: person.certNo }, phone, { reason: '老人无本人实名手机，子女手机代为绑定' })
    expect(await json(res)).toEqual({ outcome: 'bound', phoneTail: phone.slice(-4) })
    expect(await s.events(person.certNo, 'identity.desk_bind')).toMatchObject([{ actorType: 'staff', success: true }])
    const browser = new TestBrowser(s.app)
    await browser.signInByPhone(phone)
    expect(await json(await browser.request('/api/v1/session'))).toMatchObject({ kind: 'resident' })
  })

  it('needs a reason of at least 4 characters (400, field message), and changes nothing without one', async () => {
    const s = await setup()
    const { person, phone } = await residentOnPhone(s)
    const newPhone = freshPhone()
    await s.sendCode({ certNo: person.certNo }, newPhone)
    for (const reason of ['', '   ', '换号']) {
      const res = await s.recover({ certNo: person.certNo }, newPhone, { reason })
      expect(res.status).toBe(400)
      const body = await json(res)
      expect(body.error.code).toBe('VALIDATION_FAILED')
      expect(body.error.fields.reason).toMatch(/请填写办理原因|办理原因至少4个字/)
    }
    expect((await s.account(person.certNo))?.phoneRef).toBe(s.deps.vault.ref(phone))
  })

  it('refuses a wrong SMS code (400 OTP_INVALID), audited, and the identity stays where it was', async () => {
    const s = await setup()
    const { person, phone, browser } = await residentOnPhone(s)
    const newPhone = freshPhone()
    await s.sendCode({ certNo: person.certNo }, newPhone)
    const wrong = lastCodeFor(newPhone) === '000000' ? '111111' : '000000'
    const res = await s.recover({ certNo: person.certNo }, newPhone, { code: wrong })
    expect(res.status).toBe(400)
    expect(await json(res)).toMatchObject({ error: { code: 'OTP_INVALID', fields: { code: '验证码不正确或已过期' } } })
    expect((await s.account(person.certNo))?.phoneRef).toBe(s.deps.vault.ref(phone))
    expect((await browser.request('/api/v1/me/profile')).status).toBe(200)
    const refused = { success: false, detail: { outcome: 'OTP_INVALID' } }
    expect(await s.events(person.certNo, 'desk.identity.recover')).toMatchObject([refused])
  })

  it('does not take a code sent for another person, or by another clerk', async () => {
    const s = await setup()
    const a = await residentOnPhone(s)
    const b = await residentOnPhone(s)
    const newPhone = freshPhone()
    await s.sendCode({ certNo: a.person.certNo }, newPhone)
    const code = lastCodeFor(newPhone)
    const forB = await s.recover({ certNo: b.person.certNo }, newPhone, { code })
    expect(await json(forB)).toMatchObject({ error: { code: 'OTP_INVALID' } })
    const other = await s.clerk()
    const byOther = await s.recover({ certNo: a.person.certNo }, newPhone, { code }, other.browser)
    expect(await json(byOther)).toMatchObject({ error: { code: 'OTP_INVALID' } })
  })

  it('refuses a new phone bound to another person: 409 PHONE_BOUND_ELSEWHERE before a code, at the move', async () => {
    const s = await setup()
    const { person, phone } = await residentOnPhone(s)
    const neighbour = await residentOnPhone(s)
    const early = await s.sendCode({ certNo: person.certNo }, neighbour.phone)
    expect(early.status).toBe(409)
    const taken = { code: 'PHONE_BOUND_ELSEWHERE', fields: { phone: '该手机号已绑定其他参保人' } }
    expect(await json(early)).toMatchObject({ error: taken })
    expect(sentSms.some(m => m.phone === neighbour.phone && m.code)).toBe(false)
    // The same phone as now: nothing to move.
    const same = await s.sendCode({ certNo: person.certNo }, phone)
    expect(await json(same)).toMatchObject({ error: { code: 'RECOVERY_ALREADY_DONE' } })

    // A free phone when the code went out, taken by someone else before the clerk confirms.
    const contested = freshPhone()
    await s.sendCode({ certNo: person.certNo }, contested)
    const code = lastCodeFor(contested)
    await new TestBrowser(s.app).signInDirect(s.deps, { ...freshPerson(), phone: contested })
    const late = await s.recover({ certNo: person.certNo }, contested, { code })
    expect(late.status).toBe(409)
    expect(await json(late)).toMatchObject({ error: { code: 'PHONE_BOUND_ELSEWHERE' } })
    expect((await s.account(person.certNo))?.phoneRef).toBe(s.deps.vault.ref(phone))
  })

  it('refuses a clerk outside the person\'s region (403 OUT_OF_REGION) at each step, audited, no code', async () => {
    const s = await setup()
    const phone = freshPhone()
    const res = await s.sendCode({ certNo: GUIZHOU_POVERTY.certno }, phone)
    expect(res.status).toBe(403)
    expect(await json(res)).toMatchObject({ error: { code: 'OUT_OF_REGION' } })
    expect(sentSms.some(m => m.phone === phone)).toBe(false)
    const move = await s.recover({ certNo: GUIZHOU_POVERTY.certno }, phone, { code: '123456' })
    expect(move.status).toBe(403)
    const events = await s.events(GUIZHOU_POVERTY.certno)
    const seen = events.filter(e => e.actorId === s.staff.account.id)
      .map(e => [e.action, e.success, (e.detail as { outcome?: string }).outcome])
    expect(seen).toEqual(expect.arrayContaining([
      ['desk.identity.sms_code', false, 'out_of_region'],
      ['desk.identity.recover', false, 'out_of_region'],
    ]))
  })

  it('does it once when the same Idempotency-Key is sent twice, in turn or at once', async () => {
    const s = await setup()
    const { person, phone: oldPhone } = await residentOnPhone(s)
    const newPhone = freshPhone()
    await s.sendCode({ certNo: person.certNo }, newPhone)
    const key = randomUUID()
    const code = lastCodeFor(newPhone)
    const [first, second] = await Promise.all([
      s.recover({ certNo: person.certNo }, newPhone, { code }, s.desk, key),
      s.recover({ certNo: person.certNo }, newPhone, { code }, s.desk, key),
    ])
    const statuses = [first.status, second.status].sort()
    // One ran; the other was either told it is still running (409) or given the stored answer.
    expect(statuses[0]).toBe(200)
    expect([200, 409]).toContain(statuses[1])
    const again = await s.recover({ certNo: person.certNo }, newPhone, { code }, s.desk, key)
    expect(again.status).toBe(200)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(await json(again)).toEqual({ outcome: 'recovered', phoneTail: newPhone.slice(-4) })
    expect((await s.events(person.certNo, 'identity.recover')).filter(e => e.success)).toHaveLength(1)
    expect(sentSms.filter(m => m.phone === oldPhone && m.template === 'SMS_YIBAO_ACCOUNT_MOVED_AWAY')).toHaveLength(1)
  })

  it('lets one of two clerks racing for the same person win; the other gets 409 RECOVERY_ALREADY_DONE', async () => {
    const s = await setup()
    const { person, phone: oldPhone } = await residentOnPhone(s)
    const other = await s.clerk()
    const newPhone = freshPhone()
    await s.sendCode({ certNo: person.certNo }, newPhone)
    const mine = lastCodeFor(newPhone)
    await s.sendCode({ certNo: person.certNo }, newPhone, other.browser)
    const theirs = lastCodeFor(newPhone)
    const results = await Promise.all([
      s.recover({ certNo: person.certNo }, newPhone, { code: mine }),
      s.recover({ certNo: person.certNo }, newPhone, { code: theirs }, other.browser),
    ])
    const bodies = await Promise.all(results.map(r => json(r)))
    expect(results.map(r => r.status).sort()).toEqual([200, 409])
    expect(bodies.find(b => b.error)).toMatchObject({ error: { code: 'RECOVERY_ALREADY_DONE' } })
    expect((await s.events(person.certNo, 'identity.recover')).filter(e => e.success)).toHaveLength(1)
    expect(sentSms.filter(m => m.phone === oldPhone && m.template === 'SMS_YIBAO_ACCOUNT_MOVED_AWAY')).toHaveLength(1)
  })

  it('binds an unbound person once when two clerks race to bind them', async () => {
    const s = await setup()
    const person = freshPerson()
    const other = await s.clerk()
    const phone = freshPhone()
    await s.sendCode({ certNo: person.certNo }, phone)
    const mine = lastCodeFor(phone)
    await s.sendCode({ certNo: person.certNo }, phone, other.browser)
    const theirs = lastCodeFor(phone)
    const results = await Promise.all([
      s.recover({ certNo: person.certNo }, phone, { code: mine }),
      s.recover({ certNo: person.certNo }, phone, { code: theirs }, other.browser),
    ])
    expect(results.map(r => r.status).sort()).toEqual([200, 409])
    expect((await s.events(person.certNo, 'identity.desk_bind')).filter(e => e.success)).toHaveLength(1)
  })

  it('limits each clerk to 10 moves an hour (429 on the 11th attempt)', async () => {
    const s = await setup()
    const person = freshPerson()
    const statuses: number[] = []
    for (let i = 0; i < 11; i++)
      statuses.push((await s.recover({ certNo: person.certNo }, freshPhone(), { code: '123456', reason: '' })).status)
    expect(statuses.slice(0, 10).every(x => x === 400)).toBe(true)
    expect(statuses[10]).toBe(429)
  })
})
