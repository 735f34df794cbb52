import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { usePaymentStack } from '../testing/payment-stack'
import { json, waitFor } from '../testing/http'

const { ctx, paidResident: paidIn } = usePaymentStack()
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
  })
})
