import { Secret, TOTP } from 'otpauth'
import QRCode from 'qrcode'

/** RFC 6238 as every authenticator app implements it: SHA-1, 6 digits, 30 s steps. */
export const TOTP_PERIOD_S = 30
export const TOTP_DIGITS = 6
/** Codes of the previous and the next step are accepted too (clock drift of the phone). */
export const TOTP_WINDOW = 1
/** Issuer shown in the authenticator app (ASCII: some apps mangle other characters). */
export const TOTP_ISSUER = 'yibao'

function totp(secretBase32: string, label = 'staff'): TOTP {
  return new TOTP({ issuer: TOTP_ISSUER, label, secret: Secret.fromBase32(secretBase32), algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD_S })
}

/** A new random secret (160 bits, base32, as authenticator apps expect). */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32
}

/** The `otpauth://totp/…` URI an authenticator app scans. */
export function totpUri(secretBase32: string, username: string): string {
  return totp(secretBase32, username).toString()
}

/** The URI as a QR code, an SVG document (shown by the web page as an image). */
export async function totpQrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
}

/**
 * The time step (counter) a code belongs to, within ±`TOTP_WINDOW` steps of `now`, or null when it
 * does not match. Callers refuse a step that was already used (no replay).
 */
export function matchTotpStep(secretBase32: string, code: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null
  const timestamp = now.getTime()
  const delta = totp(secretBase32).validate({ token: code, timestamp, window: TOTP_WINDOW })
  if (delta === null) return null
  return TOTP.counter({ period: TOTP_PERIOD_S, timestamp }) + delta
}
