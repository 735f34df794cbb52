import { z } from 'zod'
import { collectionPhase } from '../policy/benefit-year'
import { DEFAULT_CALENDAR } from '../policy/policies/calendars'
import { shanghaiDate } from '../time'
import { IdCardNoSchema, PersonNameSchema, YearSchema } from './common'
import { DeskSubjectSchema, NO_DESK_TARGET } from './desk'
import { CleanTextSchema } from './text'

/** A person to pay for: oneself, a bound family member, or anyone by name + ID number (代缴). Never an amount. */
export const PersonPickSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('self') }),
  z.object({ kind: z.literal('member'), memberId: CleanTextSchema('请选择家庭成员').uuid('家庭成员不存在') }),
  z.object({ kind: z.literal('other'), name: PersonNameSchema, certNo: IdCardNoSchema }),
], { error: '请选择缴费人员' })

export const PaymentQuoteInputSchema = z.object({
  year: YearSchema,
  people: z.array(PersonPickSchema, { error: '请选择缴费人员' }).min(1, '请至少选择一位缴费人员').max(10, '一次最多为10人缴费'),
})
export type PaymentQuoteInput = z.infer<typeof PaymentQuoteInputSchema>

/** `jsapi`: inside WeChat; `native`: a QR code scanned with another phone (also at the help desk). */
export const PaymentOrderInputSchema = PaymentQuoteInputSchema.extend({
  channel: z.enum(['jsapi', 'native'], { error: '请选择支付方式' }),
})
export type PaymentOrderInput = z.infer<typeof PaymentOrderInputSchema>

export const DUE_STATUS_LABELS = {
  payable: '待缴费',
  paid: '已缴费',
  fully_funded: '政府全额资助，无需缴费',
  not_eligible: '不能在线缴费（未参加城乡居民医保）',
  outside_window: '不在缴费期内',
} as const

/**
 * Help desk (窗口代缴): a Native QR for one resident, by name + ID number, or the handle of a resident
 * whose 电子凭证 was scanned; the staff member's region is checked.
 */
export const DeskPaymentOrderInputSchema = z.object({
  year: YearSchema,
  name: PersonNameSchema.optional(),
  certNo: IdCardNoSchema.optional(),
  subject: DeskSubjectSchema.optional(),
}).superRefine((v, ctx) => {
  if (v.subject !== undefined) {
    if (v.certNo !== undefined || v.name !== undefined) ctx.addIssue({ code: 'custom', path: ['certNo'], message: NO_DESK_TARGET })
    return
  }
  if (v.name === undefined) ctx.addIssue({ code: 'custom', path: ['name'], message: '请输入姓名' })
  if (v.certNo === undefined) ctx.addIssue({ code: 'custom', path: ['certNo'], message: NO_DESK_TARGET })
})
export type DeskPaymentOrderInput = z.infer<typeof DeskPaymentOrderInputSchema>

/**
 * The benefit year a payment screen offers first: the coming year once its collection has opened
 * (1 September, Shanghai time, by the benefit-year calendar `collectionPhase` reads), else the current year.
 */
export function defaultPaymentYear(now: Date): number {
  const today = shanghaiDate(now)
  const year = Number(today.slice(0, 4))
  return collectionPhase(year + 1, today, DEFAULT_CALENDAR) === 'not_open' ? year : year + 1
}
