import type { Database } from './types'
import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm'
import { otpCodes } from './schema'

export async function insertOtp(db: Database, o: { purpose: string, phoneRef: string, codeHash: string, expiresAt: Date, now: Date }): Promise<void> {
  await db.insert(otpCodes).values({ purpose: o.purpose, phoneRef: o.phoneRef, codeHash: o.codeHash, expiresAt: o.expiresAt, createdAt: o.now })
}

/** The newest unexpired, unconsumed code for a phone and purpose. */
export async function latestOtp(db: Database, phoneRef: string, purpose: string, now: Date) {
  const rows = await db.select().from(otpCodes)
    .where(and(eq(otpCodes.phoneRef, phoneRef), eq(otpCodes.purpose, purpose), isNull(otpCodes.consumedAt), gt(otpCodes.expiresAt, now)))
    .orderBy(desc(otpCodes.createdAt))
    .limit(1)
  return rows[0] ?? null
}

/**
 * Reserves one attempt at a code before it is compared: a single conditional UPDATE, so parallel
 * guesses cannot all read the same count. False when the code has had `limit` attempts already.
 */
export async function reserveOtpAttempt(db: Database, id: string, limit: number): Promise<boolean> {
  const rows = await db.update(otpCodes)
    .set({ attempts: sql`${otpCodes.attempts} + 1` })
    .where(and(eq(otpCodes.id, id), lt(otpCodes.attempts, limit)))
    .returning({ attempts: otpCodes.attempts })
  return rows.length === 1
}

/** Consumes a code once: false when another request consumed it first. */
export async function consumeOtp(db: Database, id: string, now: Date): Promise<boolean> {
  const rows = await db.update(otpCodes).set({ consumedAt: now }).where(and(eq(otpCodes.id, id), isNull(otpCodes.consumedAt))).returning({ id: otpCodes.id })
  return rows.length === 1
}
