import { z } from 'zod'
import { calendarDaySchema } from './common'
import { PaymentOrderStatusSchema } from './payment'
import { CleanTextSchema } from './text'

/**
 * 日结 (daily close) at the help desk: the payments a clerk took at the counter on one Shanghai calendar day,
 * frozen when the clerk closes the day, matched on T+1 against WeChat Pay's trade bill (交易账单).
 */

/** A time as the BFF sends it: ISO 8601 with `+08:00` (Shanghai). */
const shanghaiTime = (description: string) => z.string().meta({ description: `${description}（ISO 8601，+08:00）` })
/** Integer fen (分). */
const fen = (description: string) => z.number().int().meta({ description: `${description}（分）` })

/** open 未日结; closed 已日结; reopened 已由主管重开（可再次日结）. */
export const DAY_CLOSE_STATUSES = ['open', 'closed', 'reopened'] as const
export type DayCloseStatus = typeof DAY_CLOSE_STATUSES[number]

/** matched 已对账; differences 有差异. `null` on the sheet: not reconciled yet. */
export const DAY_RECONCILE_STATUSES = ['matched', 'differences'] as const
export type DayReconcileStatus = typeof DAY_RECONCILE_STATUSES[number]

/** missing_in_bill 账单中没有；missing_in_ours 本系统日结中没有；amount_differs 金额不一致. */
export const DAY_DIFFERENCE_KINDS = ['missing_in_bill', 'missing_in_ours', 'amount_differs'] as const
export type DayDifferenceKind = typeof DAY_DIFFERENCE_KINDS[number]

/** Which day sheet: a Shanghai calendar day, and (supervisors) which clerk; default today and oneself. */
export const DaySheetQuerySchema = z.object({
  date: calendarDaySchema('请选择日期').optional(),
  staffId: CleanTextSchema('请选择工作人员').uuid('工作人员不正确').optional(),
})
export type DaySheetQuery = z.infer<typeof DaySheetQuerySchema>

/** 日结: close one's own day (default today). */
export const DayCloseInputSchema = z.object({
  date: calendarDaySchema('请选择日期').optional(),
})
export type DayCloseInput = z.infer<typeof DayCloseInputSchema>

/** 对账 (supervisors): a clerk's closed day. */
export const DayReconcileInputSchema = z.object({
  date: calendarDaySchema('请选择日期'),
  staffId: CleanTextSchema('请选择工作人员').uuid('工作人员不正确'),
})
export type DayReconcileInput = z.infer<typeof DayReconcileInputSchema>

/** 重开日结 (supervisors): needs a recorded reason. */
export const DayReopenInputSchema = DayReconcileInputSchema.extend({
  reason: CleanTextSchema('请填写重开原因', { multiline: true })
    .trim()
    .min(1, '请填写重开原因')
    .min(2, '重开原因至少2个字')
    .max(200, '重开原因不超过200个字'),
})
export type DayReopenInput = z.infer<typeof DayReopenInputSchema>

/** One payment taken at the counter (people masked). */
export const DayPaymentSchema = z.object({
  orderId: z.string(),
  outTradeNo: z.string(),
  channel: z.string().meta({ description: '支付方式：native 扫码（二维码）；codepay 付款码；…' }),
  status: PaymentOrderStatusSchema,
  year: z.number().int(),
  totalFen: fen('金额'),
  payerName: z.string().meta({ description: '缴费人姓名（已脱敏）' }),
  payerCertNo: z.string().meta({ description: '缴费人证件号码（已脱敏）' }),
  createdAt: shanghaiTime('下单时间'),
  paidAt: shanghaiTime('支付时间').nullable(),
  anomaly: z.object({ id: z.string(), kind: z.string() }).nullable()
    .meta({ description: '该笔尚未处理的缴费异常' }),
})
export type DayPayment = z.infer<typeof DayPaymentSchema>

/** A difference between the frozen day and WeChat Pay's bill. */
export const DayDifferenceSchema = z.object({
  kind: z.enum(DAY_DIFFERENCE_KINDS),
  outTradeNo: z.string(),
  oursFen: fen('本系统金额').nullable(),
  billFen: fen('微信支付账单金额').nullable(),
})
export type DayDifference = z.infer<typeof DayDifferenceSchema>

export const DayTotalsSchema = z.object({
  count: z.number().int().meta({ description: '已支付笔数' }),
  totalFen: fen('已支付金额合计'),
  byChannel: z.record(z.string(), z.object({ count: z.number().int(), totalFen: z.number().int() }))
    .meta({ description: '按支付方式分列的笔数与金额（分）' }),
})
export type DayTotals = z.infer<typeof DayTotalsSchema>

/** A clerk's day: live before the close, the frozen list after it. */
export const DaySheetSchema = z.object({
  date: z.string().meta({ description: '日期（北京时间）' }),
  staff: z.object({ id: z.string(), displayName: z.string() }),
  status: z.enum(DAY_CLOSE_STATUSES),
  payments: z.array(DayPaymentSchema),
  totals: DayTotalsSchema,
  closedAt: shanghaiTime('日结时间').nullable(),
  reopen: z.object({ at: shanghaiTime('重开时间'), by: z.string(), reason: z.string() }).nullable(),
  late: z.array(DayPaymentSchema).meta({ description: '日结之后才完成支付的订单（未计入已日结合计）' }),
  reconcile: z.object({
    status: z.enum(DAY_RECONCILE_STATUSES),
    at: shanghaiTime('对账时间'),
    differences: z.array(DayDifferenceSchema),
  }).nullable(),
})
export type DaySheet = z.infer<typeof DaySheetSchema>

/** Supervisors: every clerk of their regions with desk payments or a close that day. */
export const DayCloseListSchema = z.object({
  date: z.string(),
  clerks: z.array(z.object({
    staff: z.object({ id: z.string(), displayName: z.string() }),
    status: z.enum(DAY_CLOSE_STATUSES),
    totals: DayTotalsSchema,
    reconcile: z.enum(DAY_RECONCILE_STATUSES).nullable(),
  })),
})
export type DayCloseList = z.infer<typeof DayCloseListSchema>

/** The export's query: the day, and (optional) one clerk; without one, every clerk the caller may see. */
export const DayExportQuerySchema = DaySheetQuerySchema
