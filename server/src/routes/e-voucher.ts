import type { AppEnv } from '../lib/types'
import { toShanghaiIso } from '@yibao/shared'
import { Hono } from 'hono'
import { requireResident } from '../lib/session'

/**
 * 医保电子凭证: a short-lived signed token for the signed-in resident's QR code (no personal data in
 * it). The page asks for a new one shortly before `expiresAt`.
 */
export const eVoucherRoutes = new Hono<AppEnv>()
  .get('/', (c) => {
    const session = requireResident(c)
    const { eVoucher, now } = c.get('deps')
    const { token, expiresAt } = eVoucher.issue(session.accountId, now())
    c.header('Cache-Control', 'no-store')
    return c.json({ token, expiresAt: toShanghaiIso(expiresAt), ttlSeconds: eVoucher.ttlSeconds }, 200)
  })
