import type { DeskIdentityStatus } from '@yibao/shared'
import type { Context } from 'hono'
import type { Person } from '../domain/person'
import type { DeskEnv } from '../lib/staff'
import type { AppEnv } from '../lib/types'
import {
  DeskIdentityCodeSentSchema,
  DeskIdentityRecoveryInputSchema,
  DeskIdentityResultSchema,
  DeskIdentitySmsInputSchema,
  DeskIdentityStatusInputSchema,
  DeskIdentityStatusSchema,
  maskIdCard,
  maskPiiInText,
  toShanghaiIso,
} from '@yibao/shared'
import { Hono } from 'hono'
import { moveOrBindAtDesk } from '../identity/desk-binding'
import { openDeskSubject } from '../lib/desk-subject'
import { AppError } from '../lib/errors'
import { idempotent } from '../lib/idempotency'
import { doc } from '../lib/openapi'
import { OTP_RESEND_S, OTP_TTL_S, sendOtp, verifyOtp } from '../lib/otp'
import { rateLimit } from '../lib/rate-limit'
import { assertRegion, auditStaff, staffGuard } from '../lib/staff'
import { validate } from '../lib/validate'
import { findResidentBy } from '../storage/residents'
import { DESK_LOOKUPS_PER_MINUTE, servingRegion } from './desk'

/** Codes a staff member may send to residents' new phones per hour. */
export const DESK_IDENTITY_CODES_PER_HOUR = 20
/** Moves (or first bindings) a staff member may do per hour. */
export const DESK_IDENTITY_MOVES_PER_HOUR = 10

const staffKey = (c: Context<AppEnv>) => `staff:${c.get('session')?.accountId}`
const phoneOf = (c: Context<AppEnv>) => (c.req.valid as (t: 'json') => { phone: string })('json').phone

/** The SMS code's purpose: for this staff member and this person only. */
function codePurpose(staffId: string, certRef: string): string {
  return `desk_identity:${staffId}:${certRef}`
}

interface Opened {
  person: Person
  certNo: string
  region: string
  subject: { subjectRef: string, subjectMasked: string }
}

/**
 * The person a desk identity action is for (typed ID number, or a scanned 电子凭证's handle), found at the
 * bureau and within the staff member's region. A refusal is audited under `action` with its outcome
 * (403 OUT_OF_REGION among them); success is audited by the caller.
 */
async function openPerson(
  c: Context<DeskEnv>,
  input: { certNo?: string, subject?: string },
  action: string,
  detail: Record<string, unknown> = {},
): Promise<Opened> {
  const { nhsa, subjectRef, vault, now } = c.get('deps')
  const certNo = input.certNo ?? openDeskSubject(vault, c.get('staff').id, input.subject!, now()).certNo
  const subject = { subjectRef: subjectRef(certNo), subjectMasked: maskIdCard(certNo) }
  const person = await nhsa.getPersonInfo(certNo, { logger: c.get('logger') }).catch(async (error: unknown) => {
    const outcome = error instanceof AppError ? error.code : 'upstream_failed'
    await auditStaff(c, { ...subject, action, success: false, detail: { ...detail, outcome } })
    throw error
  })
  const region = servingRegion(person)
  try {
    assertRegion(c.get('staff'), region)
  }
  catch (error) {
    const refused = { ...detail, outcome: 'out_of_region' }
    await auditStaff(c, { ...subject, subjectRegion: region, action, success: false, detail: refused })
    throw error
  }
  return { person, certNo, region, subject }
}

/**
 * 换绑手机（找回账号） at the help desk. The clerk has the resident's ID card in hand: they see whether the
 * identity is bound to a phone (its last four digits only), send a code to the new phone, and with the code
 * the resident reads back and a reason move the identity there (or bind a person not bound yet). Region-
 * scoped like every desk action; every step is audited with the clerk as actor and the resident as subject.
 */
export const deskIdentityRoutes = new Hono<DeskEnv>()
  .post('/status',
    doc({
      summary: '查看参保人的身份绑定了哪个手机号（仅后四位）',
      tag: '窗口办理',
      audience: 'staff',
      ok: { 200: DeskIdentityStatusSchema },
      errors: { 400: ['DESK_SUBJECT_EXPIRED'], 403: ['OUT_OF_REGION'], 404: ['PERSON_NOT_FOUND'] },
      upstream: true,
    }),
    staffGuard(),
    rateLimit({ bucket: 'desk-lookups', limit: DESK_LOOKUPS_PER_MINUTE, windowSeconds: 60, key: staffKey }),
    validate('json', DeskIdentityStatusInputSchema),
    async (c) => {
      const action = 'desk.identity.status'
      const { region, subject } = await openPerson(c, c.req.valid('json'), action)
      const account = await findResidentBy(c.get('deps').storage.db, 'certRef', subject.subjectRef)
      const phone = account?.phoneEnc ? c.get('deps').vault.decrypt(account.phoneEnc) : null
      await auditStaff(c, { ...subject, subjectRegion: region, action, success: true })
      c.header('Cache-Control', 'no-store')
      const status: DeskIdentityStatus = {
        bound: Boolean(account?.phoneRef),
        phoneTail: phone ? phone.slice(-4) : null,
        recoveredAt: account?.recoveredAt ? toShanghaiIso(account.recoveredAt) : null,
      }
      return c.json(status, 200)
    })
  .post('/sms-codes',
    doc({
      summary: '向参保人的新手机号发送换绑验证码',
      tag: '窗口办理',
      audience: 'staff',
      ok: { 200: DeskIdentityCodeSentSchema },
      errors: {
        400: ['DESK_SUBJECT_EXPIRED'],
        403: ['OUT_OF_REGION'],
        404: ['PERSON_NOT_FOUND'],
        409: ['PHONE_BOUND_ELSEWHERE', 'RECOVERY_ALREADY_DONE'],
        429: ['OTP_RESEND_TOO_SOON'],
      },
      upstream: true,
    }),
    staffGuard(),
    rateLimit({
      bucket: 'desk-identity-codes',
      limit: DESK_IDENTITY_CODES_PER_HOUR,
      windowSeconds: 3600,
      key: staffKey,
    }),
    validate('json', DeskIdentitySmsInputSchema),
    // The same budget per phone as the residents' own sign-in codes.
    rateLimit({ bucket: 'sms-phone', limit: 5, windowSeconds: 3600, key: c => `phone:${phoneOf(c)}` }),
    async (c) => {
      const input = c.req.valid('json')
      const { storage, vault } = c.get('deps')
      const action = 'desk.identity.sms_code'
      const detail = { phoneTail: input.phone.slice(-4) }
      const { region, subject } = await openPerson(c, input, action, detail)
      const refuse = async (code: 'PHONE_BOUND_ELSEWHERE' | 'RECOVERY_ALREADY_DONE') => {
        const refused = { ...detail, outcome: code }
        await auditStaff(c, { ...subject, subjectRegion: region, action, success: false, detail: refused })
        return new AppError(code, 409, code === 'PHONE_BOUND_ELSEWHERE' ? { fields: { phone: '该手机号已绑定其他参保人' } } : {})
      }
      // No code for a phone that could not be used: another person's, or the one already bound.
      const holder = await findResidentBy(storage.db, 'phoneRef', vault.ref(input.phone))
      if (holder)
        throw await refuse(holder.certRef === subject.subjectRef ? 'RECOVERY_ALREADY_DONE' : 'PHONE_BOUND_ELSEWHERE')
      await sendOtp(c as unknown as Context<AppEnv>, input.phone, codePurpose(c.get('staff').id, subject.subjectRef))
      await auditStaff(c, { ...subject, subjectRegion: region, action, success: true, detail })
      c.header('Cache-Control', 'no-store')
      return c.json({ sent: true as const, expiresInSeconds: OTP_TTL_S, resendAfterSeconds: OTP_RESEND_S }, 200)
    })
  .post('/recoveries',
    doc({
      summary: '换绑手机（找回账号）：凭验证码把身份换绑到新手机号',
      description: '未绑定过手机号的人员直接绑定到新手机号；原手机号和微信解绑，原有登录全部退出。',
      tag: '窗口办理',
      audience: 'staff',
      ok: { 200: DeskIdentityResultSchema },
      errors: {
        400: ['DESK_SUBJECT_EXPIRED', 'OTP_INVALID', 'OTP_TOO_MANY_ATTEMPTS'],
        403: ['OUT_OF_REGION'],
        404: ['PERSON_NOT_FOUND'],
        409: ['PHONE_BOUND_ELSEWHERE', 'RECOVERY_ALREADY_DONE', 'RECOVERY_RECENTLY_DONE', 'RECOVERY_NOT_NEEDED'],
      },
      upstream: true,
    }),
    staffGuard(),
    rateLimit({
      bucket: 'desk-identity-moves',
      limit: DESK_IDENTITY_MOVES_PER_HOUR,
      windowSeconds: 3600,
      key: staffKey,
    }),
    validate('json', DeskIdentityRecoveryInputSchema),
    idempotent('desk.identity.recoveries', c => `staff:${c.get('session')?.accountId ?? 'anonymous'}`),
    async (c) => {
      const input = c.req.valid('json')
      const deps = c.get('deps')
      const staff = c.get('staff')
      const action = 'desk.identity.recover'
      const reason = maskPiiInText(input.reason)
      const detail = { phoneTail: input.phone.slice(-4), reason }
      const { person, certNo, region, subject } = await openPerson(c, input, action, detail)
      const failed = (error: unknown) => auditStaff(c, {
        ...subject,
        subjectRegion: region,
        action,
        success: false,
        detail: { ...detail, outcome: error instanceof AppError ? error.code : 'failed' },
      })
      try {
        const purpose = codePurpose(staff.id, subject.subjectRef)
        await verifyOtp(c as unknown as Context<AppEnv>, input.phone, purpose, input.code)
        const result = await moveOrBindAtDesk(deps, {
          certNo,
          name: person.name,
          regionCode: person.regionCode,
          newPhone: input.phone,
          reason: input.reason,
          staffId: staff.id,
          requestId: c.get('requestId'),
          clientIp: deps.clientIp(c),
        })
        const done = { ...detail, result: result.outcome }
        await auditStaff(c, { ...subject, subjectRegion: region, action, success: true, detail: done })
        c.header('Cache-Control', 'no-store')
        return c.json(result, 200)
      }
      catch (error) {
        await failed(error)
        throw error
      }
    })
