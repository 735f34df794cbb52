import type { PaymentStack } from '../testing/payment-stack'
import type { Storage } from '../storage/types'
import { randomUUID } from 'node:crypto'
import process from 'node:process'
import { ERROR_MESSAGES } from '@yibao/shared'
import { sql } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { createStorage } from '../storage'
import { LISTENER_APPLICATION_NAME, orderEventsChannel } from '../storage/order-events'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { json, until } from '../testing/http'
import { mswServer } from '../testing/msw'
import { usePaymentStack } from '../testing/payment-stack'
import { sseData } from '../testing/sse'

/**
 * Order event streams (issue 10 item 7), against the real stack (the WeChat Pay simulator over HTTP, BFF
 * instances on one database): capped per session and per instance, WeChat Pay asked once per order per
 * interval whatever the number of streams and instances, and changes pushed through LISTEN/NOTIFY from
 * whichever instance stored them (PGlite: within its one process; PostgreSQL: across connections).
 */
const { ctx, payablePerson } = usePaymentStack()
const YEAR = TEST_YEAR
const postgresUrl = process.env.TEST_DATABASE_URL

type Instance = Pick<PaymentStack, 'app' | 'deps'>

/** One event stream as a browser reads it: the statuses seen so far, until it ends or is closed. */
interface Follower {
  seen: string[]
  readonly ended: boolean
  close: () => Promise<void>
}

function follow(res: Response): Follower {
  expect(res.status).toBe(200)
  const reader = res.body!.getReader()
  const seen: string[] = []
  let ended = false
  const pump = (async () => {
    try {
      for await (const event of sseData<{ status: string }>(reader)) seen.push(event.status)
    }
    catch {} // a cancelled or broken stream ends like a closed one
    ended = true
  })()
  return {
    seen,
    get ended() {
      return ended
    },
    close: async () => {
      await reader.cancel().catch(() => {})
      await pump
    },
  }
}

const open: Follower[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map(f => f.close()))
})

/** A browser signed in as `person` on `instance` (each call: a new session of the same account). */
async function signedIn(instance: Instance, person: { name: string, certNo: string }) {
  const browser = new TestBrowser(instance.app)
  await browser.signInDirect(instance.deps, person)
  return browser
}

async function placeOrder(browser: TestBrowser): Promise<{ id: string, outTradeNo: string }> {
  const res = await browser.request('/api/v1/payments/orders', {
    method: 'POST',
    headers: { 'idempotency-key': randomUUID() },
    json: { year: YEAR, channel: 'native', people: [{ kind: 'self' }] },
  })
  expect(res.status).toBe(201)
  return json(res)
}

async function stream(browser: TestBrowser, orderId: string): Promise<Follower> {
  const follower = follow(await browser.request(`/api/v1/payments/orders/${orderId}/events`))
  open.push(follower)
  return follower
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))
const allSaw = (fs: Follower[], status: string) => () => Promise.resolve(fs.every(f => f.seen.includes(status)))

/** WeChat Pay order queries about `outTradeNo` that left any BFF instance of this process (over HTTP). */
function countQueries(outTradeNo: string) {
  let n = 0
  const path = `/v3/pay/transactions/out-trade-no/${outTradeNo}`
  const onStart = ({ request }: { request: Request }) => {
    if (request.method === 'GET' && new URL(request.url).pathname === path) n += 1
  }
  mswServer.events.on('request:start', onStart)
  return { get n() {
    return n
  }, stop: () => mswServer.events.removeListener('request:start', onStart) }
}

/**
 * Two more instances asking WeChat Pay at most every 200 ms, the same payer signed in on each, an order placed
 * on the first with its callbacks dropped, the WeChat Pay queries about it counted, and the app's clock held
 * still (the lease runs on it: no interval passes however long the readers wait) until `body` moves it.
 */
async function onTwoInstances(body: (s: {
  x: Instance
  y: Instance
  onX: TestBrowser
  onY: TestBrowser
  order: { id: string, outTradeNo: string }
  queries: ReturnType<typeof countQueries>
  clock: PaymentStack['clock']
}) => Promise<void>) {
  const env = { ORDER_STREAM_POLL_MS: '200' }
  const [x, y] = [await ctx.stack.another({ env }), await ctx.stack.another({ env })]
  const person = await payablePerson(YEAR)
  const [onX, onY] = [await signedIn(x, person), await signedIn(y, person)]
  await withCallbacksDropped(async () => {
    const order = await placeOrder(onX)
    const queries = countQueries(order.outTradeNo)
    const clock = ctx.stack.clock
    clock.set(clock.now(), { frozen: true })
    try {
      await body({ x, y, onX, onY, order, queries, clock })
    }
    finally {
      queries.stop()
      clock.set(clock.now())
    }
  })
}

/**
 * Instance B's own storage on PostgreSQL (its own pool and LISTEN connection on the same schema, as another
 * process would have); PGlite is one database per process, so there B shares A's.
 */
async function ownStorage(): Promise<Storage | undefined> {
  if (!postgresUrl) return undefined
  const result = await ctx.storage.db.execute(sql`select current_schema() as schema`)
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { schema: string }[]
  return createStorage({ driver: 'postgres', url: postgresUrl, schema: rows[0]!.schema, max: 2 })
}

/**
 * A second instance (B) on `storage` that polls WeChat Pay only every 60 s; a payer signed in there places an order
 * and follows its stream until it sees `prepaid`.
 */
async function followedOnInstanceB(storage: Storage | undefined) {
  const b = await ctx.stack.another({ env: { ORDER_STREAM_POLL_MS: '60000' }, storage })
  const payer = await signedIn(b, await payablePerson(YEAR))
  const order = await placeOrder(payer)
  const s = await stream(payer, order.id)
  await until(allSaw([s], 'prepaid'), 5000, 'prepaid')
  return { order, s }
}

async function withCallbacksDropped<T>(fn: () => Promise<T>): Promise<T> {
  await ctx.stack.control('/config', { callbacks: 'drop' }, 'PUT')
  try {
    return await fn()
  }
  finally {
    await ctx.stack.control('/config', { callbacks: 'deliver' }, 'PUT')
  }
}

describe('order event streams', () => {
  it('caps streams per session (3) and per instance: the next is a 429 ORDER_STREAMS_BUSY; a closed stream frees its slot', async () => {
    const inst = await ctx.stack.another({ env: { ORDER_STREAMS_PER_INSTANCE: '5' } })
    const person = await payablePerson(YEAR)
    const [first, second] = [await signedIn(inst, person), await signedIn(inst, person)]
    const order = await placeOrder(first)
    const slots = inst.deps.orderStreams
    const refusedLogs = (cap: string) => ctx.stack.logs.filter(l => l.includes(`"cap":"${cap}"`)).length
    const refused = async (browser: TestBrowser) => {
      const res = await browser.request(`/api/v1/payments/orders/${order.id}/events`)
      expect(res.status).toBe(429)
      expect(await json(res)).toMatchObject({
        error: { code: 'ORDER_STREAMS_BUSY', message: ERROR_MESSAGES.ORDER_STREAMS_BUSY },
      })
    }

    const ofFirst = [await stream(first, order.id), await stream(first, order.id), await stream(first, order.id)]
    await until(allSaw(ofFirst, 'prepaid'), 5000, 'three streams')
    await refused(first)
    expect([slots.open(), refusedLogs('session'), refusedLogs('instance')]).toEqual([3, 1, 0])

    // The other session has its own three, but the instance holds five in all.
    const ofSecond = [await stream(second, order.id), await stream(second, order.id)]
    await refused(second)
    expect([slots.open(), refusedLogs('session'), refusedLogs('instance')]).toEqual([5, 1, 1])

    // A stream the browser closed gives its slot back, to whoever asks next.
    await ofFirst[0]!.close()
    await until(async () => slots.open() === 4, 5000, 'slot freed')
    ofSecond.push(await stream(second, order.id))
    expect(slots.open()).toBe(5)
    // Now the first session (two open) meets the instance's cap, the second (three open) its own.
    await refused(first)
    expect([refusedLogs('session'), refusedLogs('instance')]).toEqual([1, 2])
    await refused(second)
    expect([refusedLogs('session'), refusedLogs('instance')]).toEqual([2, 2])
    await ofSecond[0]!.close()
    await until(async () => slots.open() === 4, 5000, 'slot freed')
    ofFirst.push(await stream(first, order.id))

    // Paid (the callback reaches the first instance): every stream says so, ends, and frees its slot.
    const live = [...ofFirst.slice(1), ...ofSecond.slice(1)]
    await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
    await until(async () => live.every(f => f.ended), 8000, 'streams ended')
    for (const f of live) expect(f.seen.at(-1)).toBe('paid')
    await until(async () => slots.open() === 0, 5000, 'all slots free')
    expect(slots.open('nobody')).toBe(0)
  })

  it('asks WeChat Pay once per order per interval, with six streams on two instances', async () => {
    await onTwoInstances(async ({ x, y, onX, onY, order, queries, clock }) => {
      const streams = [] as Follower[]
      for (const browser of [onX, onY]) for (let i = 0; i < 3; i++) streams.push(await stream(browser, order.id))
      await until(allSaw(streams, 'prepaid'), 5000, 'six streams')
      // Each stream has read the order five times or more (every 200 ms): one query among them all.
      await sleep(1000)
      expect(queries.n).toBe(1)
      for (const expected of [2, 3]) {
        clock.advance(200)
        await until(async () => queries.n >= expected, 5000, `query ${expected}`)
        await sleep(600)
        expect(queries.n).toBe(expected)
      }
      // Paid at WeChat Pay and its callback lost: the next interval's query finds it, and every stream on
      // both instances hears of it.
      await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
      clock.advance(200)
      await until(allSaw(streams, 'paid'), 5000, 'paid everywhere')
      expect(queries.n).toBe(4)
      await until(async () => streams.every(s => s.ended), 5000, 'streams ended')
      expect(x.deps.orderStreams.open() + y.deps.orderStreams.open()).toBe(0)
    })
  })

  it('the order page, polled from two instances, asks WeChat Pay once per interval and learns of a payment', async () => {
    await onTwoInstances(async ({ onX, onY, order, queries, clock }) => {
      const statuses = async () => Promise.all([onX, onY, onX, onY].map(async (b) => {
        const res = await b.request(`/api/v1/payments/orders/${order.id}`)
        expect(res.status).toBe(200)
        return (await json(res)).status as string
      }))
      // Eight reads in one interval: one query among them, whichever instance made it.
      expect([...await statuses(), ...await statuses()].every(s => s === 'prepaid')).toBe(true)
      expect(queries.n).toBe(1)
      // Paid at WeChat Pay with its callback lost: a read within the same interval does not ask again...
      await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
      await statuses()
      expect(queries.n).toBe(1)
      // ...and the first read of the next interval does, and every page then shows it paid.
      clock.advance(200)
      expect(await statuses()).toContain('paid')
      expect(queries.n).toBe(2)
      expect(await statuses()).toEqual(['paid', 'paid', 'paid', 'paid'])
      expect(queries.n).toBe(2)
    })
  })

  it('a callback stored on instance A reaches a stream on instance B at once, pushed, not on its 60 s poll', async () => {
    const storage = await ownStorage()
    try {
      const { order, s } = await followedOnInstanceB(storage)
      expect((storage ?? ctx.storage).orderEvents.subscribers).toBeGreaterThanOrEqual(1)
      // WeChat Pay calls back the first instance (A); B has already asked WeChat Pay once and may not for 60 s.
      const sent = Date.now()
      await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
      await until(allSaw([s], 'paid'), 5000, 'paid pushed')
      expect(Date.now() - sent).toBeLessThan(5000)
      expect(s.seen).toEqual(['prepaid', 'paid'])
      await until(async () => s.ended, 2000, 'stream ended')
    }
    finally {
      await Promise.all(open.splice(0).map(f => f.close()))
      await storage?.close()
    }
  })

  it('a close is pushed to the stream at once, and POST .../close and the stream are never stored (no-store)', async () => {
    const inst = await ctx.stack.another({ env: { ORDER_STREAM_POLL_MS: '60000' } })
    const payer = await signedIn(inst, await payablePerson(YEAR))
    const order = await placeOrder(payer)
    const res = await payer.request(`/api/v1/payments/orders/${order.id}/events`)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    expect(res.headers.get('cache-control')).toBe('no-store')
    const s = follow(res)
    open.push(s)
    await until(allSaw([s], 'prepaid'), 5000, 'prepaid')
    const closed = await payer.request(`/api/v1/payments/orders/${order.id}/close`, { method: 'POST' })
    expect(closed.status).toBe(200)
    expect(closed.headers.get('cache-control')).toBe('no-store')
    expect(await json(closed)).toMatchObject({ id: order.id, status: 'closed' })
    await until(allSaw([s], 'closed'), 3000, 'closed pushed')
    expect(s.seen).toEqual(['prepaid', 'closed'])
    await until(async () => s.ended && inst.deps.orderStreams.open() === 0, 3000, 'stream ended')
  })

  it.skipIf(!postgresUrl)('PostgreSQL: a LISTEN connection that drops comes back by itself, and nothing is missed', async () => {
    const storage = await ownStorage()
    try {
      const { order, s } = await followedOnInstanceB(storage)
      const [{ schema }] = await storage!.db.execute(sql`select current_schema() as schema`) as unknown as [
        { schema: string },
      ]
      const listeners = async () => (await storage!.db.execute(sql`
        select pid from pg_stat_activity
        where application_name = ${LISTENER_APPLICATION_NAME} and query like ${`%"${orderEventsChannel(schema)}"%`}
      `) as unknown as { pid: number }[]).map(r => r.pid)
      const before = await listeners()
      expect(before.length).toBeGreaterThanOrEqual(1)

      // Every listener of this schema dropped (a failover, a restart); the payment lands right then.
      await storage!.db.execute(sql`
        select pg_terminate_backend(pid) from pg_stat_activity
        where pid in (${sql.join(before.map(p => sql`${p}`), sql`, `)})
      `)
      const sent = Date.now()
      await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
      await until(allSaw([s], 'paid'), 8000, 'paid after the drop')
      expect(Date.now() - sent).toBeLessThan(8000)
      const after = await until(async () => {
        const now = await listeners()
        return now.length === before.length && now.every(p => !before.includes(p)) && now
      }, 8000, 'listeners back')
      expect(after).toHaveLength(before.length)
    }
    finally {
      await Promise.all(open.splice(0).map(f => f.close()))
      await storage?.close()
    }
  })
})
