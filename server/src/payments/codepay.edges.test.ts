import type { AppDeps } from '../lib/types'
import type { PremiumOrder } from '../storage/payments'
import type { CodepayTiming } from './codepay'
import { randomInt } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { UpstreamError } from '../lib/errors'
import { findOrderBy } from '../storage/payments'
import { auditEvents, paymentAnomalies } from '../storage/schema'
import { TEST_YEAR } from '../testing/clock'
import { usePaymentStack } from '../testing/payment-stack'
import { CODEPAY_REASONS, createCodepayOrder, payByCode, settleCodepay } from './codepay'

/**
 * Edges of 付款码支付 (payments/codepay.ts) at the service level, against the WeChat Pay simulator: each way
 * WeChat Pay refuses a code and what the clerk is told, a scan of an order already sent, an order already
 * 撤销, a payment of another amount, and a 撤销 that comes after the order was paid here.
 */
const { ctx, payablePerson } = usePaymentStack()

const SCENE = { storeId: '370500' }
const CODEPAY_PATH = '/v3/pay/transactions/codepay'

function authCode(prefix: '10' | '14'): string {
  return `${prefix}${String(randomInt(1e8)).padStart(8, '0')}${String(randomInt(1e8)).padStart(8, '0')}`
}

/** Timing whose `sleep` records and refuses: a step that must not wait fails loudly if it does. */
function noWaiting(): CodepayTiming & { slept: number[] } {
  const slept: number[] = []
  return {
    pollMs: 20,
    waitMs: 30_000,
    slept,
    sleep: async (ms) => {
      slept.push(ms)
      throw new Error('this step must not wait')
    },
  }
}

async function newOrder(deps: AppDeps = ctx.stack.deps): Promise<PremiumOrder> {
  const person = await payablePerson(TEST_YEAR)
  const payer = { principal: 'staff:codepay-edges', resident: null, logger: deps.logger }
  const { order } = await createCodepayOrder(deps, payer, {
    year: TEST_YEAR,
    people: [{ kind: 'other', name: person.name, certNo: person.certNo }],
    idempotency: null,
  })
  expect(order).toMatchObject({ channel: 'codepay', status: 'created' })
  return order
}

/** WeChat Pay answers the next 付款码 call with this error. */
async function refuseNextCodepay(status: number, code: string) {
  await ctx.stack.control('/config', { failNext: [{ path: CODEPAY_PATH, status, code }] }, 'PUT')
}

/** One step (`wait: false`) or the wait loop of `settleCodepay`, with a `sleep` that must not be reached. */
function settle(order: PremiumOrder, wait: boolean) {
  return settleCodepay(ctx.stack.deps, order, ctx.stack.deps.logger, { ...noWaiting(), wait })
}

async function simOrder(outTradeNo: string) {
  return ctx.stack.control(`/orders/${outTradeNo}`) as Promise<{ trade_state?: string }>
}

async function reversedAudit(orderId: string) {
  return ctx.storage.db.select().from(auditEvents)
    .where(and(eq(auditEvents.action, 'payment.reversed'), eq(auditEvents.target, `order:${orderId}`)))
}

describe('付款码: what the clerk is told when WeChat Pay refuses the code', () => {
  const cases: [status: number, code: string, reason: string][] = [
    [400, 'PARAM_ERROR', CODEPAY_REASONS.CODE_INVALID],
    [400, 'INVALID_REQUEST', CODEPAY_REASONS.CODE_INVALID],
    [403, 'AUTHCODEEXPIRE', CODEPAY_REASONS.CODE_INVALID],
    [403, 'AUTH_CODE_INVALID', CODEPAY_REASONS.CODE_INVALID],
    [403, 'NOTENOUGH', CODEPAY_REASONS.NOTENOUGH],
    [403, 'TRADE_ERROR', '微信支付未能完成支付（TRADE_ERROR），已撤销'],
    [403, 'NOAUTH', '微信支付未能完成支付（NOAUTH），已撤销'],
  ]
  for (const [status, code, reason] of cases) {
    it(`${status} ${code} → 撤销, order closed, reason “${reason}”`, async () => {
      const order = await newOrder()
      await refuseNextCodepay(status, code)
      const timing = noWaiting()
      const result = await payByCode(ctx.stack.deps, order, authCode('10'), SCENE, ctx.stack.deps.logger, timing)
      expect(result.outcome).toBe('reversed')
      expect(result.reason).toBe(reason)
      expect(result.order).toMatchObject({ id: order.id, status: 'closed' })
      expect((await findOrderBy(ctx.storage.db, 'id', order.id))!.status).toBe('closed')
      expect(timing.slept).toEqual([])
      // Nothing was taken: WeChat Pay never had the order.
      expect((await simOrder(order.outTradeNo)).trade_state).toBeUndefined()
      const audit = await reversedAudit(order.id)
      expect(audit.map(e => [e.actorType, e.actorId, e.success, e.detail])).toEqual([
        ['system', 'wechatpay', true, { outTradeNo: order.outTradeNo, totalFen: order.totalFen, reason }],
      ])
    })
  }

  it('a refusal without a WeChat code says 未知原因', async () => {
    const deps = ctx.stack.deps
    const refusing: AppDeps = {
      ...deps,
      wechatpay: {
        ...deps.wechatpay,
        codepay: async () => {
          throw new UpstreamError('wechatpay', 'rejected', { status: 400 })
        },
      },
    }
    const order = await newOrder()
    const result = await payByCode(refusing, order, authCode('10'), SCENE, deps.logger, noWaiting())
    expect(result).toMatchObject({
      outcome: 'reversed',
      reason: '微信支付未能完成支付（未知原因），已撤销',
      order: { id: order.id, status: 'closed' },
    })
  })

  it('refuses to take a non-付款码 order by code, and sends nothing', async () => {
    const order = await newOrder()
    const native = { ...order, channel: 'native' as const }
    await expect(payByCode(ctx.stack.deps, native, authCode('10'), SCENE, ctx.stack.deps.logger, noWaiting()))
      .rejects
      .toThrow(new TypeError('not a 付款码 order'))
    expect((await simOrder(order.outTradeNo)).trade_state).toBeUndefined()
    expect((await findOrderBy(ctx.storage.db, 'id', order.id))!.status).toBe('created')
  })
})

describe('付款码: an order already sent', () => {
  it('a second scan of a waiting order only queries once (no wait, no second charge): still userpaying', async () => {
    const order = await newOrder()
    const first = await payByCode(ctx.stack.deps, order, authCode('14'), SCENE, ctx.stack.deps.logger, noWaiting())
    expect(first).toMatchObject({ outcome: 'userpaying', reason: null, order: { status: 'prepaid' } })
    const before = ((await ctx.stack.control('/orders')).orders as unknown[]).length

    const timing = noWaiting()
    const again = await payByCode(ctx.stack.deps, first.order, authCode('10'), SCENE, ctx.stack.deps.logger, timing)
    expect(again.outcome).toBe('userpaying')
    expect(again.reason).toBeNull()
    expect(again.order).toMatchObject({ id: order.id, status: 'prepaid' })
    expect(timing.slept).toEqual([])
    expect(((await ctx.stack.control('/orders')).orders as unknown[]).length).toBe(before)
    expect((await simOrder(order.outTradeNo)).trade_state).toBe('USERPAYING')
  })

  it('an order already closed here settles as 撤销 (该订单已在微信支付撤销) without asking WeChat Pay', async () => {
    const order = await newOrder()
    await refuseNextCodepay(403, 'NOTENOUGH')
    const refused = await payByCode(ctx.stack.deps, order, authCode('10'), SCENE, ctx.stack.deps.logger, noWaiting())
    expect(refused.order.status).toBe('closed')

    const settled = await settle(refused.order, true)
    expect(settled.outcome).toBe('reversed')
    expect(settled.reason).toBe(CODEPAY_REASONS.REVOKED)
    expect(settled.order).toMatchObject({ id: order.id, status: 'closed' })
    // A scan of the closed order gives the same answer.
    const rescanned = await payByCode(ctx.stack.deps, refused.order, authCode('10'), SCENE, ctx.stack.deps.logger)
    expect(rescanned).toMatchObject({
      outcome: 'reversed',
      reason: CODEPAY_REASONS.REVOKED,
      order: { status: 'closed' },
    })
  })

  it('paid at WeChat Pay with another amount: reversing, sent to 异常处理, never marked paid', async () => {
    const order = await newOrder()
    const waiting = await payByCode(ctx.stack.deps, order, authCode('14'), SCENE, ctx.stack.deps.logger, noWaiting())
    expect(waiting.outcome).toBe('userpaying')
    ctx.stack.sandbox.state.wechatpay.orders.get(order.outTradeNo)!.totalFen = order.totalFen + 1
    await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})

    const result = await settle(waiting.order, false)
    expect(result.outcome).toBe('reversing')
    expect(result.reason).toBe('微信支付已扣款，但与订单金额不一致，已转异常处理')
    expect(result.order).toMatchObject({ id: order.id, status: 'prepaid' })
    const anomalies = await ctx.storage.db.select().from(paymentAnomalies).where(eq(paymentAnomalies.orderId, order.id))
    expect(anomalies.map(a => [a.kind, a.status])).toEqual([['amount_mismatch', 'open']])
  })

  it('a 撤销 after the order was paid here (a stale retry): the money goes back, logged as an error', async () => {
    const order = await newOrder()
    // WeChat Pay takes the money; our worker applies it.
    const answer = await ctx.stack.deps.wechatpay.codepay({
      outTradeNo: order.outTradeNo,
      description: order.description,
      amountFen: order.totalFen,
      authCode: authCode('10'),
      storeId: '370500',
    })
    expect(answer.state).toBe('SUCCESS')
    const paid = await settle(order, false)
    expect(paid).toMatchObject({ outcome: 'paid', reason: null, order: { status: 'paid' } })

    // A retry still holding the order as created scans another code: WeChat Pay refuses it, so it is 撤销.
    const logsBefore = ctx.stack.logs.length
    const result = await payByCode(ctx.stack.deps, order, authCode('10'), SCENE, ctx.stack.deps.logger, noWaiting())
    expect(result.outcome).toBe('reversing')
    expect(result.reason).toBe('微信支付未能完成支付（OUT_TRADE_NO_USED），已撤销')
    expect(result.order).toMatchObject({ id: order.id, status: 'paid' })
    expect((await simOrder(order.outTradeNo)).trade_state).toBe('REVOKED')
    const errors = ctx.stack.logs.slice(logsBefore).map(l => JSON.parse(l) as Record<string, unknown>)
      .filter(l => l.msg === 'codepay order reversed after it was paid here')
    expect(errors).toEqual([expect.objectContaining({ orderId: order.id, outTradeNo: order.outTradeNo })])
    expect(await reversedAudit(order.id)).toHaveLength(1)
  })

  it('a storage failure while marking the order as waiting is not taken for a lost race: the scan fails', async () => {
    const order = await newOrder()
    const db = ctx.storage.db
    const failing = new Proxy(db, {
      get(target, prop) {
        if (prop === 'update') return () => { throw new Error('storage down') }
        const value = Reflect.get(target, prop, target) as unknown
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const deps: AppDeps = { ...ctx.stack.deps, storage: { ...ctx.stack.deps.storage, db: failing } }
    await expect(payByCode(deps, order, authCode('14'), SCENE, deps.logger, noWaiting()))
      .rejects
      .toThrow('storage down')
    // WeChat Pay has the payment waiting for the password; the order row is as it was (the worker settles it).
    expect((await simOrder(order.outTradeNo)).trade_state).toBe('USERPAYING')
    expect((await findOrderBy(db, 'id', order.id))!.status).toBe('created')
  })
})
