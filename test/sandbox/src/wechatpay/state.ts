import type { ResolvedWechatPayKeys, SandboxWechatPayKeys } from './keys'
import { z } from 'zod'
import { generateWechatPayKeys, resolveWechatPayKeys } from './keys'

/** WeChat Pay's callback retry delays after a failed delivery, in seconds (at most 15 retries, ≈ 24 h). */
export const CALLBACK_RETRY_SCHEDULE_S = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10_800, 10_800, 10_800, 21_600, 21_600] as const

/** Forged callbacks the simulator can send before a genuine one; the BFF must refuse each (non-2xx). */
export const FORGERIES = ['signtest', 'tampered', 'stale', 'unknown-serial', 'reserialized'] as const
export type Forgery = typeof FORGERIES[number]

/** What a codepay call does (see `codepayNext`). */
export const CODEPAY_FAULTS = ['SUCCESS', 'USERPAYING_SUCCESS', 'USERPAYING_PAYERROR', 'USERPAYING_NEVER', 'NOTENOUGH', 'ANSWER_LOST', 'HANG'] as const
export type CodepayFault = typeof CODEPAY_FAULTS[number]

/** Behaviour of the WeChat Pay simulator (`PUT /__sandbox/wechatpay/config`, or `createSandbox({ wechatpayConfig })`). */
export const WechatPaySimConfigSchema = z.strictObject({
  /** Multiplies every retry delay (1 = real 15 s … 6 h; 0.001 turns 15 s into 15 ms). */
  callbackScheduleScale: z.number().positive().max(1),
  /** `deliver` (default), `drop` (never send: the BFF must converge by query/bill) or `hold` (queue until released). */
  callbacks: z.enum(['deliver', 'drop', 'hold']),
  /** Extra copies of each callback after its first accepted delivery (0–5). */
  duplicates: z.number().int().min(0).max(5),
  /** Forged callbacks sent before every genuine first delivery. */
  forgeries: z.array(z.enum(FORGERIES)).max(FORGERIES.length),
  /** How long a refund stays PROCESSING before its outcome, in ms. */
  refundProcessingMs: z.number().int().min(0).max(600_000),
  /** What refunds end as. */
  refundOutcome: z.enum(['SUCCESS', 'ABNORMAL', 'CLOSED']),
  /** Payee name shown on the pay page. */
  merchantName: z.string().min(1).max(64),
  /** Deadline of one callback delivery, in ms (WeChat Pay: 5 s). */
  callbackTimeoutMs: z.number().int().min(1).max(60_000),
  /**
   * Signed WeChat Pay error answers for the next API calls (each entry is used once), optionally only for
   * paths starting with `path`, e.g. `{ status: 500, code: 'SYSTEM_ERROR' }` or `{ status: 429, code: 'FREQUENCY_LIMITED' }`.
   */
  /** Test control: serve today's trade bill already (WeChat Pay makes it from 10:00 the next day). */
  billsReadyToday: z.boolean(),
  /** 付款码: how many order queries a USERPAYING payment answers USERPAYING before it ends (prefixes 12 and 13). */
  codepayUserpayingQueries: z.number().int().min(0).max(100),
  /**
   * 付款码 faults for the next codepay calls (each used once, before the auth code's prefix decides):
   * `SUCCESS`; `USERPAYING_SUCCESS` / `USERPAYING_PAYERROR` (password, then paid / failed after
   * `codepayUserpayingQueries` queries); `USERPAYING_NEVER` (stays USERPAYING until `/orders/{no}/pay|fail`);
   * `NOTENOUGH` (403, 余额不足); `ANSWER_LOST` (paid, but the answer is a 500 SYSTEM_ERROR: query to find out);
   * `HANG` (paid, but no answer for 60 s: the merchant times out).
   */
  codepayNext: z.array(z.enum(CODEPAY_FAULTS)).max(50),
  failNext: z.array(z.strictObject({ path: z.string().optional(), status: z.number().int().min(400).max(599), code: z.string().min(1), message: z.string().optional() })).max(50),
})
export type WechatPaySimConfig = z.infer<typeof WechatPaySimConfigSchema>

/** Defaults: real schedule, callbacks delivered, refunds settle after 2 s. */
export const DEFAULT_WECHATPAY_CONFIG: WechatPaySimConfig = {
  callbackScheduleScale: 1,
  callbacks: 'deliver',
  duplicates: 0,
  forgeries: [],
  refundProcessingMs: 2000,
  refundOutcome: 'SUCCESS',
  merchantName: '医保自助服务平台',
  callbackTimeoutMs: 5000,
  failNext: [],
  billsReadyToday: false,
  codepayUserpayingQueries: 2,
  codepayNext: [],
}

/** A payment order as the simulator keeps it. */
export interface SimOrder {
  outTradeNo: string
  /** JSAPI (inside WeChat), NATIVE (QR code), MWEB (H5: a phone browser other than WeChat), MICROPAY (付款码). */
  tradeType: 'JSAPI' | 'NATIVE' | 'MWEB' | 'MICROPAY'
  /**
   * Canonical JSON of the prepay parameters (time_expire left out: it only counts on the first call; and
   * scene_info: the payer's address may change between two attempts).
   */
  paramsKey: string
  appid: string
  mchid: string
  description: string
  attach: string | undefined
  notifyUrl: string
  totalFen: number
  /** JSAPI: the payer named in the prepay. */
  openid: string | undefined
  timeExpire: Date | null
  /** JSAPI, and MWEB (inside its h5_url). */
  prepayId: string | undefined
  codeUrl: string | undefined
  /** MWEB: the current h5_url (its payer page, valid 5 minutes) and the payer's address the prepay named. */
  h5Url: string | undefined
  /** MWEB: earlier h5_urls of the order, expired (支付请求已失效 rather than 订单不存在). */
  pastH5Urls: string[]
  payerClientIp: string | undefined
  /** When the current prepay_id / code_url (valid 2 h) or h5_url (5 minutes) was issued. */
  prepayAt: number
  createdAt: Date
  /** USERPAYING, PAYERROR and REVOKED (撤销) happen to 付款码 orders only. */
  state: 'NOTPAY' | 'SUCCESS' | 'REFUND' | 'CLOSED' | 'USERPAYING' | 'PAYERROR' | 'REVOKED'
  /** 付款码 orders waiting for the payer's password: queries left before it ends, and how it ends. */
  userpaying?: { queriesLeft: number, then: 'SUCCESS' | 'PAYERROR' | 'NEVER' }
  /** 付款码 orders: the payment code used (each code pays one order). */
  authCode?: string
  transactionId: string | undefined
  successTime: Date | undefined
  payerOpenid: string | undefined
}

/** A refund as the simulator keeps it. */
export interface SimRefund {
  refundId: string
  outRefundNo: string
  outTradeNo: string
  transactionId: string
  paramsKey: string
  notifyUrl: string
  refundFen: number
  totalFen: number
  status: 'PROCESSING' | 'SUCCESS' | 'ABNORMAL' | 'CLOSED'
  createTime: Date
  successTime: Date | undefined
}

/** One notification (TRANSACTION.SUCCESS, REFUND.*): its body is fixed; each attempt is signed afresh. */
export interface SimEvent {
  id: string
  eventType: string
  outTradeNo: string
  outRefundNo: string | undefined
  notifyUrl: string
  /** Serialized envelope (same bytes on every attempt). */
  body: string
  /** Decrypted resource, for tests. */
  payload: Record<string, unknown>
  attempts: number
  done: boolean
}

/** One POST the simulator made to a notify_url. */
export interface DeliveryRecord {
  eventId: string
  eventType: string
  outTradeNo: string
  outRefundNo: string | undefined
  kind: 'genuine' | 'duplicate' | Forgery
  /** 1 = first delivery, 2 = first retry, … (forgeries and duplicates carry the attempt they went with). */
  attempt: number
  /** HTTP status of the BFF's answer, or what went wrong. */
  status: number | 'network-error' | 'timeout'
  at: string
}

/** Mutable WeChat Pay state of one sandbox. */
export interface WechatPayState {
  /** Keys (made up on first use when `createSandbox` got none). */
  keys: () => ResolvedWechatPayKeys
  config: WechatPaySimConfig
  orders: Map<string, SimOrder>
  refunds: Map<string, SimRefund>
  /** Bill download tokens → gzip bytes. */
  bills: Map<string, Buffer>
  /** Every notification ever emitted, by id. */
  events: Map<string, SimEvent>
  /** Notifications queued while `callbacks` is `hold`. */
  held: SimEvent[]
  /** Deliveries, newest last (at most 1000). */
  deliveries: DeliveryRecord[]
  /** Pending timers (retries, refund completion): `stopWechatPay` clears them. */
  timers: Set<ReturnType<typeof setTimeout>>
}

/** Fresh state; keys are generated lazily (two RSA key pairs ≈ 0.3 s) only when a WeChat Pay route is used. */
export function createWechatPayState(keys: SandboxWechatPayKeys | undefined, config: Partial<WechatPaySimConfig> = {}): WechatPayState {
  let resolved: ResolvedWechatPayKeys | undefined = keys ? resolveWechatPayKeys(keys) : undefined
  return {
    keys: () => (resolved ??= generateWechatPayKeys()),
    config: WechatPaySimConfigSchema.parse({ ...DEFAULT_WECHATPAY_CONFIG, ...config }),
    orders: new Map(),
    refunds: new Map(),
    bills: new Map(),
    events: new Map(),
    held: [],
    deliveries: [],
    timers: new Set(),
  }
}

/** Cancels every pending retry and refund timer (tests' afterEach; sandbox shutdown). */
export function stopWechatPay(state: WechatPayState): void {
  for (const t of state.timers) clearTimeout(t)
  state.timers.clear()
}

/** Runs `fn` after `ms` without keeping the process alive; tracked so it can be cancelled. */
export function later(state: WechatPayState, ms: number, fn: () => void): void {
  const timer = setTimeout(() => {
    state.timers.delete(timer)
    fn()
  }, ms)
  timer.unref?.()
  state.timers.add(timer)
}
