import type { ResidentEVoucher } from '@yibao/shared'
import type { AppEnv } from '../lib/types'
import { ResidentEVoucherSchema, toShanghaiIso } from '@yibao/shared'
import { Hono } from 'hono'
import { doc } from '../lib/openapi'
import { currentResident } from '../lib/resident'

/**
 * 医保电子凭证: a short-lived signed token for the signed-in resident's QR code (no personal data in
 * it). The page asks for a new one shortly before `expiresAt`.
 */
export const eVoucherRoutes = new Hono<AppEnv>()
  .get('/', doc({
    summary: '出示医保电子凭证（取得二维码令牌）',
    tag: '我的',
    audience: 'resident',
    ok: { 200: ResidentEVoucherSchema },
  }), async (c) => {
    const { account } = await currentResident(c)
    const { eVoucher, now } = c.get('deps')
    const { token, expiresAt } = eVoucher.issue(account.id, now())
    c.header('Cache-Control', 'no-store')
    const reply: ResidentEVoucher = { token, expiresAt: toShanghaiIso(expiresAt), ttlSeconds: eVoucher.ttlSeconds }
    return c.json(reply, 200)
  })
