import type { Database } from './types'
import { eq, isNull, or, sql } from 'drizzle-orm'
import { residentAccounts } from './schema'

export type ResidentAccount = typeof residentAccounts.$inferSelect

export async function findResidentBy(db: Database, field: 'id' | 'certRef' | 'phoneRef' | 'openid', value: string): Promise<ResidentAccount | null> {
  const rows = await db.select().from(residentAccounts).where(eq(residentAccounts[field], value)).limit(1)
  return rows[0] ?? null
}

const PHONE_UNIQUE = 'resident_accounts_phone_ref_unique'

/** A write refused because the phone is already bound to another person's account. */
export function isPhoneTaken(error: unknown): boolean {
  type PgError = { code?: string, constraint?: string, constraint_name?: string, message?: string, cause?: unknown }
  for (let e = error as PgError | undefined; e; e = e.cause as PgError | undefined) {
    if (e.code === '23505' && [e.constraint, e.constraint_name, e.message].some(x => x?.includes(PHONE_UNIQUE))) return true
  }
  return false
}

export interface NewResident {
  certRef: string
  certNoEnc: string
  nameMasked: string
  regionCode: string
  phoneRef?: string
  phoneEnc?: string
  openid?: string
}

/**
 * Creates the account for a person, or attaches a new phone / openid to the existing one. Throws a
 * unique violation (`isPhoneTaken`) when the phone belongs to another person's account.
 * `samePhoneOnly`: update an existing account only while it has no phone or this one (a bind racing a
 * recovery that moved the account to another phone updates nothing); `null` then.
 */
export async function upsertResident(db: Database, a: NewResident): Promise<ResidentAccount>
export async function upsertResident(
  db: Database, a: NewResident, opts: { samePhoneOnly: true }): Promise<ResidentAccount | null>
export async function upsertResident(
  db: Database, a: NewResident, opts: { samePhoneOnly?: boolean } = {}): Promise<ResidentAccount | null> {
  const set: Record<string, unknown> = { nameMasked: a.nameMasked, regionCode: a.regionCode, updatedAt: sql`now()` }
  if (a.phoneRef) Object.assign(set, { phoneRef: a.phoneRef, phoneEnc: a.phoneEnc })
  if (a.openid) set.openid = a.openid
  const where = opts.samePhoneOnly && a.phoneRef
    ? or(isNull(residentAccounts.phoneRef), eq(residentAccounts.phoneRef, a.phoneRef))
    : undefined
  const rows = await db.insert(residentAccounts).values(a)
    .onConflictDoUpdate({ target: residentAccounts.certRef, set, ...(where && { setWhere: where }) })
    .returning()
  return rows[0] ?? null
}
