import type { Context } from 'hono'
import type { Storage } from '../storage/types'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseEnv } from '../env'
import { createTestStorage } from '../testing/storage'
import { createTestApp } from '../testing/test-app'
import { createClientIp, proxyTrustOf } from './client-ip'

/** A request as the Node server hands it over: the socket's peer and an X-Forwarded-For header. */
function request(peer: string, forwardedFor?: string): Context {
  return {
    req: { header: (name: string) => (name === 'x-forwarded-for' ? forwardedFor : undefined) },
    env: { incoming: { socket: { remoteAddress: peer } } },
  } as unknown as Context
}

describe('clientIp', () => {
  it('ignores X-Forwarded-For without TRUST_PROXY: the socket\'s peer is the client', () => {
    const ip = createClientIp(proxyTrustOf(parseEnv({})))
    expect(ip(request('203.0.113.7', '6.6.6.6'))).toBe('203.0.113.7')
  })

  it('behind one proxy takes the entry it appended, not a spoofed one to its left', () => {
    const ip = createClientIp(proxyTrustOf(parseEnv({ TRUST_PROXY: 'true' })))
    // nginx `proxy_add_x_forwarded_for`: the caller's own header, then the address nginx saw.
    expect(ip(request('10.0.0.2', '6.6.6.6, 203.0.113.7'))).toBe('203.0.113.7')
    expect(ip(request('10.0.0.2', '6.6.6.6,7.7.7.7,203.0.113.7'))).toBe('203.0.113.7')
    expect(ip(request('10.0.0.2', '203.0.113.7'))).toBe('203.0.113.7')
    expect(ip(request('10.0.0.2'))).toBe('10.0.0.2')
    expect(ip(request('::ffff:10.0.0.2'))).toBe('10.0.0.2')
  })

  it('behind two proxies (CDN, then nginx) skips both hops', () => {
    const ip = createClientIp(proxyTrustOf(parseEnv({ TRUST_PROXY: 'true', TRUST_PROXY_HOPS: '2' })))
    expect(ip(request('10.0.0.2', '6.6.6.6, 203.0.113.7, 198.51.100.10'))).toBe('203.0.113.7')
    // Came in past the CDN (one entry only): the entry the trusted nginx wrote.
    expect(ip(request('10.0.0.2', '203.0.113.8'))).toBe('203.0.113.8')
  })

  it('with trusted CIDRs takes the rightmost address outside them', () => {
    const env = parseEnv({ TRUST_PROXY: 'true', TRUST_PROXY_CIDRS: '10.0.0.0/8, fd00::/8' })
    const ip = createClientIp(proxyTrustOf(env))
    expect(ip(request('10.0.0.2', '6.6.6.6, 203.0.113.7, 10.1.2.3'))).toBe('203.0.113.7')
    expect(ip(request('::ffff:10.0.0.2', '6.6.6.6, 203.0.113.7'))).toBe('203.0.113.7')
    expect(ip(request('fd00::1', '6.6.6.6, 2001:db8::5'))).toBe('2001:db8::5')
    // A connection that does not come from a trusted proxy: its header is the caller's, and ignored.
    expect(ip(request('198.51.100.9', '10.0.0.5, 203.0.113.7'))).toBe('198.51.100.9')
    // Nothing but proxies: the furthest one.
    expect(ip(request('10.0.0.2', '10.0.0.3'))).toBe('10.0.0.3')
  })

  it('never takes a value that is not an address', () => {
    const ip = createClientIp(proxyTrustOf(parseEnv({ TRUST_PROXY: 'true' })))
    expect(ip(request('10.0.0.2', 'anything, <script>'))).toBe('10.0.0.2')
  })
})

describe('per-IP limits behind a proxy', () => {
  let storage: Storage
  beforeAll(async () => { storage = await createTestStorage() })
  afterAll(async () => { await storage.close() })

  it('cannot be escaped by writing new addresses into X-Forwarded-For: the 21st SMS from a client is 429', async () => {
    const { app } = createTestApp({ storage, env: { TRUST_PROXY: 'true' } })
    const statuses: number[] = []
    for (let i = 0; i < 21; i++) {
      const res = await app.request('http://localhost/api/v1/auth/sms-codes', {
        method: 'POST',
        body: JSON.stringify({ phone: `139054620${String(i).padStart(2, '0')}` }),
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `6.6.6.${i}, 203.0.113.7` },
      })
      statuses.push(res.status)
    }
    expect(statuses.slice(0, 20).every(s => s === 200)).toBe(true)
    expect(statuses[20]).toBe(429)
  })
})
