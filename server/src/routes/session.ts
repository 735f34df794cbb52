import type { ResidentSession, SessionView } from '@yibao/shared'
import type { AppEnv } from '../lib/types'
import { OkAckSchema, ResidentSessionSchema, SessionViewSchema } from '@yibao/shared'
import { Hono } from 'hono'
import { z } from 'zod'
import { doc } from '../lib/openapi'
import { accountConsent, consentState, consentVersion } from '../lib/consent'
import { maskedCertNo, residentAccount, signedInResident } from '../lib/resident'
import { endSession, requireResident } from '../lib/session'
import { findStaffBy } from '../storage/staff'
import { listAccountSessions, revokeAccountSessions } from '../storage/sessions'

/** Who is calling, sign-out, and "sign out everywhere". */
export const sessionRoutes = new Hono<AppEnv>()
  .get('/', doc({
    summary: '查看当前登录状态（居民、窗口工作人员或实名认证中），并取得防跨站令牌',
    tag: '登录与会话',
    audience: 'public',
    ok: { 200: SessionViewSchema },
  }), async (c) => {
    const { storage, urls } = c.get('deps')
    const s = c.get('session')
    let resident: SessionView['resident'] = null
    if (s?.kind === 'resident' && s.accountId) {
      const account = await residentAccount(c, s.accountId)
      if (account) {
        const deps = c.get('deps')
        // Whether the app must ask for the 用户协议 and 隐私政策 before anything else.
        const consent = consentState(await accountConsent(deps, account), consentVersion(deps))
        const { nameMasked: name, regionCode } = account
        resident = { name, certNo: maskedCertNo(c, account), regionCode, consent }
      }
    }
    let staff: SessionView['staff'] = null
    if (s?.kind === 'staff' && s.accountId) {
      const account = await findStaffBy(storage.db, 'id', s.accountId)
      if (account) staff = { name: account.displayName, role: account.role, regions: account.regionCodes }
    }
    const view: SessionView = {
      authenticated: s?.kind === 'resident' || s?.kind === 'staff',
      kind: s?.kind ?? null,
      csrfToken: s?.csrfToken ?? null,
      resident,
      pending: s?.kind === 'pending' ? { phoneVerified: typeof s.data.phoneRef === 'string', viaWechat: typeof s.data.openid === 'string' } : null,
      staff,
      sandboxSmsInbox: urls.sandboxSmsInbox ?? null,
      sandboxWechatPay: c.get('deps').env.SANDBOX === 'off' || !urls.wechatpay ? null : `${urls.wechatpay}/__sandbox/wechatpay`,
    }
    c.header('Cache-Control', 'no-store')
    return c.json(view, 200)
  })
  .delete('/', doc({
    summary: '退出登录',
    tag: '登录与会话',
    audience: 'public',
    ok: { 200: OkAckSchema },
  }), async (c) => {
    const s = c.get('session')
    if (s?.kind === 'resident' && s.accountId) {
      await c.get('deps').audit.record({ actorType: 'resident', actorId: s.accountId, channel: 'self', action: 'auth.sign_out', success: true, requestId: c.get('requestId'), clientIp: c.get('deps').clientIp(c) })
    }
    if (s?.kind === 'staff' && s.accountId) {
      await c.get('deps').audit.record({ actorType: 'staff', actorId: s.accountId, channel: 'help_desk', action: 'desk.auth.sign_out', success: true, requestId: c.get('requestId'), clientIp: c.get('deps').clientIp(c) })
    }
    await endSession(c)
    return c.json({ ok: true as const }, 200)
  })
  .get('/all', doc({
    summary: '查看本人账号在哪些设备上登录',
    tag: '登录与会话',
    audience: 'resident',
    withoutConsent: true,
    ok: { 200: z.array(ResidentSessionSchema) },
  }), async (c) => {
    const s = requireResident(c)
    const rows = await listAccountSessions(c.get('deps').storage.db, 'resident', s.accountId)
    c.header('Cache-Control', 'no-store')
    const view = rows.map((r): ResidentSession => ({
      current: r.id === s.id,
      createdAt: r.createdAt.toISOString(),
      lastSeenAt: r.lastSeenAt.toISOString(),
      device: deviceLabel(r.userAgent),
    }))
    return c.json(view, 200)
  })
  .post('/sign-out-everywhere', doc({
    summary: '退出所有设备上的登录',
    tag: '登录与会话',
    audience: 'resident',
    withoutConsent: true,
    ok: { 200: OkAckSchema },
  }), async (c) => {
    const { account } = await signedInResident(c)
    const { storage, now, audit } = c.get('deps')
    await revokeAccountSessions(storage.db, 'resident', account.id, now())
    c.get('deps').sessionCache.deleteWhere(s => s.kind === 'resident' && s.accountId === account.id)
    await audit.record({ actorType: 'resident', actorId: account.id, subjectRef: account.certRef, channel: 'self', action: 'auth.sign_out_everywhere', success: true, requestId: c.get('requestId'), clientIp: c.get('deps').clientIp(c) })
    await endSession(c)
    return c.json({ ok: true as const }, 200)
  })

/** A coarse device label from the user agent (never the raw string). */
function deviceLabel(ua: string | null): string {
  if (!ua) return '未知设备'
  const inWechat = /MicroMessenger/i.test(ua)
  const os = /Android/i.test(ua) ? 'Android' : /iPhone|iPad|iOS/i.test(ua) ? 'iOS' : /Windows/i.test(ua) ? 'Windows' : /Mac OS/i.test(ua) ? 'macOS' : '其他设备'
  return `${os}${inWechat ? ' · 微信' : ' · 浏览器'}`
}
