import type { Storage } from '../storage/types'
import type { Context } from 'hono'
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
function setup(hold: Promise<unknown> = Promise.resolve(), status = 201) {
  const { deps } = createTestApp({ storage })
  let effects = 0
  const app = new Hono<AppEnv>()
    .use(async (c, next) => { c.set('deps', deps); c.set('logger', deps.logger); c.set('requestId', 'r'); await next() })
    .post('/pay', validate('json', z.object({ amount: z.number().int() })), idempotent('pay', () => 'resident:1'), async (c) => {
      effects += 1
      await hold
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
    // The first request holds its key until the other 19 have been answered, however slow the storage.
    let release!: () => void
    const { post, effects } = setup(new Promise<void>((resolve) => { release = resolve }))
    const key = KEY()
    let answered = 0
    const results = await Promise.all(Array.from({ length: 20 }, async () => {
      const res = await post(key, { amount: 100 })
      answered += 1
      if (answered === 19) release()
      return res
    }))
    const statuses = results.map(r => r.status).sort()
    expect(statuses.filter(s => s === 201)).toHaveLength(1)
    expect(statuses.filter(s => s === 409)).toHaveLength(19)
    expect(effects()).toBe(1)
    expect((await post(key, { amount: 100 })).headers.get('idempotent-replayed')).toBe('true')
  })

  it('does not store a 5xx: a retry with the same key runs again', async () => {
    const { post, effects } = setup(Promise.resolve(), 502)
    const key = KEY()
    expect((await post(key, { amount: 1 })).status).toBe(502)
    expect((await post(key, { amount: 1 })).status).toBe(502)
    expect(effects()).toBe(2)
  })

  it('hashes parameters canonically (key order does not matter)', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(canonicalJson({ a: [{ x: 1, y: 2 }], b: 1 }))
  })
})

/** The same middleware behind a route that echoes what it was handed, with a handler chosen per request. */
function echo(principal: (c: Context<AppEnv>) => string = () => 'resident:1') {
  const { deps } = createTestApp({ storage })
  let runs = 0
  let handler: (c: Context<AppEnv>) => Response | Promise<Response> = c =>
    c.json({ run: runs, idem: c.get('idempotency') }, 201)
  const app = new Hono<AppEnv>()
    .use(async (c, next) => {
      c.set('deps', deps)
      c.set('logger', deps.logger)
      c.set('requestId', 'r')
      await next()
    })
    .post('/pay', idempotent('pay', principal), async (c) => {
      runs += 1
      return handler(c)
    })
  app.onError(handleError)
  const post = (key: string, body?: string, who?: string) =>
    app.request('/pay', { method: 'POST', body, headers: { 'idempotency-key': key, ...(who && { 'x-who': who }) } })
  return {
    post,
    runs: () => runs,
    handle: (h: typeof handler) => {
      handler = h
    },
  }
}

describe('Idempotency-Key edges', () => {
  it('takes keys of 20–255 characters of [A-Za-z0-9_-] only', async () => {
    const { post, runs } = echo()
    for (const bad of [
      'k'.repeat(19),
      'k'.repeat(256),
      `${'k'.repeat(20)}.`,
      `${'k'.repeat(20)} x`,
      `+${'k'.repeat(20)}`,
    ])
      expect((await post(bad, '{}')).status).toBe(400)
    expect(runs()).toBe(0)
    const rnd = () => Math.random().toString(36).slice(2, 10).padEnd(8, '0')
    for (const good of [`Ab_-${rnd()}${rnd()}`, `${rnd()}${'k'.repeat(247)}`])
      expect((await post(good, '{}')).status).toBe(201)
    expect(runs()).toBe(2)
  })

  it('hands the handler a fresh claim, and marks a retry after a lost response as resumed', async () => {
    const { post, handle } = echo()
    const key = KEY()
    expect(await (await post(key, '{"a":1}')).json()).toMatchObject({
      run: 1,
      idem: { recoveryPoint: 'started', resumed: false },
    })
    const other = KEY()
    handle(c => c.json({ error: 'down' }, 500))
    expect((await post(other, '{"a":1}')).status).toBe(500)
    handle(c => c.json({ run: 'again', idem: c.get('idempotency') }, 201))
    expect(await (await post(other, '{"a":1}')).json()).toMatchObject({
      run: 'again',
      idem: { recoveryPoint: 'started', resumed: true },
    })
  })

  it('does not store a 500 either; stores and replays 4xx answers with no-store caching', async () => {
    const { post, handle, runs } = echo()
    const failing = KEY()
    handle(c => c.json({ n: runs() }, 500))
    await post(failing, '{}')
    await post(failing, '{}')
    expect(runs()).toBe(2)
    const refused = KEY()
    handle(c => c.json({ refused: runs() }, 409))
    expect((await post(refused, '{}')).status).toBe(409)
    const again = await post(refused, '{}')
    expect([again.status, again.headers.get('idempotent-replayed'), again.headers.get('cache-control')]).toEqual([
      409,
      'true',
      'no-store',
    ])
    expect(await again.json()).toEqual({ refused: 3 })
    expect(runs()).toBe(3)
  })

  it('asks a caller whose key is still running to retry in a second', async () => {
    const { post, handle } = echo()
    const key = KEY()
    let started!: () => void
    let finish!: () => void
    const running = new Promise<void>((r) => {
      started = r
    })
    const gate = new Promise<void>((r) => {
      finish = r
    })
    handle(async (c) => {
      started()
      await gate
      return c.json({}, 201)
    })
    const first = post(key, '{}')
    await running
    const second = await post(key, '{}')
    expect([second.status, second.headers.get('retry-after')]).toEqual([409, '1'])
    finish()
    expect((await first).status).toBe(201)
  })

  it('frees the key when the request dies without any response, so a retry runs', async () => {
    const { post, handle, runs } = echo()
    const key = KEY()
    // Not an Error: Hono's error handler passes it on instead of turning it into a 500.
    handle(() => {
      throw 'connection lost'
    })
    await expect(post(key, '{}')).rejects.toBe('connection lost')
    handle(c => c.json({ ok: true }, 201))
    expect((await post(key, '{}')).status).toBe(201)
    expect(runs()).toBe(2)
  })

  it('stores a body that is not JSON as null, and compares bodies that are not JSON as text', async () => {
    const { post, handle } = echo()
    const key = KEY()
    handle(c => c.text('created', 201))
    expect(await (await post(key, 'plain text')).text()).toBe('created')
    const replay = await post(key, 'plain text')
    expect([replay.status, replay.headers.get('idempotent-replayed'), await replay.json()]).toEqual([201, 'true', null])
    expect((await post(key, 'other text')).status).toBe(422)
    const empty = KEY()
    await post(empty)
    expect((await post(empty, 'null')).headers.get('idempotent-replayed')).toBe('true')
  })

  it('scopes keys to the principal: the same key from another resident is another request', async () => {
    const { post, runs } = echo(c => `resident:${c.req.header('x-who')}`)
    const key = KEY()
    expect((await post(key, '{"amount":100}', '1')).status).toBe(201)
    expect((await post(key, '{"amount":200}', '2')).status).toBe(201)
    expect((await post(key, '{"amount":200}', '1')).status).toBe(422)
    expect(runs()).toBe(2)
  })

  it('canonical JSON keeps arrays in order and scalars as JSON', () => {
    expect(canonicalJson([2, 1])).toBe('[2,1]')
    expect(canonicalJson({ b: [{ d: null, c: 'x' }], a: true })).toBe('{"a":true,"b":[{"c":"x","d":null}]}')
    expect(canonicalJson(null)).toBe('null')
    expect(canonicalJson('s')).toBe('"s"')
  })
})
