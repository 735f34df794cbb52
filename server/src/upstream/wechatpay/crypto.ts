import type { KeyObject } from 'node:crypto'
import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, randomBytes, randomUUID, sign, verify, X509Certificate } from 'node:crypto'
import { toShanghaiIso } from '@yibao/shared'

/**
 * WeChat Pay APIv3 cryptography on `node:crypto` only, pinned by the public vectors in
 * `fixtures/vectors.json` (see `crypto.test.ts`):
 * - requests are signed over `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n` (SHA256withRSA, base64);
 * - answers and callbacks are verified over `TIMESTAMP\nNONCE\nRAW_BODY\n` with the platform key named
 *   by `Wechatpay-Serial` (a `PUB_KEY_ID_…` public key or a platform certificate serial);
 * - callback resources are AEAD_AES_256_GCM under the APIv3 key;
 * - the JSAPI `paySign` is over `appId\ntimeStamp\nnonceStr\nprepay_id=…\n`.
 */

/** Authorization scheme of every APIv3 request (and `Wechatpay-Signature-Type` of callbacks). */
export const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048'
/** Largest accepted |now − Wechatpay-Timestamp|, in seconds (inclusive). */
export const MAX_CLOCK_SKEW_SECONDS = 300
/** WeChat Pay sends deliberately wrong signatures with this prefix to probe that we verify. */
export const SIGNTEST_PREFIX = 'WECHATPAY/SIGNTEST/'

/** A PEM text (PKCS#8 / PKCS#1 / SPKI / X.509 certificate) or a parsed key. */
export type KeyInput = KeyObject | string
/** Platform verification keys by key id: `PUB_KEY_ID_…` (public-key mode) or a certificate serial. */
export type PublicKeyMap = ReadonlyMap<string, KeyObject>
/** Request or response headers: a WHATWG `Headers` or a plain record (names matched case-insensitively). */
export type HeaderBag = Headers | Record<string, string | string[] | undefined>

const NONCE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** Random `[0-9A-Za-z]` string (32 chars for signatures, as the official SDKs; 12 for GCM nonces). */
export function createNonce(length = 32): string {
  const bytes = randomBytes(length)
  let out = ''
  for (const b of bytes) out += NONCE_ALPHABET[b % 62]
  return out
}

/** RFC 3339 in Asia/Shanghai without milliseconds, as WeChat Pay writes times: `2018-06-08T10:34:56+08:00`. */
export function wechatTime(date: Date): string {
  return `${toShanghaiIso(date).slice(0, 19)}+08:00`
}

/** Unix time in whole seconds (the wire's timestamp unit, never milliseconds). */
export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000)
}

/** A private key from PEM (PKCS#8 or PKCS#1) or a KeyObject. */
export function toPrivateKey(key: KeyInput): KeyObject {
  return typeof key === 'string' ? createPrivateKey(key) : key
}

/** A public key from an SPKI/PKCS#1 PEM, an X.509 certificate PEM, or a KeyObject (a private one yields its public half). */
export function toPublicKey(key: KeyInput): KeyObject {
  if (typeof key !== 'string') return key.type === 'private' ? createPublicKey(key) : key
  return key.includes('BEGIN CERTIFICATE') ? new X509Certificate(key).publicKey : createPublicKey(key)
}

/** `{ keyId: key }` → the map `verifySignedMessage` uses (both key modes, and a migration between them). */
export function publicKeyMap(keys: Record<string, KeyInput>): PublicKeyMap {
  return new Map(Object.entries(keys).map(([id, key]) => [id, toPublicKey(key)]))
}

/** SHA256withRSA (PKCS#1 v1.5), base64. */
export function rsaSign(message: string | Buffer, privateKey: KeyInput): string {
  return sign('sha256', typeof message === 'string' ? Buffer.from(message, 'utf8') : message, toPrivateKey(privateKey)).toString('base64')
}

/** Checks a base64 SHA256withRSA signature; `false` (never throws) for any mismatch or garbage. */
export function rsaVerify(message: string | Buffer, signature: string, publicKey: KeyInput): boolean {
  try {
    return verify('sha256', typeof message === 'string' ? Buffer.from(message, 'utf8') : message, toPublicKey(publicKey), Buffer.from(signature, 'base64'))
  }
  catch {
    return false
  }
}

/** The 5-line request message: `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n` (body empty for GET). */
export function requestMessage(method: string, pathWithQuery: string, timestamp: number | string, nonce: string, body = ''): string {
  return `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`
}

/** Fields of a `WECHATPAY2-SHA256-RSA2048` Authorization header. */
export interface AuthorizationFields {
  /** Merchant id (商户号). */
  mchid: string
  /** The random string of line 4. */
  nonce_str: string
  /** base64 SHA256withRSA over the 5-line message. */
  signature: string
  /** Unix seconds of line 3. */
  timestamp: string
  /** Serial of the merchant API certificate (not the platform's). */
  serial_no: string
}

/**
 * Signs a request. `pathWithQuery` is the URL without host, with the query string exactly as sent;
 * `body` is the exact bytes sent (empty for GET).
 */
export function buildAuthorization(opts: { mchid: string, serialNo: string, privateKey: KeyInput, method: string, pathWithQuery: string, body?: string, timestamp?: number, nonce?: string }): { authorization: string } & AuthorizationFields {
  const timestamp = String(opts.timestamp ?? unixSeconds(new Date()))
  const nonce = opts.nonce ?? createNonce()
  const signature = rsaSign(requestMessage(opts.method, opts.pathWithQuery, timestamp, nonce, opts.body ?? ''), opts.privateKey)
  // Official Java SDK order; any order is valid on the wire.
  const authorization = `${AUTH_SCHEME} mchid="${opts.mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${opts.serialNo}"`
  return { authorization, mchid: opts.mchid, nonce_str: nonce, signature, timestamp, serial_no: opts.serialNo }
}

const AUTH_FIELD_NAMES = ['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no'] as const

/** Parses an Authorization header in any field order; `null` unless the scheme and all five fields are there, once each. */
export function parseAuthorization(header: string | undefined | null): AuthorizationFields | null {
  if (!header?.startsWith(`${AUTH_SCHEME} `)) return null
  const fields: Record<string, string> = {}
  for (const part of header.slice(AUTH_SCHEME.length + 1).split(',')) {
    const m = /^\s*([a-z_]+)="([^"]*)"\s*$/.exec(part)
    if (!m || m[1]! in fields) return null
    fields[m[1]!] = m[2]!
  }
  if (!AUTH_FIELD_NAMES.every(k => fields[k])) return null
  return { mchid: fields.mchid!, nonce_str: fields.nonce_str!, signature: fields.signature!, timestamp: fields.timestamp!, serial_no: fields.serial_no! }
}

/** A header value by name, case-insensitively (first value of a repeated header). */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined
  const lower = name.toLowerCase()
  for (const key in headers) {
    if (key.toLowerCase() === lower) {
      const v = headers[key]
      return Array.isArray(v) ? v[0] : v
    }
  }
  return undefined
}

/** Why an answer or callback was not trusted. */
export type VerifyFailure = 'missing_header' | 'signtest_probe' | 'stale_timestamp' | 'unknown_serial' | 'bad_signature'

/**
 * Verifies a signed answer or callback over its RAW body (`TIMESTAMP\nNONCE\nBODY\n`; a 204 has an empty
 * body). Checks, in order: the four `Wechatpay-*` headers, SIGNTEST probes (always rejected), the clock
 * skew (≤ `maxSkewSeconds` against `now`), the serial (must be a configured key id), then RSA.
 */
export function verifySignedMessage(opts: { headers: HeaderBag, body: string | Buffer, publicKeys: PublicKeyMap, now: Date, maxSkewSeconds?: number }): { ok: true, serial: string, timestamp: number } | { ok: false, reason: VerifyFailure } {
  const timestamp = headerValue(opts.headers, 'Wechatpay-Timestamp')
  const nonce = headerValue(opts.headers, 'Wechatpay-Nonce')
  const serial = headerValue(opts.headers, 'Wechatpay-Serial')
  const signature = headerValue(opts.headers, 'Wechatpay-Signature')
  if (!timestamp || !nonce || !serial || !signature) return { ok: false, reason: 'missing_header' }
  if (signature.startsWith(SIGNTEST_PREFIX)) return { ok: false, reason: 'signtest_probe' }
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(unixSeconds(opts.now) - Number(timestamp)) > (opts.maxSkewSeconds ?? MAX_CLOCK_SKEW_SECONDS))
    return { ok: false, reason: 'stale_timestamp' }
  const key = opts.publicKeys.get(serial)
  if (!key) return { ok: false, reason: 'unknown_serial' }
  const body = typeof opts.body === 'string' ? Buffer.from(opts.body, 'utf8') : opts.body
  const message = Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`, 'utf8'), body, Buffer.from('\n')])
  return rsaVerify(message, signature, key) ? { ok: true, serial, timestamp: Number(timestamp) } : { ok: false, reason: 'bad_signature' }
}

/**
 * The `Wechatpay-*` headers WeChat Pay puts on an answer or callback (used by the MSW handlers, tests and
 * the bench; the sandbox has its own implementation).
 */
export function signedHeaders(opts: { body: string, privateKey: KeyInput, keyId: string, now: Date, nonce?: string }): Record<string, string> {
  const timestamp = String(unixSeconds(opts.now))
  const nonce = opts.nonce ?? createNonce()
  return {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Serial': opts.keyId,
    'Wechatpay-Signature': rsaSign(`${timestamp}\n${nonce}\n${opts.body}\n`, opts.privateKey),
    'Wechatpay-Signature-Type': AUTH_SCHEME,
  }
}

/** `resource` of a callback: AEAD_AES_256_GCM ciphertext (base64, tag = last 16 bytes), 12-char nonce, AAD. */
export interface EncryptedResource {
  algorithm: string
  ciphertext: string
  /** `"transaction"` / `"refund"` in practice; may be `""` (accepted). */
  associated_data?: string
  nonce: string
  original_type?: string
}

function gcmAlgorithm(key: Buffer): 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm' {
  // The APIv3 key is 32 bytes (AES-256). The wechatpay-go test vector V5b uses a 16-byte key, which Go
  // silently turns into AES-128; we follow the key length the same way so the vector stays pinned.
  if (key.length === 32) return 'aes-256-gcm'
  if (key.length === 16) return 'aes-128-gcm'
  if (key.length === 24) return 'aes-192-gcm'
  throw new Error(`APIv3 key must be 32 bytes, got ${key.length}`)
}

/** Decrypts a callback `resource` to UTF-8 text; throws when the tag does not match (wrong key, tampering). */
export function decryptResource(apiV3Key: string | Buffer, resource: Pick<EncryptedResource, 'ciphertext' | 'nonce' | 'associated_data'>): string {
  const key = typeof apiV3Key === 'string' ? Buffer.from(apiV3Key, 'utf8') : apiV3Key
  const data = Buffer.from(resource.ciphertext, 'base64')
  if (data.length < 17) throw new Error('ciphertext too short')
  const decipher = createDecipheriv(gcmAlgorithm(key), key, Buffer.from(resource.nonce, 'utf8'))
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'))
  decipher.setAuthTag(data.subarray(-16))
  return Buffer.concat([decipher.update(data.subarray(0, -16)), decipher.final()]).toString('utf8')
}

/** Encrypts a resource the way WeChat Pay does (tests, MSW handlers, bench). */
export function encryptResource(apiV3Key: string | Buffer, plaintext: string, associatedData: string, nonce = createNonce(12)): EncryptedResource {
  const key = typeof apiV3Key === 'string' ? Buffer.from(apiV3Key, 'utf8') : apiV3Key
  const cipher = createCipheriv(gcmAlgorithm(key), key, Buffer.from(nonce, 'utf8'))
  cipher.setAAD(Buffer.from(associatedData, 'utf8'))
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext: data.toString('base64'), associated_data: associatedData, nonce }
}

/** Parameters for `WeixinJSBridge.invoke('getBrandWCPayRequest', …)` (all strings, as the bridge wants). */
export interface JsapiPayParams {
  appId: string
  /** Unix seconds as a string (the JS-SDK `wx.chooseWXPay` spells the key `timestamp`, same value). */
  timeStamp: string
  nonceStr: string
  /** `prepay_id=…` (the APP flow signs the bare id; mixing them up fails). */
  package: string
  /** Not signed. */
  signType: 'RSA'
  /** base64 SHA256withRSA over `appId\ntimeStamp\nnonceStr\npackage\n` with the merchant key. */
  paySign: string
}

/** Builds and signs the JSAPI invocation parameters for a prepay_id. */
export function jsapiPayParams(opts: { appId: string, prepayId: string, privateKey: KeyInput, timeStamp?: string, nonceStr?: string }): JsapiPayParams {
  const timeStamp = opts.timeStamp ?? String(unixSeconds(new Date()))
  const nonceStr = opts.nonceStr ?? createNonce()
  const pkg = `prepay_id=${opts.prepayId}`
  return { appId: opts.appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign: rsaSign(`${opts.appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`, opts.privateKey) }
}

/** A verified, decrypted callback before schema validation. */
export interface OpenedNotification {
  /** The envelope as sent (`id`, `create_time`, `event_type`, `resource_type`, `summary`, `resource`). */
  envelope: { id: string, create_time?: string, event_type: string, resource_type?: string, summary?: string, resource: EncryptedResource }
  /** Decrypted `resource` (JSON text of a transaction, refund, …). */
  plaintext: string
  /** Key id that verified the signature. */
  serial: string
}

/**
 * The whole callback pipeline: verify the signature over the raw body FIRST, then parse the envelope and
 * decrypt `resource`. This is the unit `pnpm bench` measures (verifications + decryptions per second).
 */
export function openNotification(opts: { headers: HeaderBag, rawBody: string | Buffer, publicKeys: PublicKeyMap, apiV3Key: string | Buffer, now: Date, maxSkewSeconds?: number }): { ok: true, value: OpenedNotification } | { ok: false, reason: VerifyFailure | 'bad_envelope' | 'decrypt_failed' } {
  const verified = verifySignedMessage({ headers: opts.headers, body: opts.rawBody, publicKeys: opts.publicKeys, now: opts.now, maxSkewSeconds: opts.maxSkewSeconds })
  if (!verified.ok) return verified
  let envelope: OpenedNotification['envelope']
  try {
    envelope = JSON.parse(typeof opts.rawBody === 'string' ? opts.rawBody : opts.rawBody.toString('utf8')) as OpenedNotification['envelope']
  }
  catch {
    return { ok: false, reason: 'bad_envelope' }
  }
  const r = envelope?.resource
  if (typeof envelope?.id !== 'string' || typeof envelope.event_type !== 'string' || typeof r?.ciphertext !== 'string' || typeof r.nonce !== 'string' || r.algorithm !== 'AEAD_AES_256_GCM' || (r.associated_data !== undefined && typeof r.associated_data !== 'string'))
    return { ok: false, reason: 'bad_envelope' }
  try {
    return { ok: true, value: { envelope, plaintext: decryptResource(opts.apiV3Key, r), serial: verified.serial } }
  }
  catch {
    return { ok: false, reason: 'decrypt_failed' }
  }
}

/**
 * Builds a callback exactly as WeChat Pay sends it: encrypted resource in the envelope, signed headers
 * over the serialized body (tests, MSW handlers, and the bench's input).
 */
export function sealNotification(opts: { platformPrivateKey: KeyInput, platformKeyId: string, apiV3Key: string | Buffer, eventType: string, summary: string, originalType: string, payload: unknown, now: Date, id?: string }): { headers: Record<string, string>, body: string } {
  const plaintext = typeof opts.payload === 'string' ? opts.payload : JSON.stringify(opts.payload)
  const resource = { original_type: opts.originalType, ...encryptResource(opts.apiV3Key, plaintext, opts.originalType) }
  const body = JSON.stringify({ id: opts.id ?? randomUUID(), create_time: wechatTime(opts.now), resource_type: 'encrypt-resource', event_type: opts.eventType, summary: opts.summary, resource })
  return { headers: signedHeaders({ body, privateKey: opts.platformPrivateKey, keyId: opts.platformKeyId, now: opts.now }), body }
}
