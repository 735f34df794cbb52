import { z } from 'zod'
import { CleanTextSchema } from './text'

/**
 * The version of the 用户协议 and 隐私政策 (shared/src/consent.ts: change a text there, change this too): residents
 * who agreed to an older one are asked again.
 */
export const CONSENT_VERSION = '2026-12-01'

/** A version string: the date a set of texts takes effect. */
export const CONSENT_VERSION_RE = /^\d{4}-\d{2}-\d{2}$/

/** How the resident was signed in when they agreed or withdrew. */
export const CONSENT_CHANNEL_VALUES = ['phone', 'wechat'] as const
export type ConsentChannel = typeof CONSENT_CHANNEL_VALUES[number]

/**
 * `POST /api/v1/me/consent`: agreeing to the 用户协议 and 隐私政策 of `version`, and, separately, to the
 * processing of sensitive personal information (PIPL Art. 29). Both must be given: without them the app
 * cannot process the resident's data.
 */
export const ConsentInputSchema = z.object({
  version: CleanTextSchema('协议版本不正确，请刷新页面后重试').regex(CONSENT_VERSION_RE, '协议版本不正确，请刷新页面后重试'),
  general: z.literal(true, '请阅读并同意用户协议和隐私政策'),
  sensitive: z.literal(true, '请单独勾选同意处理敏感个人信息'),
})
export type ConsentInput = z.infer<typeof ConsentInputSchema>

/** What the resident agreed to, and when. */
export const ConsentAgreementSchema = z.object({
  version: z.string().meta({ description: '同意的协议版本' }),
  at: z.string().meta({ description: '同意时间（北京时间，ISO 8601）' }),
  general: z.boolean().meta({ description: '是否同意用户协议和隐私政策' }),
  sensitive: z.boolean().meta({ description: '是否单独同意处理敏感个人信息' }),
  channel: z.enum(CONSENT_CHANNEL_VALUES).meta({ description: '同意时的登录方式：phone 手机号；wechat 微信' }),
})
export type ConsentAgreement = z.infer<typeof ConsentAgreementSchema>

/** `GET /api/v1/me/consent` (and the session view): the current version and where the resident stands. */
export const ConsentStateSchema = z.object({
  version: z.string().meta({ description: '当前协议版本' }),
  required: z.boolean().meta({ description: '须先阅读并同意当前版本（从未同意、已撤回或同意的是旧版本）' }),
  agreed: ConsentAgreementSchema.nullable().meta({ description: '最近一次同意（已撤回时为空）' }),
  withdrawnAt: z.string().nullable().meta({ description: '撤回同意的时间（北京时间，ISO 8601），未撤回时为空' }),
})
export type ConsentState = z.infer<typeof ConsentStateSchema>
