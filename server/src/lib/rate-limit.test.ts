import type { Storage } from '../storage/types'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOOKUPS_PER_MINUTE } from '../routes/person-lookups'
import { DONGYING_ADULT } from '../testing/nhsa-handlers'
import { createTestStorage } from '../testing/storage'
import { createTestApp } from '../testing/test-app'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

describe('rate limits stored in the database', () => {
  it('hold across two BFF instances: the 11th ID look-up in a minute gets 429 with Retry-After', async () => {
    const clock = () => new Date('2026-11-22T04:00:30Z')
    const a = createTestApp({ storage, now: clock, env: { TRUST_PROXY: 'true' } })
    const b = createTestApp({ storage, now: clock, env: { TRUST_PROXY: 'true' } })
    const body = JSON.stringify({ name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno })
    const send = (app: typeof a.app, ip: string) => app.request('/api/v1/person-lookups', { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-forwarded-for': ip } })
    const statuses: number[] = []
    const remaining: (string | null)[] = []
    for (let i = 0; i < LOOKUPS_PER_MINUTE; i++) {
      const res = await send(i % 2 ? a.app : b.app, '203.0.113.7')
      statuses.push(res.status)
      remaining.push(res.headers.get('ratelimit-remaining'))
      expect(res.headers.get('ratelimit-limit')).toBe(String(LOOKUPS_PER_MINUTE))
    }
    expect(statuses).toEqual(Array.from({ length: LOOKUPS_PER_MINUTE }, () => 200))
    // The budget left, counted down across both instances.
    expect(remaining).toEqual(Array.from({ length: LOOKUPS_PER_MINUTE }, (_, i) => String(LOOKUPS_PER_MINUTE - 1 - i)))
    expect(a.logs.concat(b.logs).some(l => l.includes('rate limited'))).toBe(false)
    const limited = await send(a.app, '203.0.113.7')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('30')
    expect(limited.headers.get('ratelimit-remaining')).toBe('0')
    // The operator sees which budget ran out and how far over it went (never whose it was).
    const warned = a.logs.filter(l => l.includes('"msg":"rate limited"')).map(l => JSON.parse(l) as Record<string, unknown>)
    expect(warned).toEqual([expect.objectContaining({ bucket: 'lookups', count: LOOKUPS_PER_MINUTE + 1 })])
    expect(await limited.json()).toMatchObject({ error: { code: 'RATE_LIMITED', message: '操作太频繁，请稍后再试' } })
    // Another caller still has its own budget.
    expect((await send(b.app, '198.51.100.2')).status).toBe(200)
  })

  it('starts a new budget in the next window', async () => {
    let now = new Date('2026-11-22T05:00:00Z')
    const { app } = createTestApp({ storage, now: () => now })
    const body = JSON.stringify({ name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno })
    const send = () => app.request('/api/v1/person-lookups', { method: 'POST', body, headers: { 'content-type': 'application/json' } })
    for (let i = 0; i < LOOKUPS_PER_MINUTE; i++) await send()
    expect((await send()).status).toBe(429)
    now = new Date('2026-11-22T05:01:00Z')
    expect((await send()).status).toBe(200)
  })
})
