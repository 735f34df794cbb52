import { randomUUID } from 'node:crypto'
import { formatFen, maskName } from '@yibao/shared'
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { auditEvents } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { usePaymentStack } from '../testing/payment-stack'
import { json, waitFor } from '../testing/http'
import { pdfText } from '../testing/pdf'

const { ctx, paidResident: paidIn, payablePerson } = usePaymentStack()
const paidResident = () => paidIn(YEAR)
/** Payable and not started on the stack's clock (TEST_NOW), whatever the machine's date. */
const YEAR = TEST_YEAR

/** Every bureau system answers 503 while `during` runs (the sandbox's run-wide fault). */
async function withBureauDown<T>(during: () => Promise<T>): Promise<T> {
  const faults = `${ctx.stack.sandboxUrl}/__sandbox/faults`
  const down = JSON.stringify({ status: 503 })
  await fetch(faults, { method: 'PUT', body: down, headers: { 'content-type': 'application/json' } })
  try {
    return await during()
  }
  finally {
    await fetch(faults, { method: 'DELETE' })
  }
}

describe('缴费凭证核验 (GET /api/v1/receipts/:code)', () => {
  it('is void (valid: false, refunded, refundedAt) once the premium is back, not while under way', async () => {
    const { browser, order, line } = await paidResident()
    // Anyone may check, without signing in.
    const check = async () => json(await new TestBrowser(ctx.stack.app).request(`/api/v1/receipts/${line.receiptCode}`))
    const before = await check()
    expect(before).toMatchObject({ code: line.receiptCode, valid: true, refunded: false, refundedAt: null })
    expect(before.reported).toBe(true)

    // Asked for, but the bureau cannot approve it yet: the money has not moved, the receipt still holds.
    const created = await withBureauDown(async () => {
      const ask = { orderId: order.id, lineId: line.id, reason: 'overpaid' }
      const headers = { 'idempotency-key': randomUUID() }
      const res = await browser.request('/api/v1/refunds', { method: 'POST', json: ask, headers })
      expect(res.status).toBe(201)
      const refund = await json(res)
      expect(refund.status).toBe('approving')
      expect(await check()).toMatchObject({ valid: true, refunded: false, refundedAt: null })
      return refund
    })

    // Approved and back on the payer's account: the receipt is void from the moment the refund succeeded.
    const readRefund = async () => json(await browser.request(`/api/v1/refunds/${created.id}`))
    const done = await waitFor('refund succeeded', readRefund, r => r.status === 'succeeded')
    const receipt = await check()
    expect(receipt).toMatchObject({ code: line.receiptCode, valid: false, refunded: true, reported: false, year: YEAR })
    expect(receipt.amountFen).toBe(line.amountFen)
    expect(receipt.refundedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+08:00$/)
    expect(receipt.refundedAt).toBe(done.succeededAt)
    expect(Date.parse(receipt.refundedAt)).toBeGreaterThanOrEqual(Date.parse(receipt.paidAt))

    // Its PDF says so before anything else, as the check does: no longer proof of payment.
    const res = await browser.request(receiptPdf(order.id, line.id))
    expect(res.status).toBe(200)
    const text = pdfText(Buffer.from(await res.arrayBuffer()))
    const lines = text.split('\n')
    expect(lines.indexOf('已退费，本凭证作废')).toBeGreaterThan(-1)
    expect(lines.indexOf('已退费，本凭证作废')).toBeLessThan(lines.findIndex(l => l.startsWith('缴费人')))
    expect(lines).toContain(`退费时间：${receipt.refundedAt.slice(0, 10)} ${receipt.refundedAt.slice(11, 16)}`)
    expect(text).toContain('本凭证不能再作为缴费证明')
    expect(lines).not.toContain('有效')
  })
})

/** The resident route of one person's receipt PDF. */
const receiptPdf = (orderId: string, lineId: string) => `/api/v1/payments/orders/${orderId}/lines/${lineId}/receipt.pdf`

describe('电子缴费凭证 PDF (GET /api/v1/payments/orders/:id/lines/:lineId/receipt.pdf)', () => {
  it('gives the payer an A4 PDF attachment: masked facts, 有效, the QR code and address of the check', async () => {
    const { person, browser, order, line } = await paidResident()
    const res = await browser.request(receiptPdf(order.id, line.id))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/pdf')
    expect(res.headers.get('cache-control')).toBe('no-store')
    const disposition = res.headers.get('content-disposition')!
    expect(disposition).toMatch(/^attachment; /)
    expect(disposition).toContain(`filename="receipt-${YEAR}-${line.receiptCode}.pdf"`)
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent(`电子缴费凭证-${YEAR}-${line.receiptCode}.pdf`)}`)
    const pdf = Buffer.from(await res.arrayBuffer())
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    expect(pdf.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+WenQuanYiMicroHei/)

    const check = await json(await new TestBrowser(ctx.stack.app).request(`/api/v1/receipts/${line.receiptCode}`))
    const lines = pdfText(pdf).split('\n')
    const row = (label: string) => lines[lines.indexOf(label) + 1]
    expect(lines[0]).toBe('城乡居民基本医疗保险费电子缴费凭证')
    expect(row('凭证状态')).toBe('有效')
    expect(row('缴费人')).toBe(maskName(person.name))
    expect(row('证件号码')).toBe(`${person.certNo.slice(0, 6)}********${person.certNo.slice(-4)}`)
    expect(row('缴费年度')).toBe(`${YEAR}年度`)
    expect(row('参保地')).toBe(check.regionCode)
    expect(row('缴费金额')).toBe(formatFen(line.amountFen))
    // Paid time in Shanghai, to the minute, as the check gives it.
    expect(row('缴费时间')).toBe(`${check.paidAt.slice(0, 10)} ${check.paidAt.slice(11, 16)}`)
    expect(row('税务部门')).toBe('已入账')
    expect(row('凭证编号')).toBe(line.receiptCode)
    expect(lines).not.toContain('已退费，本凭证作废')
    // The public check of this receipt, as a QR code with its address under it (the request's origin here).
    const url = `http://localhost/receipts/verify?code=${line.receiptCode}`
    expect(lines).toContain(url)
    expect(pdf.toString('latin1')).toContain(`/URI (${url})`)
    // Never the full ID number or name.
    expect(lines.join('')).not.toContain(person.certNo)
    expect(lines.join('')).not.toContain(person.name)

    // On the person's access record (访问记录).
    const audit = await ctx.storage.db.select().from(auditEvents)
      .where(and(eq(auditEvents.action, 'payment.receipt_pdf'), eq(auditEvents.target, `line:${line.id}`)))
    expect(audit).toEqual([expect.objectContaining({
      actorType: 'resident',
      subjectRef: ctx.stack.deps.vault.ref(person.certNo),
      channel: 'self',
      success: true,
    })])
  })

  it('answers another resident 404 (a failed attempt on their record) and nobody signed in 401', async () => {
    const { order, line } = await paidResident()
    const other = new TestBrowser(ctx.stack.app)
    const stranger = await payablePerson(YEAR)
    await other.signInDirect(ctx.stack.deps, stranger)
    const res = await other.request(receiptPdf(order.id, line.id))
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toContain('application/json')
    expect(await json(res)).toMatchObject({ error: { code: 'NOT_FOUND', message: '没有找到相关记录' } })
    const audit = await ctx.storage.db.select().from(auditEvents)
      .where(and(eq(auditEvents.action, 'payment.receipt_pdf'), eq(auditEvents.target, `line:${line.id}`)))
    const strangerRef = ctx.stack.deps.vault.ref(stranger.certNo)
    expect(audit).toEqual([expect.objectContaining({ subjectRef: strangerRef, success: false })])

    expect((await new TestBrowser(ctx.stack.app).request(receiptPdf(order.id, line.id))).status).toBe(401)
  })

  it('answers 404 for a line that is not of that order, and for ids that are not ids', async () => {
    const first = await paidResident()
    const { browser, order } = await paidResident()
    // The other person's line through one's own order.
    expect((await browser.request(receiptPdf(order.id, first.line.id))).status).toBe(404)
    expect((await browser.request(receiptPdf(order.id, 'not-a-line'))).status).toBe(404)
    expect((await browser.request(receiptPdf('not-an-order', first.line.id))).status).toBe(404)
  })

  it('answers 409 with a Chinese message while the person is not paid for (no receipt yet)', async () => {
    const person = await payablePerson(YEAR)
    const browser = new TestBrowser(ctx.stack.app)
    await browser.signInDirect(ctx.stack.deps, person)
    const body = { year: YEAR, channel: 'native', people: [{ kind: 'self' }] }
    const headers = { 'idempotency-key': randomUUID() }
    const placed = await browser.request('/api/v1/payments/orders', { method: 'POST', json: body, headers })
    expect(placed.status).toBe(201)
    const order = await json(placed)
    const res = await browser.request(receiptPdf(order.id, order.lines[0].id))
    expect(res.status).toBe(409)
    const message = '该人员的这笔缴费尚未支付成功，还没有电子缴费凭证'
    expect(await json(res)).toMatchObject({ error: { code: 'RECEIPT_NOT_ISSUED', message } })
  })

  it('answers a clear Chinese 503 when no CJK font is installed, rather than a PDF of empty boxes', async () => {
    const { browser, order, line } = await paidResident()
    const noFont = await ctx.stack.another({ env: { SLIP_PDF_FONT: '/nonexistent/font.ttf' } })
    const res = await browser.on(noFont.app).request(receiptPdf(order.id, line.id))
    expect(res.status).toBe(503)
    const message = expect.stringContaining('缺少中文字体')
    expect(await json(res)).toMatchObject({ error: { code: 'RECEIPT_PDF_UNAVAILABLE', message } })
  })
})

describe('缴费凭证核验 and the logs', () => {
  it('logs the check\'s route, never the receipt code (nor its PDF\'s)', async () => {
    const { browser, order, line } = await paidResident()
    expect((await new TestBrowser(ctx.stack.app).request(`/api/v1/receipts/${line.receiptCode}`)).status).toBe(200)
    expect((await browser.request(receiptPdf(order.id, line.id))).status).toBe(200)
    const all = ctx.stack.logs.join('')
    expect(all).toContain('"path":"/api/v1/receipts/:code"')
    expect(all).not.toContain(line.receiptCode)
  })
})
