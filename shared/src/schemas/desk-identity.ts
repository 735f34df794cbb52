import { z } from 'zod'
import { OtpCodeSchema } from './auth'
import { IdCardNoSchema, MobileSchema, ShanghaiTimeSchema } from './common'
import { DeskSubjectSchema, NO_DESK_TARGET } from './desk'
import { CleanTextSchema } from './text'

/**
 * 换绑手机（找回账号） at the help desk: a clerk who has checked the resident's ID card in person moves
 * their identity to a new phone the resident proves with an SMS code, with a recorded reason. A person not
 * bound yet is bound to that phone the same way. The person is one typed in (ID number) or a scanned
 * 电子凭证 (the sealed handle), never both.
 */
const target = {
  certNo: IdCardNoSchema.optional(),
  subject: DeskSubjectSchema.optional(),
}
function oneTarget(v: { certNo?: string, subject?: string }): boolean {
  return (v.certNo === undefined) !== (v.subject === undefined)
}

/** Which phone (if any) the person's identity is bound to now. */
export const DeskIdentityStatusInputSchema = z.object(target)
  .refine(oneTarget, { error: NO_DESK_TARGET, path: ['certNo'] })
export type DeskIdentityStatusInput = z.infer<typeof DeskIdentityStatusInputSchema>

/** The SMS code to the new phone, which the resident reads back to the clerk. */
export const DeskIdentitySmsInputSchema = z.object({ ...target, phone: MobileSchema })
  .refine(oneTarget, { error: NO_DESK_TARGET, path: ['certNo'] })
export type DeskIdentitySmsInput = z.infer<typeof DeskIdentitySmsInputSchema>

/** The move itself (needs an `Idempotency-Key`). */
export const DeskIdentityRecoveryInputSchema = z.object({
  ...target,
  phone: MobileSchema,
  code: OtpCodeSchema,
  reason: CleanTextSchema('请填写办理原因', { multiline: true })
    .trim()
    .min(1, '请填写办理原因')
    .min(4, '办理原因至少4个字')
    .max(200, '办理原因不超过200个字'),
}).refine(oneTarget, { error: NO_DESK_TARGET, path: ['certNo'] })
export type DeskIdentityRecoveryInput = z.infer<typeof DeskIdentityRecoveryInputSchema>

/** What the clerk sees of the binding: bound or not, and the last four digits of the phone only. */
export const DeskIdentityStatusSchema = z.object({
  bound: z.boolean(),
  phoneTail: z.string().nullable().meta({ description: '已绑定手机号的后四位；未绑定为 null' }),
  recoveredAt: ShanghaiTimeSchema.nullable().meta({ description: '最近一次换绑（刷脸找回或窗口办理）的时间' }),
})
/** What the clerk sees of the binding: bound or not, and the last four digits of the phone only. */
export type DeskIdentityStatus = z.infer<typeof DeskIdentityStatusSchema>

/** The SMS code is on its way to the new phone. */
export const DeskIdentityCodeSentSchema = z.object({
  sent: z.literal(true),
  expiresInSeconds: z.number().int().meta({ description: '验证码有效秒数' }),
  resendAfterSeconds: z.number().int().meta({ description: '多少秒后可重新获取' }),
})

/** The outcome: the identity moved from another phone (`recovered`) or bound for the first time (`bound`). */
export const DeskIdentityResultSchema = z.object({
  outcome: z.enum(['recovered', 'bound']).meta({ description: 'recovered：已从原手机号换绑；bound：首次绑定' }),
  phoneTail: z.string().meta({ description: '现在绑定的手机号后四位' }),
})
/** The outcome: the identity moved from another phone (`recovered`) or bound for the first time (`bound`). */
export type DeskIdentityResult = z.infer<typeof DeskIdentityResultSchema>
