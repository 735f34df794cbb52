import type { ErrorCode, FaceCheckStarted, FaceCheckView } from '@yibao/shared'
import type { Context } from 'hono'
import type { FaceCaller, FaceRefusal } from '../identity/face-checks'
import type { AppEnv } from '../lib/types'
import { FaceCheckStartedSchema, FaceCheckStartSchema, FaceCheckViewSchema } from '@yibao/shared'
import { Hono } from 'hono'
import { faceCheckView, readFaceCheck, refreshFaceCheck, startFaceCheck } from '../identity/face-checks'
import { AppError } from '../lib/errors'
import { doc } from '../lib/openapi'
import { rateLimit } from '../lib/rate-limit'
import { currentResident } from '../lib/resident'
import { anonymousActorId } from '../lib/session'
import { validate } from '../lib/validate'
import { findFaceCheck } from '../storage/face-checks'

/** Reads may ask the provider (a billed call): bounded per client like the other look-ups. */
const READS = { bucket: 'face-check-reads', limit: 60, windowSeconds: 600 }

/** Why an action guarded by a 人脸核身 is refused (403), for the routes' contracts. */
export const FACE_REFUSALS: readonly (FaceRefusal & ErrorCode)[] = [
  'FACE_VERIFICATION_REQUIRED',
  'FACE_CHECK_MISMATCH',
  'FACE_CHECK_FAILED',
  'FACE_NOT_SAME_PERSON',
  'FACE_CHECK_PENDING',
  'FACE_CHECK_EXPIRED',
  'FACE_CHECK_USED',
]

const TAG = '实名与人脸核身'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** The caller of a face-check route (its session; the resident when signed in). */
export function faceCaller(c: Context<AppEnv>): FaceCaller {
  const session = c.get('session')
  if (!session) throw new AppError('UNAUTHENTICATED', 401)
  const resident = session.kind === 'resident' && session.accountId ? session.accountId : null
  return {
    sessionId: session.id,
    actor: resident ? { type: 'resident', id: resident } : { type: 'anonymous', id: anonymousActorId(c) },
    requestId: c.get('requestId'),
    clientIp: c.get('deps').clientIp(c),
    logger: c.get('logger'),
  }
}

/**
 * 人脸核身: start a check (the reply names the provider's page), the browser's return from that page (the
 * result is asked server-side by BizToken, then the browser goes back to the app page with only the check's
 * id), and a status read. Checks belong to the session that started them.
 */
export const faceCheckRoutes = new Hono<AppEnv>()
  .post('/',
    doc({
      summary: '发起人脸核身（实名认证、刷脸找回、添加家人或查看完整身份证号前）',
      description: '实名认证和刷脸找回用实名认证中的会话；添加家人和查看完整身份证号须已登录。',
      tag: TAG,
      audience: 'pending',
      ok: { 201: FaceCheckStartedSchema },
      // Adding a family member or seeing one's full ID number processes the resident's data: consent first.
      errors: { 401: ['UNAUTHENTICATED', 'BINDING_REQUIRED'], 403: ['CONSENT_REQUIRED'], 404: ['PERSON_NOT_FOUND'] },
      upstream: true,
    }),
    rateLimit({ bucket: 'face-checks', limit: 10, windowSeconds: 600 }),
    validate('json', FaceCheckStartSchema),
    async (c) => {
      const input = c.req.valid('json')
      const session = c.get('session')
      const deps = c.get('deps')
      let person: { name: string, certNo: string }
      if (input.purpose === 'bind' || input.purpose === 'recover') {
        // Before an account exists: the pending session of the phone / WeChat sign-in.
        if (session?.kind !== 'pending') throw new AppError('BINDING_REQUIRED', 401)
        person = { name: input.name, certNo: input.certNo }
      }
      else if (input.purpose === 'family_bind') {
        await currentResident(c)
        person = { name: input.name, certNo: input.certNo }
      }
      else {
        // One's own ID number: the name comes from the bureau (the account keeps it masked only).
        const { certNo } = await currentResident(c)
        const info = await deps.nhsa.getPersonInfo(certNo, { logger: c.get('logger') })
        person = { name: info.name, certNo }
      }
      const origin = deps.env.PUBLIC_ORIGIN ?? new URL(c.req.url).origin
      const started = await startFaceCheck(deps, faceCaller(c), { purpose: input.purpose, ...person, origin })
      c.header('Cache-Control', 'no-store')
      const reply: FaceCheckStarted = { id: started.id, url: started.url, expiresAt: started.expiresAt.toISOString() }
      return c.json(reply, 201)
    })
  .get('/:id/return', doc({
    summary: '从人脸核身页面返回应用',
    tag: TAG,
    audience: 'public',
    ok: { 302: { redirect: '回到发起核身的应用页面（带核身编号）；编号无效时回到首页' } },
  }), rateLimit(READS), async (c) => {
    // The provider's page sends the browser here; its query parameters (token, codes) are never trusted.
    const deps = c.get('deps')
    const id = c.req.param('id')
    const check = UUID.test(id) ? await findFaceCheck(deps.storage.db, id) : null
    const session = c.get('session')
    c.header('Cache-Control', 'no-store')
    if (!check) return c.redirect('/', 302)
    if (session?.id === check.sessionId) {
      await refreshFaceCheck(deps, faceCaller(c), check).catch((error: unknown) => {
        // The app page reads the status again and shows the provider's failure then.
        c.get('logger').warn({ err: error }, 'face check result not available at return')
      })
    }
    const back = new URL(check.returnPath, 'http://app')
    back.searchParams.set('face', check.id)
    return c.redirect(`${back.pathname}${back.search}`, 302)
  })
  .get('/:id', doc({
    summary: '查询人脸核身结果',
    tag: TAG,
    audience: 'pending',
    ok: { 200: FaceCheckViewSchema },
    errors: { 401: ['UNAUTHENTICATED'] },
    upstream: true,
  }), rateLimit(READS), async (c) => {
    const deps = c.get('deps')
    const id = c.req.param('id')
    if (!UUID.test(id)) throw new AppError('NOT_FOUND', 404)
    const check = await readFaceCheck(deps, faceCaller(c), id)
    c.header('Cache-Control', 'no-store')
    return c.json(faceCheckView(check, deps.now()) satisfies FaceCheckView, 200)
  })
