import { describe, expect, it } from 'vitest'
import { parseEnv } from './env'

const WXPAY = {
  WXPAY_MCHID: '1900000109',
  WXPAY_APPID: 'wx8888888888888888',
  WXPAY_MERCHANT_SERIAL: '5F1C72E2A8931B72A2E13AF8DEE92471EB397115',
  WXPAY_MERCHANT_PRIVATE_KEY_FILE: '/etc/yibao/apiclient_key.pem',
  WXPAY_PLATFORM_PUBLIC_KEY_FILE: '/etc/yibao/pub_key.pem',
  WXPAY_PLATFORM_PUBLIC_KEY_ID: 'PUB_KEY_ID_0114190000010920250101000000000001',
  WXPAY_APIV3_KEY: 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb',
  WXPAY_BASE_URL: 'https://api.mch.weixin.qq.com',
  WXPAY_NOTIFY_URL: 'https://yibao.example.cn/api/v1/payments/wechatpay/notify',
}

describe('env', () => {
  it('applies defaults for a laptop run', () => {
    const env = parseEnv({})
    expect(env.PORT).toBe(8787)
    expect(env.SANDBOX).toBe('embedded')
    expect(env.DATA_DIR).toBe('.data/pglite')
    expect(Object.isFrozen(env)).toBe(true)
  })

  it('fails fast naming every bad variable', () => {
    expect(() => parseEnv({ PORT: 'eighty', NHSA_TIMEOUT_MS: '-1' })).toThrow(/PORT[\s\S]*NHSA_TIMEOUT_MS|NHSA_TIMEOUT_MS[\s\S]*PORT/)
  })

  it('requires every outside system\'s URL and a real WeChat secret when the sandbox is off', () => {
    expect(() => parseEnv({ SANDBOX: 'off' })).toThrow(/NHSA_BASE_URL[\s\S]*SMS_BASE_URL[\s\S]*WECHAT_AUTHORIZE_BASE_URL[\s\S]*WECHAT_API_BASE_URL[\s\S]*TAX_BASE_URL/)
    const urls = { NHSA_BASE_URL: 'https://fsi.example.cn', SMS_BASE_URL: 'https://dysmsapi.example.com', TAX_BASE_URL: 'https://tax.example.cn', WECHAT_AUTHORIZE_BASE_URL: 'https://open.weixin.qq.com', WECHAT_API_BASE_URL: 'https://api.weixin.qq.com' }
    expect(() => parseEnv({ SANDBOX: 'off', ...urls })).toThrow(/WECHAT_APP_SECRET/)
    expect(() => parseEnv({ SANDBOX: 'off', ...urls, WECHAT_APP_SECRET: 'real-secret' })).toThrow(/WXPAY_MCHID[\s\S]*WXPAY_APPID[\s\S]*WXPAY_MERCHANT_SERIAL[\s\S]*WXPAY_MERCHANT_PRIVATE_KEY_FILE[\s\S]*WXPAY_PLATFORM_PUBLIC_KEY_FILE[\s\S]*WXPAY_PLATFORM_PUBLIC_KEY_ID[\s\S]*WXPAY_APIV3_KEY[\s\S]*WXPAY_BASE_URL[\s\S]*WXPAY_NOTIFY_URL/)
    expect(parseEnv({ SANDBOX: 'off', ...urls, ...WXPAY, WECHAT_APP_SECRET: 'real-secret' }).SANDBOX).toBe('off')
  })

  it('checks WeChat Pay settings per sandbox mode', () => {
    const external = { SANDBOX: 'external', NHSA_BASE_URL: 'http://127.0.0.1:1', SMS_BASE_URL: 'http://127.0.0.1:1', WECHAT_AUTHORIZE_BASE_URL: 'http://127.0.0.1:1', WECHAT_API_BASE_URL: 'http://127.0.0.1:1' }
    expect(parseEnv(external).WXPAY_APIV3_KEY).toBeUndefined()
    expect(() => parseEnv({ ...external, WXPAY_APIV3_KEY: WXPAY.WXPAY_APIV3_KEY })).toThrow(/WXPAY_MERCHANT_SERIAL[\s\S]*WXPAY_MERCHANT_PRIVATE_KEY_FILE/)
    expect(parseEnv({ ...external, ...WXPAY }).WXPAY_TIMEOUT_MS).toBe(8000)
    expect(() => parseEnv({ WXPAY_MERCHANT_PRIVATE_KEY_FILE: '/k.pem' })).toThrow(/WXPAY_MERCHANT_PRIVATE_KEY_FILE: the embedded sandbox generates/)
    expect(() => parseEnv({ ...external, ...WXPAY, WXPAY_APIV3_KEY: 'short' })).toThrow(/WXPAY_APIV3_KEY: must be exactly 32 bytes/)
    expect(() => parseEnv({ WXPAY_NOTIFY_URL: 'https://yibao.example.cn/notify?x=1' })).toThrow(/WXPAY_NOTIFY_URL/)
    expect(() => parseEnv({ ...external, ...WXPAY, WXPAY_PLATFORM_PUBLIC_KEY_ID: 'PUB_KEY_ID_1,5DEA10EF' })).toThrow(/as many ids/)
  })

  it('refuses the development PII key in production', () => {
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/PII_HASH_KEY/)
  })
})
