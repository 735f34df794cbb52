import type { AccessLogEntry, OwnCertNo } from '@yibao/shared'
import type { AppEnv } from '../lib/types'
import type { AuditChannel } from '../storage/audit'
import { AccessLogEntrySchema, AccessLogQuerySchema, maskIdCard, OwnCertNoSchema, PersonProfileSchema, toShanghaiIso } from '@yibao/shared'
import { Hono } from 'hono'
import { z } from 'zod'
import { toProfileView } from '../domain/person'
import { requirePassedFaceCheck } from '../identity/face-checks'
import { doc } from '../lib/openapi'
import { rateLimit } from '../lib/rate-limit'
import { staffAtHalls } from '../lib/desk-acts'
import { currentResident } from '../lib/resident'
import { phoneActorId } from '../lib/session'
import { validate } from '../lib/validate'
import { listAuditForSubject } from '../storage/audit'
import { FACE_REFUSALS, faceCaller } from './face-checks'

const TAG = '我的'

/** The signed-in resident's own data. */
export const meRoutes = new Hono<AppEnv>()
  .get('/profile', doc({
    summary: '查看本人的参保信息',
    tag: TAG,
    audience: 'resident',
    ok: { 200: PersonProfileSchema },
    errors: { 404: ['PERSON_NOT_FOUND'] },
    upstream: true,
  }), async (c) => {
    const { nhsa, now, audit } = c.get('deps')
    const { account, certNo } = await currentResident(c)
    const person = await nhsa.getPersonInfo(certNo, { logger: c.get('logger') })
    await audit.record({
      actorType: 'resident',
      actorId: account.id,
      subjectRef: account.certRef,
      subjectMasked: maskIdCard(certNo),
      channel: 'self',
      action: 'profile.read',
      success: true,
      requestId: c.get('requestId'),
      clientIp: c.get('deps').clientIp(c),
    })
    c.header('Cache-Control', 'no-store')
    return c.json(toProfileView(person, now()), 200)
  })
  .post('/cert-no/unmask', doc({
    summary: '查看本人完整身份证号（每次须先通过人脸核身）',
    tag: TAG,
    audience: 'resident',
    ok: { 200: OwnCertNoSchema },
    errors: { 403: FACE_REFUSALS },
    upstream: true,
  }), rateLimit({ bucket: 'lookups', limit: 10, windowSeconds: 60 }), async (c) => {
    // 查看完整身份证号: one's own full ID number, once per passed 人脸核身 (unmask_self); never cached.
    const deps = c.get('deps')
    const { account, certNo } = await currentResident(c)
    c.header('Cache-Control', 'no-store')
    await requirePassedFaceCheck(deps, faceCaller(c), { purpose: 'unmask_self', certNo })
    await deps.audit.record({
      actorType: 'resident',
      actorId: account.id,
      subjectRef: account.certRef,
      subjectMasked: maskIdCard(certNo),
      channel: 'self',
      action: 'profile.cert_no.unmask',
      success: true,
      requestId: c.get('requestId'),
      clientIp: deps.clientIp(c),
    })
    return c.json({ certNo } satisfies OwnCertNo, 200)
  })
  .get('/access-log', doc({
    summary: '查看访问记录：谁查看或办理过本人的医保信息',
    tag: TAG,
    audience: 'resident',
    ok: { 200: z.array(AccessLogEntrySchema) },
  }), validate('query', AccessLogQuerySchema), async (c) => {
    // 访问记录: who looked at or changed this resident's data (no reference system offers it), a page at a time.
    const { account } = await currentResident(c)
    const { before, limit } = c.req.valid('query')
    const events = await listAuditForSubject(c.get('deps').storage.db, account.certRef, limit, before)
    c.header('Cache-Control', 'no-store')
    // Steps before the account existed (实名认证, 人脸核身) were taken by whoever proved the account's phone.
    const own = new Set([account.id, ...(account.phoneRef ? [phoneActorId(account.phoneRef)] : [])])
    // A help-desk act names the staff member and the hall (their region serving the resident).
    const staff = await staffAtHalls(c.get('deps'), events)
    return c.json(events.map((e, i): AccessLogEntry => ({
      id: e.id,
      at: toShanghaiIso(e.at),
      actor: e.actorType === 'staff' ? 'staff' as const : own.has(e.actorId) ? 'self' as const : e.channel === 'family' ? 'family' as const : 'other' as const,
      // Written only through audit.record, whose channel is an AuditChannel (the column is plain text).
      channel: e.channel as AuditChannel,
      action: e.action,
      success: e.success,
      staff: staff[i] ?? null,
    })), 200)
  })
