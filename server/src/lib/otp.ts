import type { Context } from 'hono'
import type { AppEnv } from './types'
import { createHash, randomInt } from 'node:crypto'
import { consumeOtp, insertOtp, latestOtp, reserveOtpAttempt } from '../storage/otp'
import { AppError } from './errors'
import { secretsEqual } from './pii'

export const OTP_TTL_S = 300
export const OTP_RESEND_S = 60
export const OTP_MAX_ATTEMPTS = 5

function codeHash(phoneRef: string, code: string): string {
  return createHash('sha256').update(`${phoneRef}:${code}`).digest('base64url')
}

/** A 6-digit code, leading zeros kept: each of the 1,000,000 equally likely (`below(n)` is uniform on 0…n-1). */
export function newOtpCode(below: (n: number) => number = n => randomInt(0, n)): string {
  return String(below(1_000_000)).padStart(6, '0')
}

/** Creates and sends a one-time code to a phone (at most one per minute). */
export async function sendOtp(c: Context<AppEnv>, phone: string, purpose: string): Promise<void> {
  const { storage, vault, sms, now } = c.get('deps')
  const phoneRef = vault.ref(phone)
  const last = await latestOtp(storage.db, phoneRef, purpose, now())
  if (last && now().getTime() - last.createdAt.getTime() < OTP_RESEND_S * 1000)
    throw new AppError('OTP_RESEND_TOO_SOON', 429)
  const code = newOtpCode()
  const at = now()
  const expiresAt = new Date(at.getTime() + OTP_TTL_S * 1000)
  await insertOtp(storage.db, { purpose, phoneRef, codeHash: codeHash(phoneRef, code), expiresAt, now: at })
  await sms.sendCode(phone, code, c.get('logger'))
}

/**
 * Checks and consumes a code (once). Each try is counted before the comparison (one conditional
 * UPDATE), so a burst of parallel guesses gets exactly `OTP_MAX_ATTEMPTS` comparisons, then none.
 */
export async function verifyOtp(c: Context<AppEnv>, phone: string, purpose: string, code: string): Promise<void> {
  const { storage, vault, now } = c.get('deps')
  const phoneRef = vault.ref(phone)
  const otp = await latestOtp(storage.db, phoneRef, purpose, now())
  if (!otp) throw new AppError('OTP_INVALID', 400, { fields: { code: '验证码不正确或已过期' } })
  if (!await reserveOtpAttempt(storage.db, otp.id, OTP_MAX_ATTEMPTS))
    throw new AppError('OTP_TOO_MANY_ATTEMPTS', 400, { fields: { code: '错误次数过多，请重新获取' } })
  if (!secretsEqual(otp.codeHash, codeHash(phoneRef, code)))
    throw new AppError('OTP_INVALID', 400, { fields: { code: '验证码不正确或已过期' } })
  if (!await consumeOtp(storage.db, otp.id, now()))
    throw new AppError('OTP_INVALID', 400, { fields: { code: '验证码已使用，请重新获取' } })
}
