import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * 医保电子凭证 QR tokens: short-lived, signed and opaque. The QR carries no personal data, only
 * `YB1.<payload>.<mac>` where payload is base64url JSON `{ v, sub, exp, nonce }` (`sub` = our resident
 * account id, `exp` = Unix seconds) and mac is HMAC-SHA-256 over `YB1.<payload>` with a key of its own
 * (derived from EVOUCHER_KEY, or PII_HASH_KEY with a distinct label). The help desk scans it and asks
 * the BFF to verify it; nothing else can read anything from it.
 */

/** Current token version (the prefix says it too). */
export const EVOUCHER_VERSION = 1
const PREFIX = 'YB1'
/** Accepted clock skew between issuing and verifying instances, in seconds. */
const SKEW_S = 5
/** Longest token we look at (a real one is ~160 characters). */
const MAX_LENGTH = 512

interface Payload {
  v: number
  sub: string
  exp: number
  nonce: string
}

export type VerifyResult
  = | { ok: true, accountId: string, expiresAt: Date }
    | { ok: false, reason: 'malformed' | 'bad_signature' | 'unsupported_version' | 'expired' }

export interface EVoucherSigner {
  /** Lifetime of a token in seconds. */
  readonly ttlSeconds: number
  /** A new token for a resident account (a fresh nonce each time, so every token differs). */
  issue: (accountId: string, now: Date) => { token: string, expiresAt: Date }
  /** Checks format, version, signature (constant time) and expiry, in that order of cost. */
  verify: (token: string, now: Date) => VerifyResult
}

function mac(key: Buffer, signed: string): Buffer {
  return createHmac('sha256', key).update(signed).digest()
}

/** A signer with its own key derived from `secret`; tokens live `ttlSeconds`. */
export function createEVoucherSigner(secret: string, ttlSeconds = 60): EVoucherSigner {
  const key = createHash('sha256').update(`evoucher:${secret}`).digest()
  return {
    ttlSeconds,
    issue(accountId, now) {
      const exp = Math.floor(now.getTime() / 1000) + ttlSeconds
      const payload: Payload = { v: EVOUCHER_VERSION, sub: accountId, exp, nonce: randomBytes(9).toString('base64url') }
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url')
      const signed = `${PREFIX}.${body}`
      return { token: `${signed}.${mac(key, signed).toString('base64url')}`, expiresAt: new Date(exp * 1000) }
    },
    verify(token, now) {
      if (typeof token !== 'string' || token.length > MAX_LENGTH) return { ok: false, reason: 'malformed' }
      const parts = token.trim().split('.')
      if (parts.length !== 3 || !/^YB\d+$/.test(parts[0]!)) return { ok: false, reason: 'malformed' }
      if (parts[0] !== PREFIX) return { ok: false, reason: 'unsupported_version' }
      const [prefix, body, sig] = parts as [string, string, string]
      if (!/^[\w-]+$/.test(body) || !/^[\w-]+$/.test(sig)) return { ok: false, reason: 'malformed' }
      const expected = mac(key, `${prefix}.${body}`)
      const given = Buffer.from(sig, 'base64url')
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' }
      let payload: Partial<Payload>
      try {
        payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<Payload>
      }
      catch {
        return { ok: false, reason: 'malformed' }
      }
      if (payload.v !== EVOUCHER_VERSION) return { ok: false, reason: 'unsupported_version' }
      if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number' || !Number.isInteger(payload.exp)) return { ok: false, reason: 'malformed' }
      if (payload.exp + SKEW_S <= Math.floor(now.getTime() / 1000)) return { ok: false, reason: 'expired' }
      return { ok: true, accountId: payload.sub, expiresAt: new Date(payload.exp * 1000) }
    },
  }
}
