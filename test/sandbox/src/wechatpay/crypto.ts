import type { KeyObject } from 'node:crypto'
import { createCipheriv, createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto'

/**
 * The WeChat Pay side of APIv3 cryptography, written independently of the BFF's adapter so that the two
 * meet only on the wire: verify merchant requests, sign answers and callbacks, encrypt callback resources.
 */

/** A PEM text or a parsed key. */
export type SandboxKeyInput = KeyObject | string

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** Random `[0-9A-Za-z]` string. */
export function randomAlnum(length: number): string {
  let out = ''
  for (const b of randomBytes(length)) out += ALNUM[b % 62]
  return out
}

/** Random decimal digits. */
export function randomDigits(length: number): string {
  let out = ''
  for (const b of randomBytes(length)) out += String(b % 10)
  return out
}

/** A private key from PEM or a KeyObject. */
export function privateKeyOf(key: SandboxKeyInput): KeyObject {
  return typeof key === 'string' ? createPrivateKey(key) : key
}

/** A public key from PEM or a KeyObject (a private one yields its public half). */
export function publicKeyOf(key: SandboxKeyInput): KeyObject {
  if (typeof key === 'string') return createPublicKey(key)
  return key.type === 'private' ? createPublicKey(key) : key
}

/** SHA256withRSA, base64. */
export function signText(text: string, key: KeyObject): string {
  return sign('sha256', Buffer.from(text, 'utf8'), key).toString('base64')
}

/** Checks a base64 SHA256withRSA signature (never throws). */
export function verifyText(text: string, signature: string, key: KeyObject): boolean {
  try {
    return verify('sha256', Buffer.from(text, 'utf8'), key, Buffer.from(signature, 'base64'))
  }
  catch {
    return false
  }
}

/** The five fields of a merchant's `WECHATPAY2-SHA256-RSA2048` Authorization header, or `null`. */
export function readAuthorization(header: string | undefined): Record<'mchid' | 'nonce_str' | 'signature' | 'timestamp' | 'serial_no', string> | null {
  const m = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(header ?? '')
  if (!m) return null
  const fields = new Map<string, string>()
  for (const pair of m[1]!.matchAll(/([a-z_]+)="([^"]*)"/g)) {
    if (fields.has(pair[1]!)) return null
    fields.set(pair[1]!, pair[2]!)
  }
  const get = (k: string) => fields.get(k) ?? ''
  const out = { mchid: get('mchid'), nonce_str: get('nonce_str'), signature: get('signature'), timestamp: get('timestamp'), serial_no: get('serial_no') }
  return Object.values(out).every(Boolean) ? out : null
}

/** AEAD_AES_256_GCM as WeChat Pay encrypts callback resources: base64(ciphertext ‖ 16-byte tag). */
export function sealResource(apiV3Key: string, plaintext: string, associatedData: string): { algorithm: 'AEAD_AES_256_GCM', ciphertext: string, associated_data: string, nonce: string } {
  const nonce = randomAlnum(12)
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'))
  cipher.setAAD(Buffer.from(associatedData, 'utf8'))
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext: data.toString('base64'), associated_data: associatedData, nonce }
}
