import type { Context } from 'hono'
import type { AppEnv } from '../lib/types'
import type { ErrorCode, SignedIn, SignInResult, SmsCodeSent } from '@yibao/shared'
import {
  BindInputSchema,
  CleanTextSchema,
  maskIdCard,
  maskName,
  PhoneLoginInputSchema,
  SignedInSchema,
  SignInResultSchema,
  SmsCodeRequestSchema,
  SmsCodeSentSchema,
} from '@yibao/shared'
import { Hono } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { z } from 'zod'
import { requirePassedFaceCheck } from '../identity/face-checks'
import { checkPhoneOwner } from '../identity/carrier-check'
import { AppError } from '../lib/errors'
import { doc } from '../lib/openapi'
import { newToken, secretsEqual } from '../lib/pii'
import { OTP_RESEND_S, OTP_TTL_S, sendOtp, verifyOtp } from '../lib/otp'
import { rateLimit } from '../lib/rate-limit'
import { addToSession, anonymousActorId, endSession, startSession } from '../lib/session'
import { validate } from '../lib/validate'
import { findResidentBy, isPhoneTaken, upsertResident } from '../storage/residents'
import { FACE_REFUSALS, faceCaller } from './face-checks'

const OAUTH_STATE_COOKIE = 'yb_oauth'
const SMS_PURPOSE = 'resident_auth'
/** How long a WeChat sign-in may wait for its bind step (the face check included) before its openid is refused. */
export const WECHAT_BIND_WINDOW_MS = 10 * 60_000

function wechatSignInFresh(at: unknown, now: Date): boolean {
  return typeof at === 'number' && now.getTime() - at <= WECHAT_BIND_WINDOW_MS && at <= now.getTime()
}

/** What WeChat's web authorisation sends back: its one-time code and the state we gave it. */
const WechatCallbackQuerySchema = z.object({
  code: CleanTextSchema('微信授权失败，请重新进入').min(1, '微信授权失败，请重新进入').max(128, '微信授权失败，请重新进入'),
  state: CleanTextSchema('微信授权失败，请重新进入').min(1, '微信授权失败，请重新进入').max(128, '微信授权失败，请重新进入'),
})

function audit(c: Context<AppEnv>, action: string, success: boolean, extra: { actorId?: string, subjectRef?: string, subjectMasked?: string } = {}) {
  return c.get('deps').audit.record({ actorType: extra.actorId ? 'resident' : 'anonymous', actorId: extra.actorId ?? anonymousActorId(c), subjectRef: extra.subjectRef, subjectMasked: extra.subjectMasked, channel: 'self', action, success, requestId: c.get('requestId'), clientIp: c.get('deps').clientIp(c) })
}

const TAG = '登录与会话'
/** A wrong, used-up or expired SMS code. */
const OTP_REFUSALS: readonly ErrorCode[] = ['OTP_INVALID', 'OTP_TOO_MANY_ATTEMPTS']

/** Resident sign-in: SMS codes, phone sign-in, WeChat web authorisation, and binding to a real person. */
export const authRoutes = new Hono<AppEnv>()
  .post('/sms-codes',
    doc({
      summary: '获取短信验证码（登录或实名认证用）',
      tag: TAG,
      audience: 'public',
      ok: { 200: SmsCodeSentSchema },
      errors: { 429: ['OTP_RESEND_TOO_SOON'] },
      upstream: true,
    }),
    rateLimit({ bucket: 'sms-ip', limit: 20, windowSeconds: 3600 }),
    validate('json', SmsCodeRequestSchema),
    rateLimit({ bucket: 'sms-phone', limit: 5, windowSeconds: 3600, key: c => `phone:${(c.req.valid as (t: 'json') => { phone: string })('json').phone}` }),
    async (c) => {
      const { phone } = c.req.valid('json')
      await sendOtp(c, phone, SMS_PURPOSE)
      const reply: SmsCodeSent = { sent: true, expiresInSeconds: OTP_TTL_S, resendAfterSeconds: OTP_RESEND_S }
      return c.json(reply, 200)
    })
  .post('/phone-login', doc({
    summary: '手机号 + 短信验证码登录',
    tag: TAG,
    audience: 'public',
    ok: { 200: SignInResultSchema },
    errors: { 400: OTP_REFUSALS },
  }), rateLimit({ bucket: 'sign-in', limit: 30, windowSeconds: 900 }), validate('json', PhoneLoginInputSchema),
  async (c) => {
    const { phone, code } = c.req.valid('json')
    const { storage, vault } = c.get('deps')
    await verifyOtp(c, phone, SMS_PURPOSE, code)
    const phoneRef = vault.ref(phone)
    const account = await findResidentBy(storage.db, 'phoneRef', phoneRef)
    if (account) {
      await startSession(c, 'resident', account.id)
      await audit(c, 'auth.sign_in.phone', true, { actorId: account.id, subjectRef: account.certRef })
      return c.json({ status: 'signed_in' } satisfies SignInResult, 200)
    }
    // A new session holding only what this request proved: never what an earlier session in this
    // browser held (another person's WeChat sign-in left behind would be bound to this phone's owner).
    await startSession(c, 'pending', null, { phoneRef, phoneEnc: vault.encrypt(phone) })
    return c.json({ status: 'needs_binding' } satisfies SignInResult, 200)
  })
  .post('/bind', doc({
    summary: '实名认证：把已验证的手机号或微信绑定到本人（姓名 + 身份证号码，首次绑定须人脸核身）',
    tag: TAG,
    audience: 'pending',
    ok: { 200: SignedInSchema },
    errors: {
      400: OTP_REFUSALS,
      401: ['BINDING_REQUIRED', 'WECHAT_SIGN_IN_STALE'],
      403: FACE_REFUSALS,
      404: ['PERSON_NOT_FOUND'],
      409: ['IDENTITY_PHONE_MISMATCH', 'PHONE_BOUND_ELSEWHERE', 'PHONE_NOT_REAL_NAME'],
    },
    upstream: true,
  }), rateLimit({ bucket: 'lookups', limit: 10, windowSeconds: 60 }), validate('json', BindInputSchema), async (c) => {
    const pending = c.get('session')
    if (pending?.kind !== 'pending') throw new AppError('BINDING_REQUIRED', 401)
    // A WeChat sign-in binds its openid only while fresh: one left behind on a shared phone must not
    // become the next person's WeChat (the face check proves who binds, not whose WeChat this is).
    if (typeof pending.data.openid === 'string' && !wechatSignInFresh(pending.data.openidAt, c.get('deps').now())) {
      await endSession(c)
      await audit(c, 'auth.bind', false)
      throw new AppError('WECHAT_SIGN_IN_STALE', 401)
    }
    const { name, certNo, phone, code } = c.req.valid('json')
    const { storage, vault, nhsa } = c.get('deps')
    let phoneRef = typeof pending.data.phoneRef === 'string' ? pending.data.phoneRef : undefined
    let phoneEnc = typeof pending.data.phoneEnc === 'string' ? pending.data.phoneEnc : undefined
    if (!phoneRef) {
      if (!phone || !code) throw new AppError('VALIDATION_FAILED', 400, { fields: { ...(!phone && { phone: '请输入手机号码' }), ...(!code && { code: '请输入短信验证码' }) } })
      await verifyOtp(c, phone, SMS_PURPOSE, code)
      phoneRef = vault.ref(phone)
      phoneEnc = vault.encrypt(phone)
      // Proved here: a retry after the face step below does not need a second code.
      await addToSession(c, { phoneRef, phoneEnc })
    }
    const certRef = vault.ref(certNo)
    // The bureau confirms that the name belongs to the ID number (404 PERSON_NOT_FOUND otherwise).
    const person = await nhsa.getPersonInfo(certNo, { name, logger: c.get('logger') }).catch(async (error) => {
      await audit(c, 'auth.bind', false, { subjectRef: certRef, subjectMasked: maskIdCard(certNo) })
      throw error
    })
    const existing = await findResidentBy(storage.db, 'certRef', certRef)
    if (existing?.phoneRef && existing.phoneRef !== phoneRef) {
      await audit(c, 'auth.bind', false, { subjectRef: certRef, subjectMasked: maskIdCard(certNo) })
      throw new AppError('IDENTITY_PHONE_MISMATCH', 409)
    }
    const phoneBoundElsewhere = async () => {
      await audit(c, 'auth.bind', false, { subjectRef: certRef, subjectMasked: maskIdCard(certNo) })
      return new AppError('PHONE_BOUND_ELSEWHERE', 409, { fields: { phone: '该手机号已绑定其他参保人' } })
    }
    const holder = await findResidentBy(storage.db, 'phoneRef', phoneRef)
    if (holder && holder.certRef !== certRef) throw await phoneBoundElsewhere()
    // 运营商三要素 for a phone new to this person: 409 PHONE_NOT_REAL_NAME; goes on when the carrier is down.
    if (existing?.phoneRef !== phoneRef) {
      const caller = { requestId: c.get('requestId'), clientIp: c.get('deps').clientIp(c), logger: c.get('logger') }
      await checkPhoneOwner(c.get('deps'), { name: person.name, certNo, phone: vault.decrypt(phoneEnc!), ...caller })
    }
    // First binding of a person (no account holds them yet): 人脸核身 of that person in this session.
    if (!existing) await requirePassedFaceCheck(c.get('deps'), faceCaller(c), { purpose: 'bind', certNo })
    // Only what this pending session proved itself (its WeChat sign-in) is bound: see phone-login.
    const openid = typeof pending.data.openid === 'string' ? pending.data.openid : undefined
    const fields = { certRef, certNoEnc: vault.encrypt(certNo), nameMasked: maskName(person.name), regionCode: person.regionCode }
    const account = await upsertResident(storage.db, { ...fields, phoneRef, phoneEnc, openid }, { samePhoneOnly: true })
      .catch(async (error) => {
        // Another account took the phone since the check above.
        throw isPhoneTaken(error) ? await phoneBoundElsewhere() : error
      })
    if (!account) {
      // A recovery moved this person's account to another phone since the check above.
      await audit(c, 'auth.bind', false, { subjectRef: certRef, subjectMasked: maskIdCard(certNo) })
      throw new AppError('IDENTITY_PHONE_MISMATCH', 409)
    }
    c.get('deps').accountCache.delete(account.id)
    // How the resident signed in, for the consent record (lib/consent.ts sessionChannel).
    await startSession(c, 'resident', account.id, openid ? { via: 'wechat' } : {})
    await audit(c, 'auth.bind', true, { actorId: account.id, subjectRef: certRef, subjectMasked: maskIdCard(certNo) })
    return c.json({ status: 'signed_in' } satisfies SignedIn, 200)
  })
  .get('/wechat/start', doc({
    summary: '微信网页授权登录：跳转到微信授权页',
    tag: TAG,
    audience: 'public',
    ok: { 302: { redirect: '跳转到微信网页授权页' } },
  }), (c) => {
    const state = newToken()
    setCookie(c, OAUTH_STATE_COOKIE, state, { path: '/api/v1/auth/wechat', httpOnly: true, secure: true, sameSite: 'Lax', maxAge: 600 })
    const origin = c.get('deps').env.PUBLIC_ORIGIN ?? new URL(c.req.url).origin
    return c.redirect(c.get('deps').wechat.authorizeUrl(`${origin}/api/v1/auth/wechat/callback`, state), 302)
  })
  .get('/wechat/callback', doc({
    summary: '微信授权后返回：已绑定的直接登录，未绑定的进入实名认证',
    tag: TAG,
    audience: 'public',
    ok: { 302: { redirect: '回到应用：首页（已登录）、实名认证页，或登录页并提示授权失败（OAUTH_FAILED）' } },
  }), validate('query', WechatCallbackQuerySchema), async (c) => {
    const { code, state } = c.req.valid('query')
    const expected = getCookie(c, OAUTH_STATE_COOKIE)
    deleteCookie(c, OAUTH_STATE_COOKIE, { path: '/api/v1/auth/wechat', secure: true })
    if (!expected || !secretsEqual(expected, state)) return c.redirect('/login?error=OAUTH_FAILED', 302)
    let openid: string
    try {
      openid = await c.get('deps').wechat.openidForCode(code, c.get('logger'))
    }
    catch (error) {
      c.get('logger').warn({ err: error }, 'wechat oauth failed')
      return c.redirect('/login?error=OAUTH_FAILED', 302)
    }
    const account = await findResidentBy(c.get('deps').storage.db, 'openid', openid)
    if (account) {
      // How the resident signed in, for the consent record (lib/consent.ts sessionChannel).
      await startSession(c, 'resident', account.id, { via: 'wechat' })
      await audit(c, 'auth.sign_in.wechat', true, { actorId: account.id, subjectRef: account.certRef })
      return c.redirect('/', 302)
    }
    // Only the openid this callback proved: no phone verified by an earlier session in this browser.
    await startSession(c, 'pending', null, { openid, openidAt: c.get('deps').now().getTime() })
    return c.redirect('/login?step=bind', 302)
  })
