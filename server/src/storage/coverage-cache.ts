import type { Database } from './types'
import { eq, sql } from 'drizzle-orm'
import { coverageCache } from './schema'

/** A sealed cached coverage view and when it was fetched. */
export interface CachedCoverage {
  payloadEnc: string
  asOf: Date
}

/** The cached view of one person (by cert ref), or `null`. */
export async function readCoverageCache(db: Database, certRef: string): Promise<CachedCoverage | null> {
  const rows = await db.select({ payloadEnc: coverageCache.payloadEnc, asOf: coverageCache.asOf }).from(coverageCache).where(eq(coverageCache.certRef, certRef)).limit(1)
  return rows[0] ?? null
}

/** Stores a person's view; an older view never replaces a newer one (concurrent requests, several instances). */
export async function writeCoverageCache(db: Database, certRef: string, entry: CachedCoverage): Promise<void> {
  await db.insert(coverageCache)
    .values({ certRef, ...entry })
    .onConflictDoUpdate({
      target: coverageCache.certRef,
      set: { payloadEnc: sql`excluded.payload_enc`, asOf: sql`excluded.as_of` },
      setWhere: sql`excluded.as_of >= ${coverageCache.asOf}`,
    })
}
