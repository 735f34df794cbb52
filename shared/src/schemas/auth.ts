import { z } from 'zod'
import { IdCardNoSchema, MobileSchema, PersonNameSchema } from './common'
import { ConsentStateSchema } from './consent'
import { STAFF_ROLE_VALUES } from './desk'
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

/** Reply of `POST /api/v1/auth/sms-codes`. */
export const SmsCodeSentSchema = z.object({
  sent: z.literal(true),
  expiresInSeconds: z.number().int().meta({ description: '验证码有效期（秒）' }),
  resendAfterSeconds: z.number().int().meta({ description: '多少秒后可以重新获取' }),
})
export type SmsCodeSent = z.infer<typeof SmsCodeSentSchema>

/**
 * Reply of a sign-in step: `signed_in` (a resident session now), or `needs_binding` (a phone not bound to
 * anyone yet: the app goes on to 实名认证).
 */
export const SignInResultSchema = z.object({
  status: z.enum(['signed_in', 'needs_binding']).meta({ description: 'signed_in：已登录；needs_binding：需先实名认证' }),
})
export type SignInResult = z.infer<typeof SignInResultSchema>

/** Reply of a step that ends signed in (实名认证, 刷脸找回). */
export const SignedInSchema = z.object({ status: z.literal('signed_in') })
export type SignedIn = z.infer<typeof SignedInSchema>

/** What `GET /api/v1/session` tells the app about the caller. */
export const SessionViewSchema = z.object({
  authenticated: z.boolean().meta({ description: '已登录的居民或窗口工作人员' }),
  kind: z.enum(['resident', 'staff', 'pending']).nullable()
    .meta({ description: 'pending：已验证手机号或微信、尚未实名认证' }),
  csrfToken: z.string().nullable().meta({ description: '写操作须在 X-CSRF-Token 中回传' }),
  resident: z.object({
    name: z.string().meta({ description: '姓名（脱敏）' }),
    certNo: z.string().meta({ description: '身份证号码（脱敏）' }),
    regionCode: z.string().meta({ description: '参保地区划代码' }),
    /**
     * Where the resident stands with the 用户协议 and 隐私政策 (`required`: the app asks before anything else).
     * The BFF always sends it; optional in the type for clients' older fixtures.
     */
    consent: ConsentStateSchema.optional(),
  }).nullable(),
  pending: z.object({ phoneVerified: z.boolean(), viaWechat: z.boolean() }).nullable(),
  /** A signed-in help-desk staff member (after password and TOTP). */
  staff: z.object({
    name: z.string(),
    role: z.enum(STAFF_ROLE_VALUES),
    regions: z.array(z.string()).meta({ description: '服务区域的区划代码' }),
  }).nullable(),
  /** Sandbox modes only: where demo users read the SMS codes the sandbox "sent". */
  sandboxSmsInbox: z.string().nullable().meta({ description: '仅演示环境：模拟短信收件箱地址' }),
  /**
   * Sandbox modes only: base of the WeChat Pay simulator's payer pages (`…/pay?prepay_id=|code_url=`). The
   * BFF always sends it; optional in the type for clients' older fixtures.
   */
  sandboxWechatPay: z.string().nullable().optional().meta({ description: '仅演示环境：模拟微信支付页面地址' }),
})
export type SessionView = z.infer<typeof SessionViewSchema>
