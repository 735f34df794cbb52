import type { SQL } from 'drizzle-orm'
import type { Database } from './types'
import { and, desc, eq, gte, like, lt, or, sql } from 'drizzle-orm'
import { regionLikePattern } from '../domain/region'
import { auditEvents, staffAccounts } from './schema'

/** Which audit events to list: region scope, Shanghai-day span as instants, and the page window. */
export interface AuditListQuery {
  /** Region codes whose subjects to include (see `regionCovers`), or `all` (admins). */
  regions: readonly string[] | 'all'
  from: Date
  /** Exclusive. */
  to: Date
  limit: number
  offset: number
}

/**
 * Audit events, newest first, with the staff member's username. With region codes, only events
 * about subjects whose 参保地 those codes cover (events without a subject region are left out).
 */
export async function listAuditEvents(db: Database, q: AuditListQuery) {
  const conditions: (SQL | undefined)[] = [gte(auditEvents.at, q.from), lt(auditEvents.at, q.to)]
  if (q.regions !== 'all') {
    const patterns = q.regions.map(regionLikePattern)
    if (!patterns.length) return []
    conditions.push(or(...patterns.map(p => p.endsWith('%') ? like(auditEvents.subjectRegion, p) : eq(auditEvents.subjectRegion, p))))
  }
  return db.select({
    id: auditEvents.id,
    at: auditEvents.at,
    actorType: auditEvents.actorType,
    actorId: auditEvents.actorId,
    actorRole: auditEvents.actorRole,
    staffUsername: staffAccounts.username,
    subjectMasked: auditEvents.subjectMasked,
    subjectRegion: auditEvents.subjectRegion,
    channel: auditEvents.channel,
    action: auditEvents.action,
    success: auditEvents.success,
    detail: auditEvents.detail,
  })
    .from(auditEvents)
    .leftJoin(staffAccounts, and(eq(auditEvents.actorType, 'staff'), eq(auditEvents.actorId, sql`${staffAccounts.id}::text`)))
    .where(and(...conditions))
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(q.limit)
    .offset(q.offset)
}
