import type { RefundStatus } from './refund'
import { z } from 'zod'
import { CleanTextSchema } from './text'

/**
 * What can go wrong with money, each landing in the 异常处理 queue (`payment_anomalies`) for a
 * supervisor of the person's region (or an admin) to work.
 */
export const ANOMALY_KINDS = [
  'amount_mismatch',
  'paid_after_close',
  'duplicate_payment',
  'tax_refused',
  'refund_failed',
  'job_exhausted',
  'reconcile_missing_in_bill',
  'reconcile_unknown_in_bill',
] as const
export type AnomalyKind = typeof ANOMALY_KINDS[number]

/** Each kind as the 异常处理 page names it. */
export const ANOMALY_KIND_LABELS: Record<AnomalyKind, string> = {
  amount_mismatch: '支付金额与订单金额不一致',
  paid_after_close: '订单关闭后仍收到付款',
  duplicate_payment: '重复缴费',
  tax_refused: '税务部门未能入账',
  refund_failed: '退款未成功',
  job_exhausted: '后台处理多次失败',
  reconcile_missing_in_bill: '对账差异：微信支付账单中没有这笔或金额不同',
  reconcile_unknown_in_bill: '对账差异：微信支付账单中有本系统未入账的交易',
}

export const ANOMALY_STATUS_VALUES = ['open', 'resolved'] as const
export type AnomalyStatus = typeof ANOMALY_STATUS_VALUES[number]

/** What a supervisor can do about an anomaly: try the step again, send the money back, or close it with a reason. */
export const ANOMALY_ACTIONS = ['retry', 'refund', 'resolve'] as const
export type AnomalyAction = typeof ANOMALY_ACTIONS[number]

/** The queue to show: 待处理 (default) or 已处理. */
export const AnomalyQuerySchema = z.object({
  status: z.enum(ANOMALY_STATUS_VALUES, { error: '请选择待处理或已处理' }).default('open'),
})
export type AnomalyQuery = z.infer<typeof AnomalyQuerySchema>

/** 标记已处理 needs a recorded reason (any ID or phone number typed into it is masked when stored). */
export const AnomalyResolveInputSchema = z.object({
  reason: CleanTextSchema('请填写处理说明', { multiline: true })
    .trim()
    .min(1, '请填写处理说明')
    .min(2, '处理说明至少2个字')
    .max(200, '处理说明不超过200个字'),
})
export type AnomalyResolveInput = z.infer<typeof AnomalyResolveInputSchema>

/** One thing done about an anomaly, newest last. */
export interface AnomalyActionView {
  /** ISO 8601 with +08:00. */
  at: string
  action: string
  /** Display name of the staff member; null when the system did it. */
  by: string | null
  /** The reason given, or what WeChat Pay said when asked again (its trade state). */
  note: string | null
}

/** What the anomaly's record says happened, as far as a supervisor needs it (amounts in fen). */
export interface AnomalyFacts {
  expectedFen?: number
  gotFen?: number
  billFen?: number | null
  /** The tax bureau's refusal code (e.g. `2001`; `2002` = already collected). */
  taxCode?: string
  /** The outbox job that ran out of attempts, its attempts and its last error (PII masked). */
  topic?: string
  attempts?: number
  lastError?: string
  /** Why a line is a duplicate: `paid_while_person_year_held` or `collected_elsewhere`. */
  why?: string
  /** The bill's day (YYYY-MM-DD, Shanghai). */
  date?: string
  /** What WeChat Pay said of a refund (`ABNORMAL`, `CLOSED`). */
  refundState?: string
}

/** An anomaly as the 异常处理 page shows it: people masked, amounts in fen, Shanghai times. */
export interface AnomalyView {
  id: string
  kind: AnomalyKind
  status: AnomalyStatus
  createdAt: string
  regionCode: string | null
  orderId: string | null
  outTradeNo: string | null
  /** The person of the line, or every person of the order (masked name and ID number). */
  people: { name: string, certNo: string }[]
  year: number | null
  amountFen: number | null
  /** The line's state now (LINE_MACHINE), the order's, and its refund's when there is one. */
  lineStatus: string | null
  orderStatus: string | null
  refundStatus: RefundStatus | null
  facts: AnomalyFacts
  actions: AnomalyActionView[]
  /** Which of 重试 / 退款 applies now (标记已处理 always does while open). */
  available: { retry: boolean, refund: boolean }
  resolvedAt: string | null
  resolvedBy: string | null
  resolution: string | null
}
