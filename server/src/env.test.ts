import { describe, expect, it } from 'vitest'
import { upstreamUrls } from './deps'
import { parseEnv } from './env'
import { WECHATPAY_NOTIFY_PATH } from './upstream/wechatpay/notify-path'

const WXPAY = {
  WXPAY_MCHID: '1900000109',
  WXPAY_APPID: 'wx8888888888888888',
  WXPAY_MERCHANT_SERIAL: '5F1C72E2A8931B72A2E13AF8DEE92471EB397115',
  WXPAY_MERCHANT_PRIVATE_KEY_FILE: '/etc/yibao/apiclient_key.pem',
  WXPAY_PLATFORM_PUBLIC_KEY_FILE: '/etc/yibao/pub_key.pem',
  WXPAY_PLATFORM_PUBLIC_KEY_ID: 'PUB_KEY_ID_0114190000010920250101000000000001',
  WXPAY_APIV3_KEY: 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb',
  WXPAY_BASE_URL: 'https://api.mch.weixin.qq.com',
  WXPAY_NOTIFY_URL: 'https://yibao.example.cn/api/v1/payments/wechat/notify',
}
/** The identity checks' real endpoints and keys (运营商三要素, 人脸核身). */
const IDENTITY_CHECKS = {
  CARRIER_BASE_URL: 'https://dytnsapi.aliyuncs.com/',
  CARRIER_ACCESS_KEY_ID: 'LTAI5tExampleAccessKey',
  CARRIER_ACCESS_KEY_SECRET: 'example-access-key-secret',
  CARRIER_AUTH_CODE: 'EXAMPLE-AUTH-CODE',
  FACEID_BASE_URL: 'https://faceid.tencentcloudapi.com/',
  FACEID_SECRET_KEY: 'example-faceid-secret-key',
}
/** Every outside system's URL and a real WeChat secret: what SANDBOX=off needs besides WeChat Pay and storage. */
const REAL = {
  SANDBOX: 'off',
  NHSA_BASE_URL: 'https://fsi.example.cn',
  SMS_BASE_URL: 'https://dysmsapi.example.com',
  TAX_BASE_URL: 'https://tax.example.cn',
  WECHAT_AUTHORIZE_BASE_URL: 'https://open.weixin.qq.com',
  WECHAT_API_BASE_URL: 'https://api.weixin.qq.com',
  WECHAT_APP_SECRET: 'real-secret',
  ...IDENTITY_CHECKS,
  ...WXPAY,
}
const POSTGRES = { DATABASE_URL: 'postgres://yibao@db.example.cn:5432/yibao' }

/** The parser's complaint ('' when the environment is accepted). */
function refusal(source: Record<string, string>): string {
  try {
    parseEnv(source)
    return ''
  }
  catch (error) {
    return (error as Error).message
  }
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
    const complete = { SANDBOX: 'off', ...urls, ...IDENTITY_CHECKS, ...WXPAY, ...POSTGRES, WECHAT_APP_SECRET: 'real-secret' }
    expect(parseEnv(complete).SANDBOX).toBe('off')
  })

  it('requires the carrier check\'s endpoint and real keys with the sandbox off, and finds the sandbox otherwise', () => {
    const { CARRIER_BASE_URL: _url, ...noCarrier } = REAL
    expect(refusal({ ...noCarrier, ...POSTGRES })).toContain('CARRIER_BASE_URL: SANDBOX=off requires CARRIER_BASE_URL')
    const sandboxKey = refusal({ ...REAL, ...POSTGRES, CARRIER_ACCESS_KEY_SECRET: 'sandbox-carrier-secret' })
    expect(sandboxKey).toContain('CARRIER_ACCESS_KEY_SECRET: set the real CARRIER_ACCESS_KEY_SECRET when SANDBOX=off')
    expect(upstreamUrls(parseEnv({ ...REAL, ...POSTGRES })).carrier).toBe('https://dytnsapi.aliyuncs.com/')
    expect(upstreamUrls(parseEnv({}), 'http://127.0.0.1:8788').carrier).toBe('http://127.0.0.1:8788/dytns/')
    const at = 'http://127.0.0.1:1'
    const external = { SANDBOX: 'external', NHSA_BASE_URL: at, SMS_BASE_URL: at, WECHAT_AUTHORIZE_BASE_URL: at, WECHAT_API_BASE_URL: at }
    expect(upstreamUrls(parseEnv(external)).carrier).toBe('http://127.0.0.1:1/dytns/')
    expect(parseEnv({}).CARRIER_TIMEOUT_MS).toBe(3000)
  })

  it('requires the face-check provider and a real key with the sandbox off, and finds the sandbox otherwise', () => {
    const { FACEID_BASE_URL: _url, ...noFace } = REAL
    expect(refusal({ ...noFace, ...POSTGRES })).toContain('FACEID_BASE_URL: SANDBOX=off requires FACEID_BASE_URL')
    const sandboxKey = refusal({ ...REAL, ...POSTGRES, FACEID_SECRET_KEY: 'sandbox-faceid-secret-key' })
    expect(sandboxKey).toContain('FACEID_SECRET_KEY: set the real FACEID_SECRET_KEY with SANDBOX=off')
    expect(upstreamUrls(parseEnv({ ...REAL, ...POSTGRES })).faceid).toBe('https://faceid.tencentcloudapi.com/')
    expect(upstreamUrls(parseEnv({}), 'http://127.0.0.1:8788').faceid).toBe('http://127.0.0.1:8788/faceid/')
    const at = 'http://127.0.0.1:1'
    const external = { SANDBOX: 'external', NHSA_BASE_URL: at, SMS_BASE_URL: at, WECHAT_AUTHORIZE_BASE_URL: at, WECHAT_API_BASE_URL: at }
    expect(upstreamUrls(parseEnv(external)).faceid).toBe('http://127.0.0.1:1/faceid/')
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

  it('refuses a WXPAY_NOTIFY_URL whose path is not the route the notify handler is mounted at', () => {
    expect(WECHATPAY_NOTIFY_PATH).toBe('/api/v1/payments/wechat/notify')
    const site = 'https://yibao.example.cn'
    const notifyPath = WECHATPAY_NOTIFY_PATH
    const wrong = refusal({ ...REAL, ...POSTGRES, WXPAY_NOTIFY_URL: `${site}/api/v1/payments/wechatpay/notify` })
    expect(wrong).toContain('WXPAY_NOTIFY_URL: path must be /api/v1/payments/wechat/notify')
    expect(wrong).toContain('got /api/v1/payments/wechatpay/notify')
    // A trailing slash or a prefix added by a proxy is another path too: WeChat Pay would post where nothing listens.
    for (const path of ['/api/v1/payments/wechat/notify/', '/yibao/api/v1/payments/wechat/notify'])
      expect(refusal({ WXPAY_NOTIFY_URL: `${site}${path}` })).toContain(`WXPAY_NOTIFY_URL: path must be ${notifyPath}`)
    // Not a URL at all: named, not a TypeError from a refinement.
    expect(refusal({ WXPAY_NOTIFY_URL: 'example.cn/notify' })).toMatch(/^Invalid environment:\n {2}WXPAY_NOTIFY_URL:/)

    expect(parseEnv({ ...REAL, ...POSTGRES }).WXPAY_NOTIFY_URL).toBe(`${site}/api/v1/payments/wechat/notify`)
    expect(refusal({ WXPAY_NOTIFY_URL: `http://127.0.0.1:8787${notifyPath}` })).toBe('')
  })

  it('refuses real payments on PGlite, which never fsyncs, unless the operator accepts losing data', () => {
    const onPglite = refusal(REAL)
    expect(onPglite).toContain('DATABASE_URL: SANDBOX=off (real payments) requires DATABASE_URL')
    expect(onPglite).toContain('PGLITE_UNSAFE_NO_FSYNC=accept-data-loss')
    expect(parseEnv({ ...REAL, ...POSTGRES }).DATABASE_URL).toBe(POSTGRES.DATABASE_URL)
    const accepted = parseEnv({ ...REAL, PGLITE_UNSAFE_NO_FSYNC: 'accept-data-loss' })
    expect(accepted.DATABASE_URL).toBeUndefined()
    expect(accepted.PGLITE_UNSAFE_NO_FSYNC).toBe('accept-data-loss')
    // Anything but the exact words is refused, so a casual `=true` or `=1` does not switch it on.
    for (const value of ['true', '1', 'yes'])
      expect(refusal({ ...REAL, PGLITE_UNSAFE_NO_FSYNC: value })).toContain('PGLITE_UNSAFE_NO_FSYNC: the only accepted')
    // Sandbox modes hold no real money: PGlite needs no consent there.
    expect(parseEnv({}).PGLITE_UNSAFE_NO_FSYNC).toBeUndefined()
  })

  it('refuses the development PII key in production', () => {
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/PII_HASH_KEY/)
  })

  it('requires PUBLIC_ORIGIN in production, so origin checks never trust the Host header', () => {
    const production = { NODE_ENV: 'production', PII_HASH_KEY: 'a-real-secret-key-of-at-least-32-characters' }
    expect(refusal(production)).toContain('PUBLIC_ORIGIN: NODE_ENV=production requires PUBLIC_ORIGIN')
    expect(parseEnv({ ...production, PUBLIC_ORIGIN: 'https://yibao.example.gov.cn' }).PUBLIC_ORIGIN)
      .toBe('https://yibao.example.gov.cn')
    // Laptops and tests do without.
    expect(refusal({ NODE_ENV: 'development' })).toBe('')
    expect(refusal({ NODE_ENV: 'test' })).toBe('')
  })

  it('describes the trusted proxies by a hop count or CIDR ranges, only with TRUST_PROXY', () => {
    expect(parseEnv({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true)
    expect(parseEnv({ TRUST_PROXY: 'true' }).TRUST_PROXY_HOPS).toBeUndefined()
    expect(parseEnv({ TRUST_PROXY: 'true', TRUST_PROXY_HOPS: '2' }).TRUST_PROXY_HOPS).toBe(2)
    expect(parseEnv({ TRUST_PROXY: 'true', TRUST_PROXY_CIDRS: '10.0.0.0/8, 192.168.1.7,fd00::/8' }).TRUST_PROXY_CIDRS)
      .toEqual(['10.0.0.0/8', '192.168.1.7', 'fd00::/8'])
    expect(refusal({ TRUST_PROXY_HOPS: '1' })).toContain('TRUST_PROXY_HOPS describes the proxies to trust')
    expect(refusal({ TRUST_PROXY_CIDRS: '10.0.0.0/8' })).toContain('TRUST_PROXY_CIDRS describes the proxies')
    const both = { TRUST_PROXY: 'true', TRUST_PROXY_HOPS: '1', TRUST_PROXY_CIDRS: '10.0.0.0/8' }
    expect(refusal(both)).toContain('not both')
    expect(refusal({ TRUST_PROXY: 'true', TRUST_PROXY_HOPS: '0' })).toContain('TRUST_PROXY_HOPS')
    for (const bad of ['10.0.0.0/33', 'proxy.local', '10.0.0.0/8/1', '::1/129'])
      expect(refusal({ TRUST_PROXY: 'true', TRUST_PROXY_CIDRS: bad })).toContain('TRUST_PROXY_CIDRS: expected an IP')
  })

  it('lets /metrics be read from this machine only unless METRICS_ALLOW names the operator\'s network', () => {
    expect(parseEnv({}).METRICS_ALLOW).toEqual(['127.0.0.1/32', '::1/128'])
    expect(parseEnv({ METRICS_ALLOW: '10.8.0.0/16, 192.168.1.7,fd00:8::/32' }).METRICS_ALLOW)
      .toEqual(['10.8.0.0/16', '192.168.1.7', 'fd00:8::/32'])
    expect(parseEnv({ METRICS_ALLOW: '' }).METRICS_ALLOW).toEqual([])
    for (const bad of ['10.0.0.0/33', 'prometheus.local', '0.0.0.0/0/1'])
      expect(refusal({ METRICS_ALLOW: bad })).toContain('METRICS_ALLOW: expected an IP')
  })

  it('takes another consent version in sandbox modes only, as a date', () => {
    expect(parseEnv({}).CONSENT_VERSION).toBeUndefined()
    expect(parseEnv({ CONSENT_VERSION: '2026-12-15' }).CONSENT_VERSION).toBe('2026-12-15')
    expect(refusal({ CONSENT_VERSION: 'v2' })).toContain('CONSENT_VERSION')
    expect(refusal({ ...REAL, ...POSTGRES, CONSENT_VERSION: '2026-12-15' }))
      .toMatch(/CONSENT_VERSION.*sandbox modes only/)
    expect(refusal({ ...REAL, ...POSTGRES })).toBe('')
  })

  it('bounds the order event streams: 1000 per instance and a 20 s safety poll by default, and no nonsense', () => {
    expect(parseEnv({})).toMatchObject({ ORDER_STREAMS_PER_INSTANCE: 1000, ORDER_STREAM_POLL_MS: 20_000 })
    expect(parseEnv({ ORDER_STREAMS_PER_INSTANCE: '50', ORDER_STREAM_POLL_MS: '15000' }))
      .toMatchObject({ ORDER_STREAMS_PER_INSTANCE: 50, ORDER_STREAM_POLL_MS: 15_000 })
    expect(refusal({ ORDER_STREAMS_PER_INSTANCE: '0' })).toContain('ORDER_STREAMS_PER_INSTANCE')
    expect(refusal({ ORDER_STREAMS_PER_INSTANCE: 'many' })).toContain('ORDER_STREAMS_PER_INSTANCE')
    // Faster than 0.1 s is a busy loop on the database; slower than 5 minutes is no safety net.
    expect(refusal({ ORDER_STREAM_POLL_MS: '50' })).toContain('ORDER_STREAM_POLL_MS')
    expect(refusal({ ORDER_STREAM_POLL_MS: '600000' })).toContain('ORDER_STREAM_POLL_MS')
  })
})
