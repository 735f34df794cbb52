import type { Database } from './types'
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import type { RefundEvent } from '../domain/states'
import { edgesOf, IllegalTransition, REFUND_MACHINE } from '../domain/states'
import { resolveAnomaliesOf } from './anomalies'
import { transitionLine } from './payments'
import { premiumRefunds } from './schema'
import { isUuid } from './ids'

export type PremiumRefund = typeof premiumRefunds.$inferSelect
export type NewRefund = typeof premiumRefunds.$inferInsert

const LIVE = sql`status <> 'rejected'`

/**
 * Writes a refund request; `null` when the line already has a live one (the partial unique index decides,
 * even under a race).
 */
export async function insertRefund(db: Database, refund: NewRefund): Promise<PremiumRefund | null> {
  const rows = await db.insert(premiumRefunds).values(refund)
    .onConflictDoNothing({ target: premiumRefunds.lineId, where: LIVE }).returning()
  return rows[0] ?? null
}

/** The refund of a line that is under way or done (a rejected one does not count). */
export async function liveRefundOfLine(db: Database, lineId: string): Promise<PremiumRefund | null> {
  const rows = await db.select().from(premiumRefunds).where(and(eq(premiumRefunds.lineId, lineId), LIVE)).limit(1)
  return rows[0] ?? null
}

export async function findRefundBy(
  db: Database,
  field: 'id' | 'outRefundNo' | 'idempotencyKeyId',
  value: string | number,
): Promise<PremiumRefund | null> {
  if (field === 'id' && !isUuid(String(value))) return null
  const rows = await db.select().from(premiumRefunds).where(eq(premiumRefunds[field], value as never)).limit(1)
  return rows[0] ?? null
}

export async function listRefundsOf(db: Database, principal: string, limit = 20): Promise<PremiumRefund[]> {
  return db.select().from(premiumRefunds)
    .where(eq(premiumRefunds.principal, principal))
    .orderBy(desc(premiumRefunds.createdAt)).limit(limit)
}

/** Refunds of an order's lines, oldest first (so a later request of a line comes after its rejected one). */
export async function refundsOfOrder(db: Database, orderId: string): Promise<PremiumRefund[]> {
  return db.select().from(premiumRefunds)
    .where(eq(premiumRefunds.orderId, orderId))
    .orderBy(asc(premiumRefunds.createdAt))
}

/**
 * Moves a refund by `event` (REFUND_MACHINE), a conditional update so concurrent workers never both move
 * it. Returns the moved row; `null` when it is already where the event leads; throws `IllegalTransition`.
 */
export async function moveRefund(
  db: Database,
  id: string,
  event: RefundEvent,
  set: Partial<Omit<PremiumRefund, 'id' | 'status'>> = {},
): Promise<PremiumRefund | null> {
  const { from, to } = edgesOf(REFUND_MACHINE, event)
  const rows = await db.update(premiumRefunds).set({ ...set, status: to, updatedAt: sql`now()` })
    .where(and(eq(premiumRefunds.id, id), inArray(premiumRefunds.status, from))).returning()
  if (rows[0]) return rows[0]
  const [current] = await db.select({ status: premiumRefunds.status }).from(premiumRefunds)
    .where(eq(premiumRefunds.id, id))
  if (current?.status === to) return null
  throw new IllegalTransition(REFUND_MACHINE.name, current?.status ?? 'missing', event)
}

/**
 * Records where the money went, exactly once: the refund succeeds and, when it gave back the whole line
 * (`wholeLine`), its line becomes refunded together; after a partial refund the person-year stays paid.
 */
export async function markRefundSucceeded(
  db: Database,
  p: {
    id: string
    lineId: string
    at: Date
    wechatRefundId: string
    receivedAccount: string | null
    wholeLine: boolean
    /** The line's open anomalies the money's return settles: resolved in the same commit, never left open. */
    settles: Pick<Parameters<typeof resolveAnomaliesOf>[1], 'kinds' | 'by' | 'resolution' | 'at'>
  },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const moved = await moveRefund(tx, p.id, 'succeed', {
      succeededAt: p.at,
      wechatRefundId: p.wechatRefundId,
      receivedAccount: p.receivedAccount,
    })
    if (!moved) return false
    if (p.wholeLine) await transitionLine(tx, p.lineId, 'refund')
    await resolveAnomaliesOf(tx, { ...p.settles, lineId: p.lineId })
    return true
  })
}

/** WeChat Pay's refund id, once it accepted the refund (not a status change). */
export async function setRefundWechatId(db: Database, id: string, wechatRefundId: string): Promise<void> {
  await db.update(premiumRefunds).set({ wechatRefundId, updatedAt: sql`now()` }).where(eq(premiumRefunds.id, id))
}

/** The refund that came back for a line (its receipt is void from then on). */
export async function succeededRefundOfLine(db: Database, lineId: string): Promise<PremiumRefund | null> {
  const rows = await db.select().from(premiumRefunds)
    .where(and(eq(premiumRefunds.lineId, lineId), eq(premiumRefunds.status, 'succeeded'))).limit(1)
  return rows[0] ?? null
}

/** Refunds still under way (the worker asks the bureau or WeChat Pay about them). */
export async function openRefunds(db: Database, limit = 50): Promise<PremiumRefund[]> {
  return db.select().from(premiumRefunds).where(inArray(premiumRefunds.status, ['approving', 'refunding'])).limit(limit)
}
