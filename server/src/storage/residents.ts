import type { Database } from './types'
import { eq, sql } from 'drizzle-orm'
import { residentAccounts } from './schema'

export type ResidentAccount = typeof residentAccounts.$inferSelect

export async function findResidentBy(db: Database, field: 'id' | 'certRef' | 'phoneRef' | 'openid', value: string): Promise<ResidentAccount | null> {
  const rows = await db.select().from(residentAccounts).where(eq(residentAccounts[field], value)).limit(1)
  return rows[0] ?? null
}

/** Creates the account for a person, or attaches a new phone / openid to the existing one. */
export async function upsertResident(db: Database, a: { certRef: string, certNoEnc: string, nameMasked: string, regionCode: string, phoneRef?: string, phoneEnc?: string, openid?: string }): Promise<ResidentAccount> {
  const set: Record<string, unknown> = { nameMasked: a.nameMasked, regionCode: a.regionCode, updatedAt: sql`now()` }
  if (a.phoneRef) Object.assign(set, { phoneRef: a.phoneRef, phoneEnc: a.phoneEnc })
  if (a.openid) set.openid = a.openid
  const rows = await db.insert(residentAccounts).values(a).onConflictDoUpdate({ target: residentAccounts.certRef, set }).returning()
  return rows[0]!
}
