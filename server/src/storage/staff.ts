import type { StaffRoleValue } from '@yibao/shared'
import type { Database } from './types'
import { and, asc, eq, gt, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm'
import { sessions, signInGuards, staffAccounts } from './schema'
import { isUuid } from './ids'

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
  const uuids = ids.filter(isUuid)
  if (!uuids.length) return new Map()
  const rows = await db.select({ id: staffAccounts.id, name: staffAccounts.displayName })
    .from(staffAccounts).where(inArray(staffAccounts.id, uuids))
  return new Map(rows.map(r => [r.id, r.name]))
}

/** The sign-in guards' name for an account (unknown usernames get `unknown:<keyed hash>`). */
export function staffGuardRef(id: string): string {
  return `staff:${id}`
}

/** `source_ref` of the row counting an account's failures from every source. */
export const ALL_SOURCES = '*'

/** What `reserveSignInAttempt` answers. */
export type SignInReservation
  = | { allowed: true, attempt: number, lockedUntil: Date | null }
    | { allowed: false, lockedUntil: Date | null }

/**
 * Reserves one sign-in attempt of an account from a source BEFORE its factor is checked: one conditional
 * upsert counts it as failed up front unless that account and source are locked, so a burst of parallel
 * guesses gets exactly `lockAfter` checks. The `lockAfter`-th attempt also sets the lock (until
 * `lockUntil`) at once; `releaseSignInAttempt` takes it back when that attempt succeeds. Refused
 * attempts learn how long the lock lasts.
 */
export async function reserveSignInAttempt(
  db: Database,
  g: { accountRef: string, sourceRef: string, lockAfter: number, lockUntil: Date, now: Date },
): Promise<SignInReservation> {
  const next = sql`${signInGuards.failures} + 1`
  const last = sql`${next} >= ${g.lockAfter}`
  const rows = await db.insert(signInGuards)
    .values({
      accountRef: g.accountRef,
      sourceRef: g.sourceRef,
      failures: g.lockAfter <= 1 ? 0 : 1,
      lockedUntil: g.lockAfter <= 1 ? g.lockUntil : null,
      updatedAt: g.now,
    })
    .onConflictDoUpdate({
      target: [signInGuards.accountRef, signInGuards.sourceRef],
      set: {
        // A lock starts the count again once it has passed.
        failures: sql`case when ${last} then 0 else ${next} end`,
        lockedUntil: sql`case when ${last} then ${g.lockUntil.toISOString()}::timestamptz else null end`,
        updatedAt: g.now,
      },
      where: or(isNull(signInGuards.lockedUntil), lte(signInGuards.lockedUntil, g.now)),
    })
    .returning({ failures: signInGuards.failures, lockedUntil: signInGuards.lockedUntil })
  const row = rows[0]
  if (row) return { allowed: true, attempt: row.lockedUntil ? g.lockAfter : row.failures, lockedUntil: row.lockedUntil }
  const [locked] = await db.select({ lockedUntil: signInGuards.lockedUntil }).from(signInGuards)
    .where(and(eq(signInGuards.accountRef, g.accountRef), eq(signInGuards.sourceRef, g.sourceRef)))
  return { allowed: false, lockedUntil: locked?.lockedUntil ?? null }
}

/**
 * Takes back a reserved attempt whose factor was right but that is not yet a full sign-in (the password
 * before its TOTP code): it no longer counts, and a lock it set is lifted.
 */
export async function releaseSignInAttempt(
  db: Database,
  g: { accountRef: string, sourceRef: string, lockAfter: number, reserved: SignInReservation & { allowed: true } },
  now: Date,
): Promise<void> {
  const pair = and(eq(signInGuards.accountRef, g.accountRef), eq(signInGuards.sourceRef, g.sourceRef))
  if (g.reserved.lockedUntil) {
    await db.update(signInGuards).set({ failures: g.lockAfter - 1, lockedUntil: null, updatedAt: now })
      .where(and(pair, eq(signInGuards.lockedUntil, g.reserved.lockedUntil)))
  }
  else {
    await db.update(signInGuards).set({ failures: sql`greatest(${signInGuards.failures} - 1, 0)`, updatedAt: now })
      .where(and(pair, isNull(signInGuards.lockedUntil)))
  }
}

/**
 * Counts a failed attempt in the account's row for every source (`ALL_SOURCES`); failures older than
 * `since` are forgotten. Returns the count.
 */
export async function countAccountFailure(db: Database, accountRef: string, since: Date, now: Date): Promise<number> {
  const rows = await db.insert(signInGuards)
    .values({ accountRef, sourceRef: ALL_SOURCES, failures: 1, updatedAt: now })
    .onConflictDoUpdate({
      target: [signInGuards.accountRef, signInGuards.sourceRef],
      set: {
        failures: sql`case when ${signInGuards.updatedAt} < ${since.toISOString()}::timestamptz then 1
          else ${signInGuards.failures} + 1 end`,
        updatedAt: now,
      },
    })
    .returning({ failures: signInGuards.failures })
  return rows[0]?.failures ?? 0
}

/** An account's failures from every source since `since` (0 when none). */
export async function accountFailures(db: Database, accountRef: string, since: Date): Promise<number> {
  const [row] = await db.select({ failures: signInGuards.failures }).from(signInGuards)
    .where(and(eq(signInGuards.accountRef, accountRef), eq(signInGuards.sourceRef, ALL_SOURCES),
      gte(signInGuards.updatedAt, since)))
  return row?.failures ?? 0
}

/** A full sign-in (password and TOTP) from a source: its count and the account's count start again. */
export async function clearSignInGuards(db: Database, accountRef: string, sourceRef: string): Promise<void> {
  await db.delete(signInGuards)
    .where(and(eq(signInGuards.accountRef, accountRef), inArray(signInGuards.sourceRef, [sourceRef, ALL_SOURCES])))
}

/** Housekeeping: drops counts untouched since `before` whose lock (if any) has passed by then. */
export async function pruneSignInGuards(db: Database, before: Date): Promise<void> {
  await db.delete(signInGuards).where(and(
    lt(signInGuards.updatedAt, before),
    or(isNull(signInGuards.lockedUntil), lt(signInGuards.lockedUntil, before)),
  ))
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

/** Admin `unlock`: lifts the account's locks and forgets its failed attempts, from every source. */
export async function unlockStaff(db: Database, username: string): Promise<boolean> {
  const account = await findStaffBy(db, 'username', username)
  if (!account) return false
  await db.delete(signInGuards).where(eq(signInGuards.accountRef, staffGuardRef(account.id)))
  return true
}

/** Every staff account, by username (a few hundred at most: the admin page filters them by region). */
export async function listStaff(db: Database): Promise<StaffAccount[]> {
  const rows = await db.select().from(staffAccounts).orderBy(asc(staffAccounts.username))
  return rows.map(toAccount)
}

/** Ids of the accounts locked from at least one source right now (`staffGuardRef` rows with a lock not yet over). */
export async function lockedStaffIds(db: Database, now: Date): Promise<Set<string>> {
  const rows = await db.selectDistinct({ ref: signInGuards.accountRef }).from(signInGuards)
    .where(and(sql`${signInGuards.accountRef} like 'staff:%'`, gt(signInGuards.lockedUntil, now)))
  return new Set(rows.map(r => r.ref.slice('staff:'.length)))
}

/** 停用 (`disabledAt` a date) or 启用 (null) an account; false when there is no such account. */
export async function setStaffDisabled(db: Database, id: string, disabledAt: Date | null, now: Date): Promise<boolean> {
  const rows = await db.update(staffAccounts).set({ disabledAt, updatedAt: now })
    .where(eq(staffAccounts.id, id)).returning({ id: staffAccounts.id })
  return rows.length === 1
}

/** Changes an account's role and regions; false when there is no such account. */
export async function setStaffAccess(db: Database, id: string, access: { role: StaffRole, regionCodes: string[] }, now: Date): Promise<boolean> {
  const rows = await db.update(staffAccounts).set({ ...access, updatedAt: now })
    .where(eq(staffAccounts.id, id)).returning({ id: staffAccounts.id })
  return rows.length === 1
}

/** Notes a full sign-in (password and TOTP) of an account. */
export async function recordStaffSignIn(db: Database, id: string, now: Date): Promise<void> {
  await db.update(staffAccounts).set({ lastSignInAt: now }).where(eq(staffAccounts.id, id))
}

/**
 * Ends every live session of a staff account: its signed-in sessions and a sign-in half-way (password
 * done, TOTP code not yet: a `pending` session naming the account). Returns the ids ended.
 */
export async function revokeStaffSessions(db: Database, id: string, now: Date): Promise<string[]> {
  const rows = await db.update(sessions).set({ revokedAt: now })
    .where(and(isNull(sessions.revokedAt), or(
      and(eq(sessions.kind, 'staff'), eq(sessions.accountId, id)),
      and(eq(sessions.kind, 'pending'), sql`${sessions.data}->>'staffId' = ${id}`),
    )))
    .returning({ id: sessions.id })
  return rows.map(r => r.id)
}
