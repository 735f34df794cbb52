import type { CrashPoint } from '../lib/crash-points'
import type { CrashHarness } from '../testing/crash-harness'
import { randomUUID } from 'node:crypto'
import process from 'node:process'
import { eq, isNotNull } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAnomalies } from '../storage/anomalies'
import { outbox, premiumOrderLines, premiumOrders, premiumRefunds } from '../storage/schema'
import { TEST_YEAR } from '../testing/clock'
import { HttpResident, startCrashHarness, until } from '../testing/crash-harness'

/**
 * Proof (issue 9): the real BFF is killed with SIGKILL at each step of the payment flows where two
 * effects are not written together, restarted, and left to its worker. Every order and refund must end
 * where WeChat Pay and the tax bureau say it is, with nothing lost and nothing done twice; the resident
 * retrying the same Idempotency-Key gets the same order or refund.
 */
const YEAR = TEST_YEAR
/**
 * Past a dead worker's 60 s lease, the first order check (1 min), the refund's first query (1 min) and a
 * stale Idempotency-Key lock (90 s).
 */
const LATER_MS = 2 * 60_000

type Person = { name: string, certNo: string }
interface LineView { id: string, status: string, refund: { id: string, status: string } | null }
interface OrderView {
  id: string
  outTradeNo: string
  status: string
  totalFen: number
  codeUrl: string | null
  lines: LineView[]
}
interface RefundView { id: string, status: string, lineId: string }
interface SimOrder { out_trade_no: string, trade_state: string, transaction_id?: string, code_url?: string }

let h: CrashHarness
let payer: HttpResident
/** Who each order paid for, by out_trade_no (the checks compare the tax bureau's records with them). */
const paidFor = new Map<string, Person>()

const used = new Set<string>()
/** A seeded Guizhou resident whose premium for YEAR is still due (the tax stand-in decides). */
async function payablePerson(): Promise<Person> {
  for (const p of h.sandbox.state.residents.listPersons({ policyRegion: '520000' })) {
    if (used.has(p.certNo) || p.deathDate) continue
    if ((await taxQuote(p.certNo)).kjbz === '1') {
      used.add(p.certNo)
      return { name: p.name, certNo: p.certNo }
    }
  }
  throw new Error('no payable person left')
}

/** The tax bureau's own word on a person-year. */
async function taxQuote(certNo: string): Promise<{ kjbz: string, jfzt: string, jfddh?: string }> {
  const body = JSON.stringify({ sfzjlx: '201', sfzjhm: certNo, jfnd: YEAR })
  const headers = { 'content-type': 'application/json' }
  const res = await h.sandbox.app.request('/tax/api/premium/quote', { method: 'POST', headers, body })
  return (await res.json() as { jfxx: { kjbz: string, jfzt: string, jfddh?: string } }).jfxx
}

function orderRequest(key: string, person: Person): Promise<Response> {
  return payer.request('/api/v1/payments/orders', {
    method: 'POST',
    headers: { 'idempotency-key': key },
    json: { year: YEAR, channel: 'native', people: [{ kind: 'other', name: person.name, certNo: person.certNo }] },
  })
}

function refundRequest(key: string, order: OrderView): Promise<Response> {
  return payer.request('/api/v1/refunds', {
    method: 'POST',
    headers: { 'idempotency-key': key },
    json: { orderId: order.id, lineId: order.lines[0]!.id, reason: 'overpaid' },
  })
}

/** The payer's orders as the app lists them (the list never asks WeChat Pay: it shows what is stored). */
async function myOrders(): Promise<OrderView[]> {
  return payer.ok<OrderView[]>('/api/v1/payments/orders')
}

async function myOrder(id: string): Promise<OrderView | undefined> {
  return (await myOrders()).find(o => o.id === id)
}

async function simOrders(): Promise<SimOrder[]> {
  return (await h.control<{ orders: SimOrder[] }>('/orders')).orders
}

/** A request the BFF died in the middle of: the connection breaks, no answer. */
async function diesDuring(request: Promise<Response>): Promise<void> {
  await expect(request.then(r => `HTTP ${r.status}`)).rejects.toThrow()
}

async function pay(order: OrderView): Promise<void> {
  const paid = await h.control<{ ok: boolean }>(`/orders/${order.outTradeNo}/pay`, {})
  expect(paid.ok).toBe(true)
}

/** Waits until the worker reported the order's line to the tax bureau (`reported`). */
async function reported(id: string): Promise<OrderView> {
  return until(`order ${id} paid and reported`, async () => {
    const o = await myOrder(id)
    return o?.status === 'paid' && o.lines.every(l => l.status === 'reported') && o
  })
}

/** Creates, pays and waits for a reported order for a new person (the start of every refund). */
async function paidOrder(): Promise<OrderView> {
  const person = await payablePerson()
  const res = await orderRequest(randomUUID(), person)
  expect(res.status).toBe(201)
  const order = await res.json() as OrderView
  paidFor.set(order.outTradeNo, person)
  await pay(order)
  return reported(order.id)
}

/**
 * The order the crash points are tested in. Each restart is armed for the next point while the last
 * crash is still being recovered from: that recovery never passes the next point (an order's recovery
 * touches no refund step, a refund's none of an order's), and it saves a BFF start per test.
 */
const CHAIN: CrashPoint[] = [
  'order.inserted',
  'refund.inserted',
  'order.prepaid',
  'refund.approved',
  'payment.before_store',
  'refund.sent',
  'report.collected',
]

/** The BFF runs armed for `point` (the previous test's restart left it so; a test run alone starts it here). */
async function armedAt(point: CrashPoint): Promise<void> {
  if (h.running() && h.armed === point) return
  await h.stop()
  await h.start({ crashAt: point })
}

/** Waits for the kill -9 at `point`, then starts the BFF again `LATER_MS` later, armed for the next test. */
async function restartAfterCrash(point: CrashPoint): Promise<void> {
  await h.crashed(point)
  h.clock.advance(LATER_MS)
  await h.start({ crashAt: CHAIN[CHAIN.indexOf(point) + 1] })
}

/**
 * While the restarted BFF runs: the orders of this test as the app shows them, WeChat Pay's view and the
 * tax bureau's agree. Each order paid once, its line reported by exactly one recording collect (repeats
 * are idempotent at the bureau and record nothing), a refunded line refunded once at WeChat Pay and
 * approved once by the bureau (the year is owed again), and no anomaly raised.
 */
async function expectAgreed(...orders: OrderView[]): Promise<void> {
  const simRefunds = [...h.sandbox.state.wechatpay.refunds.values()]
  for (const { id } of orders) {
    const order = (await myOrder(id))!
    const person = paidFor.get(order.outTradeNo)!
    const wx = await h.control<SimOrder>(`/orders/${order.outTradeNo}`)
    const [line, ...more] = order.lines
    expect(more).toEqual([])
    const personYear = `${person.certNo}:${YEAR}`
    const fresh = h.collects.filter(c => c.fresh && c.ddh === order.outTradeNo && c.people.includes(personYear))
    expect(fresh).toHaveLength(1)
    const atWechat = simRefunds.filter(r => r.outTradeNo === order.outTradeNo)
    const tax = await taxQuote(person.certNo)
    if (line!.status === 'refunded') {
      expect([order.status, wx.trade_state, line!.refund?.status]).toEqual(['paid', 'REFUND', 'succeeded'])
      expect(atWechat.map(r => [r.status, r.refundFen])).toEqual([['SUCCESS', order.totalFen]])
      expect(tax.kjbz).toBe('1')
    }
    else {
      expect([order.status, wx.trade_state, line!.status, line!.refund, atWechat])
        .toEqual(['paid', 'SUCCESS', 'reported', null, []])
      expect([tax.jfzt, tax.jfddh]).toEqual(['1', order.outTradeNo])
    }
  }
  const ready = await (await fetch(`${h.bffUrl}/readyz`)).json() as { detail: { openAnomalies: number } }
  expect(ready.detail.openAnomalies).toBe(0)
}

beforeAll(async () => {
  h = await startCrashHarness()
  await h.start({ crashAt: CHAIN[0] })
  payer = new HttpResident(h)
  const self = h.sandbox.state.residents.listPersons({ policyRegion: '370500' }).find(p => !p.deathDate)!
  await payer.signIn(h.sandboxUrl, '13912340001', { name: self.name, certNo: self.certNo })
})

afterAll(async () => {
  await h?.close()
})

/** A resident's refund request the BFF dies in; the worker finishes it with nobody coming back. */
async function refundCrash(point: CrashPoint): Promise<void> {
  await armedAt(point)
  const order = await paidOrder()
  const key = randomUUID()
  await diesDuring(refundRequest(key, order))
  await restartAfterCrash(point)
  const done = await until(`the refund of order ${order.id} to succeed`, async () => {
    const line = (await myOrder(order.id))?.lines[0]
    return line?.status === 'refunded' && line.refund?.status === 'succeeded' && line.refund
  })
  // Asking again with the same key: the same refund, nothing sent twice.
  const again = await refundRequest(key, order)
  expect([again.status, (await again.json() as RefundView).id]).toEqual([201, done.id])
  expect((await payer.ok<RefundView[]>('/api/v1/refunds')).filter(r => r.lineId === order.lines[0]!.id)).toHaveLength(1)
  await expectAgreed(order)
}

describe('kill -9 at each step of paying and refunding, then a restart', () => {
  it('order.inserted: the order is written, WeChat Pay not asked; the retry with the same key prepays it', async () => {
    await armedAt('order.inserted')
    const person = await payablePerson()
    const key = randomUUID()
    await diesDuring(orderRequest(key, person))
    await restartAfterCrash('order.inserted')
    expect(await simOrders()).toHaveLength(paidFor.size)

    const retried = await orderRequest(key, person)
    expect(retried.status).toBe(201)
    const order = await retried.json() as OrderView
    paidFor.set(order.outTradeNo, person)
    await pay(order)
    await reported(order.id)
    const again = await orderRequest(key, person)
    expect([again.status, (await again.json() as OrderView).id]).toEqual([201, order.id])
    await expectAgreed(order)
  })

  it('refund.inserted: the refund is written, the bureau not asked yet', async () => {
    await refundCrash('refund.inserted')
  })

  it('order.prepaid: WeChat Pay holds a prepay we did not store; the retry gets the same order and QR', async () => {
    await armedAt('order.prepaid')
    const person = await payablePerson()
    const key = randomUUID()
    await diesDuring(orderRequest(key, person))
    await restartAfterCrash('order.prepaid')
    const known = new Set(paidFor.keys())
    const [atWechat, ...more] = (await simOrders()).filter(o => !known.has(o.out_trade_no))
    expect([atWechat?.trade_state, more]).toEqual(['NOTPAY', []])

    const retried = await orderRequest(key, person)
    expect(retried.status).toBe(201)
    const order = await retried.json() as OrderView
    paidFor.set(order.outTradeNo, person)
    expect([order.outTradeNo, order.status, order.codeUrl])
      .toEqual([atWechat!.out_trade_no, 'prepaid', atWechat!.code_url])
    await pay(order)
    await reported(order.id)
    await expectAgreed(order)
  })

  it('refund.approved: the bureau approved, the approval not stored', async () => {
    await refundCrash('refund.approved')
  })

  it('payment.before_store: WeChat Pay took the money, the callback was not stored; paid once after', async () => {
    await armedAt('payment.before_store')
    const person = await payablePerson()
    const key = randomUUID()
    const res = await orderRequest(key, person)
    expect(res.status).toBe(201)
    const order = await res.json() as OrderView
    paidFor.set(order.outTradeNo, person)
    await pay(order)
    await restartAfterCrash('payment.before_store')
    expect((await h.control<SimOrder>(`/orders/${order.outTradeNo}`)).trade_state).toBe('SUCCESS')

    await reported(order.id)
    // The resident, who never saw the answer change, asks again with the same key: the same order, no new charge.
    const again = await orderRequest(key, person)
    const replayed = [again.status, again.headers.get('idempotent-replayed'), (await again.json() as OrderView).id]
    expect(replayed).toEqual([201, 'true', order.id])
    await expectAgreed(order)
  })

  it('refund.sent: WeChat Pay accepted the refund, its answer not applied', async () => {
    await refundCrash('refund.sent')
  })

  it('report.collected: the bureau recorded the payment, the line was not marked; reported once after', async () => {
    await armedAt('report.collected')
    const person = await payablePerson()
    const res = await orderRequest(randomUUID(), person)
    const order = await res.json() as OrderView
    paidFor.set(order.outTradeNo, person)
    await pay(order)
    await h.crashed('report.collected')
    expect(h.collects.filter(c => c.ddh === order.outTradeNo).map(c => c.fresh)).toEqual([true])
    await restartAfterCrash('report.collected')
    await reported(order.id)
    // The restarted worker asked again (the line was not marked): the bureau answered from its record.
    expect(h.collects.filter(c => c.ddh === order.outTradeNo).map(c => c.fresh)).toEqual([true, false])
    await expectAgreed(order)
  })
})

describe('after every crash', () => {
  it('our database, WeChat Pay and the tax bureau agree on every order and refund', async () => {
    // `pnpm test` runs this file on PGlite and on PostgreSQL and says which (see storage/driver.test.ts).
    expect(h.storage).toBe(process.env.EXPECT_DB_DRIVER ?? h.storage)
    await h.stop()
    const sim = new Map((await simOrders()).map(o => [o.out_trade_no, o]))
    const simRefunds = [...h.sandbox.state.wechatpay.refunds.values()]
    await h.withStorage(async ({ db }) => {
      const orders = await db.select().from(premiumOrders)
      const lines = await db.select().from(premiumOrderLines)
      const refunds = await db.select().from(premiumRefunds)
      // One order per crash, each for its own person: nobody paid twice, nothing made up.
      expect(orders.length).toBe(paidFor.size)
      expect(new Set([...paidFor.values()].map(p => p.certNo)).size).toBe(paidFor.size)
      expect([...sim.keys()].sort()).toEqual(orders.map(o => o.outTradeNo).sort())
      for (const order of orders) {
        const wx = sim.get(order.outTradeNo)!
        expect([order.status, order.transactionId]).toEqual(['paid', wx.transaction_id])
        const [line, ...more] = lines.filter(l => l.orderId === order.id)
        expect(more).toEqual([])
        const refund = refunds.filter(r => r.orderId === order.id)
        const atWechat = simRefunds.filter(r => r.outTradeNo === order.outTradeNo)
        expect(refund.map(r => [r.status, r.outRefundNo, r.wechatRefundId, r.amountFen]))
          .toEqual(atWechat.map(r => ['succeeded', r.outRefundNo, r.refundId, r.refundFen]))
        expect(line!.status).toBe(refund.length ? 'refunded' : 'reported')
      }
      // Written with each order: had the payer never come back, its expiry check would have closed it.
      const checks = await db.select({ key: outbox.dedupeKey }).from(outbox).where(eq(outbox.topic, 'check_order'))
      for (const order of orders) expect(checks.map(c => c.key)).toContain(`check_order:${order.id}:expiry`)
      expect(simRefunds).toHaveLength(refunds.length)
      const dead = await db.select({ id: outbox.id, topic: outbox.topic }).from(outbox).where(isNotNull(outbox.deadAt))
      expect(dead).toEqual([])
      expect(await listAnomalies(db, { status: 'open', regions: null })).toEqual([])
    })
  })
})
