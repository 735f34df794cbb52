import type { AppDeps } from '../lib/types'
import type { PremiumOrder } from '../storage/payments'
import { randomUUID } from 'node:crypto'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { usePaymentStack } from '../testing/payment-stack'
import { streamOrderEvents } from './order-stream'
import { createAndPrepay } from './service'

/**
 * The edges of an order's event stream, driven with injected dependencies on the real stack: the push channel
 * refusing to listen (the stream polls instead), a failure while reading (logged, the stream ends, its slot is
 * freed), and a change rung while the stream was busy (the next wait returns at once, with no keep-alive
 * comment in between).
 */
const { ctx, payablePerson } = usePaymentStack()

async function prepaidOrder(): Promise<PremiumOrder> {
  const person = await payablePerson(TEST_YEAR)
  const browser = new TestBrowser(ctx.stack.app)
  const account = await browser.signInDirect(ctx.stack.deps, person)
  const payer = {
    principal: `resident:${account.id}`,
    resident: { account, certNo: person.certNo },
    logger: ctx.stack.deps.logger,
  }
  const { order } = await createAndPrepay(ctx.stack.deps, payer, {
    year: TEST_YEAR,
    channel: 'native',
    people: [{ kind: 'self' }],
    idempotency: null,
  })
  expect(order.status).toBe('prepaid')
  return order
}

/** The stream of `order` as the route would open it, with `deps`; the whole body once it ends. */
async function streamed(deps: AppDeps, order: PremiumOrder, session = randomUUID()) {
  const app = new Hono().get('/events', c => streamOrderEvents(c, deps, order, session))
  const res = await app.request('/events')
  expect(res.status).toBe(200)
  return res
}

/** `data` of each `status` event in an SSE body, and the keep-alive comments in it. */
function parse(body: string) {
  const statuses = [...body.matchAll(/^event: status\ndata: (.*)$/gm)]
    .map(m => (JSON.parse(m[1]!) as { status: string }).status)
  return { statuses, waiting: body.split('\n').filter(l => l === ': waiting').length }
}

/** Log lines (pino JSON) about `orderId` whose message is `msg`. */
function logged(msg: string, orderId: string): Record<string, unknown>[] {
  return ctx.stack.logs.map(l => JSON.parse(l) as Record<string, unknown>)
    .filter(l => l.msg === msg && l.orderId === orderId)
}

function withEnv(deps: AppDeps, env: Partial<AppDeps['env']>): AppDeps {
  return { ...deps, env: { ...deps.env, ...env } }
}

describe('order event stream edges', () => {
  it('with the push channel refusing to listen, warns once and learns of the payment by polling', async () => {
    const order = await prepaidOrder()
    const base = ctx.stack.deps
    const deps: AppDeps = {
      ...withEnv(base, { ORDER_STREAM_POLL_MS: 100 }),
      storage: {
        ...base.storage,
        orderEvents: {
          ...base.storage.orderEvents,
          subscribe: () => Promise.reject(new Error('LISTEN refused')),
        },
      },
    }
    const res = await streamed(deps, order)
    const body = res.text()
    await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
    expect(parse(await body).statuses).toEqual(['prepaid', 'paid'])
    const warned = logged('order events not available: polling only', order.id)
    expect(warned).toHaveLength(1)
    expect(warned[0]).toMatchObject({ level: 40, err: expect.objectContaining({ message: 'LISTEN refused' }) })
    expect(base.orderStreams.open()).toBe(0)
  })

  it('a failure while reading is logged (not written to the browser), ends the stream and frees its slot', async () => {
    const order = await prepaidOrder()
    const base = ctx.stack.deps
    const deps: AppDeps = {
      ...base,
      wechatpay: {
        ...base.wechatpay,
        queryByOutTradeNo: () => Promise.reject(new TypeError('query broke: secret internal detail')),
      },
    }
    const body = await (await streamed(deps, order)).text()
    expect(parse(body).statuses).toEqual(['prepaid'])
    expect(body).not.toContain('secret internal detail')
    const failed = logged('order stream failed', order.id)
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({
      level: 50,
      err: expect.objectContaining({ message: expect.stringContaining('query broke') }),
    })
    expect(base.orderStreams.open()).toBe(0)
  })

  it('a change rung while the stream is busy ends the next wait at once, with no keep-alive for it', async () => {
    const order = await prepaidOrder()
    const base = ctx.stack.deps
    let ring: (() => void) | undefined
    let nows = 0
    let readAgain!: () => void
    const secondRead = new Promise<void>((resolve) => {
      readAgain = resolve
    })
    const deps: AppDeps = {
      ...withEnv(base, { ORDER_STREAM_POLL_MS: 60_000 }),
      // The stream's clock: the deadline, then per pass the loop's check and the query lease's (5th: 2nd pass).
      now: () => {
        nows += 1
        if (nows === 5) readAgain()
        return base.now()
      },
      storage: {
        ...base.storage,
        orderEvents: {
          ...base.storage.orderEvents,
          subscribe: (id, onChange) => {
            ring = onChange
            return base.storage.orderEvents.subscribe(id, onChange)
          },
        },
      },
      wechatpay: {
        ...base.wechatpay,
        // A notification arrives while the first pass is asking WeChat Pay.
        queryByOutTradeNo: async (...args) => {
          ring?.()
          return base.wechatpay.queryByOutTradeNo(...args)
        },
      },
    }
    const res = await streamed(deps, order)
    const body = res.text()
    await secondRead
    await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
    const text = await body
    expect(parse(text)).toEqual({ statuses: ['prepaid', 'paid'], waiting: 1 })
  })
})
