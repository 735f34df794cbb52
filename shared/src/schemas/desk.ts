import { z } from 'zod'
import { calendarDaySchema, DayTextSchema, IdCardNoSchema, PersonNameSchema, ShanghaiTimeSchema } from './common'
import { PersonProfileSchema } from './person'
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

const DateSchema = calendarDaySchema('请选择日期', '日期格式应为 YYYY-MM-DD')

/** Audit query of supervisors: Shanghai calendar days, inclusive, and a 1-based page. */
export const AuditQuerySchema = z.object({
  from: DateSchema.optional(),
  to: DateSchema.optional(),
  page: z.coerce.number({ error: '页码必须是数字' }).int('页码必须是整数').min(1, '页码从1开始').max(10_000, '页码过大').default(1),
})
export type AuditQuery = z.infer<typeof AuditQuerySchema>

/** One audit event as supervisors see it (no raw personal data is ever stored in the trail). */
export const AuditEventViewSchema = z.object({
  id: z.number().int(),
  at: ShanghaiTimeSchema,
  actorType: z.string().meta({ description: '操作人类型：resident、staff、system 等' }),
  actor: z.string().meta({ description: '工作人员的用户名；居民和系统为其编号' }),
  actorRole: z.string().nullable(),
  subjectMasked: z.string().nullable().meta({ description: '办理对象的证件号码（脱敏）' }),
  subjectRegion: z.string().nullable(),
  channel: z.string(),
  action: z.string(),
  success: z.boolean(),
  reason: z.string().nullable().meta({ description: '查看完整证件号码等操作填写的原因' }),
  outcome: z.string().nullable().meta({ description: '未成功的原因，如 out_of_region、invalid、locked' }),
})
/** One audit event as supervisors see it (no raw personal data is ever stored in the trail). */
export type AuditEventView = z.infer<typeof AuditEventViewSchema>

/** `GET /api/v1/desk/audit`: one page of the audit trail of the supervisor's regions. */
export const DeskAuditPageSchema = z.object({
  events: z.array(AuditEventViewSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  hasMore: z.boolean(),
  from: DayTextSchema.meta({ description: '查询的第一天（含）' }),
  to: DayTextSchema.meta({ description: '查询的最后一天（含）' }),
})
export type DeskAuditPage = z.infer<typeof DeskAuditPageSchema>

/** What the first factor of staff sign-in answers: go on to the TOTP code, or enrol an authenticator first. */
export const DeskPasswordResultSchema = z.discriminatedUnion('next', [
  z.object({ next: z.literal('totp').meta({ description: '请输入验证器中的动态验证码' }) }),
  z.object({
    next: z.literal('enrol').meta({ description: '首次登录：先用验证器扫码绑定，再输入动态验证码' }),
    otpauthUri: z.string().meta({ description: 'otpauth:// 地址' }),
    qrSvg: z.string().meta({ description: '该地址的二维码（SVG）' }),
    secret: z.string().meta({ description: '密钥（无法扫码时手动输入）' }),
  }),
])
export type DeskPasswordResult = z.infer<typeof DeskPasswordResultSchema>

/** The second factor was right: the staff session has started. */
export const DeskSignedInSchema = z.object({ status: z.literal('signed_in') })

/** A scanned 医保电子凭证: the masked profile and the sealed handle for the rest of the visit. */
export const DeskEVoucherResultSchema = z.object({
  profile: PersonProfileSchema,
  expiresAt: ShanghaiTimeSchema.meta({ description: '电子凭证二维码的失效时间' }),
  subject: z.string().meta({ description: '本次办理对象的密封标识（仅本工作人员本次接待可用）' }),
  subjectExpiresAt: ShanghaiTimeSchema.meta({ description: '密封标识的失效时间' }),
})
export type DeskEVoucherResult = z.infer<typeof DeskEVoucherResultSchema>

/** A full ID number, shown to a staff member for a recorded reason. */
export const UnmaskResultSchema = z.object({ certNo: z.string().meta({ description: '完整身份证号码' }) })
