import type { KeyObject } from 'node:crypto'
import type { Env } from '../../env'
import type { Logger } from '../../lib/logger'
import { createPublicKey, generateKeyPairSync, randomBytes, randomInt } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createNonce, toPrivateKey, toPublicKey } from './crypto'

/**
 * The key material of one WeChat Pay merchant, as the BFF needs it — and, for generated sandbox keys,
 * the halves the sandbox needs to play WeChat Pay (`merchantPublicKey` to verify our requests,
 * `platformPrivateKey` to sign answers and callbacks). One object is handed to both
 * `createSandbox({ wechatpay })` and `createDeps(…, { wechatpayKeys })`.
 */
export interface WechatPayKeys {
  /** 商户号. */
  mchid: string
  /** The 公众号 appid the payments are made under (JSAPI openids belong to it). */
  appid: string
  /** Serial of the merchant API certificate (`serial_no` in our Authorization header). */
  merchantSerial: string
  merchantPrivateKey: KeyObject
  merchantPublicKey: KeyObject
  /** Platform keys that may sign answers and callbacks, by `Wechatpay-Serial` (`PUB_KEY_ID_…` or certificate serials). */
  platformPublicKeys: Record<string, KeyObject>
  /** Only for generated sandbox keys: the id the sandbox signs under and its private key. */
  platformKeyId?: string
  platformPrivateKey?: KeyObject
  /** APIv3 key, 32 ASCII bytes (AES-256-GCM key of callback resources). */
  apiV3Key: string
  /** `true` when made up at start-up (sandbox modes without key files). */
  generated: boolean
}

/** Generated keys: everything the sandbox needs is present. */
export type GeneratedWechatPayKeys = WechatPayKeys & { platformKeyId: string, platformPrivateKey: KeyObject, generated: true }

/** 商户号 used in sandbox modes when WXPAY_MCHID is not set (10 digits like a real one). */
export const SANDBOX_WXPAY_MCHID = '1900000109'

const DIGITS = '0123456789'
function digits(n: number): string {
  let out = ''
  for (let i = 0; i < n; i++) out += DIGITS[randomInt(10)]
  return out
}

/**
 * Makes up a sandbox merchant: RSA-2048 merchant and platform key pairs, a random 40-hex merchant serial,
 * a public-key-mode id `PUB_KEY_ID_0114<mchid><12 digits>SANDBOX` and a random 32-character APIv3 key.
 * About 0.3 s of CPU (two key pairs): call it once at start-up.
 */
export function generateSandboxWechatPayKeys(identity: { mchid: string, appid: string }): GeneratedWechatPayKeys {
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const platformKeyId = `PUB_KEY_ID_0114${identity.mchid}${digits(12)}SANDBOX`
  return {
    mchid: identity.mchid,
    appid: identity.appid,
    merchantSerial: randomBytes(20).toString('hex').toUpperCase(),
    merchantPrivateKey: merchant.privateKey,
    merchantPublicKey: merchant.publicKey,
    platformPublicKeys: { [platformKeyId]: platform.publicKey },
    platformKeyId,
    platformPrivateKey: platform.privateKey,
    apiV3Key: createNonce(32),
    generated: true,
  }
}

/** `true` when WXPAY_* key material is configured (files, serial, ids, APIv3 key). */
export function hasWechatPayKeyFiles(env: Env): boolean {
  return Boolean(env.WXPAY_MERCHANT_PRIVATE_KEY_FILE)
}

/**
 * Reads the configured key files. `WXPAY_PLATFORM_PUBLIC_KEY_FILE` / `_ID` may list several comma-separated
 * entries, paired by position (a public key and certificates during a migration). A file may hold a
 * public key or a certificate PEM.
 */
export function loadWechatPayKeys(env: Env): WechatPayKeys {
  const need = (name: keyof Env) => {
    const value = env[name]
    if (typeof value !== 'string' || !value) throw new Error(`${name} is not set`)
    return value
  }
  const merchantPrivateKey = toPrivateKey(readFileSync(resolve(need('WXPAY_MERCHANT_PRIVATE_KEY_FILE')), 'utf8'))
  const files = need('WXPAY_PLATFORM_PUBLIC_KEY_FILE').split(',').map(s => s.trim())
  const ids = need('WXPAY_PLATFORM_PUBLIC_KEY_ID').split(',').map(s => s.trim())
  if (files.length !== ids.length) throw new Error('WXPAY_PLATFORM_PUBLIC_KEY_FILE and WXPAY_PLATFORM_PUBLIC_KEY_ID must list as many entries')
  return {
    mchid: need('WXPAY_MCHID'),
    appid: need('WXPAY_APPID'),
    merchantSerial: need('WXPAY_MERCHANT_SERIAL'),
    merchantPrivateKey,
    merchantPublicKey: createPublicKey(merchantPrivateKey),
    platformPublicKeys: Object.fromEntries(ids.map((id, i) => [id, toPublicKey(readFileSync(resolve(files[i]!), 'utf8'))])),
    apiV3Key: need('WXPAY_APIV3_KEY'),
    generated: false,
  }
}

/** Merchant identity of the sandbox modes: WXPAY_MCHID or `SANDBOX_WXPAY_MCHID`, WXPAY_APPID or the 公众号 WECHAT_APPID. */
export function sandboxWechatPayIdentity(env: Env): { mchid: string, appid: string } {
  return { mchid: env.WXPAY_MCHID ?? SANDBOX_WXPAY_MCHID, appid: env.WXPAY_APPID ?? env.WECHAT_APPID }
}

/**
 * The keys for this process: the configured files when set (required with SANDBOX=off, checked by env.ts),
 * otherwise generated sandbox keys. With SANDBOX=external and no files the external sandbox cannot know
 * the generated keys, so payment calls will fail (logged once as a warning).
 */
export function resolveWechatPayKeys(env: Env, logger?: Logger): WechatPayKeys {
  if (hasWechatPayKeyFiles(env)) return loadWechatPayKeys(env)
  if (env.SANDBOX === 'external')
    logger?.warn('SANDBOX=external without WXPAY_* key files: generated WeChat Pay keys the external sandbox does not know; payments will fail (see README "WeChat Pay")')
  return generateSandboxWechatPayKeys(sandboxWechatPayIdentity(env))
}

/**
 * Writes generated keys to `dir` for a BFF started with SANDBOX=external (bench, e2e): the merchant private
 * key and platform public key for the BFF, plus the merchant public key and platform private key for a
 * sandbox in another process (`loadSandboxWechatPayKeys(dir)` in `@yibao/sandbox`). Returns the WXPAY_*
 * variables to pass to the BFF.
 */
export function writeWechatPayKeyFiles(keys: GeneratedWechatPayKeys, dir: string): Record<string, string> {
  mkdirSync(dir, { recursive: true })
  const pem = (k: KeyObject) => k.export({ type: k.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }) as string
  const file = (name: string, text: string) => {
    const path = join(dir, name)
    writeFileSync(path, text, { mode: 0o600 })
    return path
  }
  const merchantKey = file('merchant_private_key.pem', pem(keys.merchantPrivateKey))
  file('merchant_public_key.pem', pem(keys.merchantPublicKey))
  const platformKey = file('platform_public_key.pem', pem(keys.platformPublicKeys[keys.platformKeyId]!))
  file('platform_private_key.pem', pem(keys.platformPrivateKey))
  file('wechatpay.json', `${JSON.stringify({ mchid: keys.mchid, appid: keys.appid, merchantSerial: keys.merchantSerial, platformKeyId: keys.platformKeyId, apiV3Key: keys.apiV3Key }, null, 2)}\n`)
  return {
    WXPAY_MCHID: keys.mchid,
    WXPAY_APPID: keys.appid,
    WXPAY_MERCHANT_SERIAL: keys.merchantSerial,
    WXPAY_MERCHANT_PRIVATE_KEY_FILE: merchantKey,
    WXPAY_PLATFORM_PUBLIC_KEY_FILE: platformKey,
    WXPAY_PLATFORM_PUBLIC_KEY_ID: keys.platformKeyId,
    WXPAY_APIV3_KEY: keys.apiV3Key,
  }
}
