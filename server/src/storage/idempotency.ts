import type { Database } from './types'
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm'
import { idempotencyKeys } from './schema'

export type IdempotencyRecord = typeof idempotencyKeys.$inferSelect

export type ClaimResult
  = | { kind: 'new', record: IdempotencyRecord }
    | { kind: 'resumed', record: IdempotencyRecord }
    | { kind: 'replay', record: IdempotencyRecord }
    | { kind: 'in_use' }
    | { kind: 'mismatch' }

/** How long a claimed key stays locked before another attempt may resume it (a crashed request). */
export const LOCK_TIMEOUT_MS = 90_000

/**
 * Claims (principal, route, key) for one request (Stripe/Brandur design, one conditional statement
 * per step so two BFF instances can race safely):
 * - first use → `new`;
 * - finished → `replay` the stored response;
 * - same key, different body → `mismatch`;
 * - another attempt holds the lock → `in_use`; a lock older than 90 s (crash) → `resumed`.
 */
export async function claimIdempotencyKey(db: Database, k: { principal: string, route: string, key: string, requestHash: string, now: Date }): Promise<ClaimResult> {
  const inserted = await db.insert(idempotencyKeys)
    .values({ principal: k.principal, route: k.route, key: k.key, requestHash: k.requestHash, lockedAt: k.now, createdAt: k.now, lastRunAt: k.now, recoveryPoint: 'started' })
    .onConflictDoNothing()
    .returning()
  if (inserted[0]) return { kind: 'new', record: inserted[0] }
  const where = and(eq(idempotencyKeys.principal, k.principal), eq(idempotencyKeys.route, k.route), eq(idempotencyKeys.key, k.key))
  const [existing] = await db.select().from(idempotencyKeys).where(where).limit(1)
  if (!existing) return { kind: 'in_use' }
  if (existing.requestHash !== k.requestHash) return { kind: 'mismatch' }
  if (existing.responseStatus !== null) return { kind: 'replay', record: existing }
  // Take over only an unlocked or stale lock, atomically.
  const stale = new Date(k.now.getTime() - LOCK_TIMEOUT_MS)
  const taken = await db.update(idempotencyKeys)
    .set({ lockedAt: k.now, lastRunAt: k.now })
    .where(and(where, isNull(idempotencyKeys.responseStatus), or(isNull(idempotencyKeys.lockedAt), lt(idempotencyKeys.lockedAt, stale))))
    .returning()
  return taken[0] ? { kind: 'resumed', record: taken[0] } : { kind: 'in_use' }
}

/** Stores the final response (replayed to every later attempt with the same key) and unlocks. */
export async function finishIdempotencyKey(db: Database, id: number, status: number, body: unknown): Promise<void> {
  await db.update(idempotencyKeys).set({ responseStatus: status, responseBody: body as object, lockedAt: null, recoveryPoint: 'finished' }).where(eq(idempotencyKeys.id, id))
}

/** Unlocks without a stored response, so a retry with the same key re-drives the request. */
export async function releaseIdempotencyKey(db: Database, id: number): Promise<void> {
  await db.update(idempotencyKeys).set({ lockedAt: null }).where(eq(idempotencyKeys.id, id))
}

export async function setRecoveryPoint(db: Database, id: number, point: string): Promise<void> {
  await db.update(idempotencyKeys).set({ recoveryPoint: point, lastRunAt: sql`now()` }).where(eq(idempotencyKeys.id, id))
}
