import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Verification codes printed on settlement slips (校验码). A code is 60 bits of HMAC-SHA-256 over the
 * slip's id and the two totals a checker reads off the paper (医疗费总额, 个人现金支付), written as 12
 * Crockford base32 characters `XXXX-XXXX-XXXX`. The key derives from PII_HASH_KEY with its own label.
 *
 * Checking is stateless: whoever holds a printed slip sends the code with the slip's id and totals; a
 * match proves this service issued that code for a bureau slip with exactly those figures. Nothing is
 * stored and nothing personal is returned.
 */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** The figures a code binds (fen). */
export interface SlipCodeInput {
  setlId: string
  total: number
  personalCash: number
}

function macKey(secret: string): Buffer {
  return createHash('sha256').update(`slip-code:${secret}`).digest()
}

function rawCode(secret: string, s: SlipCodeInput): string {
  const mac = createHmac('sha256', macKey(secret)).update(`v1|${s.setlId}|${s.total}|${s.personalCash}`).digest()
  let n = mac.readBigUInt64BE(0) >> 4n // top 60 bits
  let out = ''
  for (let i = 0; i < 12; i++) {
    out = ALPHABET[Number(n & 31n)]! + out
    n >>= 5n
  }
  return out
}

/** The code printed on a slip, e.g. `7K2M-9QXA-B3TD`. */
export function slipVerificationCode(secret: string, s: SlipCodeInput): string {
  const c = rawCode(secret, s)
  return `${c.slice(0, 4)}-${c.slice(4, 8)}-${c.slice(8)}`
}

/** Upper case without hyphens or spaces; O → 0 and I/L → 1 as Crockford allows. */
export function normaliseSlipCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1')
}

/** Whether `code` is the one issued for these figures (constant-time comparison). */
export function verifySlipCode(secret: string, code: string, s: SlipCodeInput): boolean {
  const given = Buffer.from(normaliseSlipCode(code))
  const expected = Buffer.from(rawCode(secret, s))
  return given.length === expected.length && timingSafeEqual(given, expected)
}
