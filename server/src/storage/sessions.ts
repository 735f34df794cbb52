import type { Database } from './types'
import { and, eq, isNull } from 'drizzle-orm'
import { sessions } from './schema'

export type SessionKind = 'resident' | 'staff' | 'pending'

export interface SessionRecord {
  id: string
  kind: SessionKind
  accountId: string | null
  data: Record<string, unknown>
  csrfToken: string
  createdAt: Date
  lastSeenAt: Date
  idleTimeoutS: number
  expiresAt: Date
}

export interface NewSession {
  id: string
  kind: SessionKind
  accountId: string | null
  data?: Record<string, unknown>
  csrfToken: string
  idleTimeoutS: number
  expiresAt: Date
  userAgent?: string
  now: Date
}

export async function insertSession(db: Database, s: NewSession): Promise<void> {
  await db.insert(sessions).values({
    id: s.id,
    kind: s.kind,
    accountId: s.accountId,
    data: s.data ?? {},
    csrfToken: s.csrfToken,
    idleTimeoutS: s.idleTimeoutS,
    expiresAt: s.expiresAt,
    userAgent: s.userAgent?.slice(0, 200),
    createdAt: s.now,
    lastSeenAt: s.now,
  })
}

/** A live session: not revoked, not past its absolute expiry, not idle for longer than allowed. */
export async function findLiveSession(db: Database, id: string, now: Date): Promise<SessionRecord | null> {
  const rows = await db.select().from(sessions).where(and(eq(sessions.id, id), isNull(sessions.revokedAt))).limit(1)
  const row = rows[0]
  if (!row) return null
  if (row.expiresAt <= now || now.getTime() - row.lastSeenAt.getTime() > row.idleTimeoutS * 1000) return null
  return { ...row, kind: row.kind as SessionKind, data: row.data ?? {} }
}

export async function touchSession(db: Database, id: string, now: Date): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id))
}

/** Replaces a live session's data (what the session itself has proved so far). */
export async function updateSessionData(db: Database, id: string, data: Record<string, unknown>): Promise<void> {
  await db.update(sessions).set({ data }).where(and(eq(sessions.id, id), isNull(sessions.revokedAt)))
}

/** Ends a session; false when it had already ended (another request used it up first). */
export async function revokeSession(db: Database, id: string, now: Date): Promise<boolean> {
  const ended = await db.update(sessions).set({ revokedAt: now })
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id })
  return ended.length > 0
}

/** "Sign out everywhere": every live session of one account. */
export async function revokeAccountSessions(db: Database, kind: SessionKind, accountId: string, now: Date): Promise<void> {
  await db.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.kind, kind), eq(sessions.accountId, accountId), isNull(sessions.revokedAt)))
}

export async function listAccountSessions(db: Database, kind: SessionKind, accountId: string) {
  return db.select({ id: sessions.id, createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt, expiresAt: sessions.expiresAt, idleTimeoutS: sessions.idleTimeoutS, userAgent: sessions.userAgent })
    .from(sessions)
    .where(and(eq(sessions.kind, kind), eq(sessions.accountId, accountId), isNull(sessions.revokedAt)))
}
