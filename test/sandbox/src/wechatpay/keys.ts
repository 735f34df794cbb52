import type { KeyObject } from 'node:crypto'
import type { SandboxKeyInput } from './crypto'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { privateKeyOf, publicKeyOf, randomAlnum, randomDigits } from './crypto'

/**
 * What the simulator needs to play WeChat Pay for one merchant. The BFF's generated `WechatPayKeys`
 * (server/src/upstream/wechatpay/keys.ts) has all these fields, so `pnpm start` passes one object to both.
 */
export interface SandboxWechatPayKeys {
  /** 商户号 the simulator accepts. */
  mchid: string
  /** The appid orders must carry. */
  appid: string
  /** Serial of the merchant API certificate (`serial_no` of requests). */
  merchantSerial: string
  /** Verifies the merchant's request signatures. */
  merchantPublicKey: SandboxKeyInput
  /** `Wechatpay-Serial` of answers and callbacks (`PUB_KEY_ID_…`). */
  platformKeyId: string
  /** Signs answers and callbacks. */
  platformPrivateKey: SandboxKeyInput
  /** APIv3 key (32 bytes): encrypts callback resources. */
  apiV3Key: string
}

/** Keys with parsed key objects. */
export interface ResolvedWechatPayKeys extends SandboxWechatPayKeys {
  merchantPublicKey: KeyObject
  platformPrivateKey: KeyObject
  /** Public half of the platform key (handy for tests). */
  platformPublicKey: KeyObject
}

/** Parses the PEMs once. */
export function resolveWechatPayKeys(keys: SandboxWechatPayKeys): ResolvedWechatPayKeys {
  if (Buffer.byteLength(keys.apiV3Key) !== 32) throw new Error('sandbox WeChat Pay: the APIv3 key must be 32 bytes')
  const platformPrivateKey = privateKeyOf(keys.platformPrivateKey)
  return { ...keys, merchantPublicKey: publicKeyOf(keys.merchantPublicKey), platformPrivateKey, platformPublicKey: publicKeyOf(platformPrivateKey) }
}

/**
 * Made-up keys for a sandbox nobody gave keys to (its own tests, a standalone run). The merchant private
 * key is returned too, since only a test holding it can call the simulator.
 */
export function generateWechatPayKeys(mchid = '1900000109', appid = 'wx0000000000sandbox'): ResolvedWechatPayKeys & { merchantPrivateKey: KeyObject } {
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return {
    mchid,
    appid,
    merchantSerial: randomBytes(20).toString('hex').toUpperCase(),
    merchantPublicKey: merchant.publicKey,
    merchantPrivateKey: merchant.privateKey,
    platformKeyId: `PUB_KEY_ID_0114${mchid}${randomDigits(12)}SANDBOX`,
    platformPrivateKey: platform.privateKey,
    platformPublicKey: platform.publicKey,
    apiV3Key: randomAlnum(32),
  }
}

/**
 * Reads keys written by the BFF's `writeWechatPayKeyFiles(keys, dir)` (for a sandbox in another process
 * than the BFF: bench, e2e with SANDBOX=external): `wechatpay.json`, `merchant_public_key.pem`,
 * `platform_private_key.pem`.
 */
export function loadWechatPayKeys(dir: string): SandboxWechatPayKeys {
  const meta = JSON.parse(readFileSync(join(dir, 'wechatpay.json'), 'utf8')) as Omit<SandboxWechatPayKeys, 'merchantPublicKey' | 'platformPrivateKey'>
  return {
    ...meta,
    merchantPublicKey: readFileSync(join(dir, 'merchant_public_key.pem'), 'utf8'),
    platformPrivateKey: readFileSync(join(dir, 'platform_private_key.pem'), 'utf8'),
  }
}
