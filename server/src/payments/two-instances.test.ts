import type { TestBrowser as Browser } from '../testing/auth'
import type { PaymentStack } from '../testing/payment-stack'
import { createSign, randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { describe, expect, it, vi } from 'vitest'
import { orderLines } from '../storage/payments'
import { outbox, paymentAnomalies, premiumRefunds } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { usePaymentStack } from '../testing/payment-stack'
import { WECHATPAY_NOTIFY_PATH } from '../upstream/wechatpay/notify-path'

/**
 * Two BFF instances on one database (issue 9 "Proof"), as behind a load balancer: WeChat Pay's
 * callbacks for one order reach both at once, and both run the outbox at once. Every effect happens
 * exactly once: one paid transition, one receipt per line, one collect per line at the tax bureau, one
 * refund at WeChat Pay for a duplicate, one anomaly per dedupe key.
 */
const { ctx, payablePerson } = usePaymentStack()
const YEAR = TEST_YEAR

type Person = { name: string, certNo: string }
type Instance = Pick<PaymentStack, 'url' | 'deps' | 'worker'>

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reply bodies are asserted field by field
async function json(res: Response): Promise<any> {
  return res.json()
}

let payerBrowser: Browser | undefined
async function payer(): Promise<Browser> {
  if (!payerBrowser) {
    payerBrowser = new TestBrowser(ctx.stack.app)
    await payerBrowser.signInDirect(ctx.stack.deps, await payablePerson(YEAR))
  }
  return payerBrowser
}

let second: Instance | undefined
/** The second instance on the same database (its own app, deps, worker and port). */
async function other(): Promise<Instance> {
  second ??= await ctx.stack.another()
  return second
}

async function order(people: Person[]) {
  const res = await (await payer()).request('/api/v1/payments/orders', {
    method: 'POST',
    headers: { 'idempotency-key': randomUUID() },
    json: { year: YEAR, channel: 'native', people: people.map(p => ({ kind: 'other', ...p })) },
  })
  expect(res.status).toBe(201)
  return json(res) as Promise<{ id: string, outTradeNo: string, lines: { id: string }[] }>
}

/** WeChat Pay's notification about an order (`callbacks: 'drop'` keeps the simulator from sending it itself). */
function eventOf(outTradeNo: string, eventType: string) {
  const events = [...ctx.stack.sandbox.state.wechatpay.events.values()]
  const event = events.find(e => e.outTradeNo === outTradeNo && e.eventType === eventType)
  if (!event) throw new Error(`no ${eventType} for ${outTradeNo}`)
  return event
}

/** The notification's bytes, signed afresh as WeChat Pay signs each delivery, POSTed to one instance. */
async function deliver(to: Instance, body: string): Promise<number> {
  const ts = String(Math.floor(ctx.stack.clock.now().getTime() / 1000))
  const nonce = randomUUID().replace(/-/g, '')
  const signature = createSign('RSA-SHA256').update(`${ts}\n${nonce}\n${body}\n`)
    .sign(ctx.stack.keys.platformPrivateKey, 'base64')
  const res = await fetch(`${to.url}${WECHATPAY_NOTIFY_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'wechatpay-timestamp': ts,
      'wechatpay-nonce': nonce,
      'wechatpay-serial': ctx.stack.keys.platformKeyId,
      'wechatpay-signature': signature,
      'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    },
    body,
  })
  await res.arrayBuffer()
  return res.status
}

/** The same callback to both instances, `copies` times each, all at once. */
async function deliverToBoth(body: string, copies = 4): Promise<number[]> {
  const both = [ctx.stack, await other()]
  return Promise.all(Array.from({ length: copies }, () => both.map(i => deliver(i, body))).flat())
}

/** Both workers tick together until neither finds a due job. */
async function tickBoth(rounds = 30): Promise<void> {
  const both = [ctx.stack.worker, (await other()).worker]
  for (let i = 0; i < rounds; i++) {
    const claimed = await Promise.all([...both, ...both].map(w => w.tick()))
    if (claimed.every(n => n === 0)) return
  }
}

function logCount(pattern: RegExp): number {
  return ctx.stack.logs.filter(l => pattern.test(l)).length
}

async function withCallbacksDropped<T>(fn: () => Promise<T>): Promise<T> {
  await ctx.stack.control('/config', { callbacks: 'drop', refundProcessingMs: 50 }, 'PUT')
  try {
    return await fn()
  }
  finally {
    await ctx.stack.control('/config', { callbacks: 'deliver', refundProcessingMs: 2000 }, 'PUT')
  }
}

describe('two BFF instances on one database', () => {
  it('one callback delivered to both at once, many times: paid once, one receipt and report job per line', async () => {
    await withCallbacksDropped(async () => {
      const created = await order([await payablePerson(YEAR, '520000'), await payablePerson(YEAR, '520000')])
      await ctx.stack.control(`/orders/${created.outTradeNo}/pay`, {})
      const event = eventOf(created.outTradeNo, 'TRANSACTION.SUCCESS')

      expect(await deliverToBoth(event.body)).toEqual(Array.from({ length: 8 }, () => 204))
      const outcomes = (kind: string) => logCount(new RegExp(`"outcome":"${kind}","eventId":"${event.id}"`))
      expect([outcomes('paid'), outcomes('repeat')]).toEqual([1, 7])

      const lines = await orderLines(ctx.storage.db, created.id)
      expect(lines.map(l => l.status)).toEqual(['paid', 'paid'])
      expect(new Set(lines.map(l => l.receiptCode)).size).toBe(2)
      const jobs = await ctx.storage.db.select().from(outbox).where(eq(outbox.topic, 'report_line'))
      for (const l of lines) expect(jobs.filter(j => j.payload.lineId === l.id)).toHaveLength(1)
      // Later deliveries changed nothing: the receipts are the first ones.
      await deliverToBoth(event.body, 2)
      const after = await orderLines(ctx.storage.db, created.id)
      expect(after.map(l => l.receiptCode)).toEqual(lines.map(l => l.receiptCode))
    })
  })

  it('both run the outbox at once: each paid line is collected at the tax bureau exactly once', async () => {
    const b = await other()
    const collects = [vi.spyOn(ctx.stack.deps.premiums, 'collect'), vi.spyOn(b.deps.premiums, 'collect')]
    try {
      await withCallbacksDropped(async () => {
        // Twelve report jobs: more than one claim takes (10), so both workers get some.
        const orders = []
        for (let i = 0; i < 6; i++) {
          const created = await order([await payablePerson(YEAR, '520000'), await payablePerson(YEAR, '520000')])
          await ctx.stack.control(`/orders/${created.outTradeNo}/pay`, {})
          await deliverToBoth(eventOf(created.outTradeNo, 'TRANSACTION.SUCCESS').body, 1)
          orders.push(created)
        }
        await tickBoth()
        const ours = new Set(orders.map(o => o.outTradeNo))
        const sent = collects.flatMap(spy => spy.mock.calls.map(([c]) => c))
          .filter(c => ours.has(c.outTradeNo))
          .map(c => `${c.outTradeNo}|${c.lines.map(l => l.certNo).join(',')}`)
        expect(sent).toHaveLength(12)
        expect(new Set(sent).size).toBe(12)
        expect(collects.map(spy => spy.mock.calls.length > 0)).toEqual([true, true])
        for (const o of orders) {
          const lines = await orderLines(ctx.storage.db, o.id)
          expect(lines.map(l => l.status)).toEqual(['reported', 'reported'])
          for (const l of lines) {
            const certNo = ctx.stack.deps.vault.decrypt(l.personCertNoEnc)
            expect((await ctx.stack.deps.premiums.quote(certNo, undefined, YEAR))?.paidUnder).toBe(o.outTradeNo)
          }
        }
      })
    }
    finally {
      for (const spy of collects) spy.mockRestore()
    }
  })

  it('a duplicate payment reaching both at once: refunded once at WeChat Pay, one anomaly per dedupe key', async () => {
    const b = await other()
    const refunds = [vi.spyOn(ctx.stack.deps.wechatpay, 'refund'), vi.spyOn(b.deps.wechatpay, 'refund')]
    try {
      await withCallbacksDropped(async () => {
        const person = await payablePerson(YEAR, '520000')
        // The payer orders twice: the first order is closed when the second is made, the second is paid,
        // and then the first is paid after all (a payment that won the race with the close).
        const first = await order([person])
        const again = await order([person])
        await ctx.stack.control(`/orders/${again.outTradeNo}/pay`, {})
        await deliverToBoth(eventOf(again.outTradeNo, 'TRANSACTION.SUCCESS').body, 1)
        const paidLate = await ctx.stack.control(`/orders/${first.outTradeNo}/pay`, { beatClose: true })
        expect(paidLate).toMatchObject({ ok: true })

        const late = eventOf(first.outTradeNo, 'TRANSACTION.SUCCESS')
        const [answers] = await Promise.all([deliverToBoth(late.body), tickBoth()])
        expect(answers.every(s => s === 204)).toBe(true)
        await tickBoth()
        const line = (await orderLines(ctx.storage.db, first.id))[0]!
        expect(line.status).toBe('duplicate')

        // One refund at WeChat Pay, whoever ran the job; its REFUND.SUCCESS also reaches both instances.
        const atWechat = [...ctx.stack.sandbox.state.wechatpay.refunds.values()]
        const sent = atWechat.filter(r => r.outTradeNo === first.outTradeNo)
        expect(sent.map(r => r.refundFen)).toEqual([line.amountFen])
        expect(refunds.reduce((n, spy) => n + spy.mock.calls.length, 0)).toBe(1)
        await new Promise(r => setTimeout(r, 100))
        await deliverToBoth(eventOf(first.outTradeNo, 'REFUND.SUCCESS').body)
        await tickBoth()
        expect((await orderLines(ctx.storage.db, first.id))[0]!.status).toBe('refunded')
        const ours = await ctx.storage.db.select().from(premiumRefunds).where(eq(premiumRefunds.lineId, line.id))
        expect(ours.map(r => [r.status, r.outRefundNo])).toEqual([['succeeded', sent[0]!.outRefundNo]])

        const anomalies = await ctx.storage.db.select().from(paymentAnomalies)
          .where(eq(paymentAnomalies.orderId, first.id))
        const keys = anomalies.map(a => a.dedupeKey).sort()
        expect(keys).toEqual([`duplicate_payment:${line.id}`, `paid_after_close:${first.id}`])
        // Raised (logged for the on-call) once each, not once per instance or delivery.
        for (const a of anomalies) expect(logCount(new RegExp(`"anomalyId":"${a.id}"`))).toBe(1)
      })
    }
    finally {
      for (const spy of refunds) spy.mockRestore()
    }
  })
})
