import { z } from 'zod'

/**
 * WeChat Pay APIv3 wire formats (direct merchant, 直连商户), field names as WeChat Pay spells them.
 * Amounts are integer fen (分) everywhere in the API; times are RFC 3339 with an offset
 * (`2018-06-08T10:34:56+08:00`). Trade bills are the exception: yuan, parsed in `mapper.ts`.
 * @see ../../../../../shared/reference/wechatpay-v3.md (outside the repo) §1.4–1.9
 */

/** Integer fen ≥ 0. */
const Fen = z.number().int().min(0)

/** RFC 3339 date-time with an offset or Z → Date. */
export const RfcTimeWire = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)$/).transform((value, ctx) => {
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: `not a date-time: ${value}` })
    return z.NEVER
  }
  return date
})

/** Body of every non-2xx answer. `code` is the machine-readable reason (PARAM_ERROR, SIGN_ERROR, …). */
export const ErrorReplyWire = z.object({
  code: z.string().min(1),
  message: z.string().optional(),
  /** Sometimes `{ field, value, issue, location }` for PARAM_ERROR. */
  detail: z.unknown().optional(),
})

/** `POST /v3/pay/transactions/jsapi` → prepay_id (valid 2 h; the payer's WeChat opens it via `package=prepay_id=…`). */
export const JsapiPrepayReplyWire = z.object({ prepay_id: z.string().min(1) })

/** `POST /v3/pay/transactions/native` → code_url (`weixin://wxpay/bizpayurl?pr=…`, valid 2 h; render as a QR code). */
export const NativePrepayReplyWire = z.object({ code_url: z.string().min(1) })

/**
 * `POST /v3/pay/transactions/h5` → h5_url (`https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=…&package=…`,
 * valid **5 minutes**). The payer's phone browser opens it (with a Referer of the registered H5 domain), appending
 * `&redirect_url=<urlencoded>` for the way back; WeChat opens its cashier and later sends the browser to
 * redirect_url whether or not the payer paid, so the page there must query the order.
 */
export const H5PrepayReplyWire = z.object({ h5_url: z.string().url() })

/** Payment state: NOTPAY → SUCCESS → REFUND; NOTPAY → CLOSED. SUCCESS, CLOSED, REFUND end the payment flow. */
export const TRADE_STATES = ['SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR'] as const
export type TradeState = typeof TRADE_STATES[number]

/** How the payer paid: JSAPI (inside WeChat), NATIVE (scanned QR), and others we do not start. */
export const TRADE_TYPES = ['JSAPI', 'NATIVE', 'APP', 'MICROPAY', 'MWEB', 'FACEPAY'] as const
export type TradeType = typeof TRADE_TYPES[number]

/** Refund state: PROCESSING → SUCCESS | CLOSED | ABNORMAL. */
export const REFUND_STATUSES = ['SUCCESS', 'CLOSED', 'PROCESSING', 'ABNORMAL'] as const
export type RefundStatus = typeof REFUND_STATUSES[number]

/** Amounts of a transaction, in fen. */
const TransactionAmountWire = z.object({
  /** Order amount (what we asked for). */
  total: Fen.optional(),
  /** What the payer paid (less than total when a coupon applied). */
  payer_total: Fen.optional(),
  currency: z.string().optional(),
  payer_currency: z.string().optional(),
})

/**
 * A transaction as `GET /v3/pay/transactions/out-trade-no/{no}` answers it. Before payment only the
 * order fields and `trade_state` are there; `transaction_id`, `success_time`, `payer` come with payment.
 */
export const TransactionWire = z.object({
  appid: z.string(),
  mchid: z.string(),
  out_trade_no: z.string(),
  /** WeChat Pay's own order number (微信支付订单号). */
  transaction_id: z.string().optional(),
  trade_type: z.enum(TRADE_TYPES).optional(),
  trade_state: z.enum(TRADE_STATES),
  /** Chinese text of the state, e.g. 支付成功 / 订单未支付. */
  trade_state_desc: z.string().optional(),
  /** Paying bank code (e.g. OTHERS, CMC). */
  bank_type: z.string().optional(),
  /** Our `attach`, echoed back. */
  attach: z.string().optional(),
  success_time: RfcTimeWire.optional(),
  payer: z.object({ openid: z.string().optional() }).optional(),
  amount: TransactionAmountWire.optional(),
  scene_info: z.object({ device_id: z.string().optional() }).optional(),
  promotion_detail: z.array(z.unknown()).optional(),
})
export type TransactionWireOutput = z.output<typeof TransactionWire>

/** Decrypted `TRANSACTION.SUCCESS` resource: a paid transaction, every field present. */
export const TransactionNotificationWire = TransactionWire.extend({
  transaction_id: z.string().min(1),
  trade_type: z.enum(TRADE_TYPES),
  success_time: RfcTimeWire,
  payer: z.object({ openid: z.string().min(1) }),
  amount: z.object({ total: Fen, payer_total: Fen, currency: z.string(), payer_currency: z.string().optional() }),
})

/** Refund amounts, in fen. */
const RefundAmountWire = z.object({
  /** Amount of the original order. */
  total: Fen,
  /** Amount refunded by this refund. */
  refund: Fen,
  /** What the payer paid / gets back (differs from total/refund when coupons applied). */
  payer_total: Fen,
  payer_refund: Fen,
  settlement_refund: Fen.optional(),
  settlement_total: Fen.optional(),
  discount_refund: Fen.optional(),
  currency: z.string().optional(),
  refund_fee: Fen.optional(),
})

/** How the money goes back. */
export const REFUND_CHANNELS = ['ORIGINAL', 'BALANCE', 'OTHER_BALANCE', 'OTHER_BANKCARD'] as const

/**
 * A refund as `POST /v3/refund/domestic/refunds` and `GET …/refunds/{out_refund_no}` answer it. The state
 * is **`status`** here, but `refund_status` in the refund callback (see `RefundNotificationWire`).
 */
export const RefundWire = z.object({
  refund_id: z.string(),
  out_refund_no: z.string(),
  transaction_id: z.string(),
  out_trade_no: z.string(),
  channel: z.enum(REFUND_CHANNELS).optional(),
  /** Where the money went, e.g. `招商银行信用卡0403` (last 4 digits only) or `支付用户零钱`. */
  user_received_account: z.string().optional(),
  success_time: RfcTimeWire.optional(),
  create_time: RfcTimeWire.optional(),
  status: z.enum(REFUND_STATUSES),
  funds_account: z.string().optional(),
  amount: RefundAmountWire,
})

/** Decrypted `REFUND.SUCCESS|ABNORMAL|CLOSED` resource: the state is **`refund_status`**. */
export const RefundNotificationWire = z.object({
  mchid: z.string(),
  transaction_id: z.string(),
  out_trade_no: z.string(),
  refund_id: z.string(),
  out_refund_no: z.string(),
  refund_status: z.enum(REFUND_STATUSES),
  success_time: RfcTimeWire.optional(),
  user_received_account: z.string().optional(),
  amount: RefundAmountWire.pick({ total: true, refund: true, payer_total: true, payer_refund: true }),
})

/** `GET /v3/bill/tradebill` → where to download the bill and its SHA1 (over the decompressed file). */
export const TradeBillReplyWire = z.object({
  hash_type: z.literal('SHA1'),
  hash_value: z.string().regex(/^[0-9a-f]{40}$/i),
  download_url: z.string().url(),
})
/** What `tradeBill` returns and `downloadBill` takes (wire names, passed through unchanged). */
export type TradeBillTicket = z.output<typeof TradeBillReplyWire>

/** Callback envelope (before decryption). */
export const NotificationEnvelopeWire = z.object({
  /** Notification id (a UUID in practice): dedupe on it, or on out_trade_no + event_type. */
  id: z.string().min(1),
  create_time: RfcTimeWire.optional(),
  resource_type: z.string().optional(),
  /** TRANSACTION.SUCCESS, REFUND.SUCCESS, REFUND.ABNORMAL, REFUND.CLOSED, … */
  event_type: z.string().min(1),
  /** 支付成功 / 退款成功 … */
  summary: z.string().optional(),
  resource: z.object({
    /** `transaction` or `refund`. */
    original_type: z.string().optional(),
    algorithm: z.literal('AEAD_AES_256_GCM'),
    ciphertext: z.string(),
    associated_data: z.string().optional(),
    nonce: z.string(),
  }),
})

/** Body of `POST /v3/pay/transactions/jsapi|native` as we send it. */
export interface PrepayRequestWire {
  appid: string
  mchid: string
  /** Shown to the payer (≤ 127 chars). */
  description: string
  /** Our order number: 6–32 of `[0-9A-Za-z_-|*]`, unique per merchant. */
  out_trade_no: string
  /** RFC 3339 +08:00; only honoured on the first prepay of an order. */
  time_expire: string
  /** Echoed back in queries, callbacks and bills (≤ 128 chars). */
  attach?: string
  /** Full https URL without query; where callbacks go. */
  notify_url: string
  amount: { total: number, currency: 'CNY' }
  /** JSAPI only: the payer's openid under `appid`. */
  payer?: { openid: string }
  /** H5 only: where the payer is (`payer_client_ip`, IPv4 or IPv6, ≤ 45) and that it is a mobile site (`Wap`). */
  scene_info?: H5SceneInfoWire
}

/** `scene_info` of an H5 prepay. */
export interface H5SceneInfoWire {
  /** The payer's real IP address (the client's, not a proxy's): WeChat Pay's risk checks use it. */
  payer_client_ip: string
  h5_info: {
    /** `Wap`: a mobile web site (the other types, iOS and Android, are apps). */
    type: 'Wap'
    /** Name of the site (optional). */
    app_name?: string
    /** Address of the site (optional). */
    app_url?: string
  }
}

/**
 * Body of `POST /v3/pay/transactions/codepay` (付款码支付) as we send it. No `notify_url` and no `time_expire`:
 * a payment-code payment has no callback; its outcome comes in the answer or by querying the order.
 */
export interface CodepayRequestWire {
  appid: string
  mchid: string
  /** Shown to the payer (≤ 127 chars). */
  description: string
  /** Our order number: 6–32 of `[0-9A-Za-z_-|*]`, unique per merchant. */
  out_trade_no: string
  /** Echoed back in queries and bills (≤ 128 chars). */
  attach?: string
  /** The payer's 付款码 as the scanner read it (WeChat: 18 digits starting 10–15). Used once; never stored. */
  payer: { auth_code: string }
  amount: { total: number, currency: 'CNY' }
  /** Where the money was taken: the merchant's own store number (`out_id`, required) and the till's address. */
  scene_info: {
    /** Our device (till) number, ≤ 32 chars. */
    device_id?: string
    /** The till's IP address (IPv4 or IPv6). */
    device_ip?: string
    store_info: {
      /** 商户侧门店编号 (we send the service hall's region code), ≤ 32 chars. */
      out_id: string
      /** 门店名称 (optional). */
      name?: string
    }
  }
}

/** `POST …/out-trade-no/{no}/reverse` (撤销) → 200 with the order it reversed. */
export const ReverseReplyWire = z.object({
  appid: z.string().optional(),
  mchid: z.string(),
  out_trade_no: z.string(),
})

/** Body of `POST /v3/refund/domestic/refunds` as we send it. */
export interface RefundRequestWire {
  out_trade_no: string
  out_refund_no: string
  /** Shown to the payer (≤ 80 chars). */
  reason?: string
  notify_url?: string
  amount: { refund: number, total: number, currency: 'CNY' }
}
