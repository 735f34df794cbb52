import type { DeskPasswordResult } from '@yibao/shared'
import type { Context } from 'hono'
import type { AuditEvent } from '../storage/audit'
import type { SignInReservation, StaffAccount } from '../storage/staff'
import type { AppEnv } from '../lib/types'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  DeskPasswordResultSchema,
  DeskSignedInSchema,
  ERROR_MESSAGES,
  StaffPasswordInputSchema,
  TotpInputSchema,
} from '@yibao/shared'
import { Hono } from 'hono'
import { AppError } from '../lib/errors'
import { doc } from '../lib/openapi'
import { verifyDummyPassword, verifyPassword } from '../lib/password'
import { rateLimit } from '../lib/rate-limit'
import { endSession, startSession } from '../lib/session'
import { matchTotpStep, newTotpSecret, totpQrSvg, totpUri } from '../lib/totp'
import { validate } from '../lib/validate'
import {
  accountFailures,
  clearSignInGuards,
  consumeStaffTotpStep,
  countAccountFailure,
  findStaffBy,
  recordStaffSignIn,
  releaseSignInAttempt,
  reserveSignInAttempt,
  setStaffTotpSecret,
  staffGuardRef,
} from '../storage/staff'

/** The 6th consecutive failed attempt (password or TOTP) from one source locks the account for that source… */
export const STAFF_LOCK_AFTER = 6
/** …for 15 minutes (an admin can `unlock` it sooner). Other sources (the clerk at the counter) are not locked. */
export const STAFF_LOCK_MINUTES = 15
/** The TOTP step must follow the password within 5 minutes. */
export const STAFF_MFA_WINDOW_S = 5 * 60

/**
 * Progressive delay before a factor is checked, from the account's failures from EVERY source in the last
 * `STAFF_LOCK_MINUTES`: none up to what one source may try, then 250 ms doubling to at most 8 s. Guessing
 * from many addresses slows down; nobody is locked out by it.
 */
export function signInDelayMs(failuresFromAllSources: number): number {
  if (failuresFromAllSources < STAFF_LOCK_AFTER) return 0
  return Math.min(250 * 2 ** (failuresFromAllSources - STAFF_LOCK_AFTER), 8000)
}

/** What the first factor answers: go on to the TOTP code, or enrol an authenticator first (the reply's schema). */
export type { DeskPasswordResult }

function audit(c: Context<AppEnv>, staff: StaffAccount | null, action: string, success: boolean, detail?: AuditEvent['detail']) {
  return c.get('deps').audit.record({
    actorType: 'staff',
    actorId: staff?.id ?? 'unknown',
    actorRole: staff?.role,
    channel: 'help_desk',
    action,
    success,
    detail,
    requestId: c.get('requestId'),
    clientIp: c.get('deps').clientIp(c),
  })
}

function lockedError(c: Context<AppEnv>, lockedUntil: Date | null): AppError {
  const now = c.get('deps').now().getTime()
  // No end yet: the last allowed attempt is being checked right now and will set the lock if it fails.
  const until = lockedUntil?.getTime() ?? now + STAFF_LOCK_MINUTES * 60_000
  const seconds = Math.max(1, Math.ceil((until - now) / 1000))
  c.header('Retry-After', String(seconds))
  return new AppError('ACCOUNT_LOCKED', 423, { params: { minutes: String(Math.ceil(seconds / 60)) } })
}

/**
 * One sign-in attempt of an account (or of an unknown username) from the caller's source, guarded:
 * reserved atomically before anything is checked (refused with 423 when this source is locked), delayed
 * progressively when the account is being guessed at from many sources, then checked.
 */
interface Guarded {
  accountRef: string
  sourceRef: string
  reserved: SignInReservation & { allowed: true }
}

async function guard(c: Context<AppEnv>, accountRef: string, refused: () => Promise<void>): Promise<Guarded> {
  const { storage, now, subjectRef, clientIp } = c.get('deps')
  const at = now()
  const sourceRef = subjectRef(`ip:${clientIp(c)}`)
  const lockUntil = new Date(at.getTime() + STAFF_LOCK_MINUTES * 60_000)
  const reserved = await reserveSignInAttempt(storage.db, {
    accountRef,
    sourceRef,
    lockAfter: STAFF_LOCK_AFTER,
    lockUntil,
    now: at,
  })
  if (!reserved.allowed) {
    await refused()
    throw lockedError(c, reserved.lockedUntil)
  }
  const since = new Date(at.getTime() - STAFF_LOCK_MINUTES * 60_000)
  const delay = signInDelayMs(await accountFailures(storage.db, accountRef, since))
  if (delay) await sleep(delay)
  return { accountRef, sourceRef, reserved }
}

/**
 * A checked factor was wrong: the attempt stays counted (it was reserved), the account's count from every
 * source grows, and the reply is 423 when this was the source's last allowed attempt.
 */
async function fail(
  c: Context<AppEnv>,
  g: Guarded,
  staff: StaffAccount | null,
  action: string,
  invalid: AppError,
  detail: { usernameRef?: string } = {},
): Promise<never> {
  const { storage, now } = c.get('deps')
  const at = now()
  await countAccountFailure(storage.db, g.accountRef, new Date(at.getTime() - STAFF_LOCK_MINUTES * 60_000), at)
  const lockedNow = g.reserved.lockedUntil !== null
  const outcome = lockedNow ? 'locked_now' : staff ? 'invalid' : 'unknown_user'
  await audit(c, staff, action, false, { outcome, ...detail })
  if (lockedNow) {
    if (c.get('session')?.kind === 'pending') await endSession(c)
    throw lockedError(c, g.reserved.lockedUntil)
  }
  throw invalid
}

/**
 * Help-desk staff sign-in: username + password (argon2id), then a TOTP code from an authenticator app
 * (enrolled on first sign-in). Only after both is a `staff` session started.
 */
export const deskAuthRoutes = new Hono<AppEnv>()
  .post('/password',
    doc({
      summary: '窗口工作人员登录：用户名和密码',
      description: '密码正确后进入第二步（动态验证码）；首次登录先返回绑定验证器所需的二维码。',
      tag: '窗口登录',
      audience: 'public',
      ok: { 200: DeskPasswordResultSchema },
      errors: { 401: ['INVALID_CREDENTIALS'], 403: ['ACCOUNT_DISABLED'], 423: ['ACCOUNT_LOCKED'] },
    }),
    rateLimit({ bucket: 'desk-sign-in-ip', limit: 30, windowSeconds: 900 }),
    validate('json', StaffPasswordInputSchema),
    async (c) => {
      const { username, password } = c.req.valid('json')
      const { storage, now, vault } = c.get('deps')
      const staff = await findStaffBy(storage.db, 'username', username)
      // An unknown username is guarded, delayed, checked (against a dummy hash) and locked like a real
      // account, so neither the replies nor their timing tell which usernames exist.
      const detail = staff ? {} : { usernameRef: vault.ref(username) }
      const accountRef = staff ? staffGuardRef(staff.id) : `unknown:${vault.ref(username.toLowerCase())}`
      const refused = () => audit(c, staff, 'desk.auth.password', false, { outcome: 'locked', ...detail })
      const g = await guard(c, accountRef, refused)
      if (!staff) {
        await verifyDummyPassword(password)
        return fail(c, g, null, 'desk.auth.password', new AppError('INVALID_CREDENTIALS', 401), detail)
      }
      if (!await verifyPassword(staff.passwordHash, password))
        await fail(c, g, staff, 'desk.auth.password', new AppError('INVALID_CREDENTIALS', 401))
      // Right password: not a sign-in yet (the TOTP code follows), so the attempt is taken back, not cleared.
      await releaseSignInAttempt(storage.db, { ...g, lockAfter: STAFF_LOCK_AFTER }, now())
      // A disabled (停用) account is told so only after its right password: nobody else learns it exists.
      if (staff.disabledAt) {
        await audit(c, staff, 'desk.auth.password', false, { outcome: 'disabled' })
        throw new AppError('ACCOUNT_DISABLED', 403)
      }

      let body: DeskPasswordResult = { next: 'totp' }
      if (!staff.totpEnrolled) {
        // The offered secret is kept (sealed) until the first valid code confirms it, so signing in
        // again before finishing shows the same QR code.
        let secret: string
        if (staff.totpSecretEnc) {
          secret = vault.decrypt(staff.totpSecretEnc)
        }
        else {
          secret = newTotpSecret()
          await setStaffTotpSecret(storage.db, staff.id, vault.encrypt(secret), now())
        }
        const otpauthUri = totpUri(secret, staff.username)
        body = { next: 'enrol', otpauthUri, qrSvg: await totpQrSvg(otpauthUri), secret }
      }
      await startSession(c, 'pending', null, { staffId: staff.id, stage: 'mfa', passwordAt: now().toISOString() })
      await audit(c, staff, 'desk.auth.password', true, { next: body.next })
      c.header('Cache-Control', 'no-store')
      return c.json(body, 200)
    })
  .post('/totp',
    doc({
      summary: '窗口工作人员登录：动态验证码',
      tag: '窗口登录',
      audience: 'pending',
      ok: { 200: DeskSignedInSchema },
      errors: { 400: ['MFA_INVALID'], 401: ['UNAUTHENTICATED'], 423: ['ACCOUNT_LOCKED'] },
    }),
    rateLimit({ bucket: 'desk-totp-ip', limit: 30, windowSeconds: 900 }),
    validate('json', TotpInputSchema),
    async (c) => {
      const { code } = c.req.valid('json')
      const { storage, now, vault } = c.get('deps')
      const s = c.get('session')
      if (s?.kind !== 'pending' || s.data.stage !== 'mfa' || typeof s.data.staffId !== 'string' || typeof s.data.passwordAt !== 'string')
        throw new AppError('UNAUTHENTICATED', 401)
      if (now().getTime() - Date.parse(s.data.passwordAt) > STAFF_MFA_WINDOW_S * 1000) {
        await endSession(c)
        throw new AppError('UNAUTHENTICATED', 401)
      }
      const staff = await findStaffBy(storage.db, 'id', s.data.staffId)
      if (!staff?.totpSecretEnc || staff.disabledAt) throw new AppError('UNAUTHENTICATED', 401)
      const g = await guard(c, staffGuardRef(staff.id), async () => {
        await audit(c, staff, 'desk.auth.totp', false, { outcome: 'locked' })
        await endSession(c)
      })
      const step = matchTotpStep(vault.decrypt(staff.totpSecretEnc), code, now())
      if (step === null || !await consumeStaffTotpStep(storage.db, staff.id, step, now())) {
        const invalid = new AppError('MFA_INVALID', 400, { fields: { code: ERROR_MESSAGES.MFA_INVALID } })
        await fail(c, g, staff, 'desk.auth.totp', invalid)
      }

      await clearSignInGuards(storage.db, g.accountRef, g.sourceRef)
      await startSession(c, 'staff', staff.id)
      await recordStaffSignIn(storage.db, staff.id, now())
      await audit(c, staff, 'desk.auth.sign_in', true, { enrolled: !staff.totpEnrolled })
      return c.json({ status: 'signed_in' as const }, 200)
    })
