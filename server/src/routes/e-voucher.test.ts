import type { Storage } from '../storage/types'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestBrowser } from '../testing/auth'
import { DONGYING_ADULT } from '../testing/nhsa-handlers'
import { createTestStorage } from '../testing/storage'
import { createTestApp } from '../testing/test-app'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

describe('GET /api/v1/me/e-voucher', () => {
  it('gives the signed-in resident a 60-second opaque token, a new one on every call', async () => {
    const t = createTestApp({ storage, now: () => new Date('2026-11-22T04:00:00Z') })
    const b = new TestBrowser(t.app)
    const account = await b.signInDirect(t.deps, { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno })
    const res = await b.request('/api/v1/me/e-voucher')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = await res.json() as { token: string, expiresAt: string, ttlSeconds: number }
    expect(body.expiresAt).toBe('2026-11-22T12:01:00.000+08:00')
    expect(body.ttlSeconds).toBe(60)
    // Nothing personal in the QR: not the ID number, the name or the phone; only the account id.
    const payload = Buffer.from(body.token.split('.')[1]!, 'base64url').toString('utf8')
    expect(payload).toContain(account.id)
    expect(body.token + payload).not.toMatch(/370502|王桂兰|王\*\*/)
    expect(t.deps.eVoucher.verify(body.token, new Date('2026-11-22T04:00:30Z'))).toMatchObject({ ok: true, accountId: account.id })
    const again = await (await b.request('/api/v1/me/e-voucher')).json() as { token: string }
    expect(again.token).not.toBe(body.token)
  })

  it('is for signed-in residents only (401)', async () => {
    const t = createTestApp({ storage })
    const res = await new TestBrowser(t.app).request('/api/v1/me/e-voucher')
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED', message: '登录已过期，请重新登录' } })
  })

  it('follows EVOUCHER_TTL_S', async () => {
    const t = createTestApp({ storage, env: { EVOUCHER_TTL_S: '15' }, now: () => new Date('2026-11-22T04:00:00Z') })
    const b = new TestBrowser(t.app)
    await b.signInDirect(t.deps, { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno })
    expect(await (await b.request('/api/v1/me/e-voucher')).json()).toMatchObject({ ttlSeconds: 15, expiresAt: '2026-11-22T12:00:15.000+08:00' })
  })
})
