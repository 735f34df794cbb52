import { z } from 'zod'
import { IdCardNoSchema, PersonNameSchema } from './common'

/** What a 人脸核身 is for: each passed check opens one action of the same purpose, person and session. */
export const FACE_PURPOSES = ['bind', 'unmask_self', 'family_bind', 'recover'] as const
export type FacePurpose = typeof FACE_PURPOSES[number]

/**
 * `POST /api/v1/face-checks`. `bind`, `recover` and `family_bind` name the person to verify; `unmask_self`
 * is always the signed-in resident (name and ID number are taken from the account, none are sent).
 */
export const FaceCheckStartSchema = z.discriminatedUnion('purpose', [
  z.object({ purpose: z.enum(['bind', 'recover', 'family_bind']), name: PersonNameSchema, certNo: IdCardNoSchema }),
  z.object({ purpose: z.literal('unmask_self') }),
])
export type FaceCheckStart = z.infer<typeof FaceCheckStartSchema>

/** `used`: consumed by its action; `expired`: not used within its validity (about 10 minutes). */
export const FaceCheckStatusViewSchema = z.enum(['pending', 'passed', 'failed', 'not_same_person', 'expired', 'used'])
  .meta({ description: 'pending：未完成；passed：通过；failed：活体未通过；not_same_person：非本人；expired：已过期；used：已使用' })
export type FaceCheckStatusView = z.infer<typeof FaceCheckStatusViewSchema>

/** Reply of `GET /api/v1/face-checks/:id`. */
export const FaceCheckViewSchema = z.object({
  id: z.string(),
  purpose: z.enum(FACE_PURPOSES),
  status: FaceCheckStatusViewSchema,
  expiresAt: z.string().meta({ description: '有效期截止时间（ISO 8601）' }),
})
export type FaceCheckView = z.infer<typeof FaceCheckViewSchema>

/** Reply of `POST /api/v1/face-checks`: send the browser to `url` (the provider's page). */
export const FaceCheckStartedSchema = z.object({
  id: z.string(),
  url: z.string().meta({ description: '人脸核身服务的 H5 页面地址，浏览器跳转至此' }),
  expiresAt: z.string().meta({ description: '有效期截止时间（ISO 8601）' }),
})
export type FaceCheckStarted = z.infer<typeof FaceCheckStartedSchema>

/** `POST /api/v1/identity/recover`: the person whose account moves to the phone this session proved. */
export const RecoverInputSchema = z.object({ certNo: IdCardNoSchema })
export type RecoverInput = z.infer<typeof RecoverInputSchema>
