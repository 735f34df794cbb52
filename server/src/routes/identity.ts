import type { SignedIn } from '@yibao/shared'
import type { AppEnv } from '../lib/types'
import { RecoverInputSchema, SignedInSchema } from '@yibao/shared'
import { Hono } from 'hono'
import { requirePassedFaceCheck } from '../identity/face-checks'
import { recoverIdentity } from '../identity/recovery'
import { AppError } from '../lib/errors'
import { doc } from '../lib/openapi'
import { rateLimit } from '../lib/rate-limit'
import { startSession } from '../lib/session'
import { validate } from '../lib/validate'
import { findResidentBy } from '../storage/residents'
import { FACE_REFUSALS, faceCaller } from './face-checks'

/**
 * 刷脸找回: a person whose identity is bound to someone else's phone moves their account to the phone this
 * pending session proved by SMS, after a passed `recover` face check; this browser is then signed in.
 */
export const identityRoutes = new Hono<AppEnv>()
  .post('/recover',
    doc({
      summary: '刷脸找回：把本人的账号改绑到刚验证的手机号并登录',
      tag: '实名与人脸核身',
      audience: 'pending',
      ok: { 200: SignedInSchema },
      errors: {
        400: ['RECOVERY_PHONE_REQUIRED'],
        401: ['BINDING_REQUIRED'],
        403: FACE_REFUSALS,
        409: ['RECOVERY_NOT_NEEDED', 'RECOVERY_ALREADY_DONE', 'RECOVERY_RECENTLY_DONE', 'PHONE_BOUND_ELSEWHERE'],
      },
      upstream: true,
    }),
    rateLimit({ bucket: 'lookups', limit: 10, windowSeconds: 60 }),
    validate('json', RecoverInputSchema),
    async (c) => {
      const pending = c.get('session')
      if (pending?.kind !== 'pending') throw new AppError('BINDING_REQUIRED', 401)
      const phoneEnc = typeof pending.data.phoneEnc === 'string' ? pending.data.phoneEnc : undefined
      const phoneRef = typeof pending.data.phoneRef === 'string' ? pending.data.phoneRef : undefined
      if (!phoneEnc || !phoneRef) throw new AppError('RECOVERY_PHONE_REQUIRED', 400)
      const { certNo } = c.req.valid('json')
      const deps = c.get('deps')
      const { vault, storage } = deps
      // What can be told before the face check is used (so it is not spent on a recovery that cannot happen);
      // recoverIdentity decides again inside its transaction.
      const account = await findResidentBy(storage.db, 'certRef', vault.ref(certNo))
      if (!account) throw new AppError('RECOVERY_NOT_NEEDED', 409)
      if (account.phoneRef === phoneRef) throw new AppError('RECOVERY_ALREADY_DONE', 409)
      const holder = await findResidentBy(storage.db, 'phoneRef', phoneRef)
      if (holder) throw new AppError('PHONE_BOUND_ELSEWHERE', 409, { fields: { phone: '该手机号已绑定其他参保人' } })
      await requirePassedFaceCheck(deps, faceCaller(c), { purpose: 'recover', certNo })
      const { accountId } = await recoverIdentity(deps, {
        certNo,
        newPhone: vault.decrypt(phoneEnc),
        via: 'face',
        actor: { type: 'resident', id: account.id },
        requestId: c.get('requestId'),
        clientIp: deps.clientIp(c),
      })
      await startSession(c, 'resident', accountId)
      await deps.audit.record({
        actorType: 'resident',
        actorId: accountId,
        subjectRef: account.certRef,
        channel: 'self',
        action: 'auth.sign_in.recover',
        success: true,
        requestId: c.get('requestId'),
        clientIp: deps.clientIp(c),
      })
      return c.json({ status: 'signed_in' } satisfies SignedIn, 200)
    })
