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
export type FaceCheckStatusView = 'pending' | 'passed' | 'failed' | 'not_same_person' | 'expired' | 'used'

export interface FaceCheckView {
  id: string
  purpose: FacePurpose
  status: FaceCheckStatusView
  expiresAt: string
}

/** Reply of `POST /api/v1/face-checks`: send the browser to `url` (the provider's page). */
export interface FaceCheckStarted {
  id: string
  url: string
  expiresAt: string
}

/** `POST /api/v1/identity/recover`: the person whose account moves to the phone this session proved. */
export const RecoverInputSchema = z.object({ certNo: IdCardNoSchema })
export type RecoverInput = z.infer<typeof RecoverInputSchema>
