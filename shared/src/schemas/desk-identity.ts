import { z } from 'zod'
import { OtpCodeSchema } from './auth'
import { IdCardNoSchema, MobileSchema } from './common'
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
export interface DeskIdentityStatus {
  bound: boolean
  /** Last four digits of the bound phone, or null. */
  phoneTail: string | null
  /** ISO 8601 (+08:00) of the last move to another phone (刷脸找回 or at a desk), or null. */
  recoveredAt: string | null
}

/** The outcome: the identity moved from another phone (`recovered`) or bound for the first time (`bound`). */
export interface DeskIdentityResult {
  outcome: 'recovered' | 'bound'
  /** Last four digits of the phone the identity is bound to now. */
  phoneTail: string
}
