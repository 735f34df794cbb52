import { z } from 'zod'
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
