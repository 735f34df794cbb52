import { isIP } from 'node:net'
import process from 'node:process'
import { z } from 'zod'
import { CRASH_POINTS } from './lib/crash-points'
import { WECHATPAY_NOTIFY_PATH } from './upstream/wechatpay/notify-path'

/** The only value of PGLITE_UNSAFE_NO_FSYNC that lets SANDBOX=off run on PGlite. */
export const PGLITE_UNSAFE_ACCEPT = 'accept-data-loss'

/** zod runs every check even after `.url()` fails, so refinements parse without throwing. */
function urlOf(v: unknown): URL | null {
  return typeof v === 'string' && URL.canParse(v) ? new URL(v) : null
}

/** A comma-separated list of IP addresses or CIDR ranges (`10.0.0.0/8, 192.168.1.7,fd00::/8`), each checked. */
function cidrList(value: string, ctx: z.RefinementCtx): string[] {
  const list = value.split(',').map(s => s.trim()).filter(Boolean)
  for (const cidr of list) {
    const [address = '', prefix, extra] = cidr.split('/')
    const family = isIP(address)
    const bits = family === 6 ? 128 : 32
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits)
    if (!family || !prefixOk || extra !== undefined)
      ctx.addIssue({ code: 'custom', message: `expected an IP address or CIDR range like 10.0.0.0/8, got ${cidr}` })
  }
  return list
}

/**
 * The only reader of `process.env`. Parsed once at start-up; a bad value stops the process with a
 * clear message rather than failing later on a request.
 */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  /**
   * Public origin the app is served from: CSRF origin checks, the WeChat OAuth redirect, the default
   * WeChat Pay notify URL and the verification address in the QR codes of PDFs use it. Required in
   * production (otherwise they would trust the Host header).
   */
  PUBLIC_ORIGIN: z.string().url().optional(),
  /**
   * Behind reverse proxies that append the client's address to X-Forwarded-For: only then is that header
   * believed, and only the entries the trusted proxies appended (see TRUST_PROXY_HOPS, TRUST_PROXY_CIDRS).
   */
  TRUST_PROXY: z.enum(['true', 'false']).default('false').transform(v => v === 'true'),
  /**
   * With TRUST_PROXY: how many proxies in front of the BFF append to X-Forwarded-For (default 1, one nginx or
   * load balancer). The client is that many entries from the right; entries further left are the caller's own.
   */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(1).max(10).optional(),
  /**
   * With TRUST_PROXY, instead of a count: the proxies' addresses or CIDR ranges, comma-separated (e.g.
   * `10.0.0.0/8,fd00::/8`). The client is the rightmost X-Forwarded-For entry outside them, when the
   * connection itself comes from one of them.
   */
  TRUST_PROXY_CIDRS: z.string().optional().transform((v, ctx) => {
    const list = cidrList(v ?? '', ctx)
    return list.length ? list : undefined
  }),
  /**
   * Who may read `/metrics` (Prometheus): the operator's network, as IP addresses or CIDR ranges, comma-separated
   * (default: this machine only). Checked against the client address (proxy-aware, as TRUST_PROXY says); anyone
   * else, and any request through the public origin, gets the same 404 as a path that does not exist. Empty: no
   * one.
   */
  METRICS_ALLOW: z.string().default('127.0.0.1/32,::1/128').transform((v, ctx) => cidrList(v, ctx)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Reuse a person's bureau reads for a few seconds (coverage 30 s, 1101 60 s, a settled slip 5 min;
   * never across people). `false` asks the bureau on every request.
   */
  PERSON_READ_CACHE: z.enum(['true', 'false']).default('true').transform(v => v === 'true'),
  /**
   * `embedded`: start the bureau sandbox inside this process (laptop default).
   * `external`: the bureau systems at *_BASE_URL are a sandbox running elsewhere (benchmarks, demos).
   * `off`: real bureau systems at the *_BASE_URL settings.
   */
  SANDBOX: z.enum(['embedded', 'external', 'off']).default('embedded'),
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(8788),
  /**
   * Sandbox modes only (demos, the browser journeys): the app's clock (and the embedded sandbox's) starts
   * at this instant and runs on in real time, e.g. `2026-11-15T10:00:00+08:00` — an ISO 8601 date-time
   * with its offset (or Z). Unset: the real clock. Refused with SANDBOX=off.
   */
  SANDBOX_CLOCK: z.string().optional().transform((v, ctx) => {
    if (!v) return undefined
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/
    const at = iso.test(v) ? new Date(v) : null
    if (!at || Number.isNaN(at.getTime())) {
      const message = `expected an ISO 8601 date-time with an offset, e.g. 2026-11-15T10:00:00+08:00, got ${v}`
      ctx.addIssue({ code: 'custom', message })
    }
    return at ?? undefined
  }),
  /** Base URL of the national 医疗保障信息平台 gateway. Defaults to the embedded sandbox. */
  NHSA_BASE_URL: z.string().url().optional(),
  NHSA_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  /** Our 定点机构/经办 code sent in `fixmedins_code` and used in msgid (12 characters). */
  NHSA_SENDER_CODE: z.string().length(12).default('H37050200001'),
  NHSA_SENDER_NAME: z.string().default('医保自助服务平台'),
  /** 参保地区划 used when a transaction needs one and the person's is not known yet. */
  NHSA_DEFAULT_ADMDVS: z.string().regex(/^\d{6}$/).default('370500'),
  /** SMS gateway (Dysms-style SendSms). Defaults to the embedded sandbox. */
  SMS_BASE_URL: z.string().url().optional(),
  SMS_SIGN_NAME: z.string().default('医保自助'),
  /**
   * Tax bureau 社保费征收 system (premium payments and contribution records). Defaults to the embedded
   * sandbox, or with SANDBOX=external to NHSA_BASE_URL (the same sandbox); required with SANDBOX=off.
   */
  TAX_BASE_URL: z.string().url().optional(),
  /**
   * 运营商三要素核验 (name + ID number + phone, answered by 中国移动/联通/电信 through an aggregator), in the
   * shape of the Alibaba Cloud 号码百科 `ThreeElementsVerification` RPC API (https://dytnsapi.aliyuncs.com/).
   * Defaults to the embedded sandbox, or with SANDBOX=external to NHSA_BASE_URL (the same sandbox).
   */
  CARRIER_BASE_URL: z.string().url().optional(),
  /** AccessKey pair the requests are signed with (HMAC-SHA1); sandbox defaults, required with SANDBOX=off. */
  CARRIER_ACCESS_KEY_ID: z.string().min(1).default('sandbox-carrier-key'),
  CARRIER_ACCESS_KEY_SECRET: z.string().min(1).default('sandbox-carrier-secret'),
  /** 号码百科 授权码 (AuthCode) of the approved three-element tag. */
  CARRIER_AUTH_CODE: z.string().min(1).default('sandbox-auth-code'),
  /** Deadline of one carrier check, in ms: sign-in waits on it, and goes on without it when it is late. */
  CARRIER_TIMEOUT_MS: z.coerce.number().int().positive().default(3000),
  /** WeChat 公众号 web authorisation. Default URLs point at the embedded sandbox. */
  WECHAT_APPID: z.string().default('wx0000000000sandbox'),
  WECHAT_APP_SECRET: z.string().default('sandbox-secret'),
  WECHAT_AUTHORIZE_BASE_URL: z.string().url().optional(),
  WECHAT_API_BASE_URL: z.string().url().optional(),
  /**
   * 人脸核身 provider (Tencent Cloud 慧眼 FaceId API, https://faceid.tencentcloudapi.com/ in production).
   * Defaults to the sandbox (`/faceid/` on the embedded sandbox, or on NHSA_BASE_URL with SANDBOX=external).
   */
  FACEID_BASE_URL: z.string().url().optional(),
  /** The 慧眼 business flow (RuleId) configured in the provider's console. */
  FACEID_RULE_ID: z.string().min(1).default('1'),
  /** API 3.0 credentials (TC3-HMAC-SHA256 signing); sandbox defaults, required with SANDBOX=off. */
  FACEID_SECRET_ID: z.string().min(1).default('AKIDsandboxfaceid'),
  FACEID_SECRET_KEY: z.string().min(1).default('sandbox-faceid-secret-key'),
  /**
   * CJK font for the PDFs (结算单, 电子缴费凭证): a .ttf/.otf path, or `file.ttc#PostScriptName` for a collection.
   * Default: the first of WenQuanYi Micro Hei (Debian `fonts-wqy-microhei`), Noto Sans CJK SC, WenQuanYi Zen Hei.
   */
  SLIP_PDF_FONT: z.string().min(1).optional(),
  /**
   * Worker threads that render the PDFs (they start on the first PDF and end when idle). Default: one per CPU
   * core (`os.availableParallelism()`), and 0 under NODE_ENV=test; 0 renders on the event loop.
   */
  PDF_THREADS: z.coerce.number().int().min(0).max(32).optional(),
  /** Deadline of SMS and WeChat calls, in ms. */
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  /**
   * WeChat Pay APIv3 (direct merchant). All required with SANDBOX=off. In sandbox modes leave the key
   * settings unset: start-up generates sandbox keys and shares them with the embedded sandbox; with
   * SANDBOX=external pass the files written by `writeWechatPayKeyFiles` (see README "WeChat Pay").
   */
  /** 商户号 (sandbox default 1900000109). */
  WXPAY_MCHID: z.string().regex(/^\d{6,32}$/, 'digits only').optional(),
  /** appid the payments are made under (sandbox default: WECHAT_APPID, since JSAPI openids belong to it). */
  WXPAY_APPID: z.string().min(1).optional(),
  /** Serial number of the merchant API certificate (商户API证书序列号, 40 hex characters). */
  WXPAY_MERCHANT_SERIAL: z.string().regex(/^[0-9A-Fa-f]{8,40}$/, 'hex serial of the merchant API certificate').optional(),
  /** PEM file of the merchant API private key (apiclient_key.pem). */
  WXPAY_MERCHANT_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  /** PEM file(s) of the WeChat Pay public key or platform certificates, comma-separated, paired with the ids below. */
  WXPAY_PLATFORM_PUBLIC_KEY_FILE: z.string().min(1).optional(),
  /** Id(s) of those keys as `Wechatpay-Serial` names them: `PUB_KEY_ID_…` or a certificate serial, comma-separated. */
  WXPAY_PLATFORM_PUBLIC_KEY_ID: z.string().min(1).optional(),
  /** APIv3 key (32 bytes): decrypts callbacks. */
  WXPAY_APIV3_KEY: z.string().refine(v => Buffer.byteLength(v) === 32, 'must be exactly 32 bytes').optional(),
  /** API host (https://api.mch.weixin.qq.com in production). Defaults to the sandbox. */
  WXPAY_BASE_URL: z.string().url().optional(),
  /**
   * Public https URL WeChat Pay posts callbacks to (no query string). Its path must be the mounted route,
   * WECHATPAY_NOTIFY_PATH (/api/v1/payments/wechat/notify). Default: PUBLIC_ORIGIN (or
   * http://127.0.0.1:PORT) + that path.
   */
  WXPAY_NOTIFY_URL: z.string().url()
    .refine(v => !urlOf(v)?.search, 'must not have a query string')
    .refine(v => !urlOf(v) || urlOf(v)!.pathname === WECHATPAY_NOTIFY_PATH, {
      error: iss => `path must be ${WECHATPAY_NOTIFY_PATH} (the route the BFF serves), `
        + `got ${urlOf(iss.input)?.pathname}`,
    })
    .optional(),
  /** Deadline of one WeChat Pay call, in ms. */
  WXPAY_TIMEOUT_MS: z.coerce.number().int().positive().default(8000),
  /** 付款码: how often an order whose payer is entering the password (USERPAYING) is queried, in ms (WeChat: 5 s). */
  WXPAY_CODEPAY_POLL_MS: z.coerce.number().int().positive().default(5000),
  /** 付款码: how long the payer has to finish (password) before the order is 撤销, in ms (WeChat: 30 s). */
  WXPAY_CODEPAY_WAIT_MS: z.coerce.number().int().positive().default(30_000),
  /**
   * Order event streams (live order status, SSE) open at once on one BFF instance; more are refused with 429
   * ORDER_STREAMS_BUSY, and the page asks for the order now and then instead.
   */
  ORDER_STREAMS_PER_INSTANCE: z.coerce.number().int().positive().default(1000),
  /**
   * An order event stream waits for pushed changes (LISTEN/NOTIFY) and reads the order at least this often
   * (ms); also the least time between two WeChat Pay queries about one order from all streams on all instances.
   */
  ORDER_STREAM_POLL_MS: z.coerce.number().int().min(100).max(300_000).default(20_000),
  /** PostgreSQL server; when unset the embedded PGlite database in DATA_DIR is used. */
  DATABASE_URL: z.string().optional(),
  DATA_DIR: z.string().default('.data/pglite'),
  /**
   * PGlite never fsyncs: a crash or power cut can lose or corrupt the last writes (paid orders,
   * refunds). With SANDBOX=off start-up refuses PGlite unless this is `accept-data-loss`.
   */
  PGLITE_UNSAFE_NO_FSYNC: z
    .literal(PGLITE_UNSAFE_ACCEPT, { error: `the only accepted value is ${PGLITE_UNSAFE_ACCEPT}` })
    .optional(),
  /** Directory of the built web app to serve (SPA). Unset: API only. */
  WEB_DIST_DIR: z.string().optional(),
  /** Key for one-way person references in the audit trail. Must be set (≥ 32 chars) in production. */
  PII_HASH_KEY: z.string().min(32).default('yibao-development-only-pii-hash-key-0000'),
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(64 * 1024),
  /** Key of the 医保电子凭证 QR tokens (HMAC); unset = derived from PII_HASH_KEY. */
  EVOUCHER_KEY: z.string().min(32).optional(),
  /** Lifetime of one e-voucher QR token in seconds (60 by default; the browser journeys shorten it). */
  EVOUCHER_TTL_S: z.coerce.number().int().min(10).max(300).default(60),
  /**
   * Sandbox modes only (demos and the browser journeys): help-desk accounts created at start-up when
   * missing, as `username:role:region[+region…]` separated by commas, e.g. `demo-clerk:clerk:370500`.
   * They share SEED_DEMO_STAFF_PASSWORD. Refused with SANDBOX=off.
   */
  SEED_DEMO_STAFF: z.string().optional().transform((v, ctx) => {
    if (!v) return []
    return v.split(',').map(s => s.trim()).filter(Boolean).map((entry) => {
      const [username, role, regions] = entry.split(':')
      if (!username || !role || !['clerk', 'supervisor', 'admin'].includes(role) || !regions || !/^\d{6}(\+\d{6})*$/.test(regions))
        ctx.addIssue({ code: 'custom', message: `expected username:clerk|supervisor|admin:region[+region], got ${entry}` })
      return { username: username ?? '', role: (role ?? 'clerk') as 'clerk' | 'supervisor' | 'admin', regionCodes: (regions ?? '').split('+') }
    })
  }),
  SEED_DEMO_STAFF_PASSWORD: z.string().min(12).optional(),
  /**
   * Sandbox modes only (demos, the browser journeys): the version of the 用户协议 and 隐私政策 residents are asked
   * to agree to, instead of the texts' own (`CONSENT_VERSION` in shared/src/consent.ts), e.g. `2026-12-15` to
   * show what a new version does (everyone is asked again). Refused with SANDBOX=off: a real version is the
   * version of the texts shown.
   */
  CONSENT_VERSION: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date like 2026-12-15').optional(),
  /**
   * Crash tests only (`server/src/payments/crash.test.ts`): the process kills itself (SIGKILL) at this
   * named step of the payment flows (one of `lib/crash-points.ts`). Refused with SANDBOX=off and in production.
   */
  CRASH_AT: z.enum(CRASH_POINTS).optional(),
}).superRefine((env, ctx) => {
  if (env.SANDBOX !== 'embedded') {
    for (const key of ['NHSA_BASE_URL', 'SMS_BASE_URL', 'WECHAT_AUTHORIZE_BASE_URL', 'WECHAT_API_BASE_URL'] as const) {
      if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: `SANDBOX=${env.SANDBOX} requires ${key}` })
    }
  }
  // An external sandbox answers for the tax bureau at NHSA_BASE_URL too; the real tax system has its own host.
  if (env.SANDBOX === 'off' && !env.TAX_BASE_URL)
    ctx.addIssue({ code: 'custom', path: ['TAX_BASE_URL'], message: 'SANDBOX=off requires TAX_BASE_URL' })
  // WeChat Pay: everything with SANDBOX=off; key material all-or-nothing with SANDBOX=external; none
  // when embedded (the embedded sandbox needs the platform PRIVATE key, so start-up generates the keys).
  const wxpayKeyVars = ['WXPAY_MERCHANT_SERIAL', 'WXPAY_MERCHANT_PRIVATE_KEY_FILE', 'WXPAY_PLATFORM_PUBLIC_KEY_FILE', 'WXPAY_PLATFORM_PUBLIC_KEY_ID', 'WXPAY_APIV3_KEY'] as const
  const wxpayRequired = env.SANDBOX === 'off'
    ? ['WXPAY_MCHID', 'WXPAY_APPID', ...wxpayKeyVars, 'WXPAY_BASE_URL', 'WXPAY_NOTIFY_URL'] as const
    : env.SANDBOX === 'external' && wxpayKeyVars.some(k => env[k]) ? ['WXPAY_MCHID', 'WXPAY_APPID', ...wxpayKeyVars] as const : []
  for (const key of wxpayRequired) {
    if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: `SANDBOX=${env.SANDBOX} requires ${key}${env.SANDBOX === 'external' ? ' (WeChat Pay key settings go together)' : ''}` })
  }
  if (env.SANDBOX === 'embedded') {
    for (const key of wxpayKeyVars) {
      if (env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'the embedded sandbox generates its own WeChat Pay keys: unset it, or use SANDBOX=external' })
    }
  }
  if (env.WXPAY_PLATFORM_PUBLIC_KEY_FILE && env.WXPAY_PLATFORM_PUBLIC_KEY_ID && env.WXPAY_PLATFORM_PUBLIC_KEY_FILE.split(',').length !== env.WXPAY_PLATFORM_PUBLIC_KEY_ID.split(',').length)
    ctx.addIssue({ code: 'custom', path: ['WXPAY_PLATFORM_PUBLIC_KEY_ID'], message: 'list as many ids as WXPAY_PLATFORM_PUBLIC_KEY_FILE lists files' })
  if (env.SANDBOX === 'off' && !env.DATABASE_URL && env.PGLITE_UNSAFE_NO_FSYNC !== PGLITE_UNSAFE_ACCEPT) {
    ctx.addIssue({
      code: 'custom',
      path: ['DATABASE_URL'],
      message: 'SANDBOX=off (real payments) requires DATABASE_URL: the embedded PGlite store never fsyncs and '
        + `a crash can lose paid orders; set PGLITE_UNSAFE_NO_FSYNC=${PGLITE_UNSAFE_ACCEPT} only to accept that`,
    })
  }
  if (env.SANDBOX === 'off' && !env.FACEID_BASE_URL)
    ctx.addIssue({ code: 'custom', path: ['FACEID_BASE_URL'], message: 'SANDBOX=off requires FACEID_BASE_URL' })
  if (env.SANDBOX === 'off' && env.FACEID_SECRET_KEY === 'sandbox-faceid-secret-key')
    ctx.addIssue({ code: 'custom', path: ['FACEID_SECRET_KEY'], message: 'set the real FACEID_SECRET_KEY with SANDBOX=off' })
  if (env.SANDBOX === 'off') {
    if (!env.CARRIER_BASE_URL)
      ctx.addIssue({ code: 'custom', path: ['CARRIER_BASE_URL'], message: 'SANDBOX=off requires CARRIER_BASE_URL' })
    for (const key of ['CARRIER_ACCESS_KEY_ID', 'CARRIER_ACCESS_KEY_SECRET', 'CARRIER_AUTH_CODE'] as const) {
      if (env[key].startsWith('sandbox-'))
        ctx.addIssue({ code: 'custom', path: [key], message: `set the real ${key} when SANDBOX=off` })
    }
  }
  if (env.SANDBOX === 'off' && env.WECHAT_APP_SECRET === 'sandbox-secret')
    ctx.addIssue({ code: 'custom', path: ['WECHAT_APP_SECRET'], message: 'set the real WECHAT_APP_SECRET when SANDBOX=off' })
  if (env.CRASH_AT && (env.SANDBOX === 'off' || env.NODE_ENV === 'production')) {
    const why = env.SANDBOX === 'off' ? 'SANDBOX=off' : 'NODE_ENV=production'
    const message = `kills the process on purpose, for the crash tests only: unset it with ${why}`
    ctx.addIssue({ code: 'custom', path: ['CRASH_AT'], message })
  }
  if (env.SANDBOX_CLOCK && env.SANDBOX === 'off')
    ctx.addIssue({ code: 'custom', path: ['SANDBOX_CLOCK'], message: 'a fixed clock is for sandbox modes only' })
  if (env.CONSENT_VERSION && env.SANDBOX === 'off')
    ctx.addIssue({ code: 'custom', path: ['CONSENT_VERSION'], message: 'another version is for sandbox modes only' })
  if (env.SEED_DEMO_STAFF.length && env.SANDBOX === 'off')
    ctx.addIssue({ code: 'custom', path: ['SEED_DEMO_STAFF'], message: 'demo staff accounts are for sandbox modes only: unset it when SANDBOX=off' })
  if (env.SEED_DEMO_STAFF.length && !env.SEED_DEMO_STAFF_PASSWORD)
    ctx.addIssue({ code: 'custom', path: ['SEED_DEMO_STAFF_PASSWORD'], message: 'SEED_DEMO_STAFF needs SEED_DEMO_STAFF_PASSWORD (at least 12 characters)' })
  if ((env.TRUST_PROXY_HOPS !== undefined || env.TRUST_PROXY_CIDRS) && !env.TRUST_PROXY) {
    const key = env.TRUST_PROXY_CIDRS ? 'TRUST_PROXY_CIDRS' : 'TRUST_PROXY_HOPS'
    const message = `${key} describes the proxies to trust: set TRUST_PROXY=true too`
    ctx.addIssue({ code: 'custom', path: [key], message })
  }
  if (env.TRUST_PROXY_HOPS !== undefined && env.TRUST_PROXY_CIDRS) {
    const message = 'set TRUST_PROXY_HOPS or TRUST_PROXY_CIDRS, not both'
    ctx.addIssue({ code: 'custom', path: ['TRUST_PROXY_HOPS'], message })
  }
  if (env.NODE_ENV === 'production' && !env.PUBLIC_ORIGIN) {
    ctx.addIssue({
      code: 'custom',
      path: ['PUBLIC_ORIGIN'],
      message: 'NODE_ENV=production requires PUBLIC_ORIGIN (e.g. https://yibao.example.gov.cn): without it CSRF '
        + 'origin checks and the WeChat sign-in redirect would trust the request\'s Host header',
    })
  }
  if (env.NODE_ENV === 'production' && env.PII_HASH_KEY.startsWith('yibao-development-only'))
    ctx.addIssue({ code: 'custom', path: ['PII_HASH_KEY'], message: 'set a secret PII_HASH_KEY in production' })
})

export type Env = Readonly<z.infer<typeof EnvSchema>>

/** Parses an environment; throws an Error listing every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source)
  if (!result.success) {
    const lines = result.error.issues.map(i => `  ${i.path.join('.') || '(env)'}: ${i.message}`)
    throw new Error(`Invalid environment:\n${lines.join('\n')}`)
  }
  return Object.freeze(result.data)
}

/** Reads `process.env` once; exits with the reasons when it is invalid. */
export function loadEnv(): Env {
  try {
    return parseEnv(process.env)
  }
  catch (error) {
    console.error((error as Error).message)
    process.exit(1)
  }
}
