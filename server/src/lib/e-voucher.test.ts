import { createHash, createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createEVoucherSigner } from './e-voucher'

const SECRET = 'test-secret-0123456789abcdef0123456789'
const ACCOUNT = '6f1c2d4e-8a9b-4c3d-9e8f-0a1b2c3d4e5f'
const T0 = new Date('2026-11-22T04:00:00Z')
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000)

function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>
}

describe('医保电子凭证 tokens', () => {
  const signer = createEVoucherSigner(SECRET, 60)

  it('issues an opaque token valid for 60 s that names only the account', () => {
    const { token, expiresAt } = signer.issue(ACCOUNT, T0)
    expect(token).toMatch(/^YB1\.[\w-]+\.[\w-]{43}$/)
    expect(expiresAt.toISOString()).toBe('2026-11-22T04:01:00.000Z')
    const payload = decodePayload(token)
    expect(Object.keys(payload).sort()).toEqual(['exp', 'nonce', 'sub', 'v'])
    expect(payload).toMatchObject({ v: 1, sub: ACCOUNT, exp: 1_795_320_060 })
    expect(signer.verify(token, at(30))).toEqual({ ok: true, accountId: ACCOUNT, expiresAt })
    // A fresh nonce each time: two tokens of the same second differ.
    expect(signer.issue(ACCOUNT, T0).token).not.toBe(token)
  })

  it('refuses an expired token (5 s of clock skew allowed)', () => {
    const { token } = signer.issue(ACCOUNT, T0)
    expect(signer.verify(token, at(64)).ok).toBe(true)
    expect(signer.verify(token, at(65))).toEqual({ ok: false, reason: 'expired' })
  })

  it('refuses a token whose payload was changed, even with a valid shape', () => {
    const { token } = signer.issue(ACCOUNT, T0)
    const [prefix, , sig] = token.split('.')
    const forged = Buffer.from(JSON.stringify({ ...decodePayload(token), sub: 'aaaaaaaa-8a9b-4c3d-9e8f-0a1b2c3d4e5f' })).toString('base64url')
    expect(signer.verify(`${prefix}.${forged}.${sig}`, at(1))).toEqual({ ok: false, reason: 'bad_signature' })
    const later = Buffer.from(JSON.stringify({ ...decodePayload(token), exp: 4_000_000_000 })).toString('base64url')
    expect(signer.verify(`${prefix}.${later}.${sig}`, at(1))).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('refuses a token signed with another key, or with the PII key itself', () => {
    const other = createEVoucherSigner('another-secret-0123456789abcdef012345', 60)
    expect(signer.verify(other.issue(ACCOUNT, T0).token, at(1))).toEqual({ ok: false, reason: 'bad_signature' })
    // The MAC key is derived with its own label: a MAC made directly with the secret does not pass.
    const body = Buffer.from(JSON.stringify({ v: 1, sub: ACCOUNT, exp: 1_795_320_060, nonce: 'x' })).toString('base64url')
    const raw = createHmac('sha256', SECRET).update(`YB1.${body}`).digest('base64url')
    expect(signer.verify(`YB1.${body}.${raw}`, at(1))).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('refuses truncated, malformed and other-version tokens', () => {
    const { token } = signer.issue(ACCOUNT, T0)
    expect(signer.verify(token.slice(0, -1), at(1))).toEqual({ ok: false, reason: 'bad_signature' })
    expect(signer.verify(token.slice(0, token.lastIndexOf('.')), at(1))).toEqual({ ok: false, reason: 'malformed' })
    expect(signer.verify('', at(1))).toEqual({ ok: false, reason: 'malformed' })
    expect(signer.verify('not a token at all', at(1))).toEqual({ ok: false, reason: 'malformed' })
    expect(signer.verify(`${token}.extra`, at(1))).toEqual({ ok: false, reason: 'malformed' })
    expect(signer.verify(`YB2${token.slice(3)}`, at(1))).toEqual({ ok: false, reason: 'unsupported_version' })
    expect(signer.verify('x'.repeat(600), at(1))).toEqual({ ok: false, reason: 'malformed' })
  })

  it('refuses a correctly signed payload of another version', () => {
    // Signed with the real key (as a future version would be) but v: 2 inside a YB1 token.
    const { token } = signer.issue(ACCOUNT, T0)
    const body = Buffer.from(JSON.stringify({ ...decodePayload(token), v: 2 })).toString('base64url')
    const resigned = signWithSignerKey(SECRET, `YB1.${body}`)
    expect(signer.verify(`YB1.${body}.${resigned}`, at(1))).toEqual({ ok: false, reason: 'unsupported_version' })
  })
})

/** The signer's MAC, recomputed the documented way (sha256 of `evoucher:` + secret as the HMAC key). */
function signWithSignerKey(secret: string, signed: string): string {
  const key = createHash('sha256').update(`evoucher:${secret}`).digest()
  return createHmac('sha256', key).update(signed).digest('base64url')
}
