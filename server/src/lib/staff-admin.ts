import type { Env } from '../env'
import type { StaffAccount } from '../storage/staff'
import type { Database } from '../storage/types'
import { STAFF_ROLE_VALUES } from '@yibao/shared'
import { z } from 'zod'
import { findStaffBy, insertStaff, resetStaffMfa, unlockStaff } from '../storage/staff'
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
  if (!account) throw new StaffAdminError(`username ${rest.username} is taken`)
  return { account, password, generated: given === undefined }
}

/** Clears the authenticator of an account: the next sign-in enrols a new one. */
export async function resetStaffMfaByUsername(db: Database, username: string, now: Date): Promise<void> {
  if (!await resetStaffMfa(db, username.trim().toLowerCase(), now)) throw new StaffAdminError(`no staff account ${username}`)
}

/** Lifts the locks after failed sign-ins (from every source). */
export async function unlockStaffByUsername(db: Database, username: string): Promise<void> {
  if (!await unlockStaff(db, username.trim().toLowerCase())) throw new StaffAdminError(`no staff account ${username}`)
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
