import type { ErrorCode, StaffAccessInput, StaffAccountView, StaffCreated, StaffCreateInput, StaffList } from '@yibao/shared'
import type { Env } from '../env'
import type { SessionRecord } from '../storage/sessions'
import type { StaffAccount } from '../storage/staff'
import type { Database } from '../storage/types'
import type { TtlCache } from './ttl-cache'
import { STAFF_ROLE_VALUES, toShanghaiIso } from '@yibao/shared'
import { regionLabel, regionName } from '@yibao/shared/region-names'
import { z } from 'zod'
import { anyRegionCovers } from '../domain/region'
import {
  findStaffBy,
  insertStaff,
  listStaff,
  lockedStaffIds,
  resetStaffMfa,
  revokeStaffSessions,
  setStaffAccess,
  setStaffDisabled,
  unlockStaff,
} from '../storage/staff'
import { AppError } from './errors'
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH } from './password'

/** What an operator gives to create a staff account (checked before anything is written). */
export const CreateStaffInputSchema = z.object({
  username: z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9._-]{1,31}$/, 'username: 2–32 of a-z 0-9 . _ -, starting with a letter or digit'),
  displayName: z.string().trim().min(1, 'name is required').max(30, 'name is too long'),
  role: z.enum(STAFF_ROLE_VALUES, { error: `role must be one of ${STAFF_ROLE_VALUES.join(', ')}` }),
  regionCodes: z.array(z.string().regex(/^\d{6}$/, 'each region is a 6-digit code, e.g. 370500')).min(1, 'at least one region code'),
  password: z.string().min(MIN_PASSWORD_LENGTH, `password: at least ${MIN_PASSWORD_LENGTH} characters`).max(256).optional(),
})
/** Input of `createStaffAccount` (before trimming and lower-casing). */
export type CreateStaffInput = z.input<typeof CreateStaffInputSchema>

/** An operator mistake (bad input, unknown or taken username): printed, never a stack trace. */
export class StaffAdminError extends Error {
  override readonly name = 'StaffAdminError'
  /** The error code the admin page answers with (the CLI prints the message). */
  constructor(message: string, readonly code: ErrorCode = 'VALIDATION_FAILED') {
    super(message)
  }
}

/**
 * Creates a staff account. Without a password one is generated: the caller shows it once (it is
 * stored only as an argon2id hash). The authenticator is enrolled at the first sign-in.
 */
export async function createStaffAccount(db: Database, input: CreateStaffInput): Promise<{ account: StaffAccount, password: string, generated: boolean }> {
  const parsed = CreateStaffInputSchema.safeParse(input)
  if (!parsed.success) throw new StaffAdminError(parsed.error.issues.map(i => i.message).join('; '))
  const { password: given, ...rest } = parsed.data
  const password = given ?? generatePassword()
  const account = await insertStaff(db, { ...rest, regionCodes: [...new Set(rest.regionCodes)], passwordHash: await hashPassword(password) })
  if (!account) throw new StaffAdminError(`username ${rest.username} is taken`, 'STAFF_USERNAME_TAKEN')
  return { account, password, generated: given === undefined }
}

/**
 * Clears the authenticator of an account and ends its sessions: the next sign-in enrols a new one.
 * `sessionCache` is this instance's (the admin page's); another instance drops its copy within seconds.
 */
export async function resetStaffMfaByUsername(db: Database, username: string, now: Date, sessionCache?: TtlCache<SessionRecord>): Promise<void> {
  const account = await findStaffBy(db, 'username', username.trim().toLowerCase())
  if (!account || !await resetStaffMfa(db, account.username, now)) throw new StaffAdminError(`no staff account ${username}`, 'STAFF_NOT_FOUND')
  await endStaffSessions(db, account.id, now, sessionCache)
}

/** 停用 (true) or 启用 (false) an account; disabling ends its sessions. */
export async function setStaffDisabledByUsername(db: Database, username: string, disabled: boolean, now: Date, sessionCache?: TtlCache<SessionRecord>): Promise<void> {
  const account = await findStaffBy(db, 'username', username.trim().toLowerCase())
  if (!account || !await setStaffDisabled(db, account.id, disabled ? now : null, now))
    throw new StaffAdminError(`no staff account ${username}`, 'STAFF_NOT_FOUND')
  if (disabled) await endStaffSessions(db, account.id, now, sessionCache)
}

/** Ends every session of an account (signed in, or half-way through sign-in) and drops the cached copies. */
export async function endStaffSessions(db: Database, id: string, now: Date, sessionCache?: TtlCache<SessionRecord>): Promise<void> {
  await revokeStaffSessions(db, id, now)
  sessionCache?.deleteWhere(s => s.accountId === id || s.data.staffId === id)
}

/** Lifts the locks after failed sign-ins (from every source). */
export async function unlockStaffByUsername(db: Database, username: string): Promise<void> {
  if (!await unlockStaff(db, username.trim().toLowerCase())) throw new StaffAdminError(`no staff account ${username}`, 'STAFF_NOT_FOUND')
}

/**
 * Sandbox seeding (`SEED_DEMO_STAFF`): creates each listed account that does not exist yet, with the
 * shared demo password. The env parser refuses it with SANDBOX=off; the check here is a second lock.
 */
export async function seedDemoStaff(db: Database, env: Pick<Env, 'SANDBOX' | 'SEED_DEMO_STAFF' | 'SEED_DEMO_STAFF_PASSWORD'>): Promise<string[]> {
  if (env.SANDBOX === 'off' || !env.SEED_DEMO_STAFF_PASSWORD) return []
  const created: string[] = []
  for (const s of env.SEED_DEMO_STAFF) {
    if (await findStaffBy(db, 'username', s.username)) continue
    await createStaffAccount(db, { username: s.username, displayName: s.username, role: s.role, regionCodes: s.regionCodes, password: env.SEED_DEMO_STAFF_PASSWORD })
    created.push(s.username)
  }
  return created
}

// ---------------------------------------------------------------------------------------------------------
// The admin page (`/api/v1/desk/admin/staff`): the same operations as the CLI, for a signed-in 系统管理员 and
// limited to the accounts of their regions. Refusals are AppErrors; the routes audit every outcome.

/** What the admin page's operations need (the app's deps, or a test's). */
export interface StaffAdminDeps {
  db: Database
  now: () => Date
  sessionCache?: TtlCache<SessionRecord>
}

/** Whether the admin's regions cover every region of an account (only such accounts are theirs to manage). */
export function managesAccount(admin: Pick<StaffAccount, 'regionCodes'>, account: Pick<StaffAccount, 'regionCodes'>): boolean {
  return account.regionCodes.every(code => anyRegionCovers(admin.regionCodes, code))
}

/** 400 for a code that names no division, 403 for one outside the admin's regions. */
export function assertGrantable(admin: Pick<StaffAccount, 'regionCodes'>, regionCodes: readonly string[]): void {
  const unknown = regionCodes.filter(code => !regionName(code))
  if (unknown.length)
    throw new AppError('STAFF_REGION_UNKNOWN', 400, { fields: { regionCodes: `不是有效的行政区划代码：${unknown.join('、')}` } })
  const outside = regionCodes.filter(code => !anyRegionCovers(admin.regionCodes, code))
  if (outside.length)
    throw new AppError('STAFF_REGION_NOT_OWN', 403, { fields: { regionCodes: `不在您的服务区域内：${outside.join('、')}` } })
}

function toView(account: StaffAccount, admin: StaffAccount, locked: Set<string>): StaffAccountView {
  return {
    id: account.id,
    username: account.username,
    displayName: account.displayName,
    role: account.role,
    regions: account.regionCodes.map(code => ({ code, label: regionLabel(code) })),
    mfa: account.totpEnrolled ? 'enrolled' : 'pending',
    locked: locked.has(account.id),
    disabled: account.disabledAt !== null,
    lastSignInAt: account.lastSignInAt ? toShanghaiIso(account.lastSignInAt) : null,
    self: account.id === admin.id,
  }
}

/** The accounts an admin manages (all of whose regions are theirs), and the regions they may grant. */
export async function listManagedStaff(deps: StaffAdminDeps, admin: StaffAccount): Promise<StaffList> {
  const [all, locked] = await Promise.all([listStaff(deps.db), lockedStaffIds(deps.db, deps.now())])
  return {
    accounts: all.filter(a => a.id === admin.id || managesAccount(admin, a)).map(a => toView(a, admin, locked)),
    grantable: admin.regionCodes.map(code => ({ code, label: regionLabel(code) })),
  }
}

/** One account the admin manages, or 404 (an account of other regions is not told apart from none). */
export async function managedStaff(deps: StaffAdminDeps, admin: StaffAccount, id: string): Promise<StaffAccount> {
  const account = await findStaffBy(deps.db, 'id', id)
  if (!account || (account.id !== admin.id && !managesAccount(admin, account))) throw new AppError('STAFF_NOT_FOUND', 404)
  return account
}

/** The admin's own account can be viewed, never changed here (no raising one's own role, no locking oneself out). */
function assertNotSelf(admin: StaffAccount, account: StaffAccount): void {
  if (account.id === admin.id) throw new AppError('STAFF_SELF_CHANGE', 403)
}

async function viewOf(deps: StaffAdminDeps, admin: StaffAccount, id: string): Promise<StaffAccountView> {
  const account = await findStaffBy(deps.db, 'id', id)
  if (!account) throw new AppError('STAFF_NOT_FOUND', 404)
  return toView(account, admin, await lockedStaffIds(deps.db, deps.now()))
}

function asAppError(error: unknown): unknown {
  if (!(error instanceof StaffAdminError)) return error
  const status = error.code === 'STAFF_USERNAME_TAKEN' ? 409 : error.code === 'STAFF_NOT_FOUND' ? 404 : 400
  return new AppError(error.code, status)
}

/**
 * Creates an account of the admin's regions (`createStaffAccount`, as the CLI does) with a generated
 * initial password, answered this once and never logged. The holder enrols their authenticator at the
 * first sign-in, so nobody else ever holds their second factor.
 */
export async function createManagedStaff(deps: StaffAdminDeps, admin: StaffAccount, input: StaffCreateInput): Promise<StaffCreated> {
  assertGrantable(admin, input.regionCodes)
  const created = await createStaffAccount(deps.db, input).catch((error: unknown) => { throw asAppError(error) })
  return { account: toView(created.account, admin, new Set()), initialPassword: created.password, mfa: 'enrol_at_first_sign_in' }
}

/** Clears another account's authenticator and ends its sessions. */
export async function resetManagedStaffMfa(deps: StaffAdminDeps, admin: StaffAccount, id: string): Promise<StaffAccountView> {
  const account = await managedStaff(deps, admin, id)
  assertNotSelf(admin, account)
  await resetStaffMfaByUsername(deps.db, account.username, deps.now(), deps.sessionCache).catch((error: unknown) => { throw asAppError(error) })
  return viewOf(deps, admin, id)
}

/** Lifts another account's sign-in locks. */
export async function unlockManagedStaff(deps: StaffAdminDeps, admin: StaffAccount, id: string): Promise<StaffAccountView> {
  const account = await managedStaff(deps, admin, id)
  assertNotSelf(admin, account)
  await unlockStaffByUsername(deps.db, account.username).catch((error: unknown) => { throw asAppError(error) })
  return viewOf(deps, admin, id)
}

/** 停用 or 启用 another account; disabling ends its sessions at once. */
export async function setManagedStaffDisabled(deps: StaffAdminDeps, admin: StaffAccount, id: string, disabled: boolean): Promise<StaffAccountView> {
  const account = await managedStaff(deps, admin, id)
  assertNotSelf(admin, account)
  await setStaffDisabledByUsername(deps.db, account.username, disabled, deps.now(), deps.sessionCache)
    .catch((error: unknown) => { throw asAppError(error) })
  return viewOf(deps, admin, id)
}

/** Changes another account's role and regions (within the admin's own); it applies at the account's next request. */
export async function setManagedStaffAccess(deps: StaffAdminDeps, admin: StaffAccount, id: string, access: StaffAccessInput): Promise<StaffAccountView> {
  const account = await managedStaff(deps, admin, id)
  assertNotSelf(admin, account)
  assertGrantable(admin, access.regionCodes)
  if (!await setStaffAccess(deps.db, account.id, access, deps.now())) throw new AppError('STAFF_NOT_FOUND', 404)
  return viewOf(deps, admin, id)
}
