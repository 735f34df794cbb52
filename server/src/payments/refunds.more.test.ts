import type { AppError } from '../lib/errors'
import type { PremiumRefund } from '../storage/refunds'
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { findOrderBy, orderLines } from '../storage/payments'
import { findRefundBy } from '../storage/refunds'
import { auditEvents, outbox, premiumRefunds } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { json, until, waitFor } from '../testing/http'
import { usePaymentStack } from '../testing/payment-stack'
import { convergeRefund, REFUND_FIRST_QUERY_MS, requestRefund } from './refunds'

/**
 * More of 退费 (payments/refunds.ts) at the service level, against the bureau sandbox: a line already
 * refunded asked again, a refund the bureau could not take at once finished by the outbox worker from the
 * job written with it, the 审核 of the right person of a two-person order, and the trail of a refusal.
 */
const { ctx, payablePerson, paidResident } = usePaymentStack()
const YEAR = TEST_YEAR
const db = () => ctx.storage.db
const deps = () => ctx.stack.deps

let keySeq = 900_000 + (process.pid % 1000) * 100
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

async function simConfig(config: Record<string, unknown>) {
  await ctx.stack.control('/config', config, 'PUT')
}

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
    const person = await payablePerson(YEAR)
    const browser = new TestBrowser(ctx.stack.app)
    await browser.signInDirect(deps(), person)
    const res = await browser.request('/api/v1/payments/orders', {
      method: 'POST',
      json: { year: YEAR, channel: 'native', people: [{ kind: 'self' }] },
      headers: { 'idempotency-key': randomUUID() },
    })
    expect(res.status).toBe(201)
    const placed = await json(res) as { id: string }
    const [pending] = await orderLines(db(), placed.id)
    const unpaid = await refusal(requestRefund(deps(), {
      principal: await principalOf(placed.id),
      orderId: placed.id,
      lineId: pending!.id,
      reason: 'overpaid',
      idempotencyKeyId: null,
    }))
    expect(unpaid).toMatchObject({ code: 'REFUND_NOT_REFUNDABLE', status: 409 })
    expect(await db().select().from(premiumRefunds).where(eq(premiumRefunds.lineId, pending!.id))).toEqual([])
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
