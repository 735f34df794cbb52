// The payment storage's guards and counts, each at its edge (issue 9: mutants there survived the route tests).
import type { Storage } from './types'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IllegalTransition } from '../domain/states'
import { anomalyInScope } from '../payments/anomalies'
import { createTestStorage, insertOneLineOrder } from '../testing/storage'
import {
  anomalySubjects,
  countOpenAnomalies,
  findAnomaly,
  recordAnomaly,
  resolveAnomaliesOf,
  resolveAnomaly,
} from './anomalies'
import type { PremiumOrder, PremiumOrderLine } from './payments'
import {
  claimJobs,
  claimOrderQuery,
  completeJob,
  enqueue,
  findLine,
  insertOrder,
  isPersonYearTaken,
  killJob,
  markLineCollectedElsewhere,
  markOrderPaid,
  outboxDepth,
  transitionLine,
  transitionOrder,
} from './payments'
import { findRefundBy, insertRefund, moveRefund, openRefunds } from './refunds'
import { outbox, paymentNotifications } from './schema'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

const AT = new Date('2026-12-31T15:59:59Z')
const MISSING = '00000000-0000-4000-8000-000000000000'

describe('a line\'s move through its state machine, in storage', () => {
  it('moves on a legal event, answers null when already there, and names the state it found otherwise', async () => {
    const { lines } = await insertOneLineOrder(storage.db, AT)
    const line = lines[0]!
    expect((await transitionLine(storage.db, line.id, 'pay'))?.status).toBe('paid')
    // The same event again (a second instance got there first): nothing to do, not an error.
    expect(await transitionLine(storage.db, line.id, 'pay')).toBeNull()
    const refused = await transitionLine(storage.db, line.id, 'void').catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(IllegalTransition)
    expect(refused).toMatchObject({ machine: 'line', from: 'paid', event: 'void' })
    expect((await findLine(storage.db, line.id))?.line.status).toBe('paid')
  })

  it('says "missing" for a line that does not exist', async () => {
    const refused = await transitionLine(storage.db, MISSING, 'pay').catch((e: unknown) => e)
    expect(refused).toMatchObject({ name: 'IllegalTransition', from: 'missing', event: 'pay' })
  })
})

describe('an order\'s move through its state machine, in storage', () => {
  it('moves on a legal event, answers null when already there, names the state it found, or says "missing"',
    async () => {
      const { order } = await insertOneLineOrder(storage.db, AT)
      expect((await transitionOrder(storage.db, order.id, 'close'))?.status).toBe('closed')
      expect(await transitionOrder(storage.db, order.id, 'close')).toBeNull()
      const refused = await transitionOrder(storage.db, order.id, 'pay').catch((e: unknown) => e)
      expect(refused).toMatchObject({ name: 'IllegalTransition', machine: 'order', from: 'closed', event: 'pay' })
      const missing = await transitionOrder(storage.db, MISSING, 'close').catch((e: unknown) => e)
      expect(missing).toMatchObject({ name: 'IllegalTransition', from: 'missing', event: 'close' })
    })
})

/** An `overpaid` refund of the whole of `line` of `order`, written in `status` (`null`: the line has a live one). */
function insertLineRefund(order: PremiumOrder, line: PremiumOrderLine, status: 'approving' | 'refunding' | 'rejected') {
  return insertRefund(storage.db, {
    outRefundNo: `R${status}${line.id.slice(0, 10)}`,
    orderId: order.id,
    lineId: line.id,
    principal: order.principal,
    reason: 'overpaid',
    amountFen: line.amountFen,
    status,
  })
}

describe('a refund\'s move through its state machine, in storage', () => {
  async function refund(status: 'approving' | 'refunding') {
    const { order, lines } = await insertOneLineOrder(storage.db, AT)
    return (await insertLineRefund(order, lines[0]!, status))!
  }

  it('moves on a legal event, answers null when already there, and names the state it found otherwise', async () => {
    const r = await refund('approving')
    expect((await moveRefund(storage.db, r.id, 'approve'))?.status).toBe('refunding')
    expect(await moveRefund(storage.db, r.id, 'approve')).toBeNull()
    const refused = await moveRefund(storage.db, r.id, 'reject').catch((e: unknown) => e)
    expect(refused).toMatchObject({ name: 'IllegalTransition', machine: 'refund', from: 'refunding', event: 'reject' })
  })

  it('says "missing" for a refund that does not exist', async () => {
    const refused = await moveRefund(storage.db, MISSING, 'approve').catch((e: unknown) => e)
    expect(refused).toMatchObject({ name: 'IllegalTransition', from: 'missing', event: 'approve' })
    // An id that is not a UUID (a tampered link) finds nothing, without asking the database.
    expect(await findRefundBy(storage.db, 'id', 'not-a-uuid')).toBeNull()
  })

  it('lists as open only refunds waiting for the bureau or for WeChat Pay', async () => {
    const approving = await refund('approving')
    const refunding = await refund('refunding')
    const failed = await refund('refunding')
    await moveRefund(storage.db, failed.id, 'fail')
    const rejected = await refund('approving')
    await moveRefund(storage.db, rejected.id, 'reject')
    const open = new Set((await openRefunds(storage.db, 1000)).map(r => r.id))
    expect(open.has(approving.id)).toBe(true)
    expect(open.has(refunding.id)).toBe(true)
    expect(open.has(failed.id)).toBe(false)
    expect(open.has(rejected.id)).toBe(false)
  })
})

describe('the counts /readyz and /metrics show', () => {
  it('a job out of attempts keeps the first 500 characters of its last error, is done and dead, and is an anomaly',
    async () => {
      const key = `dead-${Math.random()}`
      await enqueue(storage.db, 'report_line', key, { lineId: MISSING }, AT)
      const [job] = (await claimJobs(storage.db, AT, 60_000)).filter(j => j.dedupeKey === key)
      const subject = { orderId: null, lineId: null, refundId: null, regionCode: null }
      const anomaly = await killJob(storage.db, job!, 'x'.repeat(600), AT, subject)
      expect(anomaly).toMatchObject({ kind: 'job_exhausted', outboxId: job!.id })
      expect(anomaly!.detail).toEqual({ topic: 'report_line', attempts: job!.attempts, lastError: 'x'.repeat(500) })
      const [dead] = await storage.db.select().from(outbox).where(eq(outbox.dedupeKey, key))
      expect(dead).toMatchObject({ doneAt: AT, deadAt: AT, lockedUntil: null, lastError: 'x'.repeat(500) })
    })

  it('outbox depth counts jobs not done, and a finished job leaves it', async () => {
    const before = await outboxDepth(storage.db)
    await enqueue(storage.db, 'test.depth', `depth-${Math.random()}`, {}, AT)
    await enqueue(storage.db, 'test.depth', `depth-${Math.random()}`, {}, AT)
    expect(await outboxDepth(storage.db)).toBe(before + 2)
    const claimed = (await claimJobs(storage.db, AT, 60_000, 100)).filter(j => j.topic === 'test.depth')
    await completeJob(storage.db, claimed[0]!.id, AT)
    expect(await outboxDepth(storage.db)).toBe(before + 1)
  })

  it('open anomalies count only the open ones, and a resolved one leaves the count', async () => {
    const before = await countOpenAnomalies(storage.db)
    const seed = () => ({ kind: 'amount_mismatch' as const, dedupeKey: `c-${Math.random()}`, detail: {}, at: AT })
    const a = await recordAnomaly(storage.db, seed())
    await recordAnomaly(storage.db, seed())
    expect(await countOpenAnomalies(storage.db)).toBe(before + 2)
    await resolveAnomaly(storage.db, { id: a!.id, by: 'staff:1', resolution: '核实无误', at: AT })
    expect(await countOpenAnomalies(storage.db)).toBe(before + 1)
  })
})

describe('isPersonYearTaken', () => {
  const taken = { code: '23505', constraint: 'premium_order_lines_person_year_live_idx' }

  it('recognises the one-live-line index however the driver reports it, also as the cause of another error', () => {
    expect(isPersonYearTaken(taken)).toBe(true)
    expect(isPersonYearTaken({ code: '23505', constraint_name: 'premium_order_lines_person_year_live_idx' })).toBe(true)
    expect(isPersonYearTaken({
      code: '23505',
      message: 'duplicate key value violates unique constraint "premium_order_lines_person_year_live_idx"',
    })).toBe(true)
    expect(isPersonYearTaken(new Error('insert failed', { cause: taken }))).toBe(true)
  })

  it('is false for any other error: another constraint, another code, or none', () => {
    expect(isPersonYearTaken({ code: '23505', constraint: 'premium_orders_out_trade_no_key' })).toBe(false)
    expect(isPersonYearTaken({ ...taken, code: '40001' })).toBe(false)
    expect(isPersonYearTaken(new Error('connection reset'))).toBe(false)
    expect(isPersonYearTaken(undefined)).toBe(false)
  })
})

describe('anomalyInScope', () => {
  const anomaly = (regionCode: string | null) => ({ regionCode }) as Parameters<typeof anomalyInScope>[1]

  it('lets a supervisor work their region\'s anomalies, never one whose region is unknown', () => {
    const supervisor = { role: 'supervisor' as const, regionCodes: ['370500'] }
    expect(anomalyInScope(supervisor, anomaly('370502'))).toBe(true)
    expect(anomalyInScope(supervisor, anomaly('610322'))).toBe(false)
    expect(anomalyInScope(supervisor, anomaly(null))).toBe(false)
  })

  it('lets an admin work every anomaly and a clerk none', () => {
    expect(anomalyInScope({ role: 'admin', regionCodes: [] }, anomaly(null))).toBe(true)
    expect(anomalyInScope({ role: 'clerk', regionCodes: ['370500'] }, anomaly('370502'))).toBe(false)
  })
})

describe('what the 异常处理 queue reads and settles', () => {
  it('findLine answers null for an id that is not a UUID (a tampered link), without asking the database', async () => {
    expect(await findLine(storage.db, 'not-a-uuid')).toBeNull()
    expect(await findLine(storage.db, `${MISSING}'--`)).toBeNull()
  })

  it('resolveAnomaliesOf with neither a line nor a refund settles nothing, not every open anomaly', async () => {
    const { order, lines } = await insertOneLineOrder(storage.db, AT)
    const open = (await recordAnomaly(storage.db, {
      kind: 'duplicate_payment',
      dedupeKey: `none-${lines[0]!.id}`,
      orderId: order.id,
      lineId: lines[0]!.id,
      detail: {},
      at: AT,
    }))!
    const settle = { kinds: ['duplicate_payment' as const], by: 'system', resolution: '已原路退回', at: AT }
    expect(await resolveAnomaliesOf(storage.db, settle)).toBe(0)
    expect((await findAnomaly(storage.db, open.id))!.status).toBe('open')
    expect(await resolveAnomaliesOf(storage.db, { ...settle, lineId: lines[0]!.id })).toBe(1)
    expect((await findAnomaly(storage.db, open.id))!.status).toBe('resolved')
  })

  it('loads every line of an order on the page, and a line\'s live refund but never a rejected one', async () => {
    const created = await insertOrder(storage.db, {
      outTradeNo: `T2-${Math.random().toString(36).slice(2, 12)}`,
      principal: 'acct-2',
      channel: 'native',
      year: 2027,
      totalFen: 80000,
      status: 'created',
      description: '城乡居民医保 2027（2人）',
      timeExpire: new Date(AT.getTime() + 30 * 60_000),
      createdAt: AT,
    }, ['a', 'b'].map(p => ({
      personCertRef: `ref-${p}-${Math.random()}`,
      personCertNoEnc: 'enc',
      personNameMasked: '张*',
      regionCode: '370502',
      year: 2027,
      amountFen: 40000,
    })))
    expect(created, 'two fresh people').not.toBeNull()
    const { order, lines } = created!
    const [a, b] = lines as [PremiumOrderLine, PremiumOrderLine]
    const rejected = (await insertLineRefund(order, a, 'rejected'))!
    const live = (await insertLineRefund(order, b, 'refunding'))!
    const anomaly = (await recordAnomaly(storage.db, {
      kind: 'refund_failed',
      dedupeKey: `page-${order.id}`,
      orderId: order.id,
      refundId: rejected.id,
      detail: {},
      at: AT,
    }))!
    const subjects = await anomalySubjects(storage.db, [anomaly])
    expect(subjects.linesOfOrder.get(order.id)?.map(l => l.id).sort()).toEqual([a.id, b.id].sort())
    expect(subjects.refunds.get(rejected.id)?.status).toBe('rejected')
    expect(subjects.liveRefundOfLine.get(a.id)).toBeUndefined()
    expect(subjects.liveRefundOfLine.get(b.id)?.id).toBe(live.id)
    // An anomaly of the order alone: its rejected refund is not even read.
    const ofOrder = (await recordAnomaly(storage.db, {
      kind: 'job_exhausted',
      dedupeKey: `order-${order.id}`,
      orderId: order.id,
      detail: {},
      at: AT,
    }))!
    expect([...(await anomalySubjects(storage.db, [ofOrder])).refunds.keys()]).toEqual([live.id])
  })
})

describe('paying an order and its lines, in storage', () => {
  it('keeps each callback\'s event id once (TRANSACTION.SUCCESS when the type is not given): the same event again '
    + 'is a repeat', async () => {
    const { order } = await insertOneLineOrder(storage.db, AT)
    const eventId = `EV-${order.id}`
    const pay = () => markOrderPaid(storage.db, {
      orderId: order.id,
      outTradeNo: order.outTradeNo,
      transactionId: `4200${order.id.slice(0, 8)}`,
      paidAt: AT,
      newReceiptCode: () => `RC${Math.random().toString(36).slice(2, 12)}`,
      eventId,
      now: AT,
    })
    expect((await pay()).outcome).toBe('paid')
    const seen = await storage.db.select().from(paymentNotifications).where(eq(paymentNotifications.eventId, eventId))
    expect(seen.map(n => [n.outTradeNo, n.eventType])).toEqual([[order.outTradeNo, 'TRANSACTION.SUCCESS']])
    expect((await pay()).outcome).toBe('repeat')
  })

  it('a line the tax bureau holds under another payment becomes the duplicate, once: its anomaly and the job '
    + 'that refunds it', async () => {
    const { lines } = await insertOneLineOrder(storage.db, AT)
    const paid = (await transitionLine(storage.db, lines[0]!.id, 'pay'))!
    const anomaly = await markLineCollectedElsewhere(storage.db, paid, { taxCode: '2002' }, AT)
    expect(anomaly).toMatchObject({ kind: 'duplicate_payment', dedupeKey: `duplicate_payment:${paid.id}` })
    const jobs = await storage.db.select().from(outbox).where(eq(outbox.dedupeKey, `refund_duplicate:${paid.id}`))
    expect(jobs.map(j => [j.topic, j.payload, j.availableAt])).toEqual([['refund_duplicate', { lineId: paid.id }, AT]])
    expect((await findLine(storage.db, paid.id))?.line.status).toBe('duplicate')
    expect(await markLineCollectedElsewhere(storage.db, paid, { taxCode: '2002' }, AT)).toBeNull()
  })

  it('one reader a poll interval asks WeChat Pay about an open order', async () => {
    const { order } = await insertOneLineOrder(storage.db, AT)
    const at = (ms: number) => new Date(AT.getTime() + ms)
    expect(await claimOrderQuery(storage.db, order.id, at(0), 3000)).toBe(true)
    expect(await claimOrderQuery(storage.db, order.id, at(0), 3000)).toBe(false)
    expect(await claimOrderQuery(storage.db, order.id, at(2999), 3000)).toBe(false)
    expect(await claimOrderQuery(storage.db, order.id, at(3000), 3000)).toBe(true)
    await transitionOrder(storage.db, order.id, 'close')
    expect(await claimOrderQuery(storage.db, order.id, at(60_000), 3000)).toBe(false)
  })
})
