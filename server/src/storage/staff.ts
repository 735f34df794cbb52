import type { StaffRoleValue } from '@yibao/shared'
import type { Database } from './types'
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm'
import { staffAccounts } from './schema'

/** clerk (窗口经办) | supervisor (科室负责人) | admin (系统管理员). */
export type StaffRole = StaffRoleValue

/** A help-desk account as stored (password hash and sealed TOTP secret included: stays in the BFF). */
export type StaffAccount = Omit<typeof staffAccounts.$inferSelect, 'role'> & { role: StaffRole }

function toAccount(row: typeof staffAccounts.$inferSelect): StaffAccount {
  return { ...row, role: row.role as StaffRole }
}

/** What `insertStaff` writes (the password already hashed). */
export interface NewStaffAccount {
  username: string
  displayName: string
  role: StaffRole
  regionCodes: string[]
  passwordHash: string
}

/** Inserts an account; resolves null when the username is taken. */
export async function insertStaff(db: Database, a: NewStaffAccount): Promise<StaffAccount | null> {
  const rows = await db.insert(staffAccounts).values(a).onConflictDoNothing({ target: staffAccounts.username }).returning()
  return rows[0] ? toAccount(rows[0]) : null
}

/** One account by id or (lower-case) username, or null. */
export async function findStaffBy(db: Database, field: 'id' | 'username', value: string): Promise<StaffAccount | null> {
  const rows = await db.select().from(staffAccounts).where(eq(staffAccounts[field], value)).limit(1)
  return rows[0] ? toAccount(rows[0]) : null
}

/** Display names of accounts by id (for showing who did what); unknown ids are left out. */
export async function staffNames(db: Database, ids: string[]): Promise<Map<string, string>> {
  const uuids = ids.filter(id => /^[0-9a-f-]{36}$/i.test(id))
  if (!uuids.length) return new Map()
  const rows = await db.select({ id: staffAccounts.id, name: staffAccounts.displayName })
    .from(staffAccounts).where(inArray(staffAccounts.id, uuids))
  return new Map(rows.map(r => [r.id, r.name]))
}

/**
 * Counts one failed attempt; the `lockAfter`-th consecutive one locks the account until `lockUntil`.
 * Atomic (one UPDATE), so parallel guesses cannot slip past the limit. Returns the account after it.
 */
export async function recordStaffFailure(db: Database, id: string, lockAfter: number, lockUntil: Date, now: Date): Promise<StaffAccount | null> {
  const failures = sql`${staffAccounts.failedAttempts} + 1`
  const rows = await db.update(staffAccounts).set({
    failedAttempts: sql`case when ${failures} >= ${lockAfter} then 0 else ${failures} end`,
    lockedUntil: sql`case when ${failures} >= ${lockAfter} then ${lockUntil.toISOString()}::timestamptz else ${staffAccounts.lockedUntil} end`,
    updatedAt: now,
  }).where(eq(staffAccounts.id, id)).returning()
  return rows[0] ? toAccount(rows[0]) : null
}

/** A full sign-in: the failure count starts again. */
export async function clearStaffFailures(db: Database, id: string, now: Date): Promise<void> {
  await db.update(staffAccounts).set({ failedAttempts: 0, lockedUntil: null, updatedAt: now }).where(eq(staffAccounts.id, id))
}

/** Stores the (sealed) TOTP secret offered at enrolment; enrolment completes with the first valid code. */
export async function setStaffTotpSecret(db: Database, id: string, totpSecretEnc: string, now: Date): Promise<void> {
  await db.update(staffAccounts).set({ totpSecretEnc, totpEnrolled: false, totpLastStep: null, updatedAt: now }).where(eq(staffAccounts.id, id))
}

/**
 * Accepts TOTP time step `step` for the account once: true only if no code of this or a later step was
 * accepted before (a single conditional UPDATE, so two requests racing with one code cannot both win).
 * Marks the account enrolled.
 */
export async function consumeStaffTotpStep(db: Database, id: string, step: number, now: Date): Promise<boolean> {
  const rows = await db.update(staffAccounts)
    .set({ totpLastStep: step, totpEnrolled: true, updatedAt: now })
    .where(and(eq(staffAccounts.id, id), or(isNull(staffAccounts.totpLastStep), lt(staffAccounts.totpLastStep, step))))
    .returning({ id: staffAccounts.id })
  return rows.length === 1
}

/** Admin `reset-mfa`: the next sign-in enrols a new authenticator. */
export async function resetStaffMfa(db: Database, username: string, now: Date): Promise<boolean> {
  const rows = await db.update(staffAccounts).set({ totpSecretEnc: null, totpEnrolled: false, totpLastStep: null, updatedAt: now }).where(eq(staffAccounts.username, username)).returning({ id: staffAccounts.id })
  return rows.length === 1
}

/** Admin `unlock`: clears the lock and the failure count. */
export async function unlockStaff(db: Database, username: string, now: Date): Promise<boolean> {
  const rows = await db.update(staffAccounts).set({ failedAttempts: 0, lockedUntil: null, updatedAt: now }).where(eq(staffAccounts.username, username)).returning({ id: staffAccounts.id })
  return rows.length === 1
}
