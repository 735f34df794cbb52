import { z } from 'zod'
import { StaffAtHallSchema } from './desk-clerk'

/** The reply of an action that has nothing else to say (signed out, link removed, request answered). */
export const OkAckSchema = z.object({ ok: z.literal(true) })
export type OkAck = z.infer<typeof OkAckSchema>

/** One signed-in device of the resident (`GET /api/v1/session/all`): never the raw user agent. */
export const ResidentSessionSchema = z.object({
  current: z.boolean().meta({ description: '是否为本次请求所用的登录' }),
  createdAt: z.string().meta({ description: '登录时间（ISO 8601）' }),
  lastSeenAt: z.string().meta({ description: '最近使用时间（ISO 8601）' }),
  device: z.string().meta({ description: '设备类型，如“iOS · 微信”' }),
})
export type ResidentSession = z.infer<typeof ResidentSessionSchema>

/** 查看完整身份证号: the signed-in resident's own full ID number (after a passed 人脸核身). */
export const OwnCertNoSchema = z.object({ certNo: z.string().meta({ description: '完整身份证号码（本人）' }) })
export type OwnCertNo = z.infer<typeof OwnCertNoSchema>

/** 访问记录: one access to or change of the resident's data (`GET /api/v1/me/access-log`). */
export const AccessLogEntrySchema = z.object({
  id: z.number().int().meta({ description: '记录编号；查看更早的记录时作为 before 传回' }),
  at: z.string().meta({ description: '时间（北京时间，ISO 8601）' }),
  actor: z.enum(['self', 'family', 'staff', 'other'])
    .meta({ description: 'self：本人；family：亲情账户的家人；staff：窗口工作人员；other：其他' }),
  channel: z.enum(['self', 'family', 'help_desk', 'public']).meta({ description: '办理渠道' }),
  action: z.string().meta({ description: '操作（如 profile.read）' }),
  success: z.boolean(),
  /** A help-desk staff member's act: who, at which hall. */
  staff: StaffAtHallSchema.nullable().optional().meta({ description: '窗口工作人员及办理大厅；其他为 null' }),
})
export type AccessLogEntry = z.infer<typeof AccessLogEntrySchema>

/** 访问记录 a page at a time: newest first; `before` is the `id` of the last entry already shown. */
export const ACCESS_LOG_PAGE = 30
export const AccessLogQuerySchema = z.object({
  before: z.coerce.number({ error: '记录编号不正确' }).int('记录编号不正确').positive('记录编号不正确').optional(),
  limit: z.coerce.number({ error: '条数必须是数字' }).int('条数必须是整数').min(1, '条数至少为1').max(100, '每次最多100条')
    .default(ACCESS_LOG_PAGE),
})
export type AccessLogQuery = z.infer<typeof AccessLogQuerySchema>

/** 医保电子凭证: a short-lived token for the resident's QR code (`GET /api/v1/me/e-voucher`). */
export const ResidentEVoucherSchema = z.object({
  token: z.string().meta({ description: '二维码内容（签名令牌，不含个人信息）' }),
  expiresAt: z.string().meta({ description: '过期时间（北京时间，ISO 8601）' }),
  ttlSeconds: z.number().int().meta({ description: '有效期（秒）' }),
})
export type ResidentEVoucher = z.infer<typeof ResidentEVoucherSchema>
