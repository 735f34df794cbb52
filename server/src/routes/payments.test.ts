import { randomUUID } from 'node:crypto'
import { shanghaiDate } from '@yibao/shared'
import { describe, expect, it } from 'vitest'
import { applyPaidTransaction } from '../payments/service'
import { reconcile } from '../payments/worker'
import { listAnomalies } from '../storage/anomalies'
import { findOrderBy, orderLines } from '../storage/payments'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { usePaymentStack } from '../testing/payment-stack'

const { ctx, payablePerson: payableIn } = usePaymentStack()

/** Payable on the stack's clock (`TEST_NOW`, 15 November 2026 in Shanghai). */
const YEAR = TEST_YEAR
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reply bodies are asserted with toMatchObject
async function json(res: Response): Promise<any> {
  return res.json()
}

/** A seeded person whose coming year's premium is still payable. */
const payablePerson = () => payableIn(YEAR)

async function signedIn(app = ctx.stack.app, deps = ctx.stack.deps) {
  const person = await payablePerson()
  const browser = new TestBrowser(app)
  await browser.signInDirect(deps, person)
  return { browser, person }
}

function order(
  browser: TestBrowser,
  key: string,
  body: unknown = { year: YEAR, channel: 'native', people: [{ kind: 'self' }] },
) {
  return browser.request('/api/v1/payments/orders', { method: 'POST', json: body, headers: { 'idempotency-key': key } })
}

async function until<T>(probe: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await probe()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise(r => setTimeout(r, 25))
  }
}

const paid = (id: string) => until(async () => {
  const o = await findOrderBy(ctx.storage.db, 'id', id)
  return o?.status === 'paid' ? o : undefined
})

describe('premium payment, end to end against the WeChat Pay simulator and the tax bureau', () => {
  it('quotes from the tax bureau, pays by Native QR, takes the callback once, reports, and issues '
    + 'receipts', async () => {
    const { browser, person } = await signedIn()
    const coverageBefore = await json(await browser.request('/api/v1/coverage'))
    expect(coverageBefore.nextYear).toMatchObject({ year: YEAR, status: 'unpaid' })
    const quote = await json(await browser.request('/api/v1/payments/quotes', {
      method: 'POST',
      json: { year: YEAR, people: [{ kind: 'self' }] },
    }))
    expect(quote.lines).toEqual([expect.objectContaining({ status: 'payable', year: YEAR, relation: 'self' })])
    expect(quote.totalFen).toBeGreaterThan(0)

    const res = await order(browser, randomUUID())
    expect(res.status).toBe(201)
    const created = await json(res)
    expect(created).toMatchObject({
      status: 'prepaid',
      channel: 'native',
      totalFen: quote.totalFen,
      codeUrl: expect.stringMatching(/^weixin:\/\/wxpay\/bizpayurl\?pr=/),
    })
    expect(created.lines[0].certNo).toBe(`${person.certNo.slice(0, 6)}********${person.certNo.slice(-4)}`)

    await ctx.stack.control(`/orders/${created.outTradeNo}/pay`, {})
    await paid(created.id)
    // Reporting to the tax bureau happens in the outbox, after the callback was answered.
    expect(await ctx.stack.worker.tick()).toBeGreaterThan(0)
    const lines = await orderLines(ctx.storage.db, created.id)
    expect(lines.map(l => l.status)).toEqual(['reported'])
    expect((await ctx.stack.deps.premiums.quote(person.certNo, person.name, YEAR))?.status).toBe('paid')
    // Coverage read a moment ago is not reused: the payment made this instance forget it.
    expect((await json(await browser.request('/api/v1/coverage'))).nextYear)
      .toMatchObject({ year: YEAR, status: 'paid' })

    // The receipt can be checked by anyone, showing masked facts only.
    const view = await json(await browser.request(`/api/v1/payments/orders/${created.id}`))
    const code = view.lines[0].receiptCode
    expect(code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/)
    const receipt = await json(await new TestBrowser(ctx.stack.app).request(`/api/v1/receipts/${code}`))
    expect(receipt).toMatchObject({
      valid: true,
      year: YEAR,
      amountFen: quote.totalFen,
      reported: true,
      name: expect.stringMatching(/\*/),
    })
    expect(JSON.stringify(receipt)).not.toContain(person.certNo)

    // Paid: the same person cannot be charged again.
    const again = await order(browser, randomUUID())
    expect(again.status).toBe(409)
    expect(await json(again)).toMatchObject({ error: { code: 'NOTHING_TO_PAY' } })
  })

  it('replays the same Idempotency-Key (same order), refuses a different body (422), and requires a key '
    + '(400)', async () => {
    const { browser } = await signedIn()
    const key = randomUUID()
    const first = await json(await order(browser, key))
    const replay = await order(browser, key)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect((await json(replay)).id).toBe(first.id)
    expect((await order(browser, key, {
      year: YEAR,
      channel: 'native',
      people: [{ kind: 'self' }, { kind: 'self' }],
    })).status).toBe(422)
    const none = await browser.request('/api/v1/payments/orders', {
      method: 'POST',
      json: { year: YEAR, channel: 'native', people: [{ kind: 'self' }] },
    })
    expect(none.status).toBe(400)
  })

  it('20 concurrent submits of one key create one order and charge once', async () => {
    const { browser } = await signedIn()
    const key = randomUUID()
    const results = await Promise.all(Array.from({ length: 20 }, () => order(browser, key)))
    const statuses = results.map(r => r.status)
    expect(statuses.filter(s => s === 201).length).toBeGreaterThanOrEqual(1)
    expect(statuses.every(s => s === 201 || s === 409)).toBe(true)
    const ids = new Set(await Promise.all(results.filter(r => r.status === 201).map(async r => (await json(r)).id)))
    expect(ids.size).toBe(1)
    const orders = (await ctx.stack.control('/orders')).orders as { out_trade_no: string }[]
    const mine = await findOrderBy(ctx.storage.db, 'id', [...ids][0] as string)
    expect(orders.filter(o => o.out_trade_no === mine!.outTradeNo)).toHaveLength(1)
  })

  it('retries a prepay that failed at WeChat Pay with the same out_trade_no under the same key', async () => {
    const { browser } = await signedIn()
    await ctx.stack.control('/config', {
      failNext: [{ path: '/v3/pay/transactions/native', status: 500, code: 'SYSTEM_ERROR' }],
    }, 'PUT')
    const key = randomUUID()
    const failed = await order(browser, key)
    expect(failed.status).toBe(502)
    expect(await json(failed)).toMatchObject({ error: { code: 'UPSTREAM_UNAVAILABLE', message: '微信支付暂时无法访问，请稍后再试' } })
    const retried = await order(browser, key)
    expect(retried.status).toBe(201)
    const body = await json(retried)
    expect(body.status).toBe('prepaid')
    // Exactly one order row, the one created before the failure.
    const row = await findOrderBy(ctx.storage.db, 'outTradeNo', body.outTradeNo)
    expect(row!.id).toBe(body.id)
  })

  it('refuses forged callbacks (SIGNTEST probe, tampered, stale, re-serialized) and applies duplicates '
    + 'once', async () => {
    const { browser } = await signedIn()
    await ctx.stack.control('/config', {
      forgeries: ['signtest', 'tampered', 'stale', 'reserialized', 'unknown-serial'],
      duplicates: 2,
    }, 'PUT')
    try {
      const created = await json(await order(browser, randomUUID()))
      await ctx.stack.control(`/orders/${created.outTradeNo}/pay`, {})
      await paid(created.id)
      // The five forgeries may still be on their way when the genuine callback has landed: wait for them.
      const rejected = () => ctx.stack.logs.join('').match(/wechatpay notification rejected/g)?.length ?? 0
      await until(async () => (rejected() >= 5 ? true : undefined)).catch(() => {})
      expect(rejected()).toBeGreaterThanOrEqual(5)
      const lines = await orderLines(ctx.storage.db, created.id)
      expect(new Set(lines.map(l => l.receiptCode)).size).toBe(lines.length)
      const events = ctx.stack.logs.join('').match(new RegExp(`"outcome":"(paid|duplicate)"`, 'g')) ?? []
      expect(events.filter(e => e.includes('"paid"')).length).toBeGreaterThanOrEqual(1)
    }
    finally {
      await ctx.stack.control('/config', { forgeries: [], duplicates: 0 }, 'PUT')
    }
  })

  it('answers 404 FAIL for a callback about an order we never made; an amount mismatch is queued, not '
    + 'paid', async () => {
    const outTradeNo = `YBX${Date.now()}`
    const expiresAt = new Date(ctx.stack.clock.now().getTime() + 600_000)
    await ctx.stack.deps.wechatpay.prepayNative({ outTradeNo, description: 'x', amountFen: 100, expiresAt })
    await ctx.stack.control(`/orders/${outTradeNo}/pay`, {})
    const answer = await ctx.stack.control(`/orders/${outTradeNo}/notify`, { variant: 'genuine' })
    expect(answer.status).toBe(404)

    const { browser } = await signedIn()
    const created = await json(await order(browser, randomUUID()))
    // Someone changed our stored amount after the prepay: the callback must not mark it paid.
    const { premiumOrders } = await import('../storage/schema')
    const { eq } = await import('drizzle-orm')
    await ctx.storage.db.update(premiumOrders).set({ totalFen: created.totalFen + 1 })
      .where(eq(premiumOrders.id, created.id))
    await ctx.stack.control('/config', { callbacks: 'drop' }, 'PUT')
    await ctx.stack.control(`/orders/${created.outTradeNo}/pay`, {})
    await ctx.stack.control('/config', { callbacks: 'deliver' }, 'PUT')
    const mismatch = await ctx.stack.control(`/orders/${created.outTradeNo}/notify`, { variant: 'genuine' })
    // Acknowledged (so WeChat Pay stops retrying) because it now sits in the 异常处理 queue, once.
    expect(mismatch.status).toBe(204)
    await ctx.stack.control(`/orders/${created.outTradeNo}/notify`, { variant: 'genuine' })
    expect((await findOrderBy(ctx.storage.db, 'id', created.id))!.status).toBe('prepaid')
    const queued = (await listAnomalies(ctx.storage.db, { status: 'open', regions: null }))
      .filter(a => a.orderId === created.id)
    expect(queued.map(a => [a.kind, a.detail.expectedFen, a.detail.gotFen]))
      .toEqual([['amount_mismatch', created.totalFen + 1, created.totalFen]])
  })

  it('converges when no callback ever arrives: a restarted BFF queries WeChat Pay and marks it paid', async () => {
    const { browser } = await signedIn()
    await ctx.stack.control('/config', { callbacks: 'drop' }, 'PUT')
    try {
      const created = await json(await order(browser, randomUUID()))
      await ctx.stack.control(`/orders/${created.outTradeNo}/pay`, {})
      expect((await findOrderBy(ctx.storage.db, 'id', created.id))!.status).toBe('prepaid')
      // "Restart": a fresh instance on the same database, two minutes later; its recovery finds the open order.
      const later = () => new Date(ctx.stack.clock.now().getTime() + 2 * 60_000)
      const fresh = await ctx.stack.another()
      const { startPaymentWorker } = await import('../payments/worker')
      const worker = startPaymentWorker({ ...fresh.deps, now: later }, { intervalMs: 20 })
      try {
        await paid(created.id)
      }
      finally {
        worker.stop()
      }
    }
    finally {
      await ctx.stack.control('/config', { callbacks: 'deliver' }, 'PUT')
    }
  })

  it('two BFF instances applying the same payment at once: paid exactly once', async () => {
    const { browser } = await signedIn()
    await ctx.stack.control('/config', { callbacks: 'drop' }, 'PUT')
    try {
      const created = await json(await order(browser, randomUUID()))
      await ctx.stack.control(`/orders/${created.outTradeNo}/pay`, {})
      const second = await ctx.stack.another()
      const tx = await ctx.stack.deps.wechatpay.queryByOutTradeNo(created.outTradeNo)
      const outcomes = await Promise.all([
        applyPaidTransaction(ctx.stack.deps, tx, { id: `ev-${created.id}`, type: 'TRANSACTION.SUCCESS' }),
        applyPaidTransaction(second.deps, tx, { id: `ev-${created.id}`, type: 'TRANSACTION.SUCCESS' }),
        applyPaidTransaction(second.deps, tx),
      ])
      expect(outcomes.filter(o => o === 'paid')).toHaveLength(1)
      expect(outcomes.filter(o => o === 'repeat')).toHaveLength(2)
    }
    finally {
      await ctx.stack.control('/config', { callbacks: 'deliver' }, 'PUT')
    }
  })

  it('reconciles the trade bill: a paid order we missed is repaired', async () => {
    const { browser } = await signedIn()
    await ctx.stack.control('/config', { callbacks: 'drop', billsReadyToday: true }, 'PUT')
    try {
      const created = await json(await order(browser, randomUUID()))
      await ctx.stack.control(`/orders/${created.outTradeNo}/pay`, {})
      const today = shanghaiDate(ctx.stack.clock.now())
      const result = await reconcile(ctx.stack.deps, today)
      expect(result.repaired).toContain(created.outTradeNo)
      expect((await findOrderBy(ctx.storage.db, 'id', created.id))!.status).toBe('paid')
      // Every order paid here that day is in the bill: nothing flagged.
      expect(result.missingInBill).toEqual([])
    }
    finally {
      await ctx.stack.control('/config', { callbacks: 'deliver', billsReadyToday: false }, 'PUT')
    }
  })

  it('reconciles a past day without a single trade (NO_STATEMENT_EXIST) as an empty bill, and still retries '
    + 'today\'s', async () => {
    const quiet = shanghaiDate(new Date(ctx.stack.clock.now().getTime() - 40 * 86_400_000))
    expect(await reconcile(ctx.stack.deps, quiet)).toEqual({ repaired: [], missingInBill: [], unknownInBill: [] })
    // Today's bill is not made yet: that is a reason to try again later, not an empty day.
    const today = shanghaiDate(ctx.stack.clock.now())
    await expect(reconcile(ctx.stack.deps, today)).rejects.toThrow(/NO_STATEMENT_EXIST/)
  })

  it('IDOR: another resident cannot see or close someone else\'s order', async () => {
    const { browser } = await signedIn()
    const created = await json(await order(browser, randomUUID()))
    const { browser: other } = await signedIn()
    expect((await other.request(`/api/v1/payments/orders/${created.id}`)).status).toBe(404)
    expect((await other.request(`/api/v1/payments/orders/${created.id}/close`, { method: 'POST' })).status).toBe(404)
    expect((await new TestBrowser(ctx.stack.app).request(`/api/v1/payments/orders/${created.id}`)).status).toBe(401)
  })
})
