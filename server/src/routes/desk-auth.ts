import type { Context } from 'hono'
import type { AuditEvent } from '../storage/audit'
import type { StaffAccount } from '../storage/staff'
import type { AppEnv } from '../lib/types'
import { ERROR_MESSAGES, StaffPasswordInputSchema, TotpInputSchema } from '@yibao/shared'
import { Hono } from 'hono'
import { AppError } from '../lib/errors'
import { verifyDummyPassword, verifyPassword } from '../lib/password'
import { rateLimit } from '../lib/rate-limit'
import { endSession, startSession } from '../lib/session'
import { matchTotpStep, newTotpSecret, totpQrSvg, totpUri } from '../lib/totp'
import { validate } from '../lib/validate'
import { clearStaffFailures, consumeStaffTotpStep, findStaffBy, recordStaffFailure, setStaffTotpSecret } from '../storage/staff'

/** The 6th consecutive failed attempt (password or TOTP) locks the account… */
export const STAFF_LOCK_AFTER = 6
/** …for 15 minutes (an admin can `unlock` it sooner). */
export const STAFF_LOCK_MINUTES = 15
/** The TOTP step must follow the password within 5 minutes. */
export const STAFF_MFA_WINDOW_S = 5 * 60

/** What the first factor answers: go on to the TOTP code, or enrol an authenticator first. */
export type DeskPasswordResult
  = | { next: 'totp' }
    | { next: 'enrol', otpauthUri: string, qrSvg: string, secret: string }

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

function lockedError(c: Context<AppEnv>, lockedUntil: Date): AppError {
  const seconds = Math.max(1, Math.ceil((lockedUntil.getTime() - c.get('deps').now().getTime()) / 1000))
  c.header('Retry-After', String(seconds))
  return new AppError('ACCOUNT_LOCKED', 423, { params: { minutes: String(Math.ceil(seconds / 60)) } })
}

function isLocked(staff: StaffAccount, now: Date): staff is StaffAccount & { lockedUntil: Date } {
  return staff.lockedUntil !== null && staff.lockedUntil > now
}

/** Counts a failed factor; the reply is 423 when this failure locked the account. */
async function fail(c: Context<AppEnv>, staff: StaffAccount, action: string, invalid: AppError): Promise<never> {
  const { storage, now } = c.get('deps')
  const at = now()
  const after = await recordStaffFailure(storage.db, staff.id, STAFF_LOCK_AFTER, new Date(at.getTime() + STAFF_LOCK_MINUTES * 60_000), at)
  const lockedNow = after !== null && isLocked(after, at)
  await audit(c, staff, action, false, { outcome: lockedNow ? 'locked_now' : 'invalid' })
  if (lockedNow) {
    if (c.get('session')?.kind === 'pending') await endSession(c)
    throw lockedError(c, after.lockedUntil)
  }
  throw invalid
}

/** The username as a per-account rate-limit key (lower-cased: `Wang` and `wang` share a budget). */
function usernameKey(c: Context<AppEnv>): string {
  const { username } = (c.req.valid as (t: 'json') => { username: string })('json')
  return `staff:${username.toLowerCase()}`
}

/**
 * Help-desk staff sign-in: username + password (argon2id), then a TOTP code from an authenticator app
 * (enrolled on first sign-in). Only after both is a `staff` session started.
 */
export const deskAuthRoutes = new Hono<AppEnv>()
  .post('/password',
    rateLimit({ bucket: 'desk-sign-in-ip', limit: 30, windowSeconds: 900 }),
    validate('json', StaffPasswordInputSchema),
    rateLimit({ bucket: 'desk-sign-in-user', limit: 20, windowSeconds: 900, key: usernameKey }),
    async (c) => {
      const { username, password } = c.req.valid('json')
      const { storage, now, vault } = c.get('deps')
      const staff = await findStaffBy(storage.db, 'username', username)
      if (!staff) {
        // As slow as a real check, so the reply time does not reveal which usernames exist.
        await verifyDummyPassword(password)
        await audit(c, null, 'desk.auth.password', false, { outcome: 'unknown_user', usernameRef: vault.ref(username) })
        throw new AppError('INVALID_CREDENTIALS', 401)
      }
      if (isLocked(staff, now())) {
        await audit(c, staff, 'desk.auth.password', false, { outcome: 'locked' })
        throw lockedError(c, staff.lockedUntil)
      }
      if (!await verifyPassword(staff.passwordHash, password))
        await fail(c, staff, 'desk.auth.password', new AppError('INVALID_CREDENTIALS', 401))

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
      if (!staff?.totpSecretEnc) throw new AppError('UNAUTHENTICATED', 401)
      if (isLocked(staff, now())) {
        await audit(c, staff, 'desk.auth.totp', false, { outcome: 'locked' })
        await endSession(c)
        throw lockedError(c, staff.lockedUntil)
      }
      const step = matchTotpStep(vault.decrypt(staff.totpSecretEnc), code, now())
      if (step === null || !await consumeStaffTotpStep(storage.db, staff.id, step, now()))
        await fail(c, staff, 'desk.auth.totp', new AppError('MFA_INVALID', 400, { fields: { code: ERROR_MESSAGES.MFA_INVALID } }))

      await clearStaffFailures(storage.db, staff.id, now())
      await startSession(c, 'staff', staff.id)
      await audit(c, staff, 'desk.auth.sign_in', true, { enrolled: !staff.totpEnrolled })
      return c.json({ status: 'signed_in' as const }, 200)
    })
