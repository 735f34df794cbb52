import { z } from 'zod'
import { IdCardNoSchema, PersonNameSchema } from './common'
import { CleanTextSchema } from './text'

/** Roles of help-desk staff: 窗口经办 (clerk), 科室负责人 (supervisor), 系统管理员 (admin). */
export const STAFF_ROLE_VALUES = ['clerk', 'supervisor', 'admin'] as const
export type StaffRoleValue = typeof STAFF_ROLE_VALUES[number]

/** Staff sign-in, first factor. */
export const StaffPasswordInputSchema = z.object({
  username: CleanTextSchema('请输入用户名').trim().toLowerCase().min(1, '请输入用户名').max(64, '用户名过长'),
  password: CleanTextSchema('请输入密码').min(1, '请输入密码').max(256, '密码过长'),
})
export type StaffPasswordInput = z.infer<typeof StaffPasswordInputSchema>

/** Staff sign-in, second factor: the 6-digit code of the authenticator app. */
export const TotpInputSchema = z.object({
  code: CleanTextSchema('请输入动态验证码').trim().regex(/^\d{6}$/, '请输入验证器中的6位动态验证码'),
})
export type TotpInput = z.infer<typeof TotpInputSchema>

/** A help-desk look-up of a person: ID number, and the name when the resident gives it. */
export const DeskLookupInputSchema = z.object({
  name: PersonNameSchema.optional(),
  certNo: IdCardNoSchema,
})
export type DeskLookupInput = z.infer<typeof DeskLookupInputSchema>

/** What a scanner gun (or camera) read from a resident's 医保电子凭证 QR code. */
export const EVoucherVerifyInputSchema = z.object({
  token: CleanTextSchema('请扫描医保电子凭证二维码')
    .trim()
    .min(1, { error: '请扫描医保电子凭证二维码' })
    .max(512, { error: '无法识别该二维码' }),
})

/**
 * The sealed handle of a person opened by scanning their 电子凭证 (the page never sees their ID
 * number); the BFF alone can read it, for the staff member who scanned, for one visit.
 */
export const DeskSubjectSchema = CleanTextSchema('请重新扫描医保电子凭证').min(1, '请重新扫描医保电子凭证').max(1024, '请重新扫描医保电子凭证')

/** A desk action is for a person typed in (ID number) or a scanned one (handle), never both. */
export const NO_DESK_TARGET = '请先查询或扫码确定办理对象'

/** Showing a full ID number needs a recorded reason. */
export const UnmaskInputSchema = z.object({
  certNo: IdCardNoSchema.optional(),
  subject: DeskSubjectSchema.optional(),
  reason: CleanTextSchema('请填写查看完整证件号码的原因', { multiline: true })
    .trim()
    .min(1, '请填写查看完整证件号码的原因')
    .min(4, '原因至少4个字')
    .max(200, '原因不超过200个字'),
}).refine(v => (v.certNo === undefined) !== (v.subject === undefined), { error: NO_DESK_TARGET, path: ['certNo'] })
export type UnmaskInput = z.infer<typeof UnmaskInputSchema>

const DateSchema = CleanTextSchema('请选择日期').regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')

/** Audit query of supervisors: Shanghai calendar days, inclusive, and a 1-based page. */
export const AuditQuerySchema = z.object({
  from: DateSchema.optional(),
  to: DateSchema.optional(),
  page: z.coerce.number({ error: '页码必须是数字' }).int('页码必须是整数').min(1, '页码从1开始').max(10_000, '页码过大').default(1),
})
export type AuditQuery = z.infer<typeof AuditQuerySchema>

/** One audit event as supervisors see it (no raw personal data is ever stored in the trail). */
export interface AuditEventView {
  id: number
  /** ISO 8601 with +08:00. */
  at: string
  actorType: string
  /** Username of the staff member, or the actor id for residents and the system. */
  actor: string
  actorRole: string | null
  subjectMasked: string | null
  subjectRegion: string | null
  channel: string
  action: string
  success: boolean
  /** The reason given when a full ID number was shown. */
  reason: string | null
  /** Why an attempt failed, e.g. `out_of_region`, `invalid`, `locked`. */
  outcome: string | null
}
