import type { Env } from './env'
import type { Logger } from './lib/logger'
import type { AppDeps } from './lib/types'
import type { WechatPayClient } from './upstream/wechatpay/client'
import type { WechatPayKeys } from './upstream/wechatpay/keys'
import type { Storage } from './storage/types'
import { availableParallelism } from 'node:os'
import { createClientIp, proxyTrustOf } from './lib/client-ip'
import { createEVoucherSigner } from './lib/e-voucher'
import { createPdfRenderer } from './lib/pdf-pool'
import { createPiiVault } from './lib/pii'
import { createPersonReads } from './lib/person-reads'
import { SESSION_CACHE_MS } from './lib/session'
import { createStreamSlots, ORDER_STREAMS_PER_SESSION } from './lib/stream-slots'
import { createTtlCache } from './lib/ttl-cache'
import { createAuditWriter } from './storage/audit'
import { createBatcher } from './storage/batch'
import { hitRateLimits } from './storage/rate-limits'
import { createFaceIdClient } from './upstream/faceid/client'
import { createCarrierClient } from './upstream/carrier/client'
import { createNhsaClient } from './upstream/nhsa/client'
import { createSmsClient } from './upstream/sms/client'
import { createTaxClient } from './upstream/tax/client'
import { createTaxPremiums } from './upstream/tax/premiums'
import { createWechatOAuth } from './upstream/wechat/oauth'
import { createWechatPayClient } from './upstream/wechatpay/client'
import { resolveWechatPayKeys } from './upstream/wechatpay/keys'
import { WECHATPAY_NOTIFY_PATH } from './upstream/wechatpay/notify-path'

/** Where each bureau/outside system answers (the sandbox, MSW in tests, or production hosts). */
export interface UpstreamUrls {
  nhsa: string
  sms: string
  /** Tax bureau 社保费征收 system. */
  tax: string
  /** 运营商三要素核验 aggregator (its RPC endpoint URL). */
  carrier: string
  wechatAuthorize: string
  wechatApi: string
  /** WeChat Pay APIv3 host. */
  wechatpay: string
  /** Our callback URL given to WeChat Pay as notify_url. */
  wechatpayNotify: string
  /** 人脸核身 provider API (its H5 page URL comes back from DetectAuth). */
  faceid: string
  /** Sandbox only: the page that shows the SMS codes it "sent" (demos). */
  sandboxSmsInbox?: string
}

function carrierSandbox(env: Env, sandboxBase: string | undefined): string {
  const base = env.SANDBOX === 'external' ? env.NHSA_BASE_URL : sandboxBase
  return base ? new URL('/dytns/', base).toString() : ''
}

/** Upstream URLs from env, with a sandbox base for those not set. */
export function upstreamUrls(env: Env, sandboxBase?: string): UpstreamUrls {
  const pick = (value: string | undefined) => value ?? sandboxBase ?? ''
  const faceidSandbox = env.SANDBOX === 'external' ? env.NHSA_BASE_URL : sandboxBase
  return {
    nhsa: pick(env.NHSA_BASE_URL),
    sms: pick(env.SMS_BASE_URL),
    tax: pick(env.TAX_BASE_URL ?? (env.SANDBOX === 'external' ? env.NHSA_BASE_URL : undefined)),
    // The sandbox answers the carrier check under /dytns/ (NHSA_BASE_URL's sandbox with SANDBOX=external).
    carrier: env.CARRIER_BASE_URL ?? carrierSandbox(env, sandboxBase),
    wechatAuthorize: pick(env.WECHAT_AUTHORIZE_BASE_URL),
    wechatApi: pick(env.WECHAT_API_BASE_URL),
    // Like the tax system, an external sandbox answers for WeChat Pay at NHSA_BASE_URL.
    wechatpay: pick(env.WXPAY_BASE_URL ?? (env.SANDBOX === 'external' ? env.NHSA_BASE_URL : undefined)),
    // Like the tax system, an external sandbox answers for the face checks at NHSA_BASE_URL (under /faceid/).
    faceid: env.FACEID_BASE_URL ?? (faceidSandbox ? new URL('/faceid/', faceidSandbox).toString() : ''),
    wechatpayNotify: env.WXPAY_NOTIFY_URL ?? `${env.PUBLIC_ORIGIN ?? `http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${env.PORT}`}${WECHATPAY_NOTIFY_PATH}`,
    sandboxSmsInbox: env.SANDBOX === 'off' ? undefined : `${pick(env.SMS_BASE_URL)}/__sandbox/sms/inbox`,
  }
}

/** Wires the real adapters; tests call this too (MSW answers at the network edge). */
export function createDeps(env: Env, logger: Logger, storage: Storage, opts: { urls: UpstreamUrls, now?: () => Date, wechatpayKeys?: WechatPayKeys }): AppDeps {
  const now = opts.now ?? (() => new Date())
  const vault = createPiiVault(env.PII_HASH_KEY)
  // Built on first use: without `wechatpayKeys` (tests that never pay) it would generate RSA keys (~0.3 s).
  let wechatpay: WechatPayClient | undefined
  const wechatpayClient = (): WechatPayClient => {
    if (wechatpay) return wechatpay
    const keys = opts.wechatpayKeys ?? resolveWechatPayKeys(env, logger)
    wechatpay = createWechatPayClient({
      baseUrl: opts.urls.wechatpay,
      mchid: keys.mchid,
      appid: keys.appid,
      merchantSerial: keys.merchantSerial,
      merchantPrivateKey: keys.merchantPrivateKey,
      platformPublicKeys: keys.platformPublicKeys,
      apiV3Key: keys.apiV3Key,
      notifyUrl: opts.urls.wechatpayNotify,
      timeoutMs: env.WXPAY_TIMEOUT_MS,
      logger,
      now,
    })
    return wechatpay
  }
  return {
    env,
    logger,
    storage,
    // Two batches in flight: the next goes out while one is stored (issue 14: audit was a third of a read).
    audit: createAuditWriter(storage, { maxBatch: 200, maxInFlight: 2 }, now),
    sessionCache: createTtlCache(SESSION_CACHE_MS),
    accountCache: createTtlCache(SESSION_CACHE_MS),
    consentCache: createTtlCache(SESSION_CACHE_MS),
    personReads: createPersonReads(now, env.PERSON_READ_CACHE ? 20_000 : 0),
    rateLimitHit: createBatcher(hits => hitRateLimits(storage.db, hits)),
    vault,
    urls: opts.urls,
    nhsa: createNhsaClient({
      baseUrl: opts.urls.nhsa,
      timeoutMs: env.NHSA_TIMEOUT_MS,
      senderCode: env.NHSA_SENDER_CODE,
      senderName: env.NHSA_SENDER_NAME,
      defaultAdmdvs: env.NHSA_DEFAULT_ADMDVS,
      logger,
      now,
    }),
    tax: createTaxClient({ baseUrl: opts.urls.tax, timeoutMs: env.UPSTREAM_TIMEOUT_MS, logger }),
    premiums: createTaxPremiums({ baseUrl: opts.urls.tax, timeoutMs: env.UPSTREAM_TIMEOUT_MS, logger }),
    eVoucher: createEVoucherSigner(env.EVOUCHER_KEY ?? env.PII_HASH_KEY, env.EVOUCHER_TTL_S),
    sms: createSmsClient({ baseUrl: opts.urls.sms, timeoutMs: env.UPSTREAM_TIMEOUT_MS, signName: env.SMS_SIGN_NAME, logger }),
    carrier: createCarrierClient({
      baseUrl: opts.urls.carrier,
      accessKeyId: env.CARRIER_ACCESS_KEY_ID,
      accessKeySecret: env.CARRIER_ACCESS_KEY_SECRET,
      authCode: env.CARRIER_AUTH_CODE,
      timeoutMs: env.CARRIER_TIMEOUT_MS,
      logger,
      now,
    }),
    faceid: createFaceIdClient({
      baseUrl: opts.urls.faceid,
      ruleId: env.FACEID_RULE_ID,
      secretId: env.FACEID_SECRET_ID,
      secretKey: env.FACEID_SECRET_KEY,
      timeoutMs: env.UPSTREAM_TIMEOUT_MS,
      logger,
      now,
    }),
    wechat: createWechatOAuth({ authorizeBaseUrl: opts.urls.wechatAuthorize, apiBaseUrl: opts.urls.wechatApi, appid: env.WECHAT_APPID, secret: env.WECHAT_APP_SECRET, timeoutMs: env.UPSTREAM_TIMEOUT_MS, logger }),
    get wechatpay() {
      return wechatpayClient()
    },
    now,
    clientIp: createClientIp(proxyTrustOf(env)),
    pdf: createPdfRenderer({
      threads: env.PDF_THREADS ?? (env.NODE_ENV === 'test' ? 0 : availableParallelism()),
      fontSetting: env.SLIP_PDF_FONT,
    }),
    orderStreams: createStreamSlots({ perKey: ORDER_STREAMS_PER_SESSION, total: env.ORDER_STREAMS_PER_INSTANCE }),
    subjectRef: vault.ref,
    probeUpstream: async () => {
      const res = await fetch(new URL('/', opts.urls.nhsa), { method: 'HEAD', signal: AbortSignal.timeout(Math.min(env.NHSA_TIMEOUT_MS, 2000)) })
      await res.body?.cancel()
    },
  }
}
