import type { z } from 'zod'
import type { Logger } from '../../lib/logger'
import type { UpstreamRawResponse } from '../http'
import type { HeaderBag, JsapiPayParams, KeyInput, VerifyFailure } from './crypto'
import type { WechatPayRefund, WechatPayTransaction } from './mapper'
import type { CodepayRequestWire, PrepayRequestWire, RefundRequestWire, TradeBillTicket } from './schemas'
import { createHash } from 'node:crypto'
import { isIP } from 'node:net'
import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'
import { UpstreamError } from '../../lib/errors'
import { callRaw } from '../http'
import { buildAuthorization, headerValue, jsapiPayParams, openNotification, publicKeyMap, toPrivateKey, unixSeconds, verifySignedMessage, wechatTime } from './crypto'
import { errorFromReply, toRefund, toTransaction } from './mapper'
import { H5PrepayReplyWire, JsapiPrepayReplyWire, NativePrepayReplyWire, NotificationEnvelopeWire, RefundNotificationWire, RefundWire, ReverseReplyWire, TradeBillReplyWire, TransactionNotificationWire, TransactionWire } from './schemas'

const gunzipAsync = promisify(gunzip)

/** Production API host (the backup entry point is https://api2.mch.weixin.qq.com). */
export const WECHATPAY_PRODUCTION_BASE_URL = 'https://api.mch.weixin.qq.com'

const USER_AGENT = 'yibao-bff/1.0 (node:http)'
/** `out_trade_no` / `out_refund_no`: 6–32 of `[0-9A-Za-z_-|*]`. */
const OUT_NO = /^[\w\-|*]{6,32}$/

/** Options of `createWechatPayClient`. */
export interface WechatPayClientOptions {
  /** `https://api.mch.weixin.qq.com`, or the sandbox. */
  baseUrl: string
  /** 商户号. */
  mchid: string
  /** 公众号 appid (JSAPI openids belong to it). */
  appid: string
  /** Serial of the merchant API certificate (`serial_no`). */
  merchantSerial: string
  /** Merchant API private key (signs requests and the JSAPI paySign). */
  merchantPrivateKey: KeyInput
  /** Keys that may sign answers and callbacks, by `Wechatpay-Serial`: `PUB_KEY_ID_…` and/or certificate serials. */
  platformPublicKeys: Record<string, KeyInput>
  /** APIv3 key, exactly 32 bytes. */
  apiV3Key: string
  /** Full URL of our callback endpoint (no query string). */
  notifyUrl: string
  /** Deadline of one API call in ms (the idempotency recipe suggests 8–10 s for prepay). */
  timeoutMs: number
  /** Deadline of a bill download in ms (default 30 000). */
  downloadTimeoutMs?: number
  logger: Logger
  /** Clock for request timestamps and the ±300 s skew check. */
  now?: () => Date
}

/** What every prepay needs. */
export interface PrepayInput {
  /** Our order number, 6–32 of `[0-9A-Za-z_-|*]`. Retries MUST reuse it with the same parameters. */
  outTradeNo: string
  /** Shown to the payer, ≤ 127 characters (e.g. `2027年度城乡居民医保缴费-张**`). */
  description: string
  /** Amount in fen, integer > 0 (from our premium table, never from the client). */
  amountFen: number
  /** `time_expire`: when WeChat Pay stops accepting payment (sent as RFC 3339 +08:00). */
  expiresAt: Date
  /** Echoed back in queries, callbacks and bills, ≤ 128 characters. */
  attach?: string
  /** Overrides the configured notify URL for this order. */
  notifyUrl?: string
}

/** What an H5 prepay needs besides the order: where the payer is. */
export interface H5PrepayInput extends PrepayInput {
  /** The payer's real IP address (`lib/client-ip.ts`), IPv4 or IPv6. */
  payerClientIp: string
  /** Name and address of our mobile site, shown by WeChat Pay (both optional). */
  appName?: string
  appUrl?: string
}

/** A WeChat 付款码 (payment code) as a scanner reads it: 18 digits starting 10–15. */
export const WECHAT_AUTH_CODE = /^1[0-5]\d{16}$/

/** What a 付款码 payment needs besides the order (no expiry, no notify URL: it has no callback). */
export interface CodepayInput {
  outTradeNo: string
  description: string
  amountFen: number
  attach?: string
  /** The payer's 付款码 (18 digits, 10–15…). Valid about a minute; never log or store it. */
  authCode: string
  /** Our store number (`scene_info.store_info.out_id`): the service hall, ≤ 32 characters. */
  storeId: string
  storeName?: string
  /** Our till (`scene_info.device_id`), ≤ 32 characters. */
  deviceId?: string
  /** The till's IP address (`scene_info.device_ip`). */
  deviceIp?: string
}

/**
 * The answer of a 付款码 payment: paid at once (small amounts, no password), or `USERPAYING` (HTTP 202:
 * the payer is entering their password; query the order every few seconds until it is final, and 撤销
 * it when it does not end in time).
 */
export type CodepayAnswer
  = | { state: 'SUCCESS', transaction: WechatPayTransaction }
    | { state: 'USERPAYING' }

/** Input of `refund`. */
export interface RefundInput {
  /** Our refund number, 6–32 of `[0-9A-Za-z_-|*]`. Retries MUST reuse it, or the money goes back twice. */
  outRefundNo: string
  outTradeNo: string
  /** Amount to refund, fen. */
  refundFen: number
  /** Amount of the original order, fen. */
  totalFen: number
  /** Shown to the payer, ≤ 80 characters. */
  reason?: string
  notifyUrl?: string
}

/** Why a callback was refused. */
export type NotificationRejection = VerifyFailure | 'bad_envelope' | 'decrypt_failed' | 'bad_payload' | 'foreign_merchant'

/**
 * A callback that must not be trusted. Answer WeChat Pay with `httpStatus` and `{"code":"FAIL","message":"…"}`:
 * it retries every non-2xx answer on its schedule. `signtest_probe` is expected now and then (log at info).
 */
export class WechatPayNotificationError extends Error {
  override readonly name = 'WechatPayNotificationError'
  /** 401 signature/timestamp/serial problems, 400 content problems, 500 decryption (key not deployed: retry later). */
  readonly httpStatus: 400 | 401 | 500
  constructor(readonly reason: NotificationRejection, options: { cause?: unknown } = {}) {
    super(`wechatpay notification rejected: ${reason}`, options)
    this.httpStatus = reason === 'decrypt_failed' ? 500 : reason === 'bad_envelope' || reason === 'bad_payload' || reason === 'foreign_merchant' ? 400 : 401
  }
}

interface NotificationCommon {
  /** Notification id (UUID): dedupe key, together with out_trade_no/out_refund_no + eventType. */
  id: string
  /** TRANSACTION.SUCCESS, REFUND.SUCCESS, REFUND.ABNORMAL, REFUND.CLOSED, … */
  eventType: string
  createTime: Date | null
  /** 支付成功 / 退款成功 … */
  summary: string | null
  /** Platform key id that signed it. */
  serial: string
}

/** A verified, decrypted and validated callback. */
export type WechatPayNotification = NotificationCommon & (
  | { kind: 'transaction', transaction: WechatPayTransaction }
  | { kind: 'refund', refund: WechatPayRefund }
  /** Another product's event (not ours to handle): acknowledge it. */
  | { kind: 'other', originalType: string | null, plaintext: string }
)

function assertArg(ok: boolean, message: string): asserts ok {
  if (!ok) throw new TypeError(message)
}

/**
 * Adapter for WeChat Pay APIv3 (direct merchant). Every request is signed; every 2xx answer is verified
 * (signature over the raw body, `Wechatpay-Serial` among the configured keys, timestamp within 300 s)
 * before it is parsed. Failures are `UpstreamError('wechatpay', kind, { upstreamCode })`:
 * - `rejected` + WeChat's code: PARAM_ERROR, SIGN_ERROR, OUT_TRADE_NO_USED, ORDER_NOT_EXIST, ORDERPAID, …
 *   (do not retry as is);
 * - `unavailable`: 5xx (SYSTEM_ERROR) or 429 FREQUENCY_LIMITED, or a network error: retry with the SAME
 *   out_trade_no / out_refund_no and parameters, after a back-off, or query first;
 * - `timeout`: our deadline passed; the outcome is unknown: query, then retry with the same numbers;
 * - `bad_response`: unverifiable (`UNVERIFIED_<REASON>`) or malformed answer; treat like a timeout.
 * @see ./README.md
 */
export function createWechatPayClient(opts: WechatPayClientOptions) {
  const now = opts.now ?? (() => new Date())
  const privateKey = toPrivateKey(opts.merchantPrivateKey)
  const publicKeys = publicKeyMap(opts.platformPublicKeys)
  const preferredSerial = [...publicKeys.keys()].find(id => id.startsWith('PUB_KEY_ID_'))
  const baseOrigin = new URL(opts.baseUrl).origin
  assertArg(Buffer.byteLength(opts.apiV3Key) === 32, 'WeChat Pay APIv3 key must be 32 bytes')
  assertArg(publicKeys.size > 0, 'at least one WeChat Pay platform public key is needed')

  /** Signs and sends one request; returns the raw answer of a 2xx after verifying it. */
  async function send(operation: string, method: 'GET' | 'POST', path: string, body: object | undefined, logger: Logger, timeoutMs = opts.timeoutMs, verify = true): Promise<UpstreamRawResponse> {
    const url = new URL(path, opts.baseUrl)
    const payload = body === undefined ? undefined : JSON.stringify(body)
    // Sign exactly what goes on the wire: the URL's own path and query, the body bytes.
    const { authorization } = buildAuthorization({ mchid: opts.mchid, serialNo: opts.merchantSerial, privateKey, method, pathWithQuery: `${url.pathname}${url.search}`, body: payload ?? '', timestamp: unixSeconds(now()) })
    const headers: Record<string, string> = { 'authorization': authorization, 'user-agent': USER_AGENT }
    if (preferredSerial) headers['wechatpay-serial'] = preferredSerial
    const res = await callRaw({ system: 'wechatpay', method, url: url.toString(), body: payload, headers, timeoutMs, logger, operation })
    const requestId = headerValue(res.headers, 'Request-ID')
    if (res.status < 200 || res.status >= 300) {
      const error = errorFromReply(res.status, res.text)
      logger[res.status === 404 ? 'info' : 'warn']({ system: 'wechatpay', operation, status: res.status, code: error.detail.upstreamCode, requestId }, 'wechatpay answered with an error')
      throw error
    }
    if (verify) {
      const verified = verifySignedMessage({ headers: res.headers, body: res.body, publicKeys, now: now() })
      if (!verified.ok) {
        logger.error({ system: 'wechatpay', operation, status: res.status, reason: verified.reason, serial: headerValue(res.headers, 'Wechatpay-Serial'), requestId }, 'wechatpay answer failed verification')
        throw new UpstreamError('wechatpay', 'bad_response', { status: res.status, upstreamCode: `UNVERIFIED_${verified.reason.toUpperCase()}` })
      }
    }
    return res
  }

  function parse<S extends z.ZodType>(res: UpstreamRawResponse, schema: S, operation: string, logger: Logger): z.output<S> {
    let json: unknown
    try {
      json = JSON.parse(res.text)
    }
    catch (cause) {
      throw new UpstreamError('wechatpay', 'bad_response', { status: res.status, upstreamCode: operation, cause })
    }
    const parsed = schema.safeParse(json)
    if (!parsed.success) {
      logger.warn({ system: 'wechatpay', operation, issues: parsed.error.issues.slice(0, 5).map(i => ({ path: i.path.join('.'), code: i.code })) }, 'wechatpay answer failed validation')
      throw new UpstreamError('wechatpay', 'bad_response', { status: res.status, upstreamCode: operation, cause: parsed.error })
    }
    return parsed.data as z.output<S>
  }

  function prepayBody(input: PrepayInput): PrepayRequestWire {
    assertArg(OUT_NO.test(input.outTradeNo), 'outTradeNo must be 6–32 of [0-9A-Za-z_-|*]')
    assertArg(Number.isSafeInteger(input.amountFen) && input.amountFen > 0, 'amountFen must be a positive integer (fen)')
    assertArg(input.description.length > 0 && input.description.length <= 127, 'description must be 1–127 characters')
    assertArg(input.attach === undefined || input.attach.length <= 128, 'attach must be ≤ 128 characters')
    return {
      appid: opts.appid,
      mchid: opts.mchid,
      description: input.description,
      out_trade_no: input.outTradeNo,
      time_expire: wechatTime(input.expiresAt),
      ...(input.attach === undefined ? {} : { attach: input.attach }),
      notify_url: input.notifyUrl ?? opts.notifyUrl,
      amount: { total: input.amountFen, currency: 'CNY' },
    }
  }

  function checkOurs(t: WechatPayTransaction, operation: string): WechatPayTransaction {
    if (t.mchid !== opts.mchid || t.appid !== opts.appid)
      throw new UpstreamError('wechatpay', 'bad_response', { upstreamCode: `${operation}:FOREIGN_MERCHANT` })
    return t
  }

  return {
    /**
     * JSAPI prepay (`POST /v3/pay/transactions/jsapi`) for a payer inside WeChat. Same out_trade_no and
     * same parameters before expiry → the same (current) prepay_id; different parameters → rejected
     * OUT_TRADE_NO_USED. The prepay_id is valid 2 h.
     */
    async prepayJsapi(input: PrepayInput & { openid: string }, logger: Logger = opts.logger): Promise<{ prepayId: string }> {
      assertArg(input.openid.length > 0, 'openid is required for JSAPI')
      const res = await send('prepay-jsapi', 'POST', '/v3/pay/transactions/jsapi', { ...prepayBody(input), payer: { openid: input.openid } }, logger)
      return { prepayId: parse(res, JsapiPrepayReplyWire, 'prepay-jsapi', logger).prepay_id }
    },

    /** Native prepay (`POST /v3/pay/transactions/native`): a `weixin://wxpay/bizpayurl?pr=…` URL to show as a QR code (valid 2 h). */
    async prepayNative(input: PrepayInput, logger: Logger = opts.logger): Promise<{ codeUrl: string }> {
      const res = await send('prepay-native', 'POST', '/v3/pay/transactions/native', prepayBody(input), logger)
      return { codeUrl: parse(res, NativePrepayReplyWire, 'prepay-native', logger).code_url }
    },

    /**
     * H5 prepay (`POST /v3/pay/transactions/h5`) for a payer in a phone browser other than WeChat: an `h5_url`
     * valid 5 minutes. The browser opens it with `&redirect_url=…` appended and comes back there paid or not.
     * Same out_trade_no and parameters again → a current h5_url for the same order (a payer who came back
     * unpaid pays again with it).
     */
    async prepayH5(input: H5PrepayInput, logger: Logger = opts.logger): Promise<{ h5Url: string }> {
      assertArg(isIP(input.payerClientIp) !== 0, 'payerClientIp must be an IPv4 or IPv6 address')
      const body: PrepayRequestWire = {
        ...prepayBody(input),
        scene_info: {
          payer_client_ip: input.payerClientIp,
          h5_info: {
            type: 'Wap',
            ...(input.appName === undefined ? {} : { app_name: input.appName }),
            ...(input.appUrl === undefined ? {} : { app_url: input.appUrl }),
          },
        },
      }
      const res = await send('prepay-h5', 'POST', '/v3/pay/transactions/h5', body, logger)
      return { h5Url: parse(res, H5PrepayReplyWire, 'prepay-h5', logger).h5_url }
    },

    /** Signed `WeixinJSBridge` / `wx.chooseWXPay` parameters for a prepay_id (merchant key; no network). */
    jsapiParams(prepayId: string): JsapiPayParams {
      return jsapiPayParams({ appId: opts.appid, prepayId, privateKey, timeStamp: String(unixSeconds(now())) })
    },

    /**
     * `GET /v3/pay/transactions/out-trade-no/{no}?mchid=`: the order's current state (works before payment).
     * Unknown order → rejected `ORDER_NOT_EXIST`.
     */
    async queryByOutTradeNo(outTradeNo: string, logger: Logger = opts.logger): Promise<WechatPayTransaction> {
      assertArg(OUT_NO.test(outTradeNo), 'outTradeNo must be 6–32 of [0-9A-Za-z_-|*]')
      const res = await send('query-order', 'GET', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?mchid=${encodeURIComponent(opts.mchid)}`, undefined, logger)
      return checkOurs(toTransaction(parse(res, TransactionWire, 'query-order', logger)), 'query-order')
    },

    /**
     * 付款码支付 (`POST /v3/pay/transactions/codepay`): the clerk scanned the payer's payment code. 200 → paid
     * (the transaction, checked to be ours); 202 → `USERPAYING`. Refusals are `rejected` with WeChat's code
     * (e.g. NOTENOUGH, AUTH_CODE_INVALID, TRADE_ERROR); a 5xx, timeout or unverifiable answer leaves the
     * outcome unknown: query the order, and 撤销 it if it is not paid.
     */
    async codepay(input: CodepayInput, logger: Logger = opts.logger): Promise<CodepayAnswer> {
      assertArg(OUT_NO.test(input.outTradeNo), 'outTradeNo must be 6–32 of [0-9A-Za-z_-|*]')
      assertArg(Number.isSafeInteger(input.amountFen) && input.amountFen > 0, 'amountFen must be a positive integer (fen)')
      assertArg(input.description.length > 0 && input.description.length <= 127, 'description must be 1–127 characters')
      assertArg(WECHAT_AUTH_CODE.test(input.authCode), 'authCode must be a WeChat payment code (18 digits, 10–15…)')
      assertArg(input.storeId.length > 0 && input.storeId.length <= 32, 'storeId must be 1–32 characters')
      assertArg(input.deviceIp === undefined || isIP(input.deviceIp) !== 0, 'deviceIp must be an IPv4 or IPv6 address')
      const body: CodepayRequestWire = {
        appid: opts.appid,
        mchid: opts.mchid,
        description: input.description,
        out_trade_no: input.outTradeNo,
        ...(input.attach === undefined ? {} : { attach: input.attach }),
        payer: { auth_code: input.authCode },
        amount: { total: input.amountFen, currency: 'CNY' },
        scene_info: {
          ...(input.deviceId === undefined ? {} : { device_id: input.deviceId }),
          ...(input.deviceIp === undefined ? {} : { device_ip: input.deviceIp }),
          store_info: { out_id: input.storeId, ...(input.storeName === undefined ? {} : { name: input.storeName }) },
        },
      }
      let res: UpstreamRawResponse
      try {
        res = await send('codepay', 'POST', '/v3/pay/transactions/codepay', body, logger)
      }
      catch (error) {
        // Some answers carry USERPAYING as an error code: the same outcome as a 202.
        if (error instanceof UpstreamError && error.detail.upstreamCode === 'USERPAYING') return { state: 'USERPAYING' }
        throw error
      }
      if (res.status === 202) return { state: 'USERPAYING' }
      const transaction = checkOurs(toTransaction(parse(res, TransactionWire, 'codepay', logger)), 'codepay')
      if (transaction.outTradeNo !== input.outTradeNo)
        throw new UpstreamError('wechatpay', 'bad_response', { status: res.status, upstreamCode: 'codepay:OTHER_ORDER' })
      if (transaction.tradeState === 'USERPAYING') return { state: 'USERPAYING' }
      if (transaction.tradeState !== 'SUCCESS')
        throw new UpstreamError('wechatpay', 'rejected', { status: res.status, upstreamCode: transaction.tradeState })
      return { state: 'SUCCESS', transaction }
    },

    /**
     * 撤销 (`POST /v3/pay/transactions/out-trade-no/{no}/reverse`, 付款码 orders only): an unpaid order is
     * closed, a paid one is closed and its money goes back to the payer. Call it when a payment failed or did
     * not end in time. Safe to repeat; an order WeChat Pay never received is rejected `ORDER_NOT_EXIST`.
     */
    async reverse(outTradeNo: string, logger: Logger = opts.logger): Promise<void> {
      assertArg(OUT_NO.test(outTradeNo), 'outTradeNo must be 6–32 of [0-9A-Za-z_-|*]')
      const path = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/reverse`
      const res = await send('reverse-order', 'POST', path, { appid: opts.appid, mchid: opts.mchid }, logger)
      const answer = parse(res, ReverseReplyWire, 'reverse-order', logger)
      if (answer.mchid !== opts.mchid || answer.out_trade_no !== outTradeNo)
        throw new UpstreamError('wechatpay', 'bad_response', { status: res.status, upstreamCode: 'reverse-order:OTHER_ORDER' })
    },

    /** `POST …/out-trade-no/{no}/close` → 204. Unpaid orders only: a paid one is rejected (ORDERPAID): refund instead. */
    async close(outTradeNo: string, logger: Logger = opts.logger): Promise<void> {
      assertArg(OUT_NO.test(outTradeNo), 'outTradeNo must be 6–32 of [0-9A-Za-z_-|*]')
      await send('close-order', 'POST', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`, { mchid: opts.mchid }, logger)
    },

    /**
     * `POST /v3/refund/domestic/refunds`. Acceptance only (`status` usually PROCESSING): the result comes by
     * callback or `queryRefund`. A retry MUST reuse `outRefundNo`.
     */
    async refund(input: RefundInput, logger: Logger = opts.logger): Promise<WechatPayRefund> {
      assertArg(OUT_NO.test(input.outRefundNo) && OUT_NO.test(input.outTradeNo), 'outRefundNo/outTradeNo must be 6–32 of [0-9A-Za-z_-|*]')
      assertArg(Number.isSafeInteger(input.refundFen) && input.refundFen > 0 && Number.isSafeInteger(input.totalFen) && input.refundFen <= input.totalFen, 'refundFen must be a positive integer ≤ totalFen')
      const body: RefundRequestWire = {
        out_trade_no: input.outTradeNo,
        out_refund_no: input.outRefundNo,
        ...(input.reason ? { reason: input.reason } : {}),
        notify_url: input.notifyUrl ?? opts.notifyUrl,
        amount: { refund: input.refundFen, total: input.totalFen, currency: 'CNY' },
      }
      const res = await send('refund', 'POST', '/v3/refund/domestic/refunds', body, logger)
      return toRefund(parse(res, RefundWire, 'refund', logger))
    },

    /** `GET /v3/refund/domestic/refunds/{out_refund_no}`. Unknown refund → rejected `RESOURCE_NOT_EXISTS`. */
    async queryRefund(outRefundNo: string, logger: Logger = opts.logger): Promise<WechatPayRefund> {
      assertArg(OUT_NO.test(outRefundNo), 'outRefundNo must be 6–32 of [0-9A-Za-z_-|*]')
      const res = await send('query-refund', 'GET', `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`, undefined, logger)
      return toRefund(parse(res, RefundWire, 'query-refund', logger))
    },

    /**
     * `GET /v3/bill/tradebill?bill_date=&bill_type=&tar_type=GZIP`: where to download the trade bill of a
     * Shanghai calendar day (ready from 10:00 the next day; 3 months back at most).
     */
    async tradeBill(billDate: string, billType: 'ALL' | 'SUCCESS' | 'REFUND' = 'ALL', logger: Logger = opts.logger): Promise<TradeBillTicket> {
      assertArg(/^\d{4}-\d{2}-\d{2}$/.test(billDate), 'billDate must be YYYY-MM-DD')
      const res = await send('trade-bill', 'GET', `/v3/bill/tradebill?bill_date=${billDate}&bill_type=${billType}&tar_type=GZIP`, undefined, logger)
      return parse(res, TradeBillReplyWire, 'trade-bill', logger)
    },

    /**
     * Downloads a bill: signed GET of `download_url` (only to our API host), UNSIGNED answer, gunzip, then
     * SHA1 of the decompressed file must equal `hash_value` (else bad_response `BILL_HASH_MISMATCH`).
     * Returns the CSV text; parse it with `parseTradeBill`.
     */
    async downloadBill(ticket: TradeBillTicket, logger: Logger = opts.logger): Promise<string> {
      const url = new URL(ticket.download_url)
      if (url.origin !== baseOrigin) throw new UpstreamError('wechatpay', 'bad_response', { upstreamCode: 'BILL_URL_FOREIGN_HOST' })
      const res = await send('download-bill', 'GET', `${url.pathname}${url.search}`, undefined, logger, opts.downloadTimeoutMs ?? 30_000, false)
      let content: Buffer
      try {
        content = res.body[0] === 0x1F && res.body[1] === 0x8B ? await gunzipAsync(res.body) : res.body
      }
      catch (cause) {
        throw new UpstreamError('wechatpay', 'bad_response', { upstreamCode: 'BILL_NOT_GZIP', cause })
      }
      const sha1 = createHash('sha1').update(content).digest('hex')
      if (sha1 !== ticket.hash_value.toLowerCase()) {
        logger.error({ system: 'wechatpay', operation: 'download-bill', bytes: content.length }, 'trade bill SHA1 mismatch')
        throw new UpstreamError('wechatpay', 'bad_response', { upstreamCode: 'BILL_HASH_MISMATCH' })
      }
      return content.toString('utf8')
    },

    /**
     * Verifies (raw body, serial, ±300 s, SIGNTEST probes refused), decrypts and validates a callback.
     * Pass the body exactly as received (`await c.req.text()` before any JSON parsing). Throws
     * `WechatPayNotificationError`. Still to check by the caller: out_trade_no is ours, `totalFen` equals
     * the stored amount, `tradeState === 'SUCCESS'`, and dedupe on (id | out_no + eventType).
     */
    parseNotification(headers: HeaderBag, rawBody: string | Buffer): WechatPayNotification {
      const opened = openNotification({ headers, rawBody, publicKeys, apiV3Key: opts.apiV3Key, now: now() })
      if (!opened.ok) throw new WechatPayNotificationError(opened.reason)
      const envelope = NotificationEnvelopeWire.safeParse(opened.value.envelope)
      if (!envelope.success) throw new WechatPayNotificationError('bad_envelope', { cause: envelope.error })
      const e = envelope.data
      const common: NotificationCommon = { id: e.id, eventType: e.event_type, createTime: e.create_time ?? null, summary: e.summary ?? null, serial: opened.value.serial }
      let payload: unknown
      try {
        payload = JSON.parse(opened.value.plaintext)
      }
      catch (cause) {
        throw new WechatPayNotificationError('bad_payload', { cause })
      }
      const originalType = e.resource.original_type ?? null
      if (e.event_type.startsWith('TRANSACTION.')) {
        const t = TransactionNotificationWire.safeParse(payload)
        if (!t.success) throw new WechatPayNotificationError('bad_payload', { cause: t.error })
        if (t.data.mchid !== opts.mchid || t.data.appid !== opts.appid) throw new WechatPayNotificationError('foreign_merchant')
        return { ...common, kind: 'transaction', transaction: toTransaction(t.data) }
      }
      if (e.event_type.startsWith('REFUND.')) {
        const r = RefundNotificationWire.safeParse(payload)
        if (!r.success) throw new WechatPayNotificationError('bad_payload', { cause: r.error })
        if (r.data.mchid !== opts.mchid) throw new WechatPayNotificationError('foreign_merchant')
        return { ...common, kind: 'refund', refund: toRefund(r.data) }
      }
      return { ...common, kind: 'other', originalType, plaintext: opened.value.plaintext }
    },
  }
}

/** The WeChat Pay adapter. */
export type WechatPayClient = ReturnType<typeof createWechatPayClient>
