import type { DayDifference, DayPayment } from '@yibao/shared'
import type { PremiumOrder, PremiumOrderLine } from './payments'
import type { Database } from './types'
import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, or } from 'drizzle-orm'
import { deskDayCloses, paymentAnomalies, premiumOrderLines, premiumOrders } from './schema'
import { DESK_PRINCIPAL_PREFIX } from './payments'

export type DeskDayClose = Omit<typeof deskDayCloses.$inferSelect, 'orders' | 'differences'> & {
  orders: DayPayment[]
  differences: DayDifference[] | null
}

/** The instants a Shanghai calendar day (`YYYY-MM-DD`) runs from and to (exclusive). */
export function shanghaiDayBounds(day: string): { from: Date, to: Date } {
  const from = new Date(`${day}T00:00:00+08:00`)
  return { from, to: new Date(from.getTime() + 86_400_000) }
}

/**
 * The desk orders of a clerk on a Shanghai day, oldest first, each with its (one) line: those paid that day,
 * and those made that day and not paid (waiting, closed, reversed). An order made late one day and paid
 * after midnight belongs to the day it was paid, the day of WeChat Pay's bill.
 */
export async function deskOrdersOfDay(
  db: Database,
  staffId: string,
  day: string,
): Promise<{ order: PremiumOrder, line: PremiumOrderLine | undefined }[]> {
  const { from, to } = shanghaiDayBounds(day)
  const orders = await db.select().from(premiumOrders).where(and(
    eq(premiumOrders.principal, `${DESK_PRINCIPAL_PREFIX}${staffId}`),
    or(
      and(isNotNull(premiumOrders.paidAt), gte(premiumOrders.paidAt, from), lt(premiumOrders.paidAt, to)),
      and(isNull(premiumOrders.paidAt), gte(premiumOrders.createdAt, from), lt(premiumOrders.createdAt, to)),
    ),
  )).orderBy(asc(premiumOrders.createdAt))
  return withLines(db, orders)
}

async function withLines(db: Database, orders: PremiumOrder[]) {
  if (!orders.length) return []
  const lines = await db.select().from(premiumOrderLines)
    .where(inArray(premiumOrderLines.orderId, orders.map(o => o.id)))
  return orders.map(order => ({ order, line: lines.find(l => l.orderId === order.id) }))
}

/** Desk orders of a clerk by id (for the orders frozen in a close), with their line. */
export async function deskOrdersById(db: Database, staffId: string, ids: string[]) {
  if (!ids.length) return []
  const orders = await db.select().from(premiumOrders).where(and(
    eq(premiumOrders.principal, `${DESK_PRINCIPAL_PREFIX}${staffId}`),
    inArray(premiumOrders.id, ids),
  ))
  return withLines(db, orders)
}

/** Which of these `out_trade_no`s are desk orders of the clerk (bill rows of theirs). */
export async function deskOrdersByOutTradeNo(db: Database, staffId: string, outTradeNos: string[]) {
  if (!outTradeNos.length) return []
  return db.select().from(premiumOrders).where(and(
    eq(premiumOrders.principal, `${DESK_PRINCIPAL_PREFIX}${staffId}`),
    inArray(premiumOrders.outTradeNo, outTradeNos),
  ))
}

/** The open anomaly of each order (the first one, when several), by order id. */
export async function openAnomaliesOf(db: Database, orderIds: string[]): Promise<Map<string, { id: string, kind: string }>> {
  if (!orderIds.length) return new Map()
  const rows = await db.select({ id: paymentAnomalies.id, kind: paymentAnomalies.kind, orderId: paymentAnomalies.orderId })
    .from(paymentAnomalies)
    .where(and(eq(paymentAnomalies.status, 'open'), inArray(paymentAnomalies.orderId, orderIds)))
    .orderBy(asc(paymentAnomalies.createdAt))
  const out = new Map<string, { id: string, kind: string }>()
  for (const r of rows) if (r.orderId && !out.has(r.orderId)) out.set(r.orderId, { id: r.id, kind: r.kind })
  return out
}

function toClose(row: typeof deskDayCloses.$inferSelect): DeskDayClose {
  return { ...row, orders: row.orders as DayPayment[], differences: row.differences as DayDifference[] | null }
}

export async function findDayClose(db: Database, staffId: string, day: string): Promise<DeskDayClose | null> {
  const [row] = await db.select().from(deskDayCloses)
    .where(and(eq(deskDayCloses.staffId, staffId), eq(deskDayCloses.day, day))).limit(1)
  return row ? toClose(row) : null
}

export async function dayClosesOn(db: Database, day: string): Promise<DeskDayClose[]> {
  return (await db.select().from(deskDayCloses).where(eq(deskDayCloses.day, day))).map(toClose)
}

/** Clerks (staff ids) with desk orders made or paid on the day. */
export async function deskStaffOfDay(db: Database, day: string): Promise<string[]> {
  const { from, to } = shanghaiDayBounds(day)
  const rows = await db.selectDistinct({ principal: premiumOrders.principal }).from(premiumOrders).where(or(
    and(gte(premiumOrders.paidAt, from), lt(premiumOrders.paidAt, to)),
    and(gte(premiumOrders.createdAt, from), lt(premiumOrders.createdAt, to)),
  ))
  return rows.map(r => r.principal)
    .filter(p => p.startsWith(DESK_PRINCIPAL_PREFIX))
    .map(p => p.slice(DESK_PRINCIPAL_PREFIX.length))
}

export interface Freeze { orders: DayPayment[], count: number, totalFen: number, at: Date }

/**
 * Freezes a clerk's day: a new close, or a reopened one closed again (its reconciliation starts over).
 * `null` when the day is already closed (the caller shows that close: closing twice changes nothing).
 */
export async function freezeDay(db: Database, staffId: string, day: string, f: Freeze): Promise<DeskDayClose | null> {
  const values = {
    status: 'closed',
    orders: f.orders,
    count: f.count,
    totalFen: f.totalFen,
    closedAt: f.at,
    reconcileStatus: null,
    reconciledAt: null,
    differences: null,
  }
  const [inserted] = await db.insert(deskDayCloses).values({ staffId, day, ...values }).onConflictDoNothing().returning()
  if (inserted) return toClose(inserted)
  const [reclosed] = await db.update(deskDayCloses).set(values).where(and(
    eq(deskDayCloses.staffId, staffId),
    eq(deskDayCloses.day, day),
    eq(deskDayCloses.status, 'reopened'),
  )).returning()
  return reclosed ? toClose(reclosed) : null
}

/** Reopens a closed day (who, when, why); `null` when it is not closed. */
export async function reopenDay(
  db: Database,
  id: string,
  r: { by: string, reason: string, at: Date },
): Promise<DeskDayClose | null> {
  const [row] = await db.update(deskDayCloses)
    .set({ status: 'reopened', reopenedAt: r.at, reopenedBy: r.by, reopenReason: r.reason })
    .where(and(eq(deskDayCloses.id, id), eq(deskDayCloses.status, 'closed')))
    .returning()
  return row ? toClose(row) : null
}

/** Records the T+1 match of a close frozen at `closedAt` (a close frozen anew since is left alone). */
export async function recordReconcile(
  db: Database,
  id: string,
  closedAt: Date,
  r: { status: 'matched' | 'differences', differences: DayDifference[], at: Date },
): Promise<DeskDayClose | null> {
  const [row] = await db.update(deskDayCloses)
    .set({ reconcileStatus: r.status, differences: r.differences, reconciledAt: r.at })
    .where(and(eq(deskDayCloses.id, id), eq(deskDayCloses.status, 'closed'), eq(deskDayCloses.closedAt, closedAt)))
    .returning()
  return row ? toClose(row) : null
}

export async function findDayCloseById(db: Database, id: string): Promise<DeskDayClose | null> {
  const [row] = await db.select().from(deskDayCloses).where(eq(deskDayCloses.id, id)).limit(1)
  return row ? toClose(row) : null
}
