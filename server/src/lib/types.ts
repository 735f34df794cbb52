import type { UpstreamUrls } from '../deps'
import type { Env } from '../env'
import type { AuditWriter } from '../storage/audit'
import type { ConsentRecord } from '../storage/consents'
import type { RateLimitHit } from '../storage/rate-limits'
import type { ResidentAccount } from '../storage/residents'
import type { SessionRecord } from '../storage/sessions'
import type { Storage } from '../storage/types'
import type { FaceIdClient } from '../upstream/faceid/client'
import type { CarrierClient } from '../upstream/carrier/client'
import type { NhsaClient } from '../upstream/nhsa/client'
import type { TaxClient } from '../upstream/tax/client'
import type { TaxPremiums } from '../upstream/tax/premiums'
import type { SmsClient } from '../upstream/sms/client'
import type { WechatOAuth } from '../upstream/wechat/oauth'
import type { WechatPayClient } from '../upstream/wechatpay/client'
import type { Context } from 'hono'
import type { EVoucherSigner } from './e-voucher'
import type { Logger } from './logger'
import type { PdfRenderer } from './pdf-pool'
import type { PersonReads } from './person-reads'
import type { PiiVault } from './pii'
import type { StreamSlots } from './stream-slots'
import type { TtlCache } from './ttl-cache'

/** Everything the app needs from outside, injected by `main.ts` or by tests. */
export interface AppDeps {
  env: Env
  logger: Logger
  storage: Storage
  /** Sessions read on every request, cached per instance for a few seconds (see `SESSION_CACHE_MS`), keyed by cookie value. */
  sessionCache: TtlCache<SessionRecord>
  /** Resident accounts read on every signed-in request, cached per instance like sessions. */
  accountCache: TtlCache<ResidentAccount>
  /** Each account's newest consent record (`null`: none), read on every resident data request, cached like sessions. */
  consentCache: TtlCache<{ record: ConsentRecord | null }>
  /** Counts a rate-limit hit in the shared store (group-committed); resolves to the window's count so far. */
  rateLimitHit: (hit: RateLimitHit) => Promise<{ count: number, resetAt: Date }>
  /** Short-lived per-person cache of bureau reads (never shared across people). */
  personReads: PersonReads
  /** Append-only audit trail (group-committed). */
  audit: AuditWriter
  nhsa: NhsaClient
  sms: SmsClient
  /** 运营商三要素核验: does a phone number belong to a name + ID number (中国移动/联通/电信). */
  carrier: CarrierClient
  /** Tax bureau 社保费征收 system (contribution records). */
  tax: TaxClient
  /** The tax bureau's premium collection: amounts due and recording payments. */
  premiums: TaxPremiums
  wechat: WechatOAuth
  /** 人脸核身 provider (start a check, ask its result by BizToken). */
  faceid: FaceIdClient
  /** WeChat Pay APIv3 (prepay, query, close, refunds, bills, callback parsing). Built on first use. */
  wechatpay: WechatPayClient
  /** Encryption and keyed references for personal data at rest. */
  vault: PiiVault
  /** Signs and verifies 医保电子凭证 QR tokens. */
  eVoucher: EVoucherSigner
  urls: UpstreamUrls
  now: () => Date
  /** Keyed one-way reference for a person (audit joins without storing the ID number). */
  subjectRef: (certNo: string) => string
  /** The caller's IP address (proxy-aware per configuration). */
  clientIp: (c: Context) => string
  /** Renders the PDFs (slips, receipts, certificates), on worker threads unless `PDF_THREADS=0`. */
  pdf: PdfRenderer
  /** Caps on the order event streams open on this instance (per session and in all). */
  orderStreams: StreamSlots
  /** Readiness of upstream systems (cheap probe). */
  probeUpstream: () => Promise<void>
}

/** Hono context typing shared by every route. */
export interface AppEnv {
  Variables: {
    requestId: string
    logger: Logger
    deps: AppDeps
    /** Set by `idempotent()` for the handler: the claimed key and where a crashed attempt stopped. */
    idempotency: { id: number, recoveryPoint: string, resumed: boolean } | undefined
    /** The caller's live session, if any (set by `sessionMiddleware`). */
    session: SessionRecord | null
  }
}
