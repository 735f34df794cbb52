import type { ConsentChannel, ConsentState } from '@yibao/shared'
import type { Context } from 'hono'
import type { CurrentResident } from '../lib/resident'
import type { AppEnv } from '../lib/types'
import { ConsentInputSchema, ConsentStateSchema, maskIdCard, OkAckSchema } from '@yibao/shared'
import { Hono } from 'hono'
import { accountConsent, consentState, consentValid, consentVersion, sessionChannel } from '../lib/consent'
import { AppError } from '../lib/errors'
import { doc } from '../lib/openapi'
import { signedInResident } from '../lib/resident'
import { endSession, requireResident } from '../lib/session'
import { validate } from '../lib/validate'
import { recordConsent } from '../storage/consents'
import { revokeAccountSessions } from '../storage/sessions'

const TAG = '我的'

/** Records a consent step in the resident's audit trail (and so in their 访问记录). */
function audit(c: Context<AppEnv>, { account, certNo }: CurrentResident, action: string, success: boolean, detail: {
  version: string
  via: ConsentChannel
}) {
  const deps = c.get('deps')
  return deps.audit.record({
    actorType: 'resident',
    actorId: account.id,
    subjectRef: account.certRef,
    subjectMasked: maskIdCard(certNo),
    channel: 'self',
    action,
    success,
    requestId: c.get('requestId'),
    clientIp: deps.clientIp(c),
    detail,
  })
}

/**
 * 用户协议、隐私政策 and the separate consent to sensitive personal information (PIPL Art. 14, 29): where the
 * resident stands, agreeing to the current version, and withdrawing (which signs them out everywhere; the app
 * then processes none of their data until they agree again). Open to a signed-in resident without consent.
 */
export const consentRoutes = new Hono<AppEnv>()
  .get('/', doc({
    summary: '查看本人对用户协议和隐私政策的同意情况',
    tag: TAG,
    audience: 'resident',
    withoutConsent: true,
    ok: { 200: ConsentStateSchema },
  }), async (c) => {
    const { account } = await signedInResident(c)
    const deps = c.get('deps')
    c.header('Cache-Control', 'no-store')
    const state: ConsentState = consentState(await accountConsent(deps, account), consentVersion(deps))
    return c.json(state, 200)
  })
  .post('/', doc({
    summary: '同意用户协议和隐私政策，并单独同意处理敏感个人信息',
    description: '只能同意当前版本：页面打开后协议更新了，答复 409 CONSENT_VERSION_STALE，请重新阅读新版本。',
    tag: TAG,
    audience: 'resident',
    withoutConsent: true,
    ok: { 200: ConsentStateSchema },
    errors: { 409: ['CONSENT_VERSION_STALE'] },
  }), validate('json', ConsentInputSchema), async (c) => {
    const resident = await signedInResident(c)
    const deps = c.get('deps')
    const version = consentVersion(deps)
    const input = c.req.valid('json')
    const via = sessionChannel(requireResident(c))
    c.header('Cache-Control', 'no-store')
    if (input.version !== version) {
      // The texts changed since the page was opened: what was read is not what would be agreed to.
      await audit(c, resident, 'consent.agree', false, { version: input.version, via })
      throw new AppError('CONSENT_VERSION_STALE', 409)
    }
    let record = await accountConsent(deps, resident.account)
    // Agreeing again (a second tab, a retry) changes nothing: the first agreement stands.
    if (!consentValid(record, version)) {
      record = await recordConsent(deps.storage.db, {
        accountId: resident.account.id,
        action: 'agree',
        version,
        general: input.general,
        sensitive: input.sensitive,
        channel: via,
        at: deps.now(),
      })
      deps.consentCache.delete(resident.account.id)
      await audit(c, resident, 'consent.agree', true, { version, via })
    }
    return c.json(consentState(record, version), 200)
  })
  .post('/withdraw', doc({
    summary: '撤回对用户协议和隐私政策的同意（退出所有设备上的登录）',
    description: '撤回后本应用停止处理本人信息，直到再次登录并同意；已办理的业务和医保、税务部门保存的记录不受影响。',
    tag: TAG,
    audience: 'resident',
    withoutConsent: true,
    ok: { 200: OkAckSchema },
  }), async (c) => {
    const resident = await signedInResident(c)
    const { account } = resident
    const deps = c.get('deps')
    const via = sessionChannel(requireResident(c))
    const before = await accountConsent(deps, account)
    const version = before?.version ?? consentVersion(deps)
    const at = deps.now()
    await recordConsent(deps.storage.db, {
      accountId: account.id,
      action: 'withdraw',
      version,
      general: false,
      sensitive: false,
      channel: via,
      at,
    })
    deps.consentCache.delete(account.id)
    // Processing stops: no session of the account goes on (on this instance at once, elsewhere within the
    // session cache's bound, as 退出所有设备 does).
    await revokeAccountSessions(deps.storage.db, 'resident', account.id, at)
    deps.sessionCache.deleteWhere(s => s.kind === 'resident' && s.accountId === account.id)
    await audit(c, resident, 'consent.withdraw', true, { version, via })
    await endSession(c)
    c.header('Cache-Control', 'no-store')
    return c.json({ ok: true as const }, 200)
  })
