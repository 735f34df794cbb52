import { randomInt, randomUUID } from 'node:crypto'
import { shanghaiDate } from '@yibao/shared'
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { orderLines } from '../storage/payments'
import { auditEvents, deskActs } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { json } from '../testing/http'
import { usePaymentStack } from '../testing/payment-stack'
import { createTestStaff, signInStaff } from '../testing/staff'

// The real bureau sandbox (1101, 2551/2552/5302, tax, WeChat Pay, SMS) behind a real BFF, on loopback.
const { ctx, payablePerson, payForSelf } = usePaymentStack()
const YEAR = TEST_YEAR
const MINUTE = 60_000

let phoneSeq = 0
/** A Dongying resident with an account and a phone on file, who has paid the coming year for themselves. */
async function resident(opts: { pay?: boolean } = {}) {
  const person = await payablePerson(YEAR)
  const phone = `1390000${String(4000 + phoneSeq++).padStart(4, '0')}`
  const browser = new TestBrowser(ctx.stack.app)
  const account = await browser.signInDirect(ctx.stack.deps, { ...person, phone })
  const paid = opts.pay === false ? null : await payForSelf(browser, YEAR)
  return { person, phone, browser, account, order: paid, line: paid?.lines[0] as { id: string, amountFen: number } | undefined }
}

async function clerk(regions = ['370500'], name = '王丽') {
  const browser = new TestBrowser(ctx.stack.app)
  const staff = await createTestStaff(ctx.stack.deps, { role: 'clerk', regions, name })
  await signInStaff(browser, ctx.stack.deps, staff)
  return { browser, staff, id: staff.account.id }
}

/** The clerk scans the resident's 医保电子凭证 (the resident shows it on their phone); returns the handle. */
async function scan(desk: TestBrowser, res: TestBrowser): Promise<string> {
  const { token } = await json(await res.request('/api/v1/me/e-voucher'))
  const scanned = await json(await desk.request('/api/v1/desk/e-vouchers/verify', { method: 'POST', json: { token } }))
  return scanned.subject as string
}

const post = (b: TestBrowser, path: string, body: unknown, key: string | null = randomUUID()) =>
  b.request(`/api/v1/desk${path}`, { method: 'POST', json: body, headers: key ? { 'idempotency-key': key } : {} })

async function smsCode(phone: string): Promise<string> {
  const res = await fetch(`${ctx.stack.sandboxUrl}/__sandbox/sms?phone=${phone}`)
  const { messages } = await res.json() as { messages: { params: Record<string, string> }[] }
  const code = messages.findLast(m => m.params.code)?.params.code
  if (!code) throw new Error(`no SMS code for ${phone}`)
  return code
}

async function auditOf(actorId: string, action: string) {
  return ctx.storage.db.select().from(auditEvents)
    .where(and(eq(auditEvents.actorId, actorId), eq(auditEvents.action, action)))
    .orderBy(auditEvents.id)
}

const TRIP = (startDate: string) => ({ type: 'temporary', destination: '440300', phone: '13800138000', startDate })
const today = () => shanghaiDate(ctx.stack.clock.now())

describe('窗口代办 退费 (POST /api/v1/desk/refunds)', () => {
  it('applies for a refund for a scanned resident with the scan as consent, once per Idempotency-Key; the resident sees it with the clerk', async () => {
    const r = await resident()
    const desk = await clerk()
    const subject = await scan(desk.browser, r.browser)

    const listed = await json(await post(desk.browser, '/refunds/lines', { subject }, null))
    expect(listed.lines).toEqual([expect.objectContaining({ orderId: r.order!.id, lineId: r.line!.id, year: YEAR, amountFen: r.line!.amountFen })])
    expect(JSON.stringify(listed)).not.toContain(r.person.certNo)
    const options = await json(await post(desk.browser, '/refunds/options', { subject, orderId: r.order!.id, lineId: r.line!.id }, null))
    expect(options.options.find((o: { reason: string }) => o.reason === 'overpaid')).toMatchObject({ status: 'allowed' })

    const body = { subject, orderId: r.order!.id, lineId: r.line!.id, reason: 'overpaid', consent: { kind: 'evoucher' } }
    const key = randomUUID()
    const res = await post(desk.browser, '/refunds', body, key)
    expect(res.status).toBe(201)
    const created = await json(res)
    expect(created).toMatchObject({ lineId: r.line!.id, reason: 'overpaid', status: 'refunding', clerk: { name: '王丽', hallRegion: '370500', hallName: '东营市', consent: 'evoucher' } })
    // The same confirmation again is the same refund: one refund, one desk act.
    const replay = await post(desk.browser, '/refunds', body, key)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect((await json(replay)).id).toBe(created.id)
    expect(await ctx.storage.db.select().from(deskActs).where(eq(deskActs.target, `refund:${created.id}`))).toHaveLength(1)
    const keyless = await post(desk.browser, '/refunds', body, null)
    expect(await json(keyless)).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REQUIRED' } })

    // The resident's own 退费记录 shows it, with the clerk and hall as 经办人.
    const own = await json(await r.browser.request('/api/v1/refunds'))
    expect(own).toEqual([expect.objectContaining({ id: created.id, clerk: expect.objectContaining({ name: '王丽', hallName: '东营市' }) })])
    // Audited with the clerk as actor and the resident as subject, the consent recorded.
    const audit = await auditOf(desk.id, 'desk.refund.request')
    expect(audit.map(e => [e.success, e.channel, e.subjectRef, e.target, (e.detail as { consent: string }).consent]))
      .toEqual([[true, 'help_desk', r.account.certRef, `refund:${created.id}`, 'evoucher']])
    // …and their 访问记录 names the clerk and the hall.
    const log = await json(await r.browser.request('/api/v1/me/access-log'))
    expect(log.find((e: { action: string }) => e.action === 'desk.refund.request'))
      .toMatchObject({ actor: 'staff', channel: 'help_desk', staff: { name: '王丽', hallName: '东营市' } })
    expect(log.find((e: { action: string }) => e.action === 'refund.request')).toBeUndefined()
  })

  it('takes an SMS code sent to the resident\'s phone on file as consent for a typed ID number', async () => {
    const r = await resident()
    const desk = await clerk()
    const target = { certNo: r.person.certNo }
    const sent = await post(desk.browser, '/consent/sms-codes', target, null)
    expect(sent.status).toBe(200)
    expect(await json(sent)).toMatchObject({ sent: true, phoneTail: r.phone.slice(-4) })
    const code = await smsCode(r.phone)
    const res = await post(desk.browser, '/refunds', { ...target, orderId: r.order!.id, lineId: r.line!.id, reason: 'overpaid', consent: { kind: 'sms', code } })
    expect(res.status).toBe(201)
    expect(await json(res)).toMatchObject({ clerk: { consent: 'sms', name: '王丽' } })
    // The code is used up.
    const again = await post(desk.browser, '/refunds', { ...target, orderId: r.order!.id, lineId: r.line!.id, reason: 'overpaid', consent: { kind: 'sms', code } })
    expect(await json(again)).toMatchObject({ error: { code: 'OTP_INVALID' } })
  })
})

describe('退费 of a 窗口代缴 payment (the payer\'s 付款码 at the counter)', () => {
  it('is the resident\'s to ask back online and the desk\'s to apply for; nobody else sees it', async () => {
    const r = await resident({ pay: false })
    const desk = await clerk()
    const authCode = `10${String(randomInt(1e8)).padStart(8, '0')}${String(randomInt(1e8)).padStart(8, '0')}`
    const paid = await json(await post(desk.browser, '/payments/codepay', {
      year: YEAR,
      name: r.person.name,
      certNo: r.person.certNo,
      authCode,
    }))
    expect(paid).toMatchObject({ outcome: 'paid', order: { status: 'paid' } })
    const orderId = paid.order.id as string
    const lineId = paid.order.lines[0].id as string
    // Until the tax bureau holds it, nothing can be taken back.
    for (let i = 0; i < 100 && (await orderLines(ctx.storage.db, orderId))[0]?.status !== 'reported'; i++) {
      await ctx.stack.worker.tick()
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    expect((await orderLines(ctx.storage.db, orderId)).map(l => l.status)).toEqual(['reported'])

    // Another resident cannot see or touch it.
    const other = await resident({ pay: false })
    const query = `orderId=${orderId}&lineId=${lineId}`
    expect((await other.browser.request(`/api/v1/refunds/options?${query}`)).status).toBe(404)
    const stranger = await other.browser.request('/api/v1/refunds', {
      method: 'POST',
      json: { orderId, lineId, reason: 'overpaid' },
      headers: { 'idempotency-key': randomUUID() },
    })
    expect(stranger.status).toBe(404)

    // The desk offers it among the person's payments to refund.
    const subject = await scan(desk.browser, r.browser)
    const listed = await json(await post(desk.browser, '/refunds/lines', { subject }, null))
    expect(listed.lines).toEqual([expect.objectContaining({ orderId, lineId, year: YEAR })])
    const deskOptions = await json(await post(desk.browser, '/refunds/options', { subject, orderId, lineId }, null))
    expect(deskOptions.options.find((o: { reason: string }) => o.reason === 'overpaid')).toMatchObject({ status: 'allowed' })

    // The resident asks it back in the app, and their 退费记录 has it.
    const options = await json(await r.browser.request(`/api/v1/refunds/options?${query}`))
    expect(options.options.find((o: { reason: string }) => o.reason === 'overpaid')).toMatchObject({ status: 'allowed' })
    const asked = await r.browser.request('/api/v1/refunds', {
      method: 'POST',
      json: { orderId, lineId, reason: 'overpaid' },
      headers: { 'idempotency-key': randomUUID() },
    })
    expect(asked.status).toBe(201)
    const refund = await json(asked)
    expect(await json(await r.browser.request('/api/v1/refunds'))).toEqual([expect.objectContaining({ id: refund.id, lineId })])
    // Asked once: the desk now finds nothing left to refund for them.
    expect((await json(await post(desk.browser, '/refunds/lines', { subject }, null))).lines).toEqual([])
  })
})

describe('窗口代办 异地就医备案 (/api/v1/desk/cross-region/filings)', () => {
  it('files with SMS consent (申报来源 经办窗口, the clerk as 经办人), changes and cancels with a fresh scan; the resident sees who', async () => {
    const r = await resident()
    const desk = await clerk()
    const subject = await scan(desk.browser, r.browser)
    await post(desk.browser, '/consent/sms-codes', { subject }, null)
    const code = await smsCode(r.phone)
    const res = await post(desk.browser, '/cross-region/filings', { subject, consent: { kind: 'sms', code }, filing: TRIP(today()) })
    expect(res.status).toBe(201)
    const filed = await json(res)
    expect(filed).toMatchObject({ status: 'valid', destination: '440300', source: 'desk', clerk: { name: '王丽', hallName: '东营市', consent: 'sms' } })

    const mine = await json(await r.browser.request('/api/v1/cross-region/filings'))
    expect(mine.filings.find((f: { id: string }) => f.id === filed.id)).toMatchObject({ source: 'desk', clerk: { name: '王丽', hallRegion: '370500' } })
    const deskList = await json(await post(desk.browser, '/cross-region/filings/list', { subject }, null))
    expect(deskList.filings.map((f: { id: string }) => f.id)).toContain(filed.id)

    const changed = await post(desk.browser, `/cross-region/filings/${filed.id}/change`, { subject, consent: { kind: 'evoucher' }, filing: { ...TRIP(today()), destination: '110105' } })
    expect(changed.status).toBe(201)
    const next = await json(changed)
    expect(next).toMatchObject({ destination: '110105', clerk: { consent: 'evoucher' } })
    const cancelled = await post(desk.browser, `/cross-region/filings/${next.id}/cancel`, { subject, consent: { kind: 'evoucher' }, reason: '行程取消' })
    expect(cancelled.status).toBe(200)
    expect(await json(cancelled)).toMatchObject({ status: 'cancelled', cancelReason: '行程取消' })

    const audit = await auditOf(desk.id, 'desk.cross_region.file')
    expect(audit.map(e => [e.success, e.subjectRef, e.target, (e.detail as { consent: string }).consent]))
      .toEqual([[true, r.account.certRef, `filing:${filed.id}`, 'sms']])
    expect((await auditOf(desk.id, 'desk.cross_region.cancel')).map(e => e.success)).toEqual([true])
  })

  it('puts a field problem of the filing under filing.<field> (Chinese), before any consent is spent', async () => {
    const r = await resident({ pay: false })
    const desk = await clerk()
    const res = await post(desk.browser, '/cross-region/filings', { certNo: r.person.certNo, consent: { kind: 'sms', code: '123456' }, filing: { ...TRIP(today()), destination: '37' } })
    expect(res.status).toBe(400)
    expect(await json(res)).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: '填写的信息有误，请检查后再提交', fields: { 'filing.destination': '请选择就医地' } } })
  })
})

describe('窗口代办 refusals, each audited', () => {
  it('refuses an act without consent, with a wrong code, with a scan too old or claimed for a typed ID number (403/400)', async () => {
    const r = await resident()
    const desk = await clerk()
    const subject = await scan(desk.browser, r.browser)
    const act = (extra: object) => post(desk.browser, '/refunds', { orderId: r.order!.id, lineId: r.line!.id, reason: 'overpaid', subject, ...extra })

    const none = await act({})
    expect(none.status).toBe(403)
    expect(await json(none)).toMatchObject({ error: { code: 'DESK_CONSENT_REQUIRED', message: expect.stringContaining('参保人本人同意') } })
    await post(desk.browser, '/consent/sms-codes', { subject }, null)
    const right = await smsCode(r.phone)
    const wrong = await act({ consent: { kind: 'sms', code: right === '000000' ? '111111' : '000000' } })
    expect(wrong.status).toBe(400)
    expect(await json(wrong)).toMatchObject({ error: { code: 'OTP_INVALID' } })
    const typed = await post(desk.browser, '/cross-region/filings', { certNo: r.person.certNo, consent: { kind: 'evoucher' }, filing: TRIP(today()) })
    expect(await json(typed)).toMatchObject({ error: { code: 'DESK_CONSENT_REQUIRED' } })

    const start = ctx.stack.clock.now()
    try {
      // Six minutes on, the handle still opens the person (a visit lasts 15), but the scan is no consent any more.
      ctx.stack.clock.set(new Date(start.getTime() + 6 * MINUTE))
      const stale = await act({ consent: { kind: 'evoucher' } })
      expect(stale.status).toBe(403)
      expect(await json(stale)).toMatchObject({ error: { code: 'DESK_CONSENT_REQUIRED' } })
      // Past the visit the handle itself is refused.
      ctx.stack.clock.set(new Date(start.getTime() + 16 * MINUTE))
      const expired = await act({ consent: { kind: 'evoucher' } })
      expect(expired.status).toBe(400)
      expect(await json(expired)).toMatchObject({ error: { code: 'DESK_SUBJECT_EXPIRED', message: '扫码办理已超时，请让参保人重新出示医保电子凭证后再扫码' } })
    }
    finally {
      ctx.stack.clock.set(start)
    }
    const refused = await auditOf(desk.id, 'desk.refund.request')
    expect(refused.map(e => [e.success, (e.detail as { outcome: string }).outcome])).toEqual([
      [false, 'DESK_CONSENT_REQUIRED'],
      [false, 'OTP_INVALID'],
      [false, 'DESK_CONSENT_REQUIRED'],
      [false, 'DESK_SUBJECT_EXPIRED'],
    ])
    expect(refused.slice(0, 3).every(e => e.subjectRef === r.account.certRef)).toBe(true)
    expect((await auditOf(desk.id, 'desk.cross_region.file')).map(e => [e.success, (e.detail as { outcome: string }).outcome]))
      .toEqual([[false, 'DESK_CONSENT_REQUIRED']])
    // Nothing was refunded.
    expect((await json(await r.browser.request('/api/v1/refunds')))).toEqual([])
  })

  it('refuses a clerk of another region (403 OUT_OF_REGION), audited, before any code is sent', async () => {
    const r = await resident()
    const far = await clerk(['520000'], '李强')
    const sms = await post(far.browser, '/consent/sms-codes', { certNo: r.person.certNo }, null)
    expect(sms.status).toBe(403)
    expect(await json(sms)).toMatchObject({ error: { code: 'OUT_OF_REGION', message: '该人员的参保地不在您的服务区域内，不能为其办理业务' } })
    const filing = await post(far.browser, '/cross-region/filings', { certNo: r.person.certNo, consent: { kind: 'sms', code: '123456' }, filing: TRIP(today()) })
    expect(filing.status).toBe(403)
    const refund = await post(far.browser, '/refunds', { certNo: r.person.certNo, orderId: r.order!.id, lineId: r.line!.id, reason: 'overpaid', consent: { kind: 'sms', code: '123456' } })
    expect(await json(refund)).toMatchObject({ error: { code: 'OUT_OF_REGION' } })
    for (const action of ['desk.consent.sms_code', 'desk.cross_region.file', 'desk.refund.request']) {
      const events = await auditOf(far.id, action)
      expect(events.map(e => [e.success, e.subjectRef, (e.detail as { outcome: string }).outcome])).toEqual([[false, r.account.certRef, 'out_of_region']])
    }
    const res = await fetch(`${ctx.stack.sandboxUrl}/__sandbox/sms?phone=${r.phone}`)
    expect((await res.json() as { messages: unknown[] }).messages).toEqual([])
  })

  it('answers bad input in Chinese with the one envelope, and a person without a phone on file gets no code', async () => {
    const desk = await clerk()
    const noTarget = await post(desk.browser, '/refunds', { orderId: randomUUID(), lineId: randomUUID(), reason: 'overpaid' })
    expect(noTarget.status).toBe(400)
    expect(await json(noTarget)).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { certNo: '请先查询或扫码确定办理对象' } } })
    const badReason = await post(desk.browser, '/refunds', { certNo: '370502199001011234', orderId: 'x', lineId: randomUUID(), reason: 'nope' })
    expect(await json(badReason)).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { orderId: '请选择要退费的缴费记录', reason: '请选择退费原因' } } })
    const badConsent = await post(desk.browser, '/cross-region/filings/x/cancel', { subject: 'abc', consent: { kind: 'sms', code: '12' }, reason: '行程取消' })
    expect(await json(badConsent)).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { 'consent.code': '请输入6位短信验证码' } } })
    const notJson = await desk.browser.request('/api/v1/desk/consent/sms-codes', { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } })
    expect(notJson.status).toBe(400)
    expect((await json(notJson)).error.message).toMatch(/[\u4E00-\u9FFF]/)

    // A person with no account (so no phone on file) cannot be sent a code.
    const person = await payablePerson(YEAR)
    const noPhone = await post(desk.browser, '/consent/sms-codes', { certNo: person.certNo }, null)
    expect(noPhone.status).toBe(409)
    expect(await json(noPhone)).toMatchObject({ error: { code: 'DESK_CONSENT_NO_PHONE' } })
  })
})
