import type { AnomalyKind } from '@yibao/shared'
import type { OutboxJob, PremiumOrder, PremiumOrderLine } from './payments'
import type { PremiumRefund } from './refunds'
import type { Database } from './types'
import { and, desc, eq, inArray, isNull, like, ne, or, sql } from 'drizzle-orm'
import { regionLikePattern } from '../domain/region'
import { outbox, paymentAnomalies, premiumOrderLines, premiumOrders, premiumRefunds } from './schema'
import { isUuid } from './ids'

export type PaymentAnomaly = typeof paymentAnomalies.$inferSelect

/** What can go wrong with money, each landing in the 异常处理 queue (the kinds live in `shared/`). */
export { ANOMALY_KINDS } from '@yibao/shared'
export type { AnomalyKind }

export interface NewAnomaly {
  kind: AnomalyKind
  /** The same anomaly is recorded once (a repeated callback, a second instance, a rerun). */
  dedupeKey: string
  orderId?: string | null
  lineId?: string | null
  refundId?: string | null
  outboxId?: number | null
  regionCode?: string | null
  detail: Record<string, unknown>
  /** When, on the app's clock. */
  at: Date
}

/** Records an anomaly once; returns it when it is new (the caller logs a new one at `error`, once). */
export async function recordAnomaly(db: Database, a: NewAnomaly): Promise<PaymentAnomaly | null> {
  const rows = await db.insert(paymentAnomalies).values({
    kind: a.kind,
    dedupeKey: a.dedupeKey,
    orderId: a.orderId ?? null,
    lineId: a.lineId ?? null,
    refundId: a.refundId ?? null,
    outboxId: a.outboxId ?? null,
    regionCode: a.regionCode ?? null,
    detail: a.detail,
    createdAt: a.at,
  }).onConflictDoNothing().returning()
  return rows[0] ?? null
}

export async function findAnomaly(db: Database, id: string): Promise<PaymentAnomaly | null> {
  if (!isUuid(id)) return null
  const rows = await db.select().from(paymentAnomalies).where(eq(paymentAnomalies.id, id)).limit(1)
  return rows[0] ?? null
}

/**
 * The queue of a staff member's regions (`null` = every region, for admins), newest first, each scope
 * covering its subdivisions (`regionLikePattern`).
 */
export async function listAnomalies(
  db: Database,
  p: { status: 'open' | 'resolved', regions: string[] | null, limit?: number },
): Promise<PaymentAnomaly[]> {
  const scope = p.regions === null
    ? undefined
    : or(...p.regions.map(r => like(paymentAnomalies.regionCode, regionLikePattern(r))))
  return db.select().from(paymentAnomalies)
    .where(and(eq(paymentAnomalies.status, p.status), scope))
    .orderBy(desc(paymentAnomalies.createdAt)).limit(p.limit ?? 100)
}

/** Appends what was done (a retry, a refund) to an anomaly's record. */
export async function noteAnomalyAction(
  db: Database,
  id: string,
  action: { at: Date, by: string, action: string, note?: string },
): Promise<void> {
  const entry = {
    at: action.at.toISOString(),
    by: action.by,
    action: action.action,
    ...(action.note && { note: action.note }),
  }
  await db.update(paymentAnomalies)
    .set({ actions: sql`${paymentAnomalies.actions} || ${JSON.stringify([entry])}::jsonb`, updatedAt: sql`now()` })
    .where(eq(paymentAnomalies.id, id))
}

/** Marks an anomaly resolved once (open → resolved), with who and why. */
export async function resolveAnomaly(
  db: Database,
  p: { id: string, by: string, resolution: string, at: Date },
): Promise<PaymentAnomaly | null> {
  const rows = await db.update(paymentAnomalies)
    .set({ status: 'resolved', resolvedBy: p.by, resolution: p.resolution, resolvedAt: p.at, updatedAt: sql`now()` })
    .where(and(eq(paymentAnomalies.id, p.id), eq(paymentAnomalies.status, 'open'))).returning()
  return rows[0] ?? null
}

/** Resolves the open anomalies about a line or refund that the system itself has settled (e.g. refunded). */
export async function resolveAnomaliesOf(
  db: Database,
  p: { lineId?: string, refundId?: string, kinds: AnomalyKind[], by: string, resolution: string, at: Date },
): Promise<number> {
  const target = p.lineId
    ? eq(paymentAnomalies.lineId, p.lineId)
    : p.refundId ? eq(paymentAnomalies.refundId, p.refundId) : undefined
  if (!target) return 0
  const rows = await db.update(paymentAnomalies)
    .set({ status: 'resolved', resolvedBy: p.by, resolution: p.resolution, resolvedAt: p.at, updatedAt: sql`now()` })
    .where(and(target, eq(paymentAnomalies.status, 'open'), inArray(paymentAnomalies.kind, p.kinds)))
    .returning({ id: paymentAnomalies.id })
  return rows.length
}

/** Open anomalies (for /readyz detail and the log). */
export async function countOpenAnomalies(db: Database): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(paymentAnomalies)
    .where(and(eq(paymentAnomalies.status, 'open'), isNull(paymentAnomalies.resolvedAt)))
  return row?.n ?? 0
}

/** What a page of anomalies is about, loaded in one query per table (not one per anomaly). */
export interface AnomalySubjects {
  orders: Map<string, PremiumOrder>
  lines: Map<string, PremiumOrderLine>
  linesOfOrder: Map<string, PremiumOrderLine[]>
  refunds: Map<string, PremiumRefund>
  /** The refund of a line that is under way or done (a rejected one does not count). */
  liveRefundOfLine: Map<string, PremiumRefund>
  jobs: Map<number, OutboxJob>
}

export async function anomalySubjects(db: Database, rows: PaymentAnomaly[]): Promise<AnomalySubjects> {
  const ids = <T>(pick: (a: PaymentAnomaly) => T | null) =>
    [...new Set(rows.map(pick).filter((v): v is T => v !== null))]
  const orderIds = ids(a => a.orderId)
  const refundIds = ids(a => a.refundId)
  const outboxIds = ids(a => a.outboxId)
  const [orders, lines, refunds, jobs] = await Promise.all([
    orderIds.length ? db.select().from(premiumOrders).where(inArray(premiumOrders.id, orderIds)) : [],
    orderIds.length ? db.select().from(premiumOrderLines).where(inArray(premiumOrderLines.orderId, orderIds)) : [],
    refundIds.length || orderIds.length
      ? db.select().from(premiumRefunds).where(or(
          refundIds.length ? inArray(premiumRefunds.id, refundIds) : undefined,
          orderIds.length
            ? and(inArray(premiumRefunds.orderId, orderIds), ne(premiumRefunds.status, 'rejected'))
            : undefined,
        ))
      : [],
    outboxIds.length ? db.select().from(outbox).where(inArray(outbox.id, outboxIds)) : [],
  ])
  const linesOfOrder = new Map<string, PremiumOrderLine[]>()
  for (const l of lines) linesOfOrder.set(l.orderId, [...(linesOfOrder.get(l.orderId) ?? []), l])
  return {
    orders: new Map(orders.map(o => [o.id, o])),
    lines: new Map(lines.map(l => [l.id, l])),
    linesOfOrder,
    refunds: new Map(refunds.map(r => [r.id, r])),
    liveRefundOfLine: new Map(refunds.filter(r => r.status !== 'rejected').map(r => [r.lineId, r])),
    jobs: new Map(jobs.map(j => [j.id, j])),
  }
}
