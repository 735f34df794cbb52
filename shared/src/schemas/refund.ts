import type { ErrorCode } from '../errors'
import { z } from 'zod'
import { ERROR_MESSAGES } from '../errors'
import { DeskClerkSchema } from './desk-clerk'
import { CleanTextSchema } from './text'

/**
 * 退费 reasons a resident may give online (domain notes §4; 城乡居民医保 refund cases): 待遇享受期前死亡
 * (heirs apply; 东医保发〔2020〕56号 六(一)), 重复参保/重复缴费, 已参加职工医保 (the whole year before it starts,
 * the months that overlap 职工医保 after), 误缴/多缴, and 资助对象 (the part of the premium the government now
 * pays for a person made 特困, 建档立卡… after paying). The bureau (医保审核, then 税务退费) decides; the BFF
 * refuses what the rules already exclude and works out the amount (server/src/domain/refund.ts).
 */
export const REFUND_REASONS = [
  'died_before_benefit',
  'duplicate_enrolment',
  'employee_insurance',
  'overpaid',
  'funded',
] as const
export type RefundReason = typeof REFUND_REASONS[number]

/**
 * Refunds the system makes on its own (from 异常处理 or automatically): a person-year paid twice, or a
 * payment the tax bureau would not record, goes back to its account.
 */
export const SYSTEM_REFUND_REASONS = ['duplicate_payment', 'collection_refused'] as const
export type SystemRefundReason = typeof SYSTEM_REFUND_REASONS[number]
export type AnyRefundReason = RefundReason | SystemRefundReason

export const REFUND_REASON_LABELS: Record<AnyRefundReason, string> = {
  duplicate_payment: '重复缴费，系统自动退回',
  collection_refused: '税务部门未能入账，系统退回',
  died_before_benefit: '参保人在待遇享受期开始前去世',
  duplicate_enrolment: '重复参保或重复缴费',
  employee_insurance: '已参加职工基本医疗保险',
  overpaid: '误缴或多缴',
  funded: '缴费后被认定为参保资助对象',
}

/** What the resident must know before choosing a reason (shown under each choice). */
export const REFUND_REASON_HINTS: Record<RefundReason, string> = {
  died_before_benefit: '由家属申请；医保部门将核对死亡登记信息，可在待遇享受期开始后申请',
  duplicate_enrolment: '同一年度在两地或以学生、居民身份重复参保的，仅限待遇享受期开始前申请',
  employee_insurance: '待遇享受期开始前全额退还；开始后按与职工医保重叠的整月折算退还，医保部门将核对职工医保参保信息',
  overpaid: '仅限待遇享受期开始前申请',
  funded: '缴费后被认定为特困人员、建档立卡贫困人口等资助对象的，退还现由政府资助的部分',
}

/** approving: waiting for the bureau's 审核; refunding: approved, money on its way back; then one of the three ends. */
export const REFUND_STATUS_VALUES = ['approving', 'refunding', 'succeeded', 'rejected', 'failed'] as const
export type RefundStatus = typeof REFUND_STATUS_VALUES[number]

export const REFUND_STATUS_LABELS: Record<RefundStatus, string> = {
  approving: '医保审核中',
  refunding: '审核通过，退款中',
  succeeded: '已退回原支付账户',
  rejected: '审核未通过',
  failed: '退款未成功，请联系窗口',
}

/** A refund request: one paid line of one of one's own orders, and the reason. Never an amount. */
export const RefundInputSchema = z.object({
  orderId: CleanTextSchema('请选择要退费的缴费记录').uuid('请选择要退费的缴费记录'),
  lineId: CleanTextSchema('请选择要退费的人员').uuid('请选择要退费的人员'),
  reason: z.enum(REFUND_REASONS, { error: '请选择退费原因' }),
})
export type RefundInput = z.infer<typeof RefundInputSchema>

/** Which line 退费申请 asks about (`GET /refunds/options`): ids only. */
export const RefundOptionsQuerySchema = z.object({
  orderId: RefundInputSchema.shape.orderId,
  lineId: RefundInputSchema.shape.lineId,
})

// ---------------------------------------------------------------- what the BFF answers (OpenAPI, issue 11)

/** Integer fen (分), never negative. */
const fen = (description: string, note?: string) =>
  z.number().int().nonnegative().meta({ description: `${description}（分）${note ? `；${note}` : ''}` })
/** A time as the BFF sends it: ISO 8601 with `+08:00` (Shanghai). */
const shanghaiTime = (description: string) => z.string().meta({ description: `${description}（ISO 8601，+08:00）` })

export const RefundReasonSchema = z.enum(REFUND_REASONS)
export const AnyRefundReasonSchema = z.enum([...REFUND_REASONS, ...SYSTEM_REFUND_REASONS])
export const RefundStatusSchema = z.enum(REFUND_STATUS_VALUES)
  .meta({ description: 'approving 医保审核中；refunding 审核通过退款中；succeeded 已退回；rejected 审核未通过；failed 退款未成功' })

/** A refund as its payer sees it (`refundView`): the person masked, amounts in fen, Shanghai times. */
export const RefundViewSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  lineId: z.string(),
  year: z.number().int().meta({ description: '参保年度' }),
  name: z.string().meta({ description: '参保人姓名（脱敏）' }),
  certNo: z.string().meta({ description: '身份证号码（脱敏）' }),
  reason: AnyRefundReasonSchema,
  amountFen: fen('退还金额'),
  paidFen: fen('该人员该年度所缴金额', '只退一部分时大于退还金额'),
  status: RefundStatusSchema,
  rejectMessage: z.string().nullable().meta({ description: '医保部门未通过审核的原因（中文）' }),
  receivedAccount: z.string().nullable().meta({ description: '退回的账户（微信支付所述，如“支付用户零钱”）' }),
  requestedAt: shanghaiTime('申请时间'),
  succeededAt: shanghaiTime('退回时间').nullable(),
  /** 窗口代办: the clerk who applied at the counter for the resident; null when the resident applied themselves. */
  clerk: DeskClerkSchema.nullable().optional().meta({ description: '在医保服务窗口代为申请时的经办人；本人申请为 null' }),
})
export type RefundView = z.infer<typeof RefundViewSchema>

/** Where a refund's right and amount come from: the document and clause, or why the app's rule is assumed. */
export const RefundBasisSchema = z.object({
  text: z.string().meta({ description: '中文说明，金额以元表示' }),
  source: z.string().meta({ description: '文件及条款' }),
  assumed: z.literal(true).optional().meta({ description: '文件未作规定，按 reason 所述的通行做法' }),
  reason: z.string().optional(),
})

const ERROR_CODES = Object.keys(ERROR_MESSAGES) as [ErrorCode, ...ErrorCode[]]

/** One reason as 退费申请 shows it: may it be asked for now, how much would come back, and on what grounds. */
export const RefundOptionSchema = z.object({
  reason: RefundReasonSchema,
  label: z.string(),
  hint: z.string(),
  status: z.enum(['allowed', 'refused', 'unknown'])
    .meta({ description: 'unknown：暂时无法读取医保部门的记录（仍可提交申请）' }),
  amountFen: fen('可退金额').nullable(),
  partial: z.boolean().meta({ description: '只退所缴金额的一部分' }),
  basis: RefundBasisSchema.nullable(),
  message: z.string().nullable().meta({ description: '不能以该原因退费的中文说明' }),
  code: z.enum(ERROR_CODES).nullable().meta({ description: '不能以该原因退费时的错误码' }),
})
export type RefundOption = z.infer<typeof RefundOptionSchema>

/** 退费申请's choices for one paid line (`GET /refunds/options`). */
export const RefundOptionsSchema = z.object({
  year: z.number().int(),
  paidFen: fen('所缴金额'),
  options: z.array(RefundOptionSchema),
})
export type RefundOptions = z.infer<typeof RefundOptionsSchema>
