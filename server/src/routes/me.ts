import type { AppEnv } from '../lib/types'
import { maskIdCard, toShanghaiIso } from '@yibao/shared'
import { Hono } from 'hono'
import { toProfileView } from '../domain/person'
import { currentResident } from '../lib/resident'
import { listAuditForSubject } from '../storage/audit'

/** The signed-in resident's own data. */
export const meRoutes = new Hono<AppEnv>()
  .get('/profile', async (c) => {
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
  .get('/access-log', async (c) => {
    // 访问记录: who looked at or changed this resident's data (no reference system offers it).
    const { account } = await currentResident(c)
    const events = await listAuditForSubject(c.get('deps').storage.db, account.certRef, 100)
    c.header('Cache-Control', 'no-store')
    return c.json(events.map(e => ({
      at: toShanghaiIso(e.at),
      actor: e.actorType === 'staff' ? 'staff' as const : e.actorId === account.id ? 'self' as const : e.channel === 'family' ? 'family' as const : 'other' as const,
      channel: e.channel,
      action: e.action,
      success: e.success,
    })), 200)
  })
