import { randomInt, randomUUID } from 'node:crypto'
import { shanghaiDate, toShanghaiIso } from '@yibao/shared'
import { and, eq } from 'drizzle-orm'
import { http, HttpResponse, passthrough } from 'msw'
import { describe, expect, it } from 'vitest'
import { enqueue, findOrderBy, orderLines } from '../storage/payments'
import { auditEvents, outbox, paymentAnomalies } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { json, until } from '../testing/http'
import { mswServer } from '../testing/msw'
import { usePaymentStack } from '../testing/payment-stack'
import { createCodepayOrder, payByCode } from './codepay'
import { PREMIUM_COLLECT_PATH, PREMIUM_QUOTE_PATH } from '../upstream/tax/premiums'
import { applyPaidTransaction } from './service'
import { MAX_JOB_ATTEMPTS, reconcile, refundPollDelayMs, retryDelayMs, startPaymentWorker } from './worker'

/**
 * Edges of the outbox worker (payments/worker.ts) on the real payment stack: how long it waits before asking
 * about a refund again, the jobs of older releases (report_collection), the reconciliation job, a job of a
 * topic nobody knows, a 付款码 order still waiting for its password, and a job that runs out of attempts.
 */
const { ctx, payablePerson } = usePaymentStack()
const YEAR = TEST_YEAR
const db = () => ctx.storage.db
const deps = () => ctx.stack.deps
const MINUTE = 60_000

async function jobByKey(key: string) {
  const [job] = await db().select().from(outbox).where(eq(outbox.dedupeKey, key))
  return job
}

/** One worker pass with the stack's clock standing at `at` (then running on from there). */
async function tickAt(at: Date) {
  ctx.stack.clock.set(at, { frozen: true })
  try {
    return await ctx.stack.worker.tick()
  }
  finally {
    ctx.stack.clock.set(at)
  }
}

const later = (ms = 1000) => new Date(ctx.stack.clock.now().getTime() + ms)

let payerBrowser: TestBrowser | undefined
async function payer(): Promise<TestBrowser> {
  if (!payerBrowser) {
    payerBrowser = new TestBrowser(ctx.stack.app)
    await payerBrowser.signInDirect(deps(), await payablePerson(YEAR))
  }
  return payerBrowser
}

/** An order for `people` (代缴, Dongying), placed by the payer; not paid. */
async function placed(count = 1) {
  const people = []
  for (let i = 0; i < count; i++) people.push({ kind: 'other', ...await payablePerson(YEAR) })
  const res = await (await payer()).request('/api/v1/payments/orders', {
    method: 'POST',
    headers: { 'idempotency-key': randomUUID() },
    json: { year: YEAR, channel: 'native', people },
  })
  expect(res.status).toBe(201)
  return json(res) as Promise<{ id: string, outTradeNo: string, totalFen: number }>
}

function logsWith(msg: string) {
  return ctx.stack.logs.map(l => JSON.parse(l) as Record<string, unknown>).filter(l => l.msg === msg)
}

describe('how long the worker waits', () => {
  it('asks about a refund again after 1 min, then 5, then 30, then every 6 hours, by its age', () => {
    expect(refundPollDelayMs(0)).toBe(MINUTE)
    expect(refundPollDelayMs(5 * MINUTE - 1)).toBe(MINUTE)
    expect(refundPollDelayMs(5 * MINUTE)).toBe(5 * MINUTE)
    expect(refundPollDelayMs(60 * MINUTE - 1)).toBe(5 * MINUTE)
    expect(refundPollDelayMs(60 * MINUTE)).toBe(30 * MINUTE)
    expect(refundPollDelayMs(24 * 60 * MINUTE - 1)).toBe(30 * MINUTE)
    expect(refundPollDelayMs(24 * 60 * MINUTE)).toBe(6 * 60 * MINUTE)
  })

  it('backs off after a failure: 5 s, 10 s, 20 s … at most 30 minutes', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([5_000, 10_000, 20_000, 40_000])
    expect(retryDelayMs(0)).toBe(5_000)
    expect(retryDelayMs(MAX_JOB_ATTEMPTS)).toBe(30 * MINUTE)
  })
})

describe('jobs of every topic', () => {
  it('report_collection (written before lines were reported one by one): a report_line job per paid line', async () => {
    const order = await placed(2)
    await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
    await until(async () => (await findOrderBy(db(), 'id', order.id))?.status === 'paid')
    const [a, b] = await orderLines(db(), order.id)
    // An order of an older release: no report_line jobs of its own; one of its lines already reported.
    await db().delete(outbox).where(eq(outbox.dedupeKey, `report_line:${a!.id}`))
    await db().delete(outbox).where(eq(outbox.dedupeKey, `report_line:${b!.id}`))
    await enqueue(db(), 'report_line', `edges-report:${b!.id}`, { lineId: b!.id }, ctx.stack.clock.now())
    await tickAt(later())
    expect((await orderLines(db(), order.id)).find(l => l.id === b!.id)!.status).toBe('reported')

    const at = later()
    await enqueue(db(), 'report_collection', `report_collection:${order.id}`, { orderId: order.id }, at)
    await tickAt(at)
    expect(await jobByKey(`report_collection:${order.id}`)).toMatchObject({ doneAt: at, lastError: null })
    const fresh = await jobByKey(`report_line:${a!.id}`)
    expect(fresh).toMatchObject({ topic: 'report_line', payload: { lineId: a!.id }, availableAt: at, doneAt: null })
    expect(await jobByKey(`report_line:${b!.id}`)).toBeUndefined()
  })

  it('reconcile: the day\'s trade bill is checked (none for a day without trades: done, not retried)', async () => {
    const at = later()
    const key = `reconcile:edges:${randomUUID()}`
    await enqueue(db(), 'reconcile', key, { date: '2026-11-01' }, at)
    await tickAt(at)
    expect(await jobByKey(key)).toMatchObject({ doneAt: at, lastError: null, attempts: 1 })
    expect(logsWith('reconciled trade bill').filter(l => l.date === '2026-11-01'))
      .toEqual([expect.objectContaining({ repaired: 0, missingInBill: 0, unknownInBill: 0, rows: 0 })])
  })

  it('a topic nobody knows is logged as an error and put aside (done, not retried)', async () => {
    const at = later()
    const key = `mystery:${randomUUID()}`
    await enqueue(db(), 'no_such_topic', key, { x: 1 }, at)
    await tickAt(at)
    const job = await jobByKey(key)
    expect(job).toMatchObject({ doneAt: at, lastError: null, attempts: 1 })
    expect(logsWith('unknown job topic').filter(l => l.jobId === job!.id))
      .toEqual([expect.objectContaining({ job: 'no_such_topic', level: 50 })])
  })

  it('settle_codepay of a payer still entering the password: looks again after the poll interval', async () => {
    const person = await payablePerson(YEAR)
    const payerOf = { principal: 'staff:worker-edges', resident: null, logger: deps().logger }
    const { order } = await createCodepayOrder(deps(), payerOf, {
      year: YEAR,
      people: [{ kind: 'other', name: person.name, certNo: person.certNo }],
      idempotency: null,
    })
    const code = `14${String(randomInt(1e8)).padStart(8, '0')}${String(randomInt(1e8)).padStart(8, '0')}`
    const timing = { pollMs: 20, waitMs: 30_000, sleep: async () => { throw new Error('must not wait') } }
    const waiting = await payByCode(deps(), order, code, { storeId: '370500' }, deps().logger, timing)
    expect(waiting.outcome).toBe('userpaying')
    const at = later()
    const key = `settle_codepay:edges:${order.id}`
    await enqueue(db(), 'settle_codepay', key, { orderId: order.id }, at)
    await tickAt(at)
    expect(await jobByKey(key)).toMatchObject({
      doneAt: null,
      attempts: 0,
      availableAt: new Date(at.getTime() + deps().env.WXPAY_CODEPAY_POLL_MS),
    })
  })
})

describe('a job that fails', () => {
  it('backs off, and out of attempts becomes a job_exhausted anomaly of the order\'s region', async () => {
    const order = await placed(1)
    const [line] = await orderLines(db(), order.id)
    // Expiry: WeChat Pay must close the order, but it is down.
    const key = `check_order:edges:${order.id}`
    const first = later()
    await enqueue(db(), 'check_order', key, { orderId: order.id, expire: true }, first)
    await ctx.stack.sandboxCall('/__sandbox/faults', 'PUT', { status: 503 })
    try {
      await tickAt(first)
      const failed = (await jobByKey(key))!
      expect(failed).toMatchObject({ attempts: 1, doneAt: null, availableAt: new Date(first.getTime() + 5_000) })
      expect(failed.lastError).toEqual(expect.any(String))
      // …and so on until its last attempt.
      const last = new Date(first.getTime() + 10_000)
      await db().update(outbox).set({ attempts: MAX_JOB_ATTEMPTS - 1, availableAt: last })
        .where(eq(outbox.id, failed.id))
      await tickAt(last)
      expect(await jobByKey(key)).toMatchObject({ attempts: MAX_JOB_ATTEMPTS, doneAt: last, deadAt: last })
      const [anomaly] = await db().select().from(paymentAnomalies)
        .where(and(eq(paymentAnomalies.kind, 'job_exhausted'), eq(paymentAnomalies.outboxId, failed.id)))
      expect(anomaly).toMatchObject({
        orderId: order.id,
        lineId: null,
        refundId: null,
        regionCode: line!.regionCode,
        status: 'open',
        detail: { topic: 'check_order', attempts: MAX_JOB_ATTEMPTS },
      })
      expect(line!.regionCode).toMatch(/^3705\d\d$/)
    }
    finally {
      await ctx.stack.sandboxCall('/__sandbox/faults', 'DELETE')
    }
    expect((await findOrderBy(db(), 'id', order.id))!.status).toBe('prepaid')
  })
})

/** The bodies of the collection's requests from now on (each still reaches the tax sandbox). */
function collectRequests(): Record<string, unknown>[] {
  const bodies: Record<string, unknown>[] = []
  mswServer.use(http.post(`${ctx.stack.sandboxUrl}${PREMIUM_COLLECT_PATH}`, async ({ request }) => {
    bodies.push(await request.clone().json() as Record<string, unknown>)
    return passthrough()
  }))
  return bodies
}

/** A placed order paid at WeChat Pay (callback applied), its line not reported yet. */
async function paidOrder() {
  const order = await placed()
  await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
  await until(async () => (await findOrderBy(db(), 'id', order.id))?.status === 'paid')
  const [line] = await orderLines(db(), order.id)
  return { order: (await findOrderBy(db(), 'id', order.id))!, line: line! }
}

describe('reporting a line to the tax bureau (report_line)', () => {
  it('reports it under the order, with WeChat Pay\'s transaction and the time it was paid', async () => {
    const { order, line } = await paidOrder()
    const sent = collectRequests()
    await tickAt(later())
    expect((await orderLines(db(), order.id))[0]!.status).toBe('reported')
    // (Lines of earlier cases may be reported in the same pass.)
    expect(sent.filter(b => b.ddh === order.outTradeNo)).toEqual([expect.objectContaining({
      ddh: order.outTradeNo,
      zfls: order.transactionId,
      zfsj: toShanghaiIso(order.paidAt!),
      mx: [expect.objectContaining({ sfzjhm: deps().vault.decrypt(line.personCertNoEnc), jfnd: YEAR })],
    })])
    expect(order.transactionId).toMatch(/^\d{20,}$/)
  })

  it('a line no longer paid (reported already) or gone: nothing is sent, the job is done', async () => {
    const { order, line } = await paidOrder()
    await tickAt(later())
    expect((await orderLines(db(), line.orderId))[0]!.status).toBe('reported')
    const sent = collectRequests()
    const at = later()
    const keys = [`report_line:edges:${line.id}`, `report_line:edges:${randomUUID()}`]
    await enqueue(db(), 'report_line', keys[0]!, { lineId: line.id }, at)
    await enqueue(db(), 'report_line', keys[1]!, { lineId: randomUUID() }, at)
    await tickAt(at)
    for (const key of keys) expect(await jobByKey(key)).toMatchObject({ doneAt: at, lastError: null })
    expect(sent.filter(b => b.ddh === order.outTradeNo)).toEqual([])
  })

  it('"already paid" (2002) for a person the bureau then cannot find: our line is the duplicate, '
    + 'collected under an unknown payment', async () => {
    const { order, line } = await paidOrder()
    const certNo = deps().vault.decrypt(line.personCertNoEnc)
    const counter = await ctx.stack.sandboxCall('/__sandbox/tax/counter-payment', 'POST', { certNo, year: YEAR })
    expect(counter.status).toBe(200)
    mswServer.use(http.post(`${ctx.stack.sandboxUrl}${PREMIUM_QUOTE_PATH}`, async ({ request }) => {
      const body = await request.clone().json() as { sfzjhm?: string }
      return body.sfzjhm === certNo ? HttpResponse.json({ fhdm: '1001', fhxx: '未找到该人员' }) : passthrough()
    }))
    await tickAt(later())
    expect((await orderLines(db(), order.id))[0]!.status).toBe('duplicate')
    const [anomaly] = await db().select().from(paymentAnomalies)
      .where(and(eq(paymentAnomalies.lineId, line.id), eq(paymentAnomalies.kind, 'duplicate_payment')))
    expect(anomaly!.detail).toMatchObject({ taxCode: '2002', collectedUnder: 'unknown', outTradeNo: order.outTradeNo })
  })
})

describe('reconciling a day\'s trade bill', () => {
  it('an order paid here that the bill does not hold: reconcile_missing_in_bill with no bill amount, audited',
    async () => {
      const today = ctx.stack.clock.now()
      const yesterday = new Date(today.getTime() - 86_400_000)
      ctx.stack.clock.set(yesterday)
      let order
      try {
        // Booked paid here (as if WeChat Pay had said so), though WeChat Pay never took the money.
        order = await placed()
        const tx = await deps().wechatpay.queryByOutTradeNo(order.outTradeNo)
        const transactionId = `4200${randomInt(1e9)}`
        const fake = { ...tx, tradeState: 'SUCCESS' as const, transactionId, successTime: yesterday }
        expect(await applyPaidTransaction(deps(), fake)).toBe('paid')
      }
      finally {
        ctx.stack.clock.set(today)
      }
      const date = shanghaiDate(yesterday)
      const result = await reconcile(deps(), date)
      expect(result.missingInBill).toContain(order.outTradeNo)
      const [anomaly] = await db().select().from(paymentAnomalies)
        .where(eq(paymentAnomalies.dedupeKey, `reconcile_missing_in_bill:${order.outTradeNo}`))
      expect(anomaly!.detail).toEqual({ date, outTradeNo: order.outTradeNo, totalFen: order.totalFen, billFen: null })
      const audits = await db().select().from(auditEvents)
        .where(eq(auditEvents.target, `out_trade_no:${order.outTradeNo}`))
      expect(audits.map(a => [a.actorType, a.actorId, a.channel, a.action, a.success, a.detail])).toEqual([
        ['system', 'reconcile', 'public', 'payment.reconcile.missing_in_bill', false, { date }],
      ])
    })
})

describe('a worker that starts and stops', () => {
  it('on start: checks every order left open over a minute and schedules yesterday\'s 对账 for 10:30 Shanghai; '
    + 'stopped, it runs nothing', async () => {
    const order = await placed()
    const at = later(2 * MINUTE)
    const today = shanghaiDate(at)
    const yesterday = shanghaiDate(new Date(at.getTime() - 86_400_000))
    ctx.stack.clock.set(at, { frozen: true })
    const worker = startPaymentWorker(deps(), { intervalMs: 3_600_000 })
    try {
      const recheck = `check_order:${order.id}:recover:${today}`
      const written = async (key: string) => (await jobByKey(key)) !== undefined
      await until(async () => (await written(recheck)) && (await written(`reconcile:${yesterday}`)))
      expect(await jobByKey(recheck))
        .toMatchObject({ topic: 'check_order', payload: { orderId: order.id }, availableAt: at })
      expect(await jobByKey(`reconcile:${yesterday}`)).toMatchObject({
        topic: 'reconcile',
        payload: { date: yesterday },
        availableAt: new Date(`${today}T10:30:00+08:00`),
      })
    }
    finally {
      worker.stop()
      ctx.stack.clock.set(at)
    }
    const key = `stopped:${randomUUID()}`
    await enqueue(db(), 'no_such_topic', key, {}, at)
    expect(await worker.tick()).toBe(0)
    expect(await jobByKey(key)).toMatchObject({ attempts: 0, doneAt: null })
  })
})
