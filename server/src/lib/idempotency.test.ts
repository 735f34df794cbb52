import type { Storage } from '../storage/types'
import type { AppEnv } from './types'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { handleError } from './error-handler'
import { canonicalJson, idempotent } from './idempotency'
import { createTestStorage } from '../testing/storage'
import { createTestApp } from '../testing/test-app'
import { validate } from './validate'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

/** A money-moving route whose side effect we count, behind the real middleware. */
function setup(handlerDelayMs = 0, status = 201) {
  const { deps } = createTestApp({ storage })
  let effects = 0
  const app = new Hono<AppEnv>()
    .use(async (c, next) => { c.set('deps', deps); c.set('logger', deps.logger); c.set('requestId', 'r'); await next() })
    .post('/pay', validate('json', z.object({ amount: z.number().int() })), idempotent('pay', () => 'resident:1'), async (c) => {
      effects += 1
      await new Promise(r => setTimeout(r, handlerDelayMs))
      return c.json({ n: effects, amount: c.req.valid('json').amount }, status as 201)
    })
  app.onError(handleError)
  const post = (key: string | undefined, body: unknown) => app.request('/pay', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...(key && { 'idempotency-key': key }) } })
  return { post, effects: () => effects }
}

const KEY = () => `key-${Math.random().toString(36).slice(2)}-0123456789`

describe('Idempotency-Key', () => {
  it('replays the stored response for the same key and body, without doing the work again', async () => {
    const { post, effects } = setup()
    const key = KEY()
    const first = await post(key, { amount: 100 })
    expect(first.status).toBe(201)
    expect(await first.json()).toEqual({ n: 1, amount: 100 })
    const again = await post(key, { amount: 100 })
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(await again.json()).toEqual({ n: 1, amount: 100 })
    expect(effects()).toBe(1)
  })

  it('answers 422 for the same key with a different body, and 400 without a key', async () => {
    const { post } = setup()
    const key = KEY()
    await post(key, { amount: 100 })
    const other = await post(key, { amount: 200 })
    expect(other.status).toBe(422)
    expect(await other.json()).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } })
    const none = await post(undefined, { amount: 100 })
    expect(none.status).toBe(400)
    expect(await none.json()).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REQUIRED' } })
  })

  it('answers 409 while the first request with the key is still running; 20 concurrent submits do the work once', async () => {
    const { post, effects } = setup(150)
    const key = KEY()
    const results = await Promise.all(Array.from({ length: 20 }, () => post(key, { amount: 100 })))
    const statuses = results.map(r => r.status).sort()
    expect(statuses.filter(s => s === 201)).toHaveLength(1)
    expect(statuses.filter(s => s === 409)).toHaveLength(19)
    expect(effects()).toBe(1)
    expect((await post(key, { amount: 100 })).headers.get('idempotent-replayed')).toBe('true')
  })

  it('does not store a 5xx: a retry with the same key runs again', async () => {
    const { post, effects } = setup(0, 502)
    const key = KEY()
    expect((await post(key, { amount: 1 })).status).toBe(502)
    expect((await post(key, { amount: 1 })).status).toBe(502)
    expect(effects()).toBe(2)
  })

  it('hashes parameters canonically (key order does not matter)', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(canonicalJson({ a: [{ x: 1, y: 2 }], b: 1 }))
  })
})
