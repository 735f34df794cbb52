import type { Env } from '../../env'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../lib/logger'
import { rsaSign, rsaVerify } from './crypto'
import {
  generateSandboxWechatPayKeys,
  hasWechatPayKeyFiles,
  loadWechatPayKeys,
  resolveWechatPayKeys,
  SANDBOX_WXPAY_MCHID,
  sandboxWechatPayIdentity,
  writeWechatPayKeyFiles,
} from './keys'

const dir = mkdtempSync(join(tmpdir(), 'yibao-wxpay-keys-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const env = (vars: Partial<Env>) => ({ SANDBOX: 'embedded', WECHAT_APPID: 'wx0000000000sandbox', ...vars }) as Env

describe('sandbox WeChat Pay keys', () => {
  // Made in a hook, not while collecting the tests, so that mutation testing sees this code run under a test.
  let keys: ReturnType<typeof generateSandboxWechatPayKeys>
  beforeAll(() => {
    keys = generateSandboxWechatPayKeys({ mchid: '1900000109', appid: 'wx8888888888888888' })
  })

  it('makes a merchant with working key pairs, a 40-hex serial, a PUB_KEY_ID id and a 32-character APIv3 key', () => {
    expect(keys).toMatchObject({ mchid: '1900000109', appid: 'wx8888888888888888', generated: true })
    expect(keys.merchantSerial).toMatch(/^[0-9A-F]{40}$/)
    expect(keys.platformKeyId).toMatch(/^PUB_KEY_ID_01141900000109\d{12}SANDBOX$/)
    expect(Object.keys(keys.platformPublicKeys)).toEqual([keys.platformKeyId])
    expect(keys.apiV3Key).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(rsaVerify('m', rsaSign('m', keys.merchantPrivateKey), keys.merchantPublicKey)).toBe(true)
    expect(rsaVerify('m', rsaSign('m', keys.platformPrivateKey), keys.platformPublicKeys[keys.platformKeyId]!)).toBe(
      true,
    )
    const other = generateSandboxWechatPayKeys({ mchid: '1900000109', appid: 'wx8888888888888888' })
    expect(other.platformKeyId).not.toBe(keys.platformKeyId)
    expect(other.merchantSerial).not.toBe(keys.merchantSerial)
  })

  it('writes them for another process and reads the BFF\'s half back', () => {
    const vars = writeWechatPayKeyFiles(keys, join(dir, 'a', 'nested'))
    expect(vars).toEqual({
      WXPAY_MCHID: '1900000109',
      WXPAY_APPID: 'wx8888888888888888',
      WXPAY_MERCHANT_SERIAL: keys.merchantSerial,
      WXPAY_MERCHANT_PRIVATE_KEY_FILE: join(dir, 'a', 'nested', 'merchant_private_key.pem'),
      WXPAY_PLATFORM_PUBLIC_KEY_FILE: join(dir, 'a', 'nested', 'platform_public_key.pem'),
      WXPAY_PLATFORM_PUBLIC_KEY_ID: keys.platformKeyId,
      WXPAY_APIV3_KEY: keys.apiV3Key,
    })
    expect(statSync(vars.WXPAY_MERCHANT_PRIVATE_KEY_FILE!).mode & 0o777).toBe(0o600)
    expect(readFileSync(join(dir, 'a', 'nested', 'platform_private_key.pem'), 'utf8')).toContain('BEGIN PRIVATE KEY')
    expect(readFileSync(join(dir, 'a', 'nested', 'merchant_public_key.pem'), 'utf8')).toContain('BEGIN PUBLIC KEY')
    expect(JSON.parse(readFileSync(join(dir, 'a', 'nested', 'wechatpay.json'), 'utf8'))).toEqual({
      mchid: '1900000109',
      appid: 'wx8888888888888888',
      merchantSerial: keys.merchantSerial,
      platformKeyId: keys.platformKeyId,
      apiV3Key: keys.apiV3Key,
    })
    const loaded = loadWechatPayKeys(env(vars))
    expect(loaded).toMatchObject({
      mchid: '1900000109',
      appid: 'wx8888888888888888',
      merchantSerial: keys.merchantSerial,
      apiV3Key: keys.apiV3Key,
      generated: false,
    })
    expect(loaded.merchantPublicKey.equals(keys.merchantPublicKey)).toBe(true)
    expect(loaded.merchantPrivateKey.type).toBe('private')
    expect(Object.keys(loaded.platformPublicKeys)).toEqual([keys.platformKeyId])
    expect(loaded.platformPublicKeys[keys.platformKeyId]!.equals(keys.platformPublicKeys[keys.platformKeyId]!)).toBe(
      true,
    )
  })

  it('loads several platform keys paired by position, and names what is missing', () => {
    const vars = writeWechatPayKeyFiles(keys, join(dir, 'b'))
    const second = generateSandboxWechatPayKeys({ mchid: '1900000109', appid: 'wx8888888888888888' })
    const secondVars = writeWechatPayKeyFiles(second, join(dir, 'c'))
    // Spaces around the commas are allowed.
    const files = [vars.WXPAY_PLATFORM_PUBLIC_KEY_FILE, secondVars.WXPAY_PLATFORM_PUBLIC_KEY_FILE].join(' , ')
    const ids = `${keys.platformKeyId}, ${second.platformKeyId}`
    const both = env({ ...vars, WXPAY_PLATFORM_PUBLIC_KEY_FILE: files, WXPAY_PLATFORM_PUBLIC_KEY_ID: ids })
    const loaded = loadWechatPayKeys(both)
    expect(Object.keys(loaded.platformPublicKeys)).toEqual([keys.platformKeyId, second.platformKeyId])
    expect(
      loaded.platformPublicKeys[second.platformKeyId]!.equals(second.platformPublicKeys[second.platformKeyId]!),
    ).toBe(true)
    expect(() => loadWechatPayKeys(env({ ...vars, WXPAY_PLATFORM_PUBLIC_KEY_ID: `${keys.platformKeyId},X` }))).toThrow(
      'WXPAY_PLATFORM_PUBLIC_KEY_FILE and WXPAY_PLATFORM_PUBLIC_KEY_ID must list as many entries',
    )
    for (const name of [
      'WXPAY_MCHID',
      'WXPAY_APPID',
      'WXPAY_MERCHANT_SERIAL',
      'WXPAY_APIV3_KEY',
      'WXPAY_PLATFORM_PUBLIC_KEY_ID',
    ] as const)
      expect(() => loadWechatPayKeys(env({ ...vars, [name]: '' }))).toThrow(`${name} is not set`)
  })

  it('uses configured key files, else generates keys (warning if an external sandbox cannot know them)', () => {
    const vars = writeWechatPayKeyFiles(keys, join(dir, 'd'))
    expect(hasWechatPayKeyFiles(env(vars))).toBe(true)
    expect(hasWechatPayKeyFiles(env({}))).toBe(false)
    expect(resolveWechatPayKeys(env(vars))).toMatchObject({ generated: false, merchantSerial: keys.merchantSerial })
    const lines: { level: number, msg: string }[] = []
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk: Buffer, _e, done) {
          lines.push(JSON.parse(chunk.toString('utf8')) as { level: number, msg: string })
          done()
        },
      }),
    )
    expect(resolveWechatPayKeys(env({ WXPAY_MCHID: '1234567890' }), logger)).toMatchObject({
      generated: true,
      mchid: '1234567890',
      appid: 'wx0000000000sandbox',
    })
    expect(lines).toEqual([])
    expect(resolveWechatPayKeys(env({ SANDBOX: 'external' })).generated).toBe(true) // no logger: no warning
    expect(resolveWechatPayKeys(env({ SANDBOX: 'external' }), logger)).toMatchObject({
      generated: true,
      mchid: SANDBOX_WXPAY_MCHID,
    })
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: expect.stringMatching(/^SANDBOX=external without WXPAY_\* key files/),
      }),
    ])
    expect(sandboxWechatPayIdentity(env({ WXPAY_APPID: 'wxPAY' }))).toEqual({ mchid: '1900000109', appid: 'wxPAY' })
  })
})
