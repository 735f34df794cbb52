import type { z } from 'zod'
import type { RefundNotificationWire, RefundStatus, RefundWire, TradeState, TradeType, TransactionWireOutput } from './schemas'
import { yuanToFen } from '@yibao/shared'
import { UpstreamError } from '../../lib/errors'
import { ErrorReplyWire } from './schemas'

/** A WeChat Pay transaction in yibao's terms (from a query or a `TRANSACTION.SUCCESS` callback). */
export interface WechatPayTransaction {
  appid: string
  mchid: string
  outTradeNo: string
  /** WeChat Pay's order number; `null` before payment. */
  transactionId: string | null
  /** `null` before payment. */
  tradeType: TradeType | null
  tradeState: TradeState
  /** Chinese text of the state (for logs and staff screens). */
  tradeStateDesc: string | null
  successTime: Date | null
  /** The payer's openid under `appid`; `null` before payment. */
  openid: string | null
  attach: string | null
  bankType: string | null
  /** Order amount in fen (compare with the stored amount before trusting a payment). */
  totalFen: number | null
  /** What the payer paid, in fen. */
  payerTotalFen: number | null
  currency: string | null
}

/** A refund in yibao's terms: `status` whether the wire said `status` (API) or `refund_status` (callback). */
export interface WechatPayRefund {
  refundId: string
  outRefundNo: string
  transactionId: string
  outTradeNo: string
  status: RefundStatus
  /** Where the money went (e.g. `招商银行信用卡0403`), `null` when not given. */
  userReceivedAccount: string | null
  successTime: Date | null
  /** When WeChat Pay accepted the refund (API answers only). */
  createTime: Date | null
  refundFen: number
  totalFen: number
  payerRefundFen: number
  payerTotalFen: number
}

/** Query answer → `WechatPayTransaction`. */
export function toTransaction(w: TransactionWireOutput): WechatPayTransaction {
  return {
    appid: w.appid,
    mchid: w.mchid,
    outTradeNo: w.out_trade_no,
    transactionId: w.transaction_id || null,
    tradeType: w.trade_type ?? null,
    tradeState: w.trade_state,
    tradeStateDesc: w.trade_state_desc ?? null,
    successTime: w.success_time ?? null,
    openid: w.payer?.openid || null,
    attach: w.attach ?? null,
    bankType: w.bank_type ?? null,
    totalFen: w.amount?.total ?? null,
    payerTotalFen: w.amount?.payer_total ?? null,
    currency: w.amount?.currency ?? null,
  }
}

/** Refund API answer (`status`) or refund callback (`refund_status`) → `WechatPayRefund`. */
export function toRefund(w: z.output<typeof RefundWire> | z.output<typeof RefundNotificationWire>): WechatPayRefund {
  return {
    refundId: w.refund_id,
    outRefundNo: w.out_refund_no,
    transactionId: w.transaction_id,
    outTradeNo: w.out_trade_no,
    status: 'status' in w ? w.status : w.refund_status,
    userReceivedAccount: w.user_received_account ?? null,
    successTime: w.success_time ?? null,
    createTime: 'create_time' in w ? (w.create_time ?? null) : null,
    refundFen: w.amount.refund,
    totalFen: w.amount.total,
    payerRefundFen: w.amount.payer_refund,
    payerTotalFen: w.amount.payer_total,
  }
}

/**
 * A non-2xx answer → `UpstreamError('wechatpay', kind, { upstreamCode })`. `upstreamCode` is WeChat Pay's
 * `code` (PARAM_ERROR, SIGN_ERROR, OUT_TRADE_NO_USED, ORDER_NOT_EXIST, ORDERPAID, FREQUENCY_LIMITED,
 * SYSTEM_ERROR, …) or `HTTP_<status>` for a body that is not WeChat's JSON (a proxy's error page).
 * kind: 5xx and 429 → `unavailable` (retry the SAME request later); every other status → `rejected`.
 */
export function errorFromReply(status: number, text: string): UpstreamError {
  let code: string | undefined
  let message: string | undefined
  try {
    const parsed = ErrorReplyWire.safeParse(JSON.parse(text))
    if (parsed.success) ({ code, message } = parsed.data)
  }
  catch {}
  const kind = status >= 500 || status === 429 ? 'unavailable' : 'rejected'
  return new UpstreamError('wechatpay', kind, { status, upstreamCode: code ?? `HTTP_${status}`, upstreamMessage: message ?? text.slice(0, 200) })
}

/** `true` when `error` is a WeChat Pay answer with this `code` (e.g. `ORDER_NOT_EXIST`, `OUT_TRADE_NO_USED`). */
export function isWechatPayCode(error: unknown, code: string): boolean {
  return error instanceof UpstreamError && error.system === 'wechatpay' && error.detail.upstreamCode === code
}

/** `true` when retrying the same request (same out_trade_no / out_refund_no, same params) may succeed. */
export function isRetryable(error: unknown): boolean {
  return error instanceof UpstreamError && (error.kind === 'timeout' || error.kind === 'unavailable')
}

/** The 27 columns of a trade bill, in order. */
export const TRADE_BILL_COLUMNS = ['交易时间', '公众账号ID', '商户号', '特约商户号', '设备号', '微信订单号', '商户订单号', '用户标识', '交易类型', '交易状态', '付款银行', '货币种类', '应结订单金额', '代金券金额', '微信退款单号', '商户退款单号', '退款金额', '充值券退款金额', '退款类型', '退款状态', '商品名称', '商户数据包', '手续费', '费率', '订单金额', '申请退款金额', '费率备注'] as const
/** The summary header after the rows. */
export const TRADE_BILL_SUMMARY_COLUMNS = ['总交易单数', '应结订单总金额', '退款总金额', '充值券退款总金额', '手续费总金额', '订单总金额', '申请退款总金额'] as const

/** One row of a trade bill (a payment, or a refund when `tradeState` is `REFUND`). Amounts in fen. */
export interface TradeBillRow {
  /** 交易时间 (Shanghai wall time in the file). */
  tradeTime: Date
  appid: string
  mchid: string
  /** 特约商户号 (`0` for a direct merchant). */
  subMchid: string
  deviceInfo: string
  transactionId: string
  outTradeNo: string
  openid: string
  tradeType: string
  /** SUCCESS for a payment row, REFUND for a refund row, … */
  tradeState: string
  bankType: string
  currency: string
  /** 应结订单金额 (0 on refund rows). */
  settlementTotalFen: number
  /** 代金券金额. */
  couponFen: number
  /** 微信退款单号, `null` on payment rows (the file says `0`). */
  refundId: string | null
  /** 商户退款单号, `null` on payment rows. */
  outRefundNo: string | null
  /** 退款金额. */
  refundFen: number
  /** 充值券退款金额. */
  rechargeCouponRefundFen: number
  refundType: string
  refundStatus: string
  /** 商品名称 (our description). */
  description: string
  /** 商户数据包 (our attach). */
  attach: string
  /** 手续费 in yuan exactly as written (up to 5 decimals, negative on refunds): not a whole number of fen. */
  feeYuan: string
  /** 费率, e.g. `0.60%`. */
  feeRate: string
  /** 订单金额. */
  totalFen: number
  /** 申请退款金额. */
  requestedRefundFen: number
  feeRateNote: string
}

/** The summary rows of a trade bill. */
export interface TradeBillSummary {
  count: number
  settlementTotalFen: number
  refundTotalFen: number
  rechargeCouponRefundTotalFen: number
  /** 手续费总金额 as written (yuan, up to 5 decimals). */
  feeTotalYuan: string
  orderTotalFen: number
  requestedRefundTotalFen: number
}

/** A trade bill that does not have the documented shape. */
export class TradeBillFormatError extends Error {
  override readonly name = 'TradeBillFormatError'
}

function fen(text: string, column: string, line: number): number {
  const value = yuanToFen(text)
  if (value === null) throw new TradeBillFormatError(`line ${line}: ${column} is not a 2-decimal yuan amount: ${JSON.stringify(text)}`)
  return value
}

/** Cells of a data or summary line: every cell starts with a backtick (so `0012` stays text in Excel). */
function cells(line: string, count: number, lineNo: number): string[] {
  if (!line.startsWith('`')) throw new TradeBillFormatError(`line ${lineNo}: cells must start with a backtick`)
  // Split on ",`" so a comma inside a description does not shift the columns.
  const out = line.slice(1).split(',`')
  if (out.length !== count) throw new TradeBillFormatError(`line ${lineNo}: expected ${count} cells, got ${out.length}`)
  return out
}

const BILL_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/

/**
 * Parses a trade bill (交易账单) CSV: optional UTF-8 BOM, the 27-column header, backtick-prefixed rows,
 * then `总交易单数,…` and one summary line. Yuan → integer fen exactly (`yuanToFen`); the row count must
 * match the summary (amount totals are left to reconciliation, which compares row by row). Throws `TradeBillFormatError` on any deviation.
 */
export function parseTradeBill(text: string): { rows: TradeBillRow[], summary: TradeBillSummary } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  while (lines.length && lines.at(-1) === '') lines.pop()
  if (lines[0] !== TRADE_BILL_COLUMNS.join(',')) throw new TradeBillFormatError('line 1: not the 27-column trade bill header')
  const summaryAt = lines.indexOf(TRADE_BILL_SUMMARY_COLUMNS.join(','))
  if (summaryAt < 0 || summaryAt !== lines.length - 2) throw new TradeBillFormatError('the summary header and one summary line must end the file')
  const rows: TradeBillRow[] = []
  for (let i = 1; i < summaryAt; i++) {
    const c = cells(lines[i]!, TRADE_BILL_COLUMNS.length, i + 1)
    const col = (name: typeof TRADE_BILL_COLUMNS[number]) => c[TRADE_BILL_COLUMNS.indexOf(name)]!
    const amount = (name: typeof TRADE_BILL_COLUMNS[number]) => fen(col(name), name, i + 1)
    const m = BILL_TIME.exec(col('交易时间'))
    if (!m) throw new TradeBillFormatError(`line ${i + 1}: 交易时间 is not yyyy-MM-dd HH:mm:ss`)
    const orNull = (v: string) => (v === '' || v === '0' ? null : v)
    rows.push({
      tradeTime: new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`),
      appid: col('公众账号ID'),
      mchid: col('商户号'),
      subMchid: col('特约商户号'),
      deviceInfo: col('设备号'),
      transactionId: col('微信订单号'),
      outTradeNo: col('商户订单号'),
      openid: col('用户标识'),
      tradeType: col('交易类型'),
      tradeState: col('交易状态'),
      bankType: col('付款银行'),
      currency: col('货币种类'),
      settlementTotalFen: amount('应结订单金额'),
      couponFen: amount('代金券金额'),
      refundId: orNull(col('微信退款单号')),
      outRefundNo: orNull(col('商户退款单号')),
      refundFen: amount('退款金额'),
      rechargeCouponRefundFen: amount('充值券退款金额'),
      refundType: col('退款类型'),
      refundStatus: col('退款状态'),
      description: col('商品名称'),
      attach: col('商户数据包'),
      feeYuan: col('手续费'),
      feeRate: col('费率'),
      totalFen: amount('订单金额'),
      requestedRefundFen: amount('申请退款金额'),
      feeRateNote: col('费率备注'),
    })
  }
  const s = cells(lines[summaryAt + 1]!, TRADE_BILL_SUMMARY_COLUMNS.length, summaryAt + 2)
  const count = Number(s[0])
  if (!Number.isSafeInteger(count) || !/^\d+$/.test(s[0]!)) throw new TradeBillFormatError('总交易单数 is not a whole number')
  const summary: TradeBillSummary = {
    count,
    settlementTotalFen: fen(s[1]!, '应结订单总金额', summaryAt + 2),
    refundTotalFen: fen(s[2]!, '退款总金额', summaryAt + 2),
    rechargeCouponRefundTotalFen: fen(s[3]!, '充值券退款总金额', summaryAt + 2),
    feeTotalYuan: s[4]!,
    orderTotalFen: fen(s[5]!, '订单总金额', summaryAt + 2),
    requestedRefundTotalFen: fen(s[6]!, '申请退款总金额', summaryAt + 2),
  }
  if (summary.count !== rows.length) throw new TradeBillFormatError(`summary says ${summary.count} rows, the file has ${rows.length}`)
  return { rows, summary }
}
