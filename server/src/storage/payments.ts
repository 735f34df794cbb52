import type { Database } from './types'
import { and, asc, desc, eq, getTableColumns, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm'
import type { LineEvent, OrderEvent } from '../domain/states'
import {
  edgesOf,
  IllegalTransition,
  LINE_MACHINE,
  LIVE_LINE_STATES,
  OPEN_ORDER_STATES,
  ORDER_MACHINE,
} from '../domain/states'
import type { PaymentAnomaly } from './anomalies'
import { recordAnomaly } from './anomalies'
import { outbox, paymentNotifications, premiumOrderLines, premiumOrders } from './schema'
import { isUuid } from './ids'

export type PremiumOrder = typeof premiumOrders.$inferSelect
export type PremiumOrderLine = typeof premiumOrderLines.$inferSelect
export type NewOrder = typeof premiumOrders.$inferInsert
/** What a new line says about its person-year; the order, status and receipt are the storage's to set. */
export type NewOrderLine = Pick<
  typeof premiumOrderLines.$inferInsert,
  'personCertRef' | 'personCertNoEnc' | 'personNameMasked' | 'regionCode' | 'year' | 'amountFen'
>

/** A write refused by the one-live-line-per-person-year index: someone else holds that person-year. */
export function isPersonYearTaken(error: unknown): boolean {
  for (
    let e = error as
      | { code?: string, constraint?: string, constraint_name?: string, message?: string, cause?: unknown }
      | undefined;
    e;
    e = e.cause as typeof e
  ) {
    if (e.code === '23505' && [e.constraint, e.constraint_name, e.message].some(x => x?.includes(PERSON_YEAR_INDEX))) {
      return true
    }
  }
  return false
}
const PERSON_YEAR_INDEX = 'premium_order_lines_person_year_live_idx'

/** A job to enqueue with an order (its id is known only once the order is written). */
export interface OrderJob { topic: string, key: string, payload: Record<string, unknown>, availableAt: Date }

/**
 * Creates an order, its lines and its jobs in one statement (one commit, no transaction round trips); `null`
 * when a person-year is already held (the index decides). Jobs' dedupe keys and payloads get the order id.
 * The lines come back in the order given.
 */
export async function insertOrder(
  db: Database,
  order: NewOrder,
  lines: NewOrderLine[],
  jobs: OrderJob[] = [],
): Promise<{ order: PremiumOrder, lines: PremiumOrderLine[] } | null> {
  const lineRows = lines.map(l => ({
    person_cert_ref: l.personCertRef,
    person_cert_no_enc: l.personCertNoEnc,
    person_name_masked: l.personNameMasked,
    region_code: l.regionCode,
    year: l.year,
    amount_fen: l.amountFen,
  }))
  const jobRows = jobs.map(j => ({
    topic: j.topic,
    key: j.key,
    payload: j.payload,
    available_at: j.availableAt.toISOString(),
  }))
  try {
    const result = await db.execute(sql`
      with o as (${db.insert(premiumOrders).values({ ...order, status: 'created' }).returning().getSQL()}),
      l as (
        insert into premium_order_lines (order_id, status, person_cert_ref, person_cert_no_enc, person_name_masked,
          region_code, year, amount_fen)
        select o.id, 'pending', r.person_cert_ref, r.person_cert_no_enc, r.person_name_masked, r.region_code, r.year,
          r.amount_fen
        from o, jsonb_to_recordset(${JSON.stringify(lineRows)}::jsonb) as r(person_cert_ref text,
          person_cert_no_enc text, person_name_masked text, region_code text, year integer, amount_fen bigint)
        returning *
      ),
      j as (
        insert into outbox (topic, dedupe_key, payload, available_at, created_at)
        select r.topic, r.topic || ':' || o.id || ':' || r.key, r.payload || jsonb_build_object('orderId', o.id),
          r.available_at, o.created_at
        from o, jsonb_to_recordset(${JSON.stringify(jobRows)}::jsonb) as r(topic text, key text, payload jsonb,
          available_at timestamptz)
        on conflict do nothing
      )
      select row_to_json(o) as "order", (select json_agg(l) from l) as lines from o`)
    const [row] = rowsOf<{ order: Record<string, unknown>, lines: Record<string, unknown>[] }>(result)
    const created = fromJsonRow(premiumOrders, row!.order)
    const byPerson = new Map(row!.lines.map(l => [l.person_cert_ref, fromJsonRow(premiumOrderLines, l)]))
    return { order: created, lines: lines.map(l => byPerson.get(l.personCertRef)!) }
  }
  catch (error) {
    if (isPersonYearTaken(error)) return null
    throw error
  }
}

/** The rows of `db.execute`, which PGlite gives as `{ rows }` and postgres.js as the array itself. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[]
}

/** A row of `table` that a statement returned as JSON (`row_to_json`), read as drizzle reads its columns. */
function fromJsonRow<T extends typeof premiumOrders | typeof premiumOrderLines>(
  table: T,
  json: Record<string, unknown>,
): T['$inferSelect'] {
  return Object.fromEntries(Object.entries(getTableColumns(table)).map(([key, column]) => {
    const value = json[column.name]
    return [key, value === null || value === undefined ? null : column.mapFromDriverValue(value)]
  })) as T['$inferSelect']
}

export async function findOrderBy(
  db: Database,
  field: 'id' | 'outTradeNo' | 'idempotencyKeyId',
  value: string | number,
): Promise<PremiumOrder | null> {
  if (field === 'id' && !isUuid(String(value))) return null
  const rows = await db.select().from(premiumOrders).where(eq(premiumOrders[field], value as never)).limit(1)
  return rows[0] ?? null
}

export async function orderLines(db: Database, orderId: string): Promise<PremiumOrderLine[]> {
  return db.select().from(premiumOrderLines)
    .where(eq(premiumOrderLines.orderId, orderId))
    .orderBy(asc(premiumOrderLines.personCertRef))
}

export async function findLine(
  db: Database,
  lineId: string,
): Promise<{ line: PremiumOrderLine, order: PremiumOrder } | null> {
  if (!isUuid(lineId)) return null
  const rows = await db.select({ line: premiumOrderLines, order: premiumOrders }).from(premiumOrderLines)
    .innerJoin(premiumOrders, eq(premiumOrders.id, premiumOrderLines.orderId))
    .where(eq(premiumOrderLines.id, lineId)).limit(1)
  return rows[0] ?? null
}

/** The principal prefix of orders a clerk made at the help desk (窗口代缴: one person per order). */
export const DESK_PRINCIPAL_PREFIX = 'staff:'

/**
 * Whether a resident sees an order that is not their own: a paid 窗口代缴 order whose every line is theirs
 * (a desk order holds one person, so no one else's name or amount shows).
 */
export function isDeskOrderFor(order: PremiumOrder, lines: PremiumOrderLine[], certRef: string): boolean {
  return order.principal.startsWith(DESK_PRINCIPAL_PREFIX) && order.status === 'paid'
    && lines.length > 0 && lines.every(l => l.personCertRef === certRef)
}

/**
 * Whether `who` may act on an order (see it, ask its premium back): it is theirs, or it is a paid 窗口代缴 order
 * made at the desk for them alone (`isDeskOrderFor`, with their certificate reference).
 */
export async function orderIsFor(
  db: Database,
  order: PremiumOrder,
  who: { principal: string, certRef?: string },
): Promise<boolean> {
  if (order.principal === who.principal) return true
  return who.certRef !== undefined && isDeskOrderFor(order, await orderLines(db, order.id), who.certRef)
}

/**
 * 缴费记录 of a resident: their own orders and the paid 窗口代缴 orders made for them at the desk, newest first.
 */
export async function listResidentOrders(
  db: Database,
  resident: { principal: string, certRef: string },
  limit = 20,
): Promise<PremiumOrder[]> {
  const deskPaidForThem = and(
    sql`${premiumOrders.principal} like ${`${DESK_PRINCIPAL_PREFIX}%`}`,
    eq(premiumOrders.status, 'paid'),
    inArray(premiumOrders.id, db.select({ id: premiumOrderLines.orderId }).from(premiumOrderLines)
      .where(eq(premiumOrderLines.personCertRef, resident.certRef))),
    sql`not exists (select 1 from ${premiumOrderLines} other where other.order_id = ${premiumOrders.id}
      and other.person_cert_ref <> ${resident.certRef})`,
  )
  return db.select().from(premiumOrders)
    .where(or(eq(premiumOrders.principal, resident.principal), deskPaidForThem))
    .orderBy(desc(premiumOrders.createdAt)).limit(limit)
}

/**
 * The live line (pending, paid or reported) of each of these people in a year, with its order: at most
 * one per person-year (the partial unique index), so nobody is charged twice or held in two orders.
 */
export type LiveLine = { line: PremiumOrderLine, order: PremiumOrder }

export async function liveLinesFor(db: Database, certRefs: string[], year: number): Promise<LiveLine[]> {
  if (!certRefs.length) return []
  return db.select({ line: premiumOrderLines, order: premiumOrders }).from(premiumOrderLines)
    .innerJoin(premiumOrders, eq(premiumOrders.id, premiumOrderLines.orderId))
    .where(and(
      inArray(premiumOrderLines.personCertRef, certRefs),
      eq(premiumOrderLines.year, year),
      inArray(premiumOrderLines.status, [...LIVE_LINE_STATES]),
    ))
}

/**
 * Moves an order by `event` (ORDER_MACHINE): a conditional update from the event's source states.
 * Returns the moved row; `null` when it is already where the event leads (a repeat); throws
 * `IllegalTransition` from any other state.
 */
export async function transitionOrder(
  db: Database,
  id: string,
  event: OrderEvent,
  set: Partial<NewOrder> = {},
): Promise<PremiumOrder | null> {
  const { from, to } = edgesOf(ORDER_MACHINE, event)
  const rows = await db.update(premiumOrders).set({ ...set, status: to, updatedAt: sql`now()` })
    .where(and(eq(premiumOrders.id, id), inArray(premiumOrders.status, from))).returning()
  // The order's event streams on every instance hear of it when this commits: the status change notifies them
  // itself (trigger premium_orders_status_changed, migration 0019).
  if (rows[0]) return rows[0]
  const [current] = await db.select({ status: premiumOrders.status }).from(premiumOrders)
    .where(eq(premiumOrders.id, id))
  if (current?.status === to) return null
  throw new IllegalTransition(ORDER_MACHINE.name, current?.status ?? 'missing', event)
}

/** Moves one line by `event` (LINE_MACHINE), like `transitionOrder`. */
export async function transitionLine(
  db: Database,
  id: string,
  event: LineEvent,
  set: Partial<typeof premiumOrderLines.$inferInsert> = {},
): Promise<PremiumOrderLine | null> {
  const { from, to } = edgesOf(LINE_MACHINE, event)
  const rows = await db.update(premiumOrderLines).set({ ...set, status: to })
    .where(and(eq(premiumOrderLines.id, id), inArray(premiumOrderLines.status, from))).returning()
  if (rows[0]) return rows[0]
  const [current] = await db.select({ status: premiumOrderLines.status }).from(premiumOrderLines)
    .where(eq(premiumOrderLines.id, id))
  if (current?.status === to) return null
  throw new IllegalTransition(LINE_MACHINE.name, current?.status ?? 'missing', event)
}

/**
 * Claims the next WeChat Pay query about an open order for the caller: true for one caller per `intervalMs`
 * (on the app's clock) across every stream on every instance, false while another caller's claim runs, and
 * for an order that is no longer open.
 */
export async function claimOrderQuery(db: Database, id: string, now: Date, intervalMs: number): Promise<boolean> {
  const rows = await db.update(premiumOrders).set({ nextQueryAt: new Date(now.getTime() + intervalMs) })
    .where(and(
      eq(premiumOrders.id, id),
      inArray(premiumOrders.status, [...OPEN_ORDER_STATES]),
      or(isNull(premiumOrders.nextQueryAt), lte(premiumOrders.nextQueryAt, now)),
    ))
    .returning({ id: premiumOrders.id })
  return rows.length > 0
}

export async function setOrderPrepay(
  db: Database,
  id: string,
  p: { prepayId?: string, codeUrl?: string, h5Url?: string },
): Promise<void> {
  await transitionOrder(db, id, 'prepay', p)
}

/**
 * A new h5_url for an H5 order still waiting for payment (no state change: the payer pays again). The next
 * reader asks WeChat Pay at once (the query lease is released): the payer comes back from this attempt and
 * must see its outcome, not the previous attempt's answer. Returns the order, or null when it is no longer
 * waiting (paid or closed meanwhile).
 */
export async function renewOrderH5Url(db: Database, id: string, h5Url: string): Promise<PremiumOrder | null> {
  const [row] = await db.update(premiumOrders).set({ h5Url, nextQueryAt: null, updatedAt: sql`now()` })
    .where(and(eq(premiumOrders.id, id), eq(premiumOrders.status, 'prepaid'))).returning()
  return row ?? null
}

/**
 * Closes an unpaid order and frees its people (pending lines become void), in one transaction: `close`, or
 * `reverse` for a 付款码 order 撤销 at WeChat Pay.
 */
export async function closeOrder(
  db: Database,
  id: string,
  event: 'close' | 'reverse' = 'close',
): Promise<PremiumOrder | null> {
  return db.transaction(async (tx) => {
    const closed = await transitionOrder(tx, id, event)
    for (const l of await orderLines(tx, id)) if (l.status === 'pending') await transitionLine(tx, l.id, 'void')
    return closed
  })
}

export type PaidOutcome
  = | {
    outcome: 'paid' | 'paid_after_close'
    order: PremiumOrder
    lines: PremiumOrderLine[]
    anomalies: PaymentAnomaly[]
  }
  | { outcome: 'repeat' }

/**
 * Applies a payment exactly once, in one transaction: the notification is remembered (a repeated event
 * id is a repeat), the order moves to paid (`pay`, or `pay_after_close` when we had closed it), and each
 * line whose person-year is free becomes paid with a receipt code and a report job; a line whose
 * person-year another line took meanwhile becomes `duplicate`, with a refund job. Anomalies for a late
 * payment and for each duplicate are written in the same transaction.
 */
export async function markOrderPaid(
  db: Database,
  p: {
    orderId: string
    transactionId: string
    paidAt: Date
    /** A new receipt code, for each line that becomes paid. */
    newReceiptCode: () => string
    eventId?: string
    eventType?: string
    outTradeNo: string
    now: Date
  },
): Promise<PaidOutcome> {
  return db.transaction(async (tx) => {
    if (p.eventId) {
      const seen = await tx.insert(paymentNotifications)
        .values({ eventId: p.eventId, outTradeNo: p.outTradeNo, eventType: p.eventType ?? 'TRANSACTION.SUCCESS' })
        .onConflictDoNothing().returning()
      if (!seen.length) return { outcome: 'repeat' }
    }
    const moved = await payOrder(tx, p.orderId, { transactionId: p.transactionId, paidAt: p.paidAt })
    if (!moved) return { outcome: 'repeat' }
    const { order, late } = moved
    const lines: PremiumOrderLine[] = []
    const anomalies: (PaymentAnomaly | null)[] = []
    for (const l of await orderLines(tx, p.orderId)) {
      const paid = await tx.transaction(async sp => transitionLine(sp, l.id, 'pay', {
        receiptCode: p.newReceiptCode(),
        receiptIssuedAt: p.paidAt,
      }))
        .catch((error: unknown) => {
          if (isPersonYearTaken(error)) return undefined
          throw error
        })
      if (paid) {
        lines.push(paid)
        await enqueue(tx, 'report_line', `report_line:${l.id}`, { lineId: l.id }, p.now)
        continue
      }
      const duplicate = (await transitionLine(tx, l.id, 'pay_duplicate'))!
      lines.push(duplicate)
      anomalies.push(await recordAnomaly(tx, {
        at: p.now,
        kind: 'duplicate_payment',
        dedupeKey: `duplicate_payment:${l.id}`,
        orderId: p.orderId,
        lineId: l.id,
        regionCode: l.regionCode,
        detail: {
          outTradeNo: p.outTradeNo,
          amountFen: l.amountFen,
          year: l.year,
          person: l.personNameMasked,
          why: 'paid_while_person_year_held',
        },
      }))
      await enqueue(tx, 'refund_duplicate', `refund_duplicate:${l.id}`, { lineId: l.id }, p.now)
    }
    if (late) {
      anomalies.push(await recordAnomaly(tx, {
        at: p.now,
        kind: 'paid_after_close',
        dedupeKey: `paid_after_close:${p.orderId}`,
        orderId: p.orderId,
        regionCode: lines[0]?.regionCode ?? null,
        detail: {
          outTradeNo: p.outTradeNo,
          totalFen: order.totalFen,
          transactionId: p.transactionId,
          duplicates: lines.filter(l => l.status === 'duplicate').length,
        },
      }))
    }
    return { outcome: late ? 'paid_after_close' : 'paid', order, lines, anomalies: anomalies.filter(a => a !== null) }
  })
}

/**
 * Moves an order to paid, first as `pay` and, when we had closed it, as `pay_after_close` (`late`); `null`
 * when it is paid already (a repeat). The update locks the order's row, so a second report of the same
 * payment waits for the first one's transaction and then finds it paid: one statement where a
 * `SELECT … FOR UPDATE` and the update were two.
 */
async function payOrder(
  tx: Database,
  id: string,
  set: { transactionId: string, paidAt: Date },
): Promise<{ order: PremiumOrder, late: boolean } | null> {
  try {
    const order = await transitionOrder(tx, id, 'pay', set)
    return order && { order, late: false }
  }
  catch (error) {
    if (!(error instanceof IllegalTransition) || error.from !== 'closed') throw error
  }
  const order = await transitionOrder(tx, id, 'pay_after_close', set)
  return order && { order, late: true }
}

/**
 * A paid line the tax bureau says is already collected under another payment (2002): the person is
 * covered, ours is the duplicate — refunded automatically, and an anomaly for the record.
 */
export async function markLineCollectedElsewhere(
  db: Database,
  line: PremiumOrderLine,
  detail: Record<string, unknown>,
  now: Date,
): Promise<PaymentAnomaly | null> {
  return db.transaction(async (tx) => {
    if (!await transitionLine(tx, line.id, 'collected_elsewhere')) return null
    const anomaly = await recordAnomaly(tx, {
      at: now,
      kind: 'duplicate_payment',
      dedupeKey: `duplicate_payment:${line.id}`,
      orderId: line.orderId,
      lineId: line.id,
      regionCode: line.regionCode,
      detail: {
        ...detail,
        amountFen: line.amountFen,
        year: line.year,
        person: line.personNameMasked,
        why: 'collected_elsewhere',
      },
    })
    await enqueue(tx, 'refund_duplicate', `refund_duplicate:${line.id}`, { lineId: line.id }, now)
    return anomaly
  })
}

export async function markLineReported(db: Database, lineId: string, at: Date): Promise<void> {
  await transitionLine(db, lineId, 'report', { reportedAt: at })
}

export async function findLineByReceipt(db: Database, code: string) {
  const rows = await db.select({ line: premiumOrderLines, order: premiumOrders }).from(premiumOrderLines)
    .innerJoin(premiumOrders, eq(premiumOrders.id, premiumOrderLines.orderId))
    .where(eq(premiumOrderLines.receiptCode, code)).limit(1)
  return rows[0] ?? null
}

/** Orders not paid yet whose outcome is unknown (prepaid, not closed): the convergence job queries them. */
export async function openOrders(db: Database, createdBefore: Date, limit = 50): Promise<PremiumOrder[]> {
  return db.select().from(premiumOrders)
    .where(and(inArray(premiumOrders.status, [...OPEN_ORDER_STATES]), lte(premiumOrders.createdAt, createdBefore)))
    .orderBy(asc(premiumOrders.createdAt)).limit(limit)
}

// ---------------------------------------------------------------- outbox

export type OutboxJob = typeof outbox.$inferSelect

/** Enqueues a job once per dedupe key, due at `availableAt` on the app's clock (never the database's). */
export async function enqueue(
  db: Database,
  topic: string,
  dedupeKey: string,
  payload: Record<string, unknown>,
  availableAt: Date,
): Promise<void> {
  await db.insert(outbox).values({ topic, dedupeKey, payload, availableAt, createdAt: availableAt })
    .onConflictDoNothing()
}

/**
 * Claims due jobs for `leaseMs` (`FOR UPDATE SKIP LOCKED`, so several BFF instances share the work
 * and no job runs twice at once; a crashed worker's lease simply runs out).
 */
export async function claimJobs(db: Database, now: Date, leaseMs: number, limit = 10): Promise<OutboxJob[]> {
  const until = new Date(now.getTime() + leaseMs)
  return db.transaction(async (tx) => {
    const due = await tx.select({ id: outbox.id }).from(outbox)
      .where(and(
        isNull(outbox.doneAt),
        lte(outbox.availableAt, now),
        or(isNull(outbox.lockedUntil), lte(outbox.lockedUntil, now)),
      ))
      .orderBy(asc(outbox.availableAt))
      .limit(limit)
      .for('update', { skipLocked: true })
    if (!due.length) return []
    return tx.update(outbox).set({ lockedUntil: until, attempts: sql`${outbox.attempts} + 1` })
      .where(inArray(outbox.id, due.map(d => d.id))).returning()
  })
}

export async function completeJob(db: Database, id: number, now: Date): Promise<void> {
  await db.update(outbox).set({ doneAt: now, lockedUntil: null, lastError: null }).where(eq(outbox.id, id))
}

/** Schedules a retry with back-off after a failure (the claim counted the attempt). */
export async function failJob(db: Database, id: number, error: string, retryAt: Date): Promise<void> {
  await db.update(outbox).set({ lockedUntil: null, availableAt: retryAt, lastError: error.slice(0, 500) })
    .where(eq(outbox.id, id))
}

/** Looks again later without counting an attempt: the job did its work, the outcome is not there yet. */
export async function snoozeJob(db: Database, id: number, at: Date): Promise<void> {
  await db.update(outbox)
    .set({ lockedUntil: null, availableAt: at, attempts: sql`greatest(${outbox.attempts} - 1, 0)` })
    .where(eq(outbox.id, id))
}

/** A job out of attempts: done, marked dead, and (by the caller, in the same transaction) an anomaly. */
export interface JobSubject {
  orderId: string | null
  lineId: string | null
  refundId: string | null
  regionCode: string | null
}

export async function killJob(
  db: Database,
  job: OutboxJob,
  error: string,
  now: Date,
  subject: JobSubject,
): Promise<PaymentAnomaly | null> {
  return db.transaction(async (tx) => {
    await tx.update(outbox).set({ lockedUntil: null, doneAt: now, deadAt: now, lastError: error.slice(0, 500) })
      .where(eq(outbox.id, job.id))
    return recordAnomaly(tx, {
      at: now,
      kind: 'job_exhausted',
      dedupeKey: `job_exhausted:${job.id}`,
      outboxId: job.id,
      ...subject,
      detail: { topic: job.topic, attempts: job.attempts, lastError: error.slice(0, 500) },
    })
  })
}

/** Puts a dead job back in the queue with fresh attempts (a supervisor's 重试). */
export async function reviveJob(db: Database, id: number, now: Date): Promise<void> {
  await db.update(outbox).set({ doneAt: null, deadAt: null, attempts: 0, availableAt: now, lockedUntil: null })
    .where(eq(outbox.id, id))
}

export async function findJob(db: Database, id: number): Promise<OutboxJob | null> {
  const rows = await db.select().from(outbox).where(eq(outbox.id, id)).limit(1)
  return rows[0] ?? null
}

/** Jobs not done yet (for /readyz detail). */
export async function outboxDepth(db: Database): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(isNull(outbox.doneAt))
  return row?.n ?? 0
}

/** Orders paid on a Shanghai calendar day (`YYYY-MM-DD`). */
export async function paidOrdersOn(db: Database, date: string): Promise<PremiumOrder[]> {
  const from = new Date(`${date}T00:00:00+08:00`)
  const to = new Date(from.getTime() + 86_400_000)
  return db.select().from(premiumOrders)
    .where(and(eq(premiumOrders.status, 'paid'), gte(premiumOrders.paidAt, from), lt(premiumOrders.paidAt, to)))
}
