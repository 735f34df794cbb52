import type { Database, Storage } from './types'
import { and, desc, eq, sql } from 'drizzle-orm'
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
export function createAuditWriter(storage: Pick<Storage, 'run'>, maxBatch = 200, now?: () => Date): AuditWriter {
  const record = createBatcher<AuditEvent & { at: Date | null }, void>(async (events) => {
    await recordMany(storage, events)
    return events.map(() => undefined)
  }, maxBatch)
  return { record: event => record({ ...event, at: now ? now() : null }) }
}

const COLUMNS = ['at', 'actor_type', 'actor_id', 'actor_role', 'subject_ref', 'subject_masked', 'subject_region', 'channel', 'action', 'target', 'success', 'request_id', 'client_ip', 'detail'] as const

/**
 * One multi-row INSERT for the whole batch, in batch order (ids follow the order events happened in),
 * run on the driver directly: through the query builder it cost several times the insert itself.
 */
async function recordMany(storage: Pick<Storage, 'run'>, events: (AuditEvent & { at: Date | null })[]): Promise<void> {
  const params: unknown[] = []
  const rows = events.map((e) => {
    const first = params.length + 1
    params.push(e.at?.toISOString() ?? new Date().toISOString(), e.actorType, e.actorId, e.actorRole ?? null, e.subjectRef ?? null, e.subjectMasked ?? null, e.subjectRegion ?? null, e.channel, e.action, e.target ?? null, e.success, e.requestId ?? null, e.clientIp ?? null, e.detail === undefined ? null : JSON.stringify(e.detail))
    return `(${COLUMNS.map((c, i) => `$${first + i}${c === 'success' ? '::boolean' : c === 'detail' ? '::jsonb' : c === 'at' ? '::timestamptz' : '::text'}`).join(', ')})`
  })
  await storage.run(`insert into audit_events (${COLUMNS.join(', ')}) values ${rows.join(', ')}`, params)
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
