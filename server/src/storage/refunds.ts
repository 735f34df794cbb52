import type { Database } from './types'
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import { premiumOrderLines, premiumRefunds } from './schema'

export type PremiumRefund = typeof premiumRefunds.$inferSelect
export type NewRefund = typeof premiumRefunds.$inferInsert

const LIVE = sql`status <> 'rejected'`

/** Writes a refund request; `null` when the line already has a live one (the partial unique index decides, even under a race). */
export async function insertRefund(db: Database, refund: NewRefund): Promise<PremiumRefund | null> {
  const rows = await db.insert(premiumRefunds).values(refund).onConflictDoNothing({ target: premiumRefunds.lineId, where: LIVE }).returning()
  return rows[0] ?? null
}

/** The refund of a line that is under way or done (a rejected one does not count). */
export async function liveRefundOfLine(db: Database, lineId: string): Promise<PremiumRefund | null> {
  const rows = await db.select().from(premiumRefunds).where(and(eq(premiumRefunds.lineId, lineId), LIVE)).limit(1)
  return rows[0] ?? null
}

export async function findRefundBy(db: Database, field: 'id' | 'outRefundNo' | 'idempotencyKeyId', value: string | number): Promise<PremiumRefund | null> {
  if (field === 'id' && !/^[0-9a-f-]{36}$/i.test(String(value))) return null
  const rows = await db.select().from(premiumRefunds).where(eq(premiumRefunds[field], value as never)).limit(1)
  return rows[0] ?? null
}

export async function listRefundsOf(db: Database, principal: string, limit = 20): Promise<PremiumRefund[]> {
  return db.select().from(premiumRefunds).where(eq(premiumRefunds.principal, principal)).orderBy(desc(premiumRefunds.createdAt)).limit(limit)
}

/** Refunds of an order's lines, oldest first (so a later request of a line comes after its rejected one). */
export async function refundsOfOrder(db: Database, orderId: string): Promise<PremiumRefund[]> {
  return db.select().from(premiumRefunds).where(eq(premiumRefunds.orderId, orderId)).orderBy(asc(premiumRefunds.createdAt))
}

/** Moves a refund on only from the states given (a conditional update: concurrent workers never both move it). */
export async function moveRefund(db: Database, id: string, from: string[], to: Partial<Omit<PremiumRefund, 'id'>> & { status: string }): Promise<PremiumRefund | null> {
  const rows = await db.update(premiumRefunds).set({ ...to, updatedAt: sql`now()` }).where(and(eq(premiumRefunds.id, id), inArray(premiumRefunds.status, from))).returning()
  return rows[0] ?? null
}

/** Records where the money went, exactly once: the refund succeeds and its line becomes refunded together. */
export async function markRefundSucceeded(db: Database, p: { id: string, lineId: string, at: Date, wechatRefundId: string, receivedAccount: string | null }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const moved = await tx.update(premiumRefunds)
      .set({ status: 'succeeded', succeededAt: p.at, wechatRefundId: p.wechatRefundId, receivedAccount: p.receivedAccount, updatedAt: sql`now()` })
      .where(and(eq(premiumRefunds.id, p.id), inArray(premiumRefunds.status, ['approving', 'refunding'])))
      .returning({ id: premiumRefunds.id })
    if (!moved.length) return false
    await tx.update(premiumOrderLines).set({ status: 'refunded' }).where(eq(premiumOrderLines.id, p.lineId))
    return true
  })
}

/** Refunds still under way (the worker asks the bureau or WeChat Pay about them). */
export async function openRefunds(db: Database, limit = 50): Promise<PremiumRefund[]> {
  return db.select().from(premiumRefunds).where(inArray(premiumRefunds.status, ['approving', 'refunding'])).limit(limit)
}
