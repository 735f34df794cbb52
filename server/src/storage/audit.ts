import type { Database, Storage } from './types'
import { and, desc, eq, sql } from 'drizzle-orm'
import type { BatchOptions } from './batch'
import { createBatcher } from './batch'
import { auditEvents } from './schema'

export type AuditChannel = 'self' | 'family' | 'help_desk' | 'public'

export interface AuditEvent {
  actorType: 'resident' | 'staff' | 'system' | 'anonymous'
  actorId: string
  actorRole?: string
  subjectRef?: string
  subjectMasked?: string
  /** 6-digit 参保地 of the subject, set when staff access a person. */
  subjectRegion?: string
  channel: AuditChannel
  action: string
  target?: string
  success: boolean
  requestId?: string
  clientIp?: string
  detail?: Record<string, unknown>
}

/** Appends one audit event. The table refuses updates and deletes. */
export async function recordAudit(db: Database, event: AuditEvent): Promise<void> {
  await db.insert(auditEvents).values(event)
}

export interface AuditWriter {
  /** Resolves once the event is stored: callers answer only after their access is on record. */
  record: (event: AuditEvent) => Promise<void>
}

/**
 * Appends audit events group-committed per turn of the event loop (see `createBatcher`), stamped on the
 * app's clock (`now`, default the database's) so they line up with everything else the app dates.
 */
export function createAuditWriter(
  storage: Pick<Storage, 'run'>,
  batching: BatchOptions = {},
  now?: () => Date,
): AuditWriter {
  const record = createBatcher<AuditEvent & { at: Date | null }, void>(async (events) => {
    await recordMany(storage, events)
    return events.map(() => undefined)
  }, batching)
  return { record: event => record({ ...event, at: now ? now() : null }) }
}

/** Each column of a stored event and its SQL type, in table order. */
const COLUMNS = {
  at: 'timestamptz',
  actor_type: 'text',
  actor_id: 'text',
  actor_role: 'text',
  subject_ref: 'text',
  subject_masked: 'text',
  subject_region: 'text',
  channel: 'text',
  action: 'text',
  target: 'text',
  success: 'boolean',
  request_id: 'text',
  client_ip: 'text',
  detail: 'jsonb',
} as const

const NAMES = Object.keys(COLUMNS).join(', ')
const RECORD = Object.entries(COLUMNS).map(([name, type]) => `${name} ${type}`).join(', ')
/**
 * The whole batch as one JSON parameter, in batch order (ids follow the order events happened in), so the
 * statement's text is the same for every batch size. Measured on both drivers against a multi-row VALUES
 * with 14 parameters a row: about the same for one event, 1.5–2.7× the rows per second from 10 events up.
 * An event with no time of its own takes the database's.
 */
const INSERT_BATCH = `insert into audit_events (${NAMES})
  select ${Object.keys(COLUMNS).map(name => name === 'at' ? 'coalesce(at, now())' : name).join(', ')}
  from rows from (jsonb_to_recordset($1::jsonb) as (${RECORD})) with ordinality as r(${NAMES}, n) order by n`

/** One INSERT for the whole batch, run on the driver directly (the query builder cost more than the insert). */
async function recordMany(storage: Pick<Storage, 'run'>, events: (AuditEvent & { at: Date | null })[]): Promise<void> {
  const rows = events.map(e => ({
    at: e.at?.toISOString() ?? null,
    actor_type: e.actorType,
    actor_id: e.actorId,
    actor_role: e.actorRole ?? null,
    subject_ref: e.subjectRef ?? null,
    subject_masked: e.subjectMasked ?? null,
    subject_region: e.subjectRegion ?? null,
    channel: e.channel,
    action: e.action,
    target: e.target ?? null,
    success: e.success,
    request_id: e.requestId ?? null,
    client_ip: e.clientIp ?? null,
    detail: e.detail ?? null,
  } satisfies Record<keyof typeof COLUMNS, unknown>))
  await storage.run(INSERT_BATCH, [JSON.stringify(rows)])
}

/**
 * Newest events about one subject (a resident's 访问记录), a page at a time: `before` is the id of the last event
 * of the previous page, and the page goes on from just after it in the same (time, id) order, so an event
 * written meanwhile neither repeats nor hides one (keyset paging).
 */
export async function listAuditForSubject(db: Database, subjectRef: string, limit = 50, before?: number) {
  const older = before === undefined
    ? undefined
    : sql`(${auditEvents.at}, ${auditEvents.id}) < (select a.at, a.id from audit_events a where a.id = ${before})`
  return db.select().from(auditEvents)
    .where(and(eq(auditEvents.subjectRef, subjectRef), older))
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(limit)
}
