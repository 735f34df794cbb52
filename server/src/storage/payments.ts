import type { Database } from './types'
import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm'
import { outbox, paymentNotifications, premiumOrderLines, premiumOrders } from './schema'

export type PremiumOrder = typeof premiumOrders.$inferSelect
export type PremiumOrderLine = typeof premiumOrderLines.$inferSelect
export type NewOrder = typeof premiumOrders.$inferInsert
export type NewOrderLine = Omit<typeof premiumOrderLines.$inferInsert, 'orderId'>

/** Creates an order and its lines in one transaction. */
export async function insertOrder(db: Database, order: NewOrder, lines: NewOrderLine[]): Promise<{ order: PremiumOrder, lines: PremiumOrderLine[] }> {
  return db.transaction(async (tx) => {
    const [created] = await tx.insert(premiumOrders).values(order).returning()
    const inserted = await tx.insert(premiumOrderLines).values(lines.map(l => ({ ...l, orderId: created!.id }))).returning()
    return { order: created!, lines: inserted }
  })
}

export async function findOrderBy(db: Database, field: 'id' | 'outTradeNo' | 'idempotencyKeyId', value: string | number): Promise<PremiumOrder | null> {
  if (field === 'id' && !/^[0-9a-f-]{36}$/i.test(String(value))) return null
  const rows = await db.select().from(premiumOrders).where(eq(premiumOrders[field], value as never)).limit(1)
  return rows[0] ?? null
}

export async function orderLines(db: Database, orderId: string): Promise<PremiumOrderLine[]> {
  return db.select().from(premiumOrderLines).where(eq(premiumOrderLines.orderId, orderId)).orderBy(asc(premiumOrderLines.personCertRef))
}

export async function listOrdersOf(db: Database, principal: string, limit = 20): Promise<PremiumOrder[]> {
  return db.select().from(premiumOrders).where(eq(premiumOrders.principal, principal)).orderBy(desc(premiumOrders.createdAt)).limit(limit)
}

/** Lines paid (or reported) for these people in a year: nobody is charged twice. */
export async function paidLinesFor(db: Database, certRefs: string[], year: number): Promise<PremiumOrderLine[]> {
  if (!certRefs.length) return []
  return db.select().from(premiumOrderLines).where(and(inArray(premiumOrderLines.personCertRef, certRefs), eq(premiumOrderLines.year, year), inArray(premiumOrderLines.status, ['paid', 'reported'])))
}

export async function setOrderPrepay(db: Database, id: string, p: { prepayId?: string, codeUrl?: string }): Promise<void> {
  await db.update(premiumOrders).set({ ...p, status: 'prepaid', updatedAt: sql`now()` }).where(and(eq(premiumOrders.id, id), eq(premiumOrders.status, 'created')))
}

export async function setOrderStatus(db: Database, id: string, from: string[], to: string): Promise<boolean> {
  const rows = await db.update(premiumOrders).set({ status: to, updatedAt: sql`now()` }).where(and(eq(premiumOrders.id, id), inArray(premiumOrders.status, from))).returning({ id: premiumOrders.id })
  return rows.length === 1
}

/**
 * Marks an order paid exactly once (a conditional update: only a created/prepaid/closed order moves),
 * its lines paid with receipt codes, and enqueues the report to the collection system — all in one
 * transaction. Returns false when the order was already paid (a duplicate callback or query).
 */
export async function markOrderPaid(db: Database, p: { orderId: string, transactionId: string, paidAt: Date, receiptCodes: Map<string, string>, eventId?: string, eventType?: string, outTradeNo: string }): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (p.eventId) {
      const seen = await tx.insert(paymentNotifications).values({ eventId: p.eventId, outTradeNo: p.outTradeNo, eventType: p.eventType ?? 'TRANSACTION.SUCCESS' }).onConflictDoNothing().returning()
      if (!seen.length) return false
    }
    const moved = await tx.update(premiumOrders)
      .set({ status: 'paid', transactionId: p.transactionId, paidAt: p.paidAt, updatedAt: sql`now()` })
      .where(and(eq(premiumOrders.id, p.orderId), inArray(premiumOrders.status, ['created', 'prepaid', 'closed'])))
      .returning({ id: premiumOrders.id })
    if (!moved.length) return false
    for (const [lineId, code] of p.receiptCodes)
      await tx.update(premiumOrderLines).set({ status: 'paid', receiptCode: code, receiptIssuedAt: p.paidAt }).where(eq(premiumOrderLines.id, lineId))
    await tx.insert(outbox).values({ topic: 'report_collection', dedupeKey: `report_collection:${p.orderId}`, payload: { orderId: p.orderId } }).onConflictDoNothing()
    return true
  })
}

export async function markLinesReported(db: Database, orderId: string, at: Date): Promise<void> {
  await db.update(premiumOrderLines).set({ status: 'reported', reportedAt: at }).where(and(eq(premiumOrderLines.orderId, orderId), eq(premiumOrderLines.status, 'paid')))
}

export async function findLineByReceipt(db: Database, code: string) {
  const rows = await db.select({ line: premiumOrderLines, order: premiumOrders }).from(premiumOrderLines).innerJoin(premiumOrders, eq(premiumOrders.id, premiumOrderLines.orderId)).where(eq(premiumOrderLines.receiptCode, code)).limit(1)
  return rows[0] ?? null
}

/** Orders not paid yet whose outcome is unknown (prepaid, not closed): the convergence job queries them. */
export async function openOrders(db: Database, createdBefore: Date, limit = 50): Promise<PremiumOrder[]> {
  return db.select().from(premiumOrders).where(and(inArray(premiumOrders.status, ['created', 'prepaid']), lte(premiumOrders.createdAt, createdBefore))).orderBy(asc(premiumOrders.createdAt)).limit(limit)
}

// ---------------------------------------------------------------- outbox

export type OutboxJob = typeof outbox.$inferSelect

/** Enqueues a job once per dedupe key. */
export async function enqueue(db: Database, topic: string, dedupeKey: string, payload: Record<string, unknown>, availableAt?: Date): Promise<void> {
  await db.insert(outbox).values({ topic, dedupeKey, payload, ...(availableAt && { availableAt }) }).onConflictDoNothing()
}

/**
 * Claims due jobs for `leaseMs` (`FOR UPDATE SKIP LOCKED`, so several BFF instances share the work
 * and no job runs twice at once; a crashed worker's lease simply runs out).
 */
export async function claimJobs(db: Database, now: Date, leaseMs: number, limit = 10): Promise<OutboxJob[]> {
  const until = new Date(now.getTime() + leaseMs)
  return db.transaction(async (tx) => {
    const due = await tx.select({ id: outbox.id }).from(outbox)
      .where(and(isNull(outbox.doneAt), lte(outbox.availableAt, now), or(isNull(outbox.lockedUntil), lte(outbox.lockedUntil, now))))
      .orderBy(asc(outbox.availableAt))
      .limit(limit)
      .for('update', { skipLocked: true })
    if (!due.length) return []
    return tx.update(outbox).set({ lockedUntil: until, attempts: sql`${outbox.attempts} + 1` }).where(inArray(outbox.id, due.map(d => d.id))).returning()
  })
}

export async function completeJob(db: Database, id: number, now: Date): Promise<void> {
  await db.update(outbox).set({ doneAt: now, lockedUntil: null, lastError: null }).where(eq(outbox.id, id))
}

/** Schedules a retry with back-off (the job stays in the outbox until it succeeds). */
export async function failJob(db: Database, id: number, error: string, retryAt: Date): Promise<void> {
  await db.update(outbox).set({ lockedUntil: null, availableAt: retryAt, lastError: error.slice(0, 500) }).where(eq(outbox.id, id))
}

/** out_trade_no of orders paid on a Shanghai calendar day (`YYYY-MM-DD`). */
export async function paidOrdersOn(db: Database, date: string): Promise<string[]> {
  const from = new Date(`${date}T00:00:00+08:00`)
  const to = new Date(from.getTime() + 86_400_000)
  const rows = await db.select({ no: premiumOrders.outTradeNo }).from(premiumOrders)
    .where(and(eq(premiumOrders.status, 'paid'), gte(premiumOrders.paidAt, from), lt(premiumOrders.paidAt, to)))
  return rows.map(r => r.no)
}
