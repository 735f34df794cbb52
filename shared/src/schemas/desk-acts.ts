import { z } from 'zod'
import { OtpCodeSchema } from './auth'
import { IdCardNoSchema } from './common'
import { CrossRegionCancelInputSchema, CrossRegionFilingInputSchema } from './cross-region'
import { DeskSubjectSchema, NO_DESK_TARGET } from './desk'
import { RefundInputSchema } from './refund'

/**
 * 窗口代办: acts with consequences a clerk does for the resident at the counter (退费, 异地就医备案 filed, changed
 * or cancelled). Each needs the resident's consent there and then: a fresh scan of their 医保电子凭证 by this
 * clerk (they are present with their phone), or an SMS code sent to their phone on file that they read out.
 */
/** How long a scan counts as the resident's consent to an act (they showed their code just now). */
export const DESK_CONSENT_SCAN_MINUTES = 5

export const DeskConsentInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('evoucher') }),
  z.object({ kind: z.literal('sms'), code: OtpCodeSchema }),
], { error: '请选择参保人确认方式' })
export type DeskConsentInput = z.infer<typeof DeskConsentInputSchema>

/** The person: typed in (ID number) or scanned (the handle), never both. */
const target = { certNo: IdCardNoSchema.optional(), subject: DeskSubjectSchema.optional() }
function oneTarget(v: { certNo?: string, subject?: string }): boolean {
  return (v.certNo === undefined) !== (v.subject === undefined)
}
const withConsent = { ...target, consent: DeskConsentInputSchema.optional() }

/** Reads for a person at the desk (the lines they could ask a refund for, their filings). */
export const DeskActTargetInputSchema = z.object(target).refine(oneTarget, { error: NO_DESK_TARGET, path: ['certNo'] })
export type DeskActTargetInput = z.infer<typeof DeskActTargetInputSchema>

/** Send the consent code to the resident's phone on file. */
export const DeskConsentSmsInputSchema = DeskActTargetInputSchema
export const DeskConsentCodeSentSchema = z.object({
  sent: z.literal(true),
  phoneTail: z.string().meta({ description: '接收验证码的手机号后四位' }),
  expiresInSeconds: z.number().int(),
  resendAfterSeconds: z.number().int(),
})
export type DeskConsentCodeSent = z.infer<typeof DeskConsentCodeSentSchema>

/** Which line's refund options the clerk looks at. */
export const DeskRefundOptionsInputSchema = z.object({
  ...target,
  orderId: RefundInputSchema.shape.orderId,
  lineId: RefundInputSchema.shape.lineId,
}).refine(oneTarget, { error: NO_DESK_TARGET, path: ['certNo'] })

/** 退费 on the resident's behalf (needs an `Idempotency-Key`). */
export const DeskRefundInputSchema = z.object({ ...withConsent, ...RefundInputSchema.shape })
  .refine(oneTarget, { error: NO_DESK_TARGET, path: ['certNo'] })
export type DeskRefundInput = z.infer<typeof DeskRefundInputSchema>

/** A paid line of the resident's own orders, as the desk lists them for 退费. */
export const DeskRefundLineSchema = z.object({
  orderId: z.string(),
  lineId: z.string(),
  year: z.number().int(),
  name: z.string().meta({ description: '参保人姓名（脱敏）' }),
  certNo: z.string().meta({ description: '身份证号码（脱敏）' }),
  amountFen: z.number().int().nonnegative().meta({ description: '所缴金额（分）' }),
  status: z.string().meta({ description: '缴费状态：paid 已支付；reported 已同步税务' }),
  paidAt: z.string().nullable(),
})
export type DeskRefundLine = z.infer<typeof DeskRefundLineSchema>

/** 异地就医备案 filed on the resident's behalf. */
export const DeskCrossRegionFilingInputSchema = z.object({
  ...withConsent,
  filing: CrossRegionFilingInputSchema,
}).refine(oneTarget, { error: NO_DESK_TARGET, path: ['certNo'] })
export type DeskCrossRegionFilingInput = z.infer<typeof DeskCrossRegionFilingInputSchema>

/** 撤销 on the resident's behalf, with the reason the bureau keeps. */
export const DeskCrossRegionCancelInputSchema = z.object({ ...withConsent, reason: CrossRegionCancelInputSchema.shape.reason })
  .refine(oneTarget, { error: NO_DESK_TARGET, path: ['certNo'] })
export type DeskCrossRegionCancelInput = z.infer<typeof DeskCrossRegionCancelInputSchema>
