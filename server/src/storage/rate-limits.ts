import type { Database } from './types'
import { lt, sql } from 'drizzle-orm'
import { rateLimits } from './schema'

/**
 * Counts one hit in the fixed window that contains `now` and returns the count so far. Atomic on
 * PostgreSQL (one upsert), so several BFF instances share the same budget.
 */
export async function hitRateLimit(db: Database, bucket: string, subject: string, windowSeconds: number, now: Date): Promise<{ count: number, resetAt: Date }> {
  const [result] = await hitRateLimits(db, [{ bucket, subject, windowSeconds, now }])
  return result!
}

export interface RateLimitHit { bucket: string, subject: string, windowSeconds: number, now: Date }

/**
 * Counts many hits with one statement: hits on the same counter are added together (an upsert may not
 * touch one row twice), and each hit learns its own position in the window's count.
 */
export async function hitRateLimits(db: Database, hits: RateLimitHit[]): Promise<{ count: number, resetAt: Date }[]> {
  const groups = new Map<string, { bucket: string, subject: string, windowStart: Date, resetAt: Date, indices: number[] }>()
  hits.forEach((h, i) => {
    const windowMs = h.windowSeconds * 1000
    const windowStart = new Date(Math.floor(h.now.getTime() / windowMs) * windowMs)
    const key = `${h.bucket}\u0000${h.subject}\u0000${windowStart.getTime()}`
    const g = groups.get(key) ?? { bucket: h.bucket, subject: h.subject, windowStart, resetAt: new Date(windowStart.getTime() + windowMs), indices: [] }
    g.indices.push(i)
    groups.set(key, g)
  })
  const list = [...groups.values()]
  const rows = await db.insert(rateLimits)
    .values(list.map(g => ({ bucket: g.bucket, subject: g.subject, windowStart: g.windowStart, count: g.indices.length })))
    .onConflictDoUpdate({ target: [rateLimits.bucket, rateLimits.subject, rateLimits.windowStart], set: { count: sql`${rateLimits.count} + excluded.count` } })
    .returning({ bucket: rateLimits.bucket, subject: rateLimits.subject, windowStart: rateLimits.windowStart, count: rateLimits.count })
  const results: { count: number, resetAt: Date }[] = Array.from({ length: hits.length })
  for (const g of list) {
    const row = rows.find(r => r.bucket === g.bucket && r.subject === g.subject && r.windowStart.getTime() === g.windowStart.getTime())!
    // The batch's hits are the last `n` of the row's count, in arrival order.
    const first = row.count - g.indices.length
    g.indices.forEach((hitIndex, k) => { results[hitIndex] = { count: first + k + 1, resetAt: g.resetAt } })
  }
  return results
}

/** Drops windows that ended before `before` (housekeeping; safe to run from any instance). */
export async function pruneRateLimits(db: Database, before: Date): Promise<void> {
  await db.delete(rateLimits).where(lt(rateLimits.windowStart, before))
}
