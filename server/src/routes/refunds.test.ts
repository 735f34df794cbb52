import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { auditEvents } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { usePaymentStack } from '../testing/payment-stack'
import { json, waitFor } from '../testing/http'

const { ctx, paidResident: paidIn } = usePaymentStack()
const paidResident = () => paidIn(YEAR)
/** Payable and not started on the stack's clock (`TEST_NOW`, 15 November 2026 in Shanghai). */
const YEAR = TEST_YEAR

function refund(browser: TestBrowser, body: unknown, key: string | null = randomUUID()) {
  return browser.request('/api/v1/refunds', { method: 'POST', json: body, headers: key ? { 'idempotency-key': key } : {} })
}

describe('退费 (POST /api/v1/refunds)', () => {
  it('refunds a premium paid for a year not started: bureau 审核, WeChat Pay back to the account, the line refunded and payable again', async () => {
    const { person, browser, order, line } = await paidResident()
    const key = randomUUID()
    const res = await refund(browser, { orderId: order.id, lineId: line.id, reason: 'duplicate_enrolment' }, key)
    expect(res.status).toBe(201)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const created = await json(res)
    expect(created).toMatchObject({ orderId: order.id, lineId: line.id, year: YEAR, reason: 'duplicate_enrolment', amountFen: line.amountFen, status: 'refunding' })
    expect(JSON.stringify(created)).not.toContain(person.certNo)

    // The same confirmation again is the same refund; another request for the line is refused.
    const replay = await refund(browser, { orderId: order.id, lineId: line.id, reason: 'duplicate_enrolment' }, key)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect((await json(replay)).id).toBe(created.id)
    const again = await refund(browser, { orderId: order.id, lineId: line.id, reason: 'overpaid' })
    expect(again.status).toBe(409)
    expect(await json(again)).toMatchObject({ error: { code: 'REFUND_EXISTS', message: '该人员的这笔缴费已申请过退费，请在退费记录中查看进度' } })

    // WeChat Pay's REFUND.SUCCESS callback settles it.
    const done = await waitFor('refund succeeded', async () => json(await browser.request(`/api/v1/refunds/${created.id}`)), r => r.status === 'succeeded')
    expect(done.succeededAt).toMatch(/\+08:00$/)
    expect(done.receivedAccount).toEqual(expect.any(String))
    const sim = await ctx.stack.control('/orders')
    expect(JSON.stringify(sim)).toContain(order.outTradeNo)

    const after = await json(await browser.request(`/api/v1/payments/orders/${order.id}`))
    expect(after.lines[0]).toMatchObject({ id: line.id, status: 'refunded', refund: { id: created.id, status: 'succeeded' } })
    expect(await json(await browser.request(`/api/v1/receipts/${line.receiptCode}`))).toMatchObject({ refunded: true })
    // Nobody is charged twice, and nobody is stopped from paying again either.
    const quote = await json(await browser.request('/api/v1/payments/quotes', { method: 'POST', json: { year: YEAR, people: [{ kind: 'self' }] } }))
    expect(quote.lines[0]).toMatchObject({ status: 'payable', dueFen: line.amountFen })
    expect((await json(await browser.request('/api/v1/refunds'))).map((r: { id: string }) => r.id)).toEqual([created.id])

    const audit = await ctx.storage.db.select().from(auditEvents).where(eq(auditEvents.target, `refund:${created.id}`))
    expect(audit.map(e => [e.action, e.success]).sort()).toEqual([['refund.request', true], ['refund.succeeded', true]])
  })

  it('answers the bureau\'s refusal in Chinese, and lets the resident ask again with the right reason', async () => {
    const { browser, order, line } = await paidResident()
    const dead = await refund(browser, { orderId: order.id, lineId: line.id, reason: 'died_before_benefit' })
    expect(dead.status).toBe(409)
    expect(await json(dead)).toMatchObject({ error: { code: 'REFUND_DEATH_NOT_FOUND', message: '医保部门未查到参保人在待遇享受期开始前的死亡登记信息，请携带死亡证明到窗口办理' } })
    const employee = await refund(browser, { orderId: order.id, lineId: line.id, reason: 'employee_insurance' })
    expect(await json(employee)).toMatchObject({ error: { code: 'REFUND_EMPLOYEE_NOT_FOUND' } })
    // Both refusals are kept (and listed); the line is still paid and may be refunded for a reason that holds.
    const listed = await json(await browser.request('/api/v1/refunds'))
    expect(listed.map((r: { status: string, rejectMessage: string }) => r.status)).toEqual(['rejected', 'rejected'])
    expect(listed[0].rejectMessage).toContain('职工医保')
    const ok = await refund(browser, { orderId: order.id, lineId: line.id, reason: 'overpaid' })
    expect(ok.status).toBe(201)
    expect((await json(ok)).status).toBe('refunding')
  })

  it('never shows or touches another resident\'s order or refund (404), and needs a session and an Idempotency-Key', async () => {
    const { browser, order, line } = await paidResident()
    const created = await json(await refund(browser, { orderId: order.id, lineId: line.id, reason: 'overpaid' }))
    const other = await paidResident()
    const stolen = await refund(other.browser, { orderId: order.id, lineId: line.id, reason: 'overpaid' })
    expect(stolen.status).toBe(404)
    expect(await json(stolen)).toMatchObject({ error: { code: 'NOT_FOUND' } })
    // Their own order with someone else's line is no better.
    expect((await refund(other.browser, { orderId: other.order.id, lineId: line.id, reason: 'overpaid' })).status).toBe(404)
    expect((await other.browser.request(`/api/v1/refunds/${created.id}`)).status).toBe(404)
    expect(await json(await other.browser.request('/api/v1/refunds'))).toEqual([])

    const keyless = await refund(browser, { orderId: order.id, lineId: line.id, reason: 'overpaid' }, null)
    expect(keyless.status).toBe(400)
    expect(await json(keyless)).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REQUIRED' } })
    const bad = await refund(browser, { orderId: 'x', lineId: line.id, reason: 'because' })
    expect(await json(bad)).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { orderId: '请选择要退费的缴费记录', reason: '请选择退费原因' } } })
    const anonymous = new TestBrowser(ctx.stack.app)
    await anonymous.refreshSession()
    expect((await refund(anonymous, { orderId: order.id, lineId: line.id, reason: 'overpaid' })).status).toBe(401)
    const refused = await ctx.storage.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'refund.request'), eq(auditEvents.success, false), eq(auditEvents.target, `order:${order.id}`)))
    // The attempt on another's order is in the trail, as a refusal.
    expect(refused.map(e => (e.detail as { outcome?: string }).outcome)).toEqual(['NOT_FOUND'])
  })

  it('keeps a refund the bureau could not take (down), and the worker finishes it later with the same refund number', async () => {
    const { browser, order, line } = await paidResident()
    // Every bureau system answers 503 for a moment (the sandbox's run-wide fault).
    await fetch(`${ctx.stack.sandboxUrl}/__sandbox/faults`, { method: 'PUT', body: JSON.stringify({ status: 503 }), headers: { 'content-type': 'application/json' } })
    let created
    try {
      const res = await refund(browser, { orderId: order.id, lineId: line.id, reason: 'overpaid' })
      expect(res.status).toBe(201)
      created = await json(res)
      expect(created.status).toBe('approving')
    }
    finally {
      await fetch(`${ctx.stack.sandboxUrl}/__sandbox/faults`, { method: 'DELETE' })
    }
    // The page (or the worker) asks again: approved, refunded, once.
    const done = await waitFor('refund succeeded', async () => json(await browser.request(`/api/v1/refunds/${created.id}`)), r => r.status === 'succeeded')
    expect(done.amountFen).toBe(line.amountFen)
  })
})
