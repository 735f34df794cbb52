import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * Protection of personal data at rest: keyed one-way references for look-ups and joins
 * (HMAC-SHA-256) and authenticated encryption for values we must read back (AES-256-GCM).
 * Both keys derive from one secret so an operator manages a single variable.
 */
export interface PiiVault {
  /** Stable keyed reference: equal inputs give equal refs; the input cannot be recovered. */
  ref: (value: string) => string
  encrypt: (plain: string) => string
  decrypt: (sealed: string) => string
}

export function createPiiVault(secret: string): PiiVault {
  const macKey = createHash('sha256').update(`ref:${secret}`).digest()
  const encKey = createHash('sha256').update(`enc:${secret}`).digest()
  return {
    ref: value => createHmac('sha256', macKey).update(value.toUpperCase()).digest('base64url').slice(0, 32),
    encrypt(plain) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', encKey, iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return `v1.${iv.toString('base64url')}.${body.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`
    },
    decrypt(sealed) {
      const [version, iv, body, tag] = sealed.split('.')
      if (version !== 'v1' || !iv || !body || !tag) throw new Error('unknown sealed format')
      const decipher = createDecipheriv('aes-256-gcm', encKey, Buffer.from(iv, 'base64url'))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
    },
  }
}

/**
 * Whether two secrets (CSRF tokens, OAuth states, code hashes) are equal, in a time that depends neither
 * on where they differ nor on their lengths: both are hashed to 32 bytes, then compared in constant time.
 */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest())
}

/** SHA-256 of a secret token (what we store instead of the token). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}

/** A new random token (256 bits, URL-safe). */
export function newToken(): string {
  return randomBytes(32).toString('base64url')
}
