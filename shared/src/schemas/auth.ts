import { z } from 'zod'
import { IdCardNoSchema, MobileSchema, PersonNameSchema } from './common'
import { CleanTextSchema } from './text'

/** 6-digit SMS code. */
export const OtpCodeSchema = CleanTextSchema('请输入短信验证码').trim().regex(/^\d{6}$/, '请输入6位短信验证码')

/** Ask for an SMS code. */
export const SmsCodeRequestSchema = z.object({ phone: MobileSchema })
export type SmsCodeRequest = z.infer<typeof SmsCodeRequestSchema>

/** Sign in with phone + SMS code (outside WeChat). */
export const PhoneLoginInputSchema = z.object({ phone: MobileSchema, code: OtpCodeSchema })
export type PhoneLoginInput = z.infer<typeof PhoneLoginInputSchema>

/**
 * Bind the signed-in WeChat or phone identity to a real person (实名认证): name + ID number checked
 * against the bureau; `phone` + `code` are required when the phone was not verified yet (WeChat).
 */
export const BindInputSchema = z.object({
  name: PersonNameSchema,
  certNo: IdCardNoSchema,
  phone: MobileSchema.optional(),
  code: OtpCodeSchema.optional(),
})
export type BindInput = z.infer<typeof BindInputSchema>

/** What `GET /api/v1/session` tells the app about the caller. */
export interface SessionView {
  authenticated: boolean
  kind: 'resident' | 'staff' | 'pending' | null
  csrfToken: string | null
  resident: { name: string, certNo: string, regionCode: string } | null
  pending: { phoneVerified: boolean, viaWechat: boolean } | null
  /** A signed-in help-desk staff member (after password and TOTP). */
  staff: { name: string, role: 'clerk' | 'supervisor' | 'admin', regions: string[] } | null
  /** Sandbox modes only: where demo users read the SMS codes the sandbox "sent". */
  sandboxSmsInbox: string | null
  /** Sandbox modes only: base of the WeChat Pay simulator's payer pages (`…/pay?prepay_id=|code_url=`). */
  sandboxWechatPay?: string | null
}
