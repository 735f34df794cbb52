import type { AnomalyKind } from '@yibao/shared'
import { randomUUID } from 'node:crypto'
import { ANOMALY_KINDS, maskIdCard, shanghaiDate } from '@yibao/shared'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { listAnomalies } from '../storage/anomalies'
import { findOrderBy, orderLines } from '../storage/payments'
import { premiumOrders } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { exhaustReport, usePaymentStack } from '../testing/payment-stack'
import { createTestStaff, signInStaff } from '../testing/staff'
import { MAX_JOB_ATTEMPTS, reconcile } from './worker'
import { json, until } from '../testing/http'

/**
 * Every kind of anomaly, made the way it happens — through the sandbox's fault controls against the real
 * payment stack (WeChat Pay simulator, tax bureau stand-in, outbox worker) — reaches the 异常处理 queue
 * of a supervisor of the person's region (Guizhou here), and no other region's.
 */
const { ctx, payablePerson } = usePaymentStack()
const YEAR = TEST_YEAR

type Person = { name: string, certNo: string }
interface Seen { id: string, kind: AnomalyKind, outTradeNo: string | null, people: Person[], [k: string]: unknown }

const subjects: Person[] = []
/** Someone in Guizhou whose year is payable: the queue is the Guizhou supervisor's. */
async function subject(): Promise<Person> {
  const p = await payablePerson(YEAR, '520000')
  subjects.push(p)
  return p
}

let payerBrowser: TestBrowser | undefined
async function payer(): Promise<TestBrowser> {
  if (!payerBrowser) {
    payerBrowser = new TestBrowser(ctx.stack.app)
    await payerBrowser.signInDirect(ctx.stack.deps, await payablePerson(YEAR))
  }
  return payerBrowser
}

const supervisors = new Map<string, TestBrowser>()
async function supervisorOf(region: '520000' | '370500'): Promise<TestBrowser> {
  let browser = supervisors.get(region)
  if (!browser) {
    browser = new TestBrowser(ctx.stack.app)
    const staff = await createTestStaff(ctx.stack.deps, { role: 'supervisor', regions: [region] })
    await signInStaff(browser, ctx.stack.deps, staff)
    supervisors.set(region, browser)
  }
  return browser
}

/** What the region's supervisor sees on 异常处理 (待处理). */
async function queue(region: '520000' | '370500' = '520000'): Promise<Seen[]> {
  const res = await (await supervisorOf(region)).request('/api/v1/desk/anomalies?status=open')
  expect(res.status).toBe(200)
  return (await json(res)).anomalies
}

async function seen(kind: AnomalyKind, outTradeNo: string): Promise<Seen> {
  const found = (await queue()).find(a => a.kind === kind && a.outTradeNo === outTradeNo)
  expect(found, `${kind} of ${outTradeNo} in the Guizhou queue`).toBeDefined()
  return found!
}

async function order(people: Person[]): Promise<{ id: string, outTradeNo: string, totalFen: number }> {
  const res = await (await payer()).request('/api/v1/payments/orders', {
    method: 'POST',
    headers: { 'idempotency-key': randomUUID() },
    json: { year: YEAR, channel: 'native', people: people.map(p => ({ kind: 'other', ...p })) },
  })
  expect(res.status).toBe(201)
  return json(res)
}

const wechatpay = (path: string, body?: unknown, method?: string) => ctx.stack.control(path, body, method)

const sandbox = (path: string, method: string, body?: unknown) => ctx.stack.sandboxCall(path, method, body)

async function payAndWait(o: { id: string, outTradeNo: string }, body: Record<string, unknown> = {}) {
  await wechatpay(`/orders/${o.outTradeNo}/pay`, body)
  await until(async () => (await findOrderBy(ctx.storage.db, 'id', o.id))?.status === 'paid')
}

async function drain(rounds = 20) {
  for (let i = 0; i < rounds; i++) {
    if (!await ctx.stack.worker.tick()) return
  }
}

/** Someone changed our stored amount after the prepay (as the payments route test does). */
async function alterStoredTotal(orderId: string, totalFen: number) {
  await ctx.storage.db.update(premiumOrders).set({ totalFen }).where(eq(premiumOrders.id, orderId))
}

const produced = new Set<AnomalyKind>()

describe('every anomaly kind, produced through the sandbox, reaches the region\'s 异常处理 queue', () => {
  it('amount_mismatch: WeChat Pay reports another amount than our order\'s', async () => {
    const o = await order([await subject()])
    await alterStoredTotal(o.id, o.totalFen + 1)
    await wechatpay(`/orders/${o.outTradeNo}/pay`, {})
    const a = await until(async () =>
      (await queue()).find(x => x.kind === 'amount_mismatch' && x.outTradeNo === o.outTradeNo))
    expect(a).toMatchObject({ orderStatus: 'prepaid', facts: { expectedFen: o.totalFen + 1, gotFen: o.totalFen } })
    expect((await findOrderBy(ctx.storage.db, 'id', o.id))!.status).toBe('prepaid')
    produced.add('amount_mismatch')
  })

  it('paid_after_close and duplicate_payment: a payment beat the close of an order the payer replaced', async () => {
    const p = await subject()
    const old = await order([p])
    // The payer went back and ordered again: the first order is closed, the new one holds the person.
    await order([p])
    expect((await findOrderBy(ctx.storage.db, 'id', old.id))!.status).toBe('closed')
    await payAndWait(old, { beatClose: true })
    expect(await seen('paid_after_close', old.outTradeNo))
      .toMatchObject({ orderStatus: 'paid', available: { retry: true } })
    const dup = await seen('duplicate_payment', old.outTradeNo)
    expect(dup).toMatchObject({ lineStatus: 'duplicate', facts: { why: 'paid_while_person_year_held' } })
    expect(dup.people).toEqual([{ name: expect.stringMatching(/\*/), certNo: maskIdCard(p.certNo) }])
    produced.add('paid_after_close').add('duplicate_payment')
  })

  it('refund_failed: WeChat Pay closes the automatic refund of a duplicate', async () => {
    const p = await subject()
    const o = await order([p])
    await payAndWait(o)
    // Paid at a tax hall meanwhile: our report gets 2002 and our line is the duplicate.
    expect((await sandbox('/__sandbox/tax/counter-payment', 'POST', { certNo: p.certNo, year: YEAR })).status).toBe(200)
    await wechatpay('/config', { refundOutcome: 'CLOSED' }, 'PUT')
    try {
      await drain()
      expect(await seen('duplicate_payment', o.outTradeNo))
        .toMatchObject({ facts: { why: 'collected_elsewhere', taxCode: '2002' } })
      await drain()
      // The simulator ends the refund after ≈2 s with CLOSED and calls back.
      const failed = await until(async () =>
        (await queue()).find(x => x.kind === 'refund_failed' && x.outTradeNo === o.outTradeNo))
      expect(failed).toMatchObject({
        refundStatus: 'failed',
        lineStatus: 'duplicate',
        facts: { refundState: 'CLOSED' },
        available: { retry: true },
      })
    }
    finally {
      await wechatpay('/config', { refundOutcome: 'SUCCESS' }, 'PUT')
    }
    produced.add('refund_failed')
  })

  it('tax_refused: the tax bureau refuses to record the collection', async () => {
    const o = await order([await subject()])
    await sandbox('/__sandbox/tax/collect-refusal', 'PUT', { fhdm: '2001', fhxx: '缴费金额与应缴金额不一致' })
    try {
      await payAndWait(o)
      await drain()
    }
    finally {
      await sandbox('/__sandbox/tax/collect-refusal', 'PUT', {})
    }
    expect(await seen('tax_refused', o.outTradeNo)).toMatchObject({
      lineStatus: 'paid',
      facts: { taxCode: '2001' },
      available: { retry: true, refund: true },
    })
    produced.add('tax_refused')
  })

  it('job_exhausted: the tax bureau is down for every attempt of a report', async () => {
    const o = await order([await subject()])
    await payAndWait(o)
    const [line] = await orderLines(ctx.storage.db, o.id)
    const job = await exhaustReport(ctx, line!.id)
    expect(job.attempts).toBe(MAX_JOB_ATTEMPTS)
    expect(await seen('job_exhausted', o.outTradeNo)).toMatchObject({
      lineStatus: 'paid',
      facts: { topic: 'report_line', attempts: MAX_JOB_ATTEMPTS },
      available: { retry: true },
    })
    produced.add('job_exhausted')
  })

  it('reconcile_*: yesterday\'s trade bill has a payment we did not book, and lacks the amount we booked', async () => {
    const today = ctx.stack.clock.now()
    const yesterday = new Date(today.getTime() - 86_400_000)
    ctx.stack.clock.set(yesterday)
    let unbooked, misbooked
    try {
      // Paid at WeChat Pay, but not booked here: its amount disagrees with ours, and the callback was lost.
      unbooked = await order([await subject()])
      await alterStoredTotal(unbooked.id, unbooked.totalFen + 100)
      await wechatpay('/config', { callbacks: 'drop' }, 'PUT')
      await wechatpay(`/orders/${unbooked.outTradeNo}/pay`, {})
      await wechatpay('/config', { callbacks: 'deliver' }, 'PUT')
      // Booked here with another amount than the bill's.
      misbooked = await order([await subject()])
      await payAndWait(misbooked)
      await alterStoredTotal(misbooked.id, misbooked.totalFen - 1)
    }
    finally {
      await wechatpay('/config', { callbacks: 'deliver' }, 'PUT')
      ctx.stack.clock.set(today)
    }
    const result = await reconcile(ctx.stack.deps, shanghaiDate(yesterday))
    expect(result.unknownInBill).toContain(unbooked.outTradeNo)
    expect(result.missingInBill).toContain(misbooked.outTradeNo)
    expect(await seen('reconcile_unknown_in_bill', unbooked.outTradeNo)).toMatchObject({
      orderStatus: 'prepaid',
      facts: { date: shanghaiDate(yesterday), billFen: unbooked.totalFen },
      available: { retry: true },
    })
    expect(await seen('reconcile_missing_in_bill', misbooked.outTradeNo)).toMatchObject({
      orderStatus: 'paid',
      amountFen: misbooked.totalFen - 1,
      facts: { date: shanghaiDate(yesterday), billFen: misbooked.totalFen },
    })
    produced.add('reconcile_unknown_in_bill').add('reconcile_missing_in_bill')
  })

  it('covers every kind; Dongying\'s supervisor sees none of them; no view holds a full ID number', async () => {
    expect([...produced].sort()).toEqual([...ANOMALY_KINDS].sort())
    const guizhou = await queue('520000')
    expect(new Set(guizhou.map(a => a.kind))).toEqual(new Set(ANOMALY_KINDS))
    const dongying = (await queue('370500')).map(a => a.id)
    expect(dongying.filter(id => guizhou.some(g => g.id === id))).toEqual([])
    const text = JSON.stringify(guizhou) + ctx.stack.logs.join('')
    for (const p of subjects) expect(text).not.toContain(p.certNo)
    // The queue is what the table holds for the region: nothing left out.
    const stored = await listAnomalies(ctx.storage.db, { status: 'open', regions: ['520000'] })
    expect(guizhou.map(a => a.id).sort()).toEqual(stored.map(a => a.id).sort())
  })
})
