import { z } from 'zod'
import { PaymentLineStatusSchema, PaymentOrderStatusSchema } from './payment'
import { RefundStatusSchema } from './refund'
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

/** A time as the BFF sends it: ISO 8601 with `+08:00` (Shanghai). */
const shanghaiTime = (description: string) => z.string().meta({ description: `${description}（ISO 8601，+08:00）` })
/** Integer fen (分). */
const fen = (description: string) => z.number().int().meta({ description: `${description}（分）` })

/** One thing done about an anomaly, newest last. */
export const AnomalyActionViewSchema = z.object({
  at: shanghaiTime('处理时间'),
  action: z.enum(ANOMALY_ACTIONS).meta({ description: 'retry 重试；refund 退款；resolve 标记已处理' }),
  by: z.string().nullable().meta({ description: '工作人员姓名；系统处理时为 null' }),
  note: z.string().nullable().meta({ description: '处理说明，或再次询问微信支付时对方所答（交易状态）' }),
})
export type AnomalyActionView = z.infer<typeof AnomalyActionViewSchema>

/** What the anomaly's record says happened, as far as a supervisor needs it (amounts in fen). */
export const AnomalyFactsSchema = z.object({
  expectedFen: fen('订单金额').optional(),
  gotFen: fen('实际支付金额').optional(),
  billFen: fen('微信支付账单金额；账单中没有时为 null').nullable().optional(),
  taxCode: z.string().optional().meta({ description: '税务部门拒绝入账的代码（如 2001；2002 = 已在别处缴费）' }),
  topic: z.string().optional().meta({ description: '多次失败的后台任务' }),
  attempts: z.number().int().optional().meta({ description: '该任务已尝试的次数' }),
  lastError: z.string().optional().meta({ description: '最后一次失败的原因（已脱敏）' }),
  why: z.string().optional().meta({ description: '重复缴费的原因：paid_while_person_year_held 或 collected_elsewhere' }),
  date: z.string().optional().meta({ description: '账单日期（YYYY-MM-DD，北京时间）' }),
  refundState: z.string().optional().meta({ description: '微信支付所述的退款状态（ABNORMAL、CLOSED）' }),
})
export type AnomalyFacts = z.infer<typeof AnomalyFactsSchema>

/** An anomaly as the 异常处理 page shows it: people masked, amounts in fen, Shanghai times. */
export const AnomalyViewSchema = z.object({
  id: z.string(),
  kind: z.enum(ANOMALY_KINDS).meta({
    description: Object.entries(ANOMALY_KIND_LABELS).map(([k, v]) => `${k} ${v}`).join('；'),
  }),
  status: z.enum(ANOMALY_STATUS_VALUES).meta({ description: 'open 待处理；resolved 已处理' }),
  createdAt: shanghaiTime('发现时间'),
  regionCode: z.string().nullable(),
  orderId: z.string().nullable(),
  outTradeNo: z.string().nullable(),
  people: z.array(z.object({ name: z.string(), certNo: z.string() }))
    .meta({ description: '该明细的参保人，或订单的全部参保人（姓名、身份证号码均脱敏）' }),
  year: z.number().int().nullable(),
  amountFen: fen('涉及金额').nullable(),
  lineStatus: PaymentLineStatusSchema.nullable().meta({ description: '缴费明细现在的状态' }),
  orderStatus: PaymentOrderStatusSchema.nullable().meta({ description: '订单现在的状态' }),
  refundStatus: RefundStatusSchema.nullable(),
  facts: AnomalyFactsSchema,
  actions: z.array(AnomalyActionViewSchema),
  available: z.object({ retry: z.boolean(), refund: z.boolean() })
    .meta({ description: '现在可否重试、退款（待处理时总可标记已处理）' }),
  resolvedAt: shanghaiTime('标记已处理的时间').nullable(),
  resolvedBy: z.string().nullable(),
  resolution: z.string().nullable().meta({ description: '处理说明' }),
})
export type AnomalyView = z.infer<typeof AnomalyViewSchema>

/** `GET /desk/anomalies`: the queue asked for. */
export const AnomalyListSchema = z.object({
  status: z.enum(ANOMALY_STATUS_VALUES),
  anomalies: z.array(AnomalyViewSchema),
})
export type AnomalyList = z.infer<typeof AnomalyListSchema>

/** What 重试 / 退款 / 标记已处理 answer: the anomaly as it stands after the action. */
export const AnomalyActionResultSchema = z.object({ anomaly: AnomalyViewSchema })
