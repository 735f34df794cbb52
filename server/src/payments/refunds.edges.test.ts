import type { AppError } from '../lib/errors'
import type { PremiumRefund } from '../storage/refunds'
import { randomUUID } from 'node:crypto'
import { formatErrorMessage } from '@yibao/shared'
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { findAnomaly } from '../storage/anomalies'
import { findOrderBy, orderLines } from '../storage/payments'
import { findRefundBy } from '../storage/refunds'
import { auditEvents, deskActs, outbox, paymentAnomalies, premiumRefunds } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { json, until, waitFor } from '../testing/http'
import { usePaymentStack } from '../testing/payment-stack'
import { createTestStaff } from '../testing/staff'
import { refundOptions } from './refund-cases'
import {
  applyRefundResult,
  convergeRefund,
  REFUND_FIRST_QUERY_MS,
  refundView,
  requestRefund,
  retryFailedRefund,
} from './refunds'

/**
 * Edges of 退费 (payments/refunds.ts, payments/refund-cases.ts) at the service level, against the bureau
 * sandbox (tax 审核, WeChat Pay simulator): a refused request asked again under its key, lines that cannot
 * be refunded, a refund applied at the desk, an amount WeChat Pay did not give, a closed refund retried,
 * a query that fails, and the 退费 options when the bureau cannot be read; a line refunded already, a refund
 * finished by its outbox job, the right person of a two-person order, and the audit of a refusal.
 */
const { ctx, payablePerson, paidResident } = usePaymentStack()
const YEAR = TEST_YEAR
const db = () => ctx.storage.db
const deps = () => ctx.stack.deps

let keySeq = 700_000 + (process.pid % 1000) * 100
/** An idempotency key id, as the route would pass it (unique per request). */
const nextKey = () => ++keySeq

/** The error `run` rejects with (fails when it resolves). */
async function refusal(run: Promise<unknown>): Promise<AppError> {
  const error = await run.then(() => null, (e: unknown) => e)
  expect(error, 'expected a refusal').not.toBeNull()
  return error as AppError
}

async function principalOf(orderId: string): Promise<string> {
  return (await findOrderBy(db(), 'id', orderId))!.principal
}

/** A signed-in resident whose order for themselves is placed (not paid yet). */
async function placedOrder() {
  const person = await payablePerson(YEAR)
  const browser = new TestBrowser(ctx.stack.app)
  await browser.signInDirect(deps(), person)
  const res = await browser.request('/api/v1/payments/orders', {
    method: 'POST',
    json: { year: YEAR, channel: 'native', people: [{ kind: 'self' }] },
    headers: { 'idempotency-key': randomUUID() },
  })
  expect(res.status).toBe(201)
  const order = await json(res) as { id: string, outTradeNo: string }
  const [line] = await orderLines(db(), order.id)
  return { person, browser, order, line: line!, principal: await principalOf(order.id) }
}

/** Paid at WeChat Pay (callback applied), not yet reported to the tax bureau (the worker has not run). */
async function paidNotReported() {
  const placed = await placedOrder()
  await ctx.stack.control(`/orders/${placed.order.outTradeNo}/pay`, {})
  await until(async () => (await findOrderBy(db(), 'id', placed.order.id))?.status === 'paid')
  return placed
}

async function simConfig(config: Record<string, unknown>) {
  await ctx.stack.control('/config', config, 'PUT')
}

/** Runs `fn` with the stack's clock standing at `at`, then lets it run on again. */
async function frozenAt<T>(at: Date, fn: () => Promise<T>): Promise<T> {
  ctx.stack.clock.set(at, { frozen: true })
  try {
    return await fn()
  }
  finally {
    ctx.stack.clock.set(at)
  }
}

/**
 * A resident's `overpaid` refund, approved by the bureau and sent while the WeChat Pay simulator is set `during`
 * (then set `after`).
 */
async function refundWhile(
  during: Record<string, unknown>,
  after: Record<string, unknown>,
  policyRegion?: '520000',
): Promise<PremiumRefund> {
  const { order, line } = await paidResident(YEAR, { policyRegion })
  await simConfig(during)
  try {
    return await requestRefund(deps(), {
      principal: await principalOf(order.id),
      orderId: order.id,
      lineId: line.id,
      reason: 'overpaid',
      idempotencyKeyId: nextKey(),
    })
  }
  finally {
    await simConfig(after)
  }
}

/** A refund WeChat Pay accepted (PROCESSING: its outcome not back yet). */
function processingRefund(policyRegion?: '520000'): Promise<PremiumRefund> {
  return refundWhile({ refundProcessingMs: 600_000 }, { refundProcessingMs: 2000 }, policyRegion)
}

/** A refund WeChat Pay never got (its refund API down): no refund id yet. Guizhou's residents: 370500's run out. */
function unsentRefund(): Promise<PremiumRefund> {
  const path = '/v3/refund/domestic/refunds'
  const failNext = Array.from({ length: 5 }, () => ({ path, status: 500, code: 'SYSTEM_ERROR' }))
  return refundWhile({ failNext }, { failNext: [] }, '520000')
}

/** WeChat Pay's PROCESSING answer about `refund`, under refund id `refundId`. */
function processingAnswer(refund: PremiumRefund, refundId: string) {
  const fen = refund.amountFen
  return {
    refundId,
    outRefundNo: refund.outRefundNo,
    transactionId: 'T',
    outTradeNo: 'O',
    status: 'PROCESSING' as const,
    userReceivedAccount: null,
    successTime: null,
    createTime: null,
    refundFen: fen,
    totalFen: fen,
    payerRefundFen: fen,
    payerTotalFen: fen,
  }
}

describe('requestRefund: what cannot be refunded, and a refusal asked again', () => {
  it('a refusal by the bureau is the answer again when the same request (key) comes back, with the year', async () => {
    const { order, line } = await paidResident(YEAR)
    const key = nextKey()
    const p = { orderId: order.id, lineId: line.id, reason: 'died_before_benefit' as const, idempotencyKeyId: key }
    const principal = await principalOf(order.id)
    const first = await refusal(requestRefund(deps(), { ...p, principal }))
    expect(first).toMatchObject({ code: 'REFUND_DEATH_NOT_FOUND', status: 409 })
    expect(first.options.params).toEqual({ year: String(YEAR) })
    // The same request again (its key): the refund it wrote, still refused, for the same year; nothing new.
    const again = await refusal(requestRefund(deps(), { ...p, principal }))
    expect(again).toMatchObject({ code: 'REFUND_DEATH_NOT_FOUND', status: 409 })
    expect(again.options.params).toEqual({ year: String(YEAR) })
    const rows = await db().select().from(premiumRefunds).where(eq(premiumRefunds.lineId, line.id))
    expect(rows.map(r => [r.status, r.rejectCode, r.idempotencyKeyId]))
      .toEqual([['rejected', 'REFUND_DEATH_NOT_FOUND', key]])
    // Its view says why, in the words of the error table, for the year.
    expect((await refundView(deps(), rows[0]!)).rejectMessage)
      .toBe(formatErrorMessage('REFUND_DEATH_NOT_FOUND', { year: String(YEAR) }))
  })

  it('not paid yet: REFUND_NOT_REFUNDABLE; paid, not yet with the tax bureau: REFUND_NOT_YET_RECORDED', async () => {
    const placed = await placedOrder()
    const base = { reason: 'overpaid' as const, idempotencyKeyId: null }
    const unpaid = await refusal(requestRefund(deps(), {
      ...base,
      principal: placed.principal,
      orderId: placed.order.id,
      lineId: placed.line.id,
    }))
    expect(unpaid).toMatchObject({ code: 'REFUND_NOT_REFUNDABLE', status: 409 })

    const paid = await paidNotReported()
    expect((await orderLines(db(), paid.order.id))[0]!.status).toBe('paid')
    const early = await refusal(requestRefund(deps(), {
      ...base,
      principal: paid.principal,
      orderId: paid.order.id,
      lineId: paid.line.id,
    }))
    expect(early).toMatchObject({ code: 'REFUND_NOT_YET_RECORDED', status: 409 })
    // Nothing written for either.
    for (const lineId of [placed.line.id, paid.line.id])
      expect(await db().select().from(premiumRefunds).where(eq(premiumRefunds.lineId, lineId))).toEqual([])
  })

  it('a duplicate payment goes back on its own: the payer asking for it is told REFUND_EXISTS', async () => {
    const paid = await paidNotReported()
    // Paid at a tax hall meanwhile: our report gets 2002, the line is the duplicate.
    const counter = await ctx.stack.sandboxCall('/__sandbox/tax/counter-payment', 'POST', {
      certNo: paid.person.certNo,
      year: YEAR,
    })
    expect(counter.status).toBe(200)
    await ctx.stack.worker.tick()
    const [line] = await orderLines(db(), paid.order.id)
    expect(line!.status).toBe('duplicate')
    const dup = await refusal(requestRefund(deps(), {
      principal: paid.principal,
      orderId: paid.order.id,
      lineId: paid.line.id,
      reason: 'overpaid',
      idempotencyKeyId: null,
    }))
    expect(dup).toMatchObject({ code: 'REFUND_EXISTS', status: 409 })
    // The tax bureau's record says who holds the year: a counter payment, not an order of ours.
    const [anomaly] = await db().select().from(paymentAnomalies)
      .where(and(eq(paymentAnomalies.lineId, paid.line.id), eq(paymentAnomalies.kind, 'duplicate_payment')))
    expect(anomaly!.detail).toMatchObject({ taxCode: '2002', collectedUnder: 'unknown', why: 'collected_elsewhere' })
  })

  it('two requests for one line at once: one refund, the other REFUND_EXISTS', async () => {
    const { order, line } = await paidResident(YEAR)
    const principal = await principalOf(order.id)
    const ask = () => requestRefund(deps(), {
      principal,
      orderId: order.id,
      lineId: line.id,
      reason: 'overpaid',
      idempotencyKeyId: nextKey(),
    }).then(r => ({ ok: r }), (e: AppError) => ({ code: e.code }))
    const results = await Promise.all([ask(), ask()])
    expect(results.filter(r => 'code' in r)).toEqual([{ code: 'REFUND_EXISTS' }])
    const rows = await db().select().from(premiumRefunds).where(eq(premiumRefunds.lineId, line.id))
    expect(rows).toHaveLength(1)
  })

  it('窗口代办: the clerk who applied is recorded with the refund (desk act) and shown on it', async () => {
    const { person, order, line } = await paidResident(YEAR)
    const clerk = await createTestStaff(deps(), { role: 'clerk', regions: ['370500'], name: '窗口王' })
    const certRef = deps().vault.ref(person.certNo)
    const at = new Date(ctx.stack.clock.now().getTime() + 1000)
    const principal = await principalOf(order.id)
    const refund = await frozenAt(at, () => requestRefund(deps(), {
      principal,
      certRef,
      orderId: order.id,
      lineId: line.id,
      reason: 'overpaid',
      idempotencyKeyId: nextKey(),
      desk: { subjectRef: certRef, staffId: clerk.account.id, hallRegion: '370502', consent: 'sms' },
    }))
    const acts = await db().select().from(deskActs).where(eq(deskActs.target, `refund:${refund.id}`))
    expect(acts.map(({ id: _id, ...a }) => a)).toEqual([{
      kind: 'refund',
      target: `refund:${refund.id}`,
      subjectRef: certRef,
      staffId: clerk.account.id,
      hallRegion: '370502',
      consent: 'sms',
      at,
    }])
    // The first look at WeChat Pay is a minute after the request.
    const [job] = await db().select().from(outbox).where(eq(outbox.dedupeKey, `advance_refund:${refund.id}`))
    expect(job!.availableAt).toEqual(new Date(at.getTime() + REFUND_FIRST_QUERY_MS))
    expect((await refundView(deps(), refund)).clerk)
      .toMatchObject({ name: '窗口王', hallRegion: '370502', consent: 'sms' })
  })
})

describe('what WeChat Pay says of a refund', () => {
  it('another amount than ours is not applied: an amount_mismatch anomaly of the refund, in its region', async () => {
    const refund = await processingRefund()
    expect(refund.status).toBe('refunding')
    const [line] = await orderLines(db(), refund.orderId)
    const answer = await deps().wechatpay.queryRefund(refund.outRefundNo)
    const got = { ...answer, status: 'SUCCESS' as const, refundFen: refund.amountFen - 1 }
    const at = new Date(ctx.stack.clock.now().getTime() + 5000)
    const after = await frozenAt(at, () => applyRefundResult(deps(), got))
    expect(after).toMatchObject({ id: refund.id, status: 'refunding', succeededAt: null })
    const [row] = await db().select().from(paymentAnomalies).where(eq(paymentAnomalies.refundId, refund.id))
    expect(row).toMatchObject({
      kind: 'amount_mismatch',
      dedupeKey: `refund_amount_mismatch:${refund.id}:${answer.refundId}`,
      orderId: refund.orderId,
      lineId: refund.lineId,
      refundId: refund.id,
      regionCode: line!.regionCode,
      createdAt: at,
      detail: {
        outRefundNo: refund.outRefundNo,
        expectedFen: refund.amountFen,
        gotFen: refund.amountFen - 1,
        refundStatus: 'SUCCESS',
      },
    })
    expect((await orderLines(db(), refund.orderId))[0]!.status).toBe('reported')
  })

  it('a query that fails leaves the refund as it is (logged); the next one finds it', async () => {
    const refund = await processingRefund()
    const under = (await findRefundBy(db(), 'id', refund.id))!
    expect(under.wechatRefundId).not.toBeNull()
    const path = '/v3/refund/domestic/refunds/'
    await simConfig({ failNext: [{ path, status: 500, code: 'SYSTEM_ERROR' }] })
    const after = await convergeRefund(deps(), under)
    expect(after).toEqual(under)
    const warned = ctx.stack.logs.map(l => JSON.parse(l) as Record<string, unknown>)
      .filter(l => l.msg === 'refund query failed' && l.outRefundNo === refund.outRefundNo)
    expect(warned).toHaveLength(1)
    expect(warned[0]).toMatchObject({ kind: 'unavailable' })
    // WeChat Pay answers again: still PROCESSING, nothing moves.
    expect(await convergeRefund(deps(), under)).toMatchObject({ id: refund.id, status: 'refunding' })
  })

  it('a refund WeChat Pay closed is retried once: new out_refund_no, a job a minute later, same money', async () => {
    const { order, line } = await paidResident(YEAR)
    await simConfig({ refundOutcome: 'CLOSED', refundProcessingMs: 50 })
    let created: PremiumRefund
    try {
      created = await requestRefund(deps(), {
        principal: await principalOf(order.id),
        orderId: order.id,
        lineId: line.id,
        reason: 'overpaid',
        idempotencyKeyId: nextKey(),
      })
      await waitFor('refund failed', () => findRefundBy(db(), 'id', created.id), r => r?.status === 'failed')
    }
    finally {
      await simConfig({ refundOutcome: 'SUCCESS', refundProcessingMs: 600_000 })
    }
    const failed = (await findRefundBy(db(), 'id', created.id))!
    const at = new Date(ctx.stack.clock.now().getTime() + 1000)
    try {
      const retried = await frozenAt(at, () => retryFailedRefund(deps(), failed))
      expect(retried).toMatchObject({ id: failed.id, status: 'refunding', amountFen: failed.amountFen })
      expect(retried.outRefundNo).not.toBe(failed.outRefundNo)
      expect(retried.wechatRefundId).not.toBeNull()
      const jobs = await db().select().from(outbox).where(eq(outbox.topic, 'advance_refund'))
      const mine = jobs.filter(j => j.dedupeKey.startsWith(`advance_refund:${failed.id}:`))
      expect(mine.map(j => [j.dedupeKey, j.payload, j.availableAt])).toEqual([[
        `advance_refund:${failed.id}:${retried.outRefundNo}`,
        { refundId: failed.id },
        new Date(at.getTime() + REFUND_FIRST_QUERY_MS),
      ]])
      // The same retry again (a second click on the old row): the refund as it is now, nothing sent twice.
      const twice = await retryFailedRefund(deps(), failed)
      expect(twice).toMatchObject({ id: failed.id, status: 'refunding', outRefundNo: retried.outRefundNo })
      const after = (await db().select().from(outbox).where(eq(outbox.topic, 'advance_refund')))
        .filter(j => j.dedupeKey.startsWith(`advance_refund:${failed.id}:`))
      expect(after).toHaveLength(1)
      const sim = await ctx.stack.control(`/orders/${order.outTradeNo}`)
      expect(sim).toMatchObject({ out_trade_no: order.outTradeNo })
    }
    finally {
      await simConfig({ refundProcessingMs: 2000 })
    }
    // The refund_failed anomaly stays until the money is back.
    const anomalies = await db().select().from(paymentAnomalies).where(eq(paymentAnomalies.refundId, failed.id))
    expect(anomalies.map(a => a.kind)).toEqual(['refund_failed'])
    expect((await findAnomaly(db(), anomalies[0]!.id))!.status).toBe('open')
  })
})

describe('a refund under way, asked about or answered', () => {
  it('SUCCESS with no success_time: the refund succeeded at our clock, its line refunded', async () => {
    const refund = await processingRefund('520000')
    const answer = await deps().wechatpay.queryRefund(refund.outRefundNo)
    const at = new Date(ctx.stack.clock.now().getTime() + 7000)
    const got = { ...answer, status: 'SUCCESS' as const, successTime: null }
    const after = await frozenAt(at, () => applyRefundResult(deps(), got))
    expect(after).toMatchObject({ id: refund.id, status: 'succeeded', succeededAt: at })
    expect((await orderLines(db(), refund.orderId)).map(l => l.status)).toEqual(['refunded'])
  })

  it('SUCCESS with its success_time: the refund succeeded then, not at our clock', async () => {
    const refund = await processingRefund('520000')
    expect((await refundView(deps(), refund)).rejectMessage).toBeNull()
    const answer = await deps().wechatpay.queryRefund(refund.outRefundNo)
    const when = new Date(ctx.stack.clock.now().getTime() - 60_000)
    const after = await applyRefundResult(deps(), { ...answer, status: 'SUCCESS', successTime: when })
    expect(after).toMatchObject({ id: refund.id, status: 'succeeded', succeededAt: when })
  })

  it('WeChat Pay down when the refund was sent: it waits without a refund id; asked about, it is sent', async () => {
    const refund = await unsentRefund()
    expect(refund).toMatchObject({ status: 'refunding', wechatRefundId: null })
    const warned = ctx.stack.logs.map(l => JSON.parse(l) as Record<string, unknown>)
      .filter(l => l.msg === 'refund step deferred to the worker' && l.outRefundNo === refund.outRefundNo)
    expect(warned).toHaveLength(1)
    // The page (or the worker) asks about it: it is sent now, and WeChat Pay holds it.
    const sent = await convergeRefund(deps(), refund)
    expect(sent).toMatchObject({ id: refund.id, status: 'refunding', wechatRefundId: expect.any(String) })
    const held = await deps().wechatpay.queryRefund(refund.outRefundNo)
    expect(held.refundId).toBe(sent.wechatRefundId)
  })

  it('a PROCESSING answer gives a refund with no id its refund id, once; it never replaces one', async () => {
    const refund = await unsentRefund()
    const first = await applyRefundResult(deps(), processingAnswer(refund, 'R-1'))
    expect(first).toMatchObject({ id: refund.id, status: 'refunding', wechatRefundId: 'R-1' })
    const second = await applyRefundResult(deps(), processingAnswer(refund, 'R-2'))
    expect(second).toMatchObject({ id: refund.id, status: 'refunding', wechatRefundId: 'R-1' })
  })

  it('a PROCESSING answer moves nothing once the refund has ended', async () => {
    const refund = await unsentRefund()
    await db().update(premiumRefunds).set({ status: 'failed' }).where(eq(premiumRefunds.id, refund.id))
    const after = await applyRefundResult(deps(), processingAnswer(refund, 'R-late'))
    expect(after).toMatchObject({ id: refund.id, status: 'failed', wechatRefundId: null })
  })

  it('an ended refund is not asked about: convergeRefund gives it back as it is', async () => {
    const refund = await unsentRefund()
    await db().update(premiumRefunds).set({ status: 'failed' }).where(eq(premiumRefunds.id, refund.id))
    const ended = (await findRefundBy(db(), 'id', refund.id))!
    // Nothing is sent for it: WeChat Pay still has no such refund.
    expect(await convergeRefund(deps(), ended)).toBe(ended)
    const queried = ctx.stack.logs.map(l => JSON.parse(l) as Record<string, unknown>)
      .filter(l => l.msg === 'refund query failed' && l.outRefundNo === refund.outRefundNo)
    expect(queried).toEqual([])
    const asked = await deps().wechatpay.queryRefund(refund.outRefundNo).then(() => 'found', () => 'not found')
    expect(asked).toBe('not found')
  })
})

describe('refundOptions (退费申请\'s choices)', () => {
  it('a line not of the order is NOT_FOUND', async () => {
    const { order } = await paidResident(YEAR)
    const error = await refusal(refundOptions(deps(), {
      principal: await principalOf(order.id),
      orderId: order.id,
      lineId: randomUUID(),
    }))
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404 })
  })

  it('the bureau cannot be read (1101 down): only the reasons that need its records are unknown', async () => {
    const { order, line } = await paidResident(YEAR)
    await ctx.stack.sandboxCall('/__sandbox/faults', 'PUT', { status: 503, infno: '1101' })
    let options
    try {
      const principal = await principalOf(order.id)
      options = await refundOptions(deps(), { principal, orderId: order.id, lineId: line.id })
    }
    finally {
      await ctx.stack.sandboxCall('/__sandbox/faults', 'DELETE')
    }
    expect(options.year).toBe(YEAR)
    const funded = options.options.find(o => o.reason === 'funded')!
    expect(funded).toEqual({
      reason: 'funded',
      label: expect.any(String),
      hint: expect.any(String),
      status: 'unknown',
      amountFen: null,
      partial: false,
      basis: null,
      message: null,
      code: null,
    })
    expect(funded.label.length).toBeGreaterThan(0)
    expect(options.options.find(o => o.reason === 'overpaid'))
      .toMatchObject({ status: 'allowed', amountFen: line.amountFen })
  })
})

/** The tax bureau's own record of a person's year (the sandbox's state). */
function taxRecord(certNo: string) {
  const person = ctx.stack.sandbox.state.residents.findPersonByCertNo(certNo)!
  return person.contributions.find(c => c.year === YEAR)
}

/** Asks about a refund (as the page would) until it has succeeded. */
function succeeded(refund: PremiumRefund): Promise<PremiumRefund> {
  return waitFor('refund succeeded', async () => {
    const now = (await findRefundBy(db(), 'id', refund.id))!
    return now.status === 'refunding' ? convergeRefund(deps(), now) : now
  }, r => r.status === 'succeeded')
}

describe('requestRefund: a line that has nothing left to give back', () => {
  it('a paid order whose line was refunded already: REFUND_NOT_REFUNDABLE, and so is an unpaid order', async () => {
    const { order, line } = await paidResident(YEAR)
    const principal = await principalOf(order.id)
    await simConfig({ refundProcessingMs: 50 })
    let first: PremiumRefund
    try {
      first = await requestRefund(deps(), {
        principal,
        orderId: order.id,
        lineId: line.id,
        reason: 'overpaid',
        idempotencyKeyId: nextKey(),
      })
      await succeeded(first)
    }
    finally {
      await simConfig({ refundProcessingMs: 2000 })
    }
    // The order stays paid; its line is refunded.
    expect((await findOrderBy(db(), 'id', order.id))!.status).toBe('paid')
    expect((await orderLines(db(), order.id)).map(l => l.status)).toEqual(['refunded'])

    // Asked again (another reason the rules allow, another request): nothing left to give back.
    const again = await refusal(requestRefund(deps(), {
      principal,
      orderId: order.id,
      lineId: line.id,
      reason: 'duplicate_enrolment',
      idempotencyKeyId: nextKey(),
    }))
    expect(again).toMatchObject({ code: 'REFUND_NOT_REFUNDABLE', status: 409 })
    const rows = await db().select().from(premiumRefunds).where(eq(premiumRefunds.lineId, line.id))
    expect(rows.map(r => [r.id, r.status])).toEqual([[first.id, 'succeeded']])

    // An order not paid, for a reason the rules would allow: refused the same way, nothing written.
    const placed = await placedOrder()
    const unpaid = await refusal(requestRefund(deps(), {
      principal: placed.principal,
      orderId: placed.order.id,
      lineId: placed.line.id,
      reason: 'overpaid',
      idempotencyKeyId: null,
    }))
    expect(unpaid).toMatchObject({ code: 'REFUND_NOT_REFUNDABLE', status: 409 })
    expect(await db().select().from(premiumRefunds).where(eq(premiumRefunds.lineId, placed.line.id))).toEqual([])
  })
})

describe('advanceRefund: the job, the person, the refusal', () => {
  it('the bureau down at request time: the job written with the refund lets the worker finish it', async () => {
    const { person, order, line } = await paidResident(YEAR)
    const principal = await principalOf(order.id)
    const at = ctx.stack.clock.now()
    await ctx.stack.sandboxCall('/__sandbox/faults', 'PUT', { status: 503 })
    let created: PremiumRefund
    try {
      created = await requestRefund(deps(), {
        principal,
        orderId: order.id,
        lineId: line.id,
        reason: 'overpaid',
        idempotencyKeyId: nextKey(),
      })
    }
    finally {
      await ctx.stack.sandboxCall('/__sandbox/faults', 'DELETE')
    }
    expect(created).toMatchObject({ status: 'approving', taxRefundNo: null })
    expect(taxRecord(person.certNo)).toMatchObject({ paid: true })

    // Its job, in the same commit: the refund to advance, a minute on.
    const [job] = await db().select().from(outbox).where(eq(outbox.dedupeKey, `advance_refund:${created.id}`))
    expect(job).toMatchObject({ topic: 'advance_refund', payload: { refundId: created.id }, doneAt: null })
    expect(job!.availableAt.getTime()).toBeGreaterThanOrEqual(at.getTime() + REFUND_FIRST_QUERY_MS)

    // The bureau is back; a minute later the worker (not the page) takes the refund on.
    ctx.stack.clock.set(new Date(job!.availableAt.getTime() + 1000))
    const moved = await until(async () => {
      await ctx.stack.worker.tick()
      const now = (await findRefundBy(db(), 'id', created.id))!
      return now.status !== 'approving' && now
    }, 8000, 'the worker to advance the refund')
    expect(['refunding', 'succeeded']).toContain(moved.status)
    expect(moved.taxRefundNo).toEqual(expect.any(String))
    expect(moved.outRefundNo).toBe(created.outRefundNo)
    // The bureau approved it: the year is owed again.
    expect(taxRecord(person.certNo)).toMatchObject({ paid: false })
  })

  it('a two-person order: the bureau\'s 审核 is of the person refunded, the other stays paid', async () => {
    const payer = await payablePerson(YEAR)
    const a = await payablePerson(YEAR)
    const b = await payablePerson(YEAR)
    const browser = new TestBrowser(ctx.stack.app)
    await browser.signInDirect(deps(), payer)
    const res = await browser.request('/api/v1/payments/orders', {
      method: 'POST',
      json: { year: YEAR, channel: 'native', people: [a, b].map(p => ({ kind: 'other', ...p })) },
      headers: { 'idempotency-key': randomUUID() },
    })
    expect(res.status).toBe(201)
    const order = await json(res) as { id: string, outTradeNo: string }
    await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
    await waitFor('paid', () => findOrderBy(db(), 'id', order.id), o => o?.status === 'paid')
    const lines = await waitFor('reported', async () => {
      await ctx.stack.worker.tick()
      return orderLines(db(), order.id)
    }, ls => ls.length === 2 && ls.every(l => l.status === 'reported'))
    // The line refunded is not the order's first.
    const [firstLine, secondLine] = lines as [typeof lines[0], typeof lines[0]]
    const firstCert = deps().vault.decrypt(firstLine.personCertNoEnc)
    const secondCert = deps().vault.decrypt(secondLine.personCertNoEnc)
    expect([firstCert, secondCert].sort()).toEqual([a.certNo, b.certNo].sort())

    const refund = await requestRefund(deps(), {
      principal: await principalOf(order.id),
      orderId: order.id,
      lineId: secondLine.id,
      reason: 'overpaid',
      idempotencyKeyId: nextKey(),
    })
    expect(refund).toMatchObject({ lineId: secondLine.id, status: 'refunding', amountFen: secondLine.amountFen })
    expect(refund.taxRefundNo).toEqual(expect.any(String))
    // The bureau took back the second person's year, not the first's.
    expect(taxRecord(secondCert)).toMatchObject({ paid: false })
    expect(taxRecord(firstCert)).toMatchObject({ paid: true })
    expect((await deps().premiums.quote(firstCert, undefined, YEAR))?.status).toBe('paid')
    expect((await deps().premiums.quote(secondCert, undefined, YEAR))?.status).toBe('payable')
    const after = await orderLines(db(), order.id)
    expect(after.find(l => l.id === firstLine.id)!.status).toBe('reported')
  })

  it('a refusal by the bureau is in the audit trail: refund.rejected, unsuccessful, with its code', async () => {
    const { order, line } = await paidResident(YEAR)
    const error = await refusal(requestRefund(deps(), {
      principal: await principalOf(order.id),
      orderId: order.id,
      lineId: line.id,
      reason: 'died_before_benefit',
      idempotencyKeyId: nextKey(),
    }))
    expect(error).toMatchObject({ code: 'REFUND_DEATH_NOT_FOUND', status: 409 })
    const [row] = await db().select().from(premiumRefunds).where(eq(premiumRefunds.lineId, line.id))
    expect(row).toMatchObject({ status: 'rejected', rejectCode: 'REFUND_DEATH_NOT_FOUND' })
    const trail = await db().select().from(auditEvents).where(eq(auditEvents.target, `refund:${row!.id}`))
    expect(trail.map(e => ({
      actorType: e.actorType,
      actorId: e.actorId,
      channel: e.channel,
      action: e.action,
      success: e.success,
      detail: e.detail,
    }))).toEqual([{
      actorType: 'system',
      actorId: 'refunds',
      channel: 'public',
      action: 'refund.rejected',
      success: false,
      detail: { outRefundNo: row!.outRefundNo, code: 'REFUND_DEATH_NOT_FOUND' },
    }])
  })
})
