import type { ResolvedWechatPayKeys, SandboxWechatPayKeys } from './keys'
import { z } from 'zod'
import { generateWechatPayKeys, resolveWechatPayKeys } from './keys'

/** WeChat Pay's callback retry delays after a failed delivery, in seconds (at most 15 retries, ≈ 24 h). */
export const CALLBACK_RETRY_SCHEDULE_S = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10_800, 10_800, 10_800, 21_600, 21_600] as const

/** Forged callbacks the simulator can send before a genuine one; the BFF must refuse each (non-2xx). */
export const FORGERIES = ['signtest', 'tampered', 'stale', 'unknown-serial', 'reserialized'] as const
export type Forgery = typeof FORGERIES[number]

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
}

/** A payment order as the simulator keeps it. */
export interface SimOrder {
  outTradeNo: string
  tradeType: 'JSAPI' | 'NATIVE'
  /** Canonical JSON of the prepay parameters (time_expire left out: it only counts on the first call). */
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
  prepayId: string | undefined
  codeUrl: string | undefined
  /** When the current prepay_id / code_url was issued (valid 2 h). */
  prepayAt: number
  createdAt: Date
  state: 'NOTPAY' | 'SUCCESS' | 'REFUND' | 'CLOSED'
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
