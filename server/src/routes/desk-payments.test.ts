import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { findOrderBy } from '../storage/payments'
import { auditEvents } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { usePaymentStack } from '../testing/payment-stack'
import { createTestStaff, signInStaff } from '../testing/staff'
import { sseData } from '../testing/sse'
import { json } from '../testing/http'

const { ctx, payablePerson: payableIn } = usePaymentStack()

/** Payable on the stack's clock (`TEST_NOW`, 15 November 2026 in Shanghai). */
const YEAR = TEST_YEAR
/** A seeded person whose coming year's premium is still payable. */
const payablePerson = (policyRegion: '370500' | '520000' = '370500') => payableIn(YEAR, policyRegion)

async function staffBrowser(regions = ['370500']) {
  const browser = new TestBrowser(ctx.stack.app)
  const staff = await createTestStaff(ctx.stack.deps, { role: 'clerk', regions })
  await signInStaff(browser, ctx.stack.deps, staff)
  return { browser, staff }
}

function deskOrder(browser: TestBrowser, body: unknown, key = randomUUID()) {
  return browser.request('/api/v1/desk/payments/orders', { method: 'POST', json: body, headers: { 'idempotency-key': key } })
}

/** Reads the SSE stream until an event carries `status` (or the stream ends); returns every `status` seen. */
async function readEvents(res: Response, until: string): Promise<string[]> {
  const reader = res.body!.getReader()
  const seen: string[] = []
  const deadline = Date.now() + 10_000
  for await (const event of sseData<{ status: string }>(reader)) {
    seen.push(event.status)
    if (event.status === until || Date.now() > deadline) break
  }
  await reader.cancel()
  return seen
}

async function auditOf(actorId: string, action: string) {
  return ctx.storage.db.select().from(auditEvents).where(and(eq(auditEvents.actorId, actorId), eq(auditEvents.action, action)))
}

describe('help-desk payment QR codes (窗口代缴)', () => {
  it('lets a Dongying clerk create a Native QR for a Dongying resident, audited, and follows it live to paid', async () => {
    const { browser, staff } = await staffBrowser()
    const person = await payablePerson()
    const key = randomUUID()
    const res = await deskOrder(browser, { year: YEAR, name: person.name, certNo: person.certNo }, key)
    expect(res.status).toBe(201)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const created = await json(res)
    expect(created).toMatchObject({ channel: 'native', status: 'prepaid', year: YEAR, codeUrl: expect.stringMatching(/^weixin:\/\/wxpay\/bizpayurl\?pr=/), lines: [{ certNo: `${person.certNo.slice(0, 6)}********${person.certNo.slice(-4)}`, receiptCode: null }] })
    expect(created.totalFen).toBeGreaterThan(0)
    expect(JSON.stringify(created)).not.toContain(person.certNo)
    expect(JSON.stringify(created)).not.toContain(person.name)
    // The order is the staff member's, not a resident's.
    expect((await findOrderBy(ctx.storage.db, 'id', created.id))!.principal).toBe(`staff:${staff.account.id}`)

    // Retrying the same confirmation gives the same order.
    const replay = await deskOrder(browser, { year: YEAR, name: person.name, certNo: person.certNo }, key)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect((await json(replay)).id).toBe(created.id)
    // A money-moving POST needs the key.
    const keyless = await browser.request('/api/v1/desk/payments/orders', { method: 'POST', json: { year: YEAR, name: person.name, certNo: person.certNo } })
    expect(keyless.status).toBe(400)
    expect(await json(keyless)).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REQUIRED' } })

    const events = await browser.request(`/api/v1/desk/payments/orders/${created.id}/events`)
    expect(events.status).toBe(200)
    expect(events.headers.get('content-type')).toContain('text/event-stream')
    // Order states of a named person: no cache may keep them (not even revalidated ones).
    expect(events.headers.get('cache-control')).toBe('no-store')
    const following = readEvents(events, 'paid')
    await ctx.stack.control(`/orders/${created.outTradeNo}/pay`, {})
    expect(await following).toEqual(['prepaid', 'paid'])

    const view = await json(await browser.request(`/api/v1/desk/payments/orders/${created.id}`))
    expect(view).toMatchObject({ status: 'paid', codeUrl: null, lines: [{ status: 'paid', receiptCode: expect.stringMatching(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/) }] })

    const audit = await auditOf(staff.account.id, 'desk.payment.order')
    expect(audit.map(e => [e.success, e.channel, e.subjectMasked, e.subjectRegion?.slice(0, 4), e.target])).toEqual([[true, 'help_desk', created.lines[0].certNo, '3705', `order:${created.id}`]])
    expect(JSON.stringify(audit)).not.toContain(person.certNo)
  })

  it('takes the handle of a scanned 电子凭证 in place of the ID number; only the staff member who scanned may use it, for one visit', async () => {
    const { browser, staff } = await staffBrowser()
    const person = await payablePerson()
    const resident = new TestBrowser(ctx.stack.app)
    await resident.signInDirect(ctx.stack.deps, person)
    const { token } = await json(await resident.request('/api/v1/me/e-voucher'))
    const scan = await json(await browser.request('/api/v1/desk/e-vouchers/verify', { method: 'POST', json: { token } }))
    expect(scan.subject).toEqual(expect.any(String))
    expect(JSON.stringify(scan)).not.toContain(person.certNo)
    expect(JSON.stringify(scan)).not.toContain(person.name)

    const created = await deskOrder(browser, { year: YEAR, subject: scan.subject })
    expect(created.status).toBe(201)
    const order = await json(created)
    expect(order).toMatchObject({ channel: 'native', status: 'prepaid', lines: [{ certNo: `${person.certNo.slice(0, 6)}********${person.certNo.slice(-4)}` }] })
    const audit = await auditOf(staff.account.id, 'desk.payment.order')
    expect(audit.map(e => [e.success, e.subjectRef, e.target])).toEqual([[true, ctx.stack.deps.vault.ref(person.certNo), `order:${order.id}`]])

    // Another clerk of the same region cannot use it, nor can anyone use a tampered or old one.
    const { browser: other } = await staffBrowser()
    const [version, iv, body, tag] = (scan.subject as string).split('.') as [string, string, string, string]
    const flipped = `${version}.${iv}.${body.slice(0, -2)}${body.endsWith('AA') ? 'BB' : 'AA'}.${tag}`
    for (const [who, handle] of [[other, scan.subject], [browser, flipped], [browser, 'not-a-handle']] as const) {
      const refused = await deskOrder(who, { year: YEAR, subject: handle })
      expect(refused.status).toBe(400)
      expect(await json(refused)).toMatchObject({ error: { code: 'DESK_SUBJECT_EXPIRED', message: '扫码办理已超时，请让参保人重新出示医保电子凭证后再扫码' } })
    }
    // A handle and a typed person at once is a form error, not a guess.
    const both = await deskOrder(browser, { year: YEAR, subject: scan.subject, name: person.name, certNo: person.certNo })
    expect(both.status).toBe(400)
    expect(await json(both)).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { certNo: '请先查询或扫码确定办理对象' } } })
  })

  it('puts a paid 窗口代缴 order in that resident\'s own 缴费记录 (not an unpaid one, not anyone else\'s)', async () => {
    const { browser } = await staffBrowser()
    const person = await payablePerson()
    const created = await json(await deskOrder(browser, { year: YEAR, name: person.name, certNo: person.certNo }))
    const resident = new TestBrowser(ctx.stack.app)
    await resident.signInDirect(ctx.stack.deps, person)
    const own = async () => (await json(await resident.request('/api/v1/payments/orders'))) as { id: string }[]
    // Not paid yet: the clerk's QR is the clerk's business.
    expect((await own()).map(o => o.id)).not.toContain(created.id)
    expect((await resident.request(`/api/v1/payments/orders/${created.id}`)).status).toBe(404)

    await ctx.stack.control(`/orders/${created.outTradeNo}/pay`, {})
    await json(await browser.request(`/api/v1/desk/payments/orders/${created.id}`))
    const listed = (await own()).find(o => o.id === created.id)
    expect(listed).toMatchObject({ atDesk: true, status: 'paid', lines: [{ certNo: created.lines[0].certNo }] })
    const detail = await resident.request(`/api/v1/payments/orders/${created.id}`)
    expect(detail.status).toBe(200)
    expect(await json(detail)).toMatchObject({ id: created.id, atDesk: true, status: 'paid' })
    // Cancelling is not the resident's to do on the clerk's order.
    expect((await resident.request(`/api/v1/payments/orders/${created.id}/close`, { method: 'POST' })).status).toBe(404)
    // Their 电子缴费凭证 is theirs to download.
    const receiptPdf = `/api/v1/payments/orders/${created.id}/lines/${created.lines[0].id}/receipt.pdf`
    const pdf = await resident.request(receiptPdf)
    expect(pdf.status).toBe(200)
    expect(pdf.headers.get('content-type')).toBe('application/pdf')

    // Somebody else signed in sees none of it.
    const other = new TestBrowser(ctx.stack.app)
    await other.signInDirect(ctx.stack.deps, await payablePerson())
    expect((await json(await other.request('/api/v1/payments/orders')) as { id: string }[]).map(o => o.id))
      .not.toContain(created.id)
    expect((await other.request(`/api/v1/payments/orders/${created.id}`)).status).toBe(404)
    expect((await other.request(receiptPdf)).status).toBe(404)
  })

  it('refuses residents (403) and anonymous callers (401)', async () => {
    const person = await payablePerson()
    const resident = new TestBrowser(ctx.stack.app)
    await resident.signInDirect(ctx.stack.deps, person)
    const before = ((await ctx.stack.control('/orders')).orders as unknown[]).length
    const refused = await deskOrder(resident, { year: YEAR, name: person.name, certNo: person.certNo })
    expect(refused.status).toBe(403)
    expect(await json(refused)).toMatchObject({ error: { code: 'FORBIDDEN' } })
    const anonymous = new TestBrowser(ctx.stack.app)
    await anonymous.refreshSession()
    expect((await deskOrder(anonymous, { year: YEAR, name: person.name, certNo: person.certNo })).status).toBe(401)
    // Nothing was sent to WeChat Pay.
    expect(((await ctx.stack.control('/orders')).orders as unknown[]).length).toBe(before)
  })

  it('refuses a resident outside the staff member\'s region (403 OUT_OF_REGION), audits it, and orders nothing', async () => {
    const { browser, staff } = await staffBrowser(['370500'])
    const gz = await payablePerson('520000')
    const before = (await ctx.stack.control('/orders')).orders as unknown[]
    const res = await deskOrder(browser, { year: YEAR, name: gz.name, certNo: gz.certNo })
    expect(res.status).toBe(403)
    expect(await json(res)).toMatchObject({ error: { code: 'OUT_OF_REGION', message: '该人员的参保地不在您的服务区域内，不能为其办理业务' } })
    expect(((await ctx.stack.control('/orders')).orders as unknown[]).length).toBe(before.length)
    const audit = await auditOf(staff.account.id, 'desk.payment.order')
    expect(audit.map(e => [e.success, (e.detail as { outcome?: string }).outcome, e.subjectRegion?.slice(0, 2)])).toEqual([[false, 'out_of_region', '52']])
    // A Guizhou clerk may.
    const { browser: guizhou } = await staffBrowser(['520000'])
    expect((await deskOrder(guizhou, { year: YEAR, name: gz.name, certNo: gz.certNo })).status).toBe(201)
  })

  it('shows an order only to the staff member who created it (404 for another staff member and for residents\' orders)', async () => {
    const { browser } = await staffBrowser()
    const person = await payablePerson()
    const created = await json(await deskOrder(browser, { year: YEAR, name: person.name, certNo: person.certNo }))
    expect((await browser.request(`/api/v1/desk/payments/orders/${created.id}`)).status).toBe(200)

    const { browser: other } = await staffBrowser()
    const hidden = await other.request(`/api/v1/desk/payments/orders/${created.id}`)
    expect(hidden.status).toBe(404)
    expect(await json(hidden)).toMatchObject({ error: { code: 'NOT_FOUND' } })
    expect((await other.request(`/api/v1/desk/payments/orders/${created.id}/events`)).status).toBe(404)
    expect((await other.request('/api/v1/desk/payments/orders/not-a-uuid')).status).toBe(404)

    // A resident's own order is not a desk order, and a desk order is not the resident's.
    const payer = await payablePerson()
    const resident = new TestBrowser(ctx.stack.app)
    await resident.signInDirect(ctx.stack.deps, payer)
    const own = await json(await resident.request('/api/v1/payments/orders', { method: 'POST', json: { year: YEAR, channel: 'native', people: [{ kind: 'self' }] }, headers: { 'idempotency-key': randomUUID() } }))
    expect((await browser.request(`/api/v1/desk/payments/orders/${own.id}`)).status).toBe(404)
    expect((await resident.request(`/api/v1/payments/orders/${created.id}`)).status).toBe(404)
    expect((await resident.request(`/api/v1/desk/payments/orders/${created.id}`)).status).toBe(403)
  })

  it('answers 409 NOTHING_TO_PAY once the person has paid, and audits the refusal', async () => {
    const { browser, staff } = await staffBrowser()
    const person = await payablePerson()
    const first = await json(await deskOrder(browser, { year: YEAR, name: person.name, certNo: person.certNo }))
    await ctx.stack.control(`/orders/${first.outTradeNo}/pay`, {})
    const deadline = Date.now() + 5000
    while ((await findOrderBy(ctx.storage.db, 'id', first.id))!.status !== 'paid') {
      if (Date.now() > deadline) throw new Error('order not paid in time')
      await new Promise(r => setTimeout(r, 25))
    }
    const again = await deskOrder(browser, { year: YEAR, name: person.name, certNo: person.certNo })
    expect(again.status).toBe(409)
    expect(await json(again)).toMatchObject({ error: { code: 'NOTHING_TO_PAY' } })
    const audit = await auditOf(staff.account.id, 'desk.payment.order')
    expect(audit.map(e => [e.success, (e.detail as { outcome?: string }).outcome ?? null]).sort()).toEqual([[false, 'NOTHING_TO_PAY'], [true, null]])
  })
})
