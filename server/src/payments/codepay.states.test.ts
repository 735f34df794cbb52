import type { AppDeps } from '../lib/types'
import type { PremiumOrder } from '../storage/payments'
import type { CodepayTiming } from './codepay'
import { randomInt } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { findOrderBy } from '../storage/payments'
import { auditEvents } from '../storage/schema'
import { TEST_YEAR } from '../testing/clock'
import { usePaymentStack } from '../testing/payment-stack'
import { CODEPAY_REASONS, createCodepayOrder, payByCode, settleCodepay } from './codepay'

/**
 * What `settleCodepay` makes of each answer of WeChat Pay's query about a 付款码 order (payments/codepay.ts),
 * against the WeChat Pay simulator: the order never reached WeChat Pay (ORDER_NOT_EXIST), the query failed,
 * the order was 撤销 or closed at WeChat Pay. Each time: the reason the clerk is told, the order's status,
 * the audit row of the 撤销, and no "reversed after it was paid" alarm for an order that was never paid.
 */
const { ctx, payablePerson } = usePaymentStack()

const SCENE = { storeId: '370500' }
const ORDER_PATH = '/v3/pay/transactions/out-trade-no/'
const PAID_ALARM = 'codepay order reversed after it was paid here'

function authCode(prefix: '10' | '14'): string {
  return `${prefix}${String(randomInt(1e8)).padStart(8, '0')}${String(randomInt(1e8)).padStart(8, '0')}`
}

/** Timing whose `sleep` refuses: a single step (`wait: false`) must never wait. */
function noWaiting(): CodepayTiming {
  return {
    pollMs: 20,
    waitMs: 30_000,
    sleep: async () => {
      throw new Error('this step must not wait')
    },
  }
}

async function newOrder(): Promise<PremiumOrder> {
  const person = await payablePerson(TEST_YEAR)
  const payer = { principal: 'staff:codepay-states', resident: null, logger: ctx.stack.deps.logger }
  const { order } = await createCodepayOrder(ctx.stack.deps, payer, {
    year: TEST_YEAR,
    people: [{ kind: 'other', name: person.name, certNo: person.certNo }],
    idempotency: null,
  })
  expect(order).toMatchObject({ channel: 'codepay', status: 'created' })
  return order
}

/** An order sent to WeChat Pay whose payer is entering the password (202 USERPAYING): prepaid here. */
async function waitingOrder(): Promise<PremiumOrder> {
  const order = await newOrder()
  const first = await payByCode(ctx.stack.deps, order, authCode('14'), SCENE, ctx.stack.deps.logger, noWaiting())
  expect(first).toMatchObject({ outcome: 'userpaying', reason: null, order: { status: 'prepaid' } })
  expect((await simOrder(order.outTradeNo)).trade_state).toBe('USERPAYING')
  return first.order
}

/** The stack's deps on a clock past the order's deadline (`timeExpire`); WeChat Pay keeps its own clock. */
function pastDeadline(order: PremiumOrder): AppDeps {
  return { ...ctx.stack.deps, now: () => new Date(order.timeExpire.getTime() + 1000) }
}

/** One step of `settleCodepay`, as the worker takes it. */
function step(deps: AppDeps, order: PremiumOrder) {
  return settleCodepay(deps, order, ctx.stack.deps.logger, { ...noWaiting(), wait: false })
}

async function simOrder(outTradeNo: string) {
  return ctx.stack.control(`/orders/${outTradeNo}`) as Promise<{ trade_state?: string }>
}

async function auditOf(order: PremiumOrder) {
  return ctx.storage.db.select().from(auditEvents).where(eq(auditEvents.target, `order:${order.id}`))
}

function alarmsFor(order: PremiumOrder, logsBefore: number) {
  return ctx.stack.logs.slice(logsBefore).map(l => JSON.parse(l) as Record<string, unknown>)
    .filter(l => l.msg === PAID_ALARM && l.orderId === order.id)
}

/**
 * One step of `settleCodepay` on `deps` 撤销 the order for `reason`: it answers so, the order is closed here, one
 * audit row of the system's 撤销, no alarm.
 */
async function expectStepReverses(deps: AppDeps, order: PremiumOrder, reason: string) {
  const logsBefore = ctx.stack.logs.length
  const result = await step(deps, order)
  expect(result.outcome).toBe('reversed')
  expect(result.reason).toBe(reason)
  expect(result.order).toMatchObject({ id: order.id, status: 'closed' })
  expect((await findOrderBy(ctx.storage.db, 'id', order.id))!.status).toBe('closed')
  const audit = await auditOf(order)
  expect(audit.map(e => [e.actorType, e.actorId, e.channel, e.action, e.success, e.detail])).toEqual([
    ['system', 'wechatpay', 'public', 'payment.reversed', true, {
      outTradeNo: order.outTradeNo,
      totalFen: order.totalFen,
      reason,
    }],
  ])
  expect(alarmsFor(order, logsBefore)).toEqual([])
}

describe('付款码 past its deadline: why the order is 撤销', () => {
  it('never reached WeChat Pay (ORDER_NOT_EXIST): 撤销 as not sent (未送达, 未扣款), not as a timeout', async () => {
    const order = await newOrder()
    await expectStepReverses(pastDeadline(order), order, CODEPAY_REASONS.NOT_SENT)
    // WeChat Pay never had it.
    expect((await simOrder(order.outTradeNo)).trade_state).toBeUndefined()
  })

  it('sent, and the query fails (500): the outcome is unknown, so it is a timeout (已撤销), not “not sent”', async () => {
    const order = await waitingOrder()
    await ctx.stack.control('/config', {
      failNext: [{ path: `${ORDER_PATH}${order.outTradeNo}`, status: 500, code: 'SYSTEM_ERROR' }],
    }, 'PUT')
    await expectStepReverses(pastDeadline(order), order, CODEPAY_REASONS.TIMEOUT)
    // The 撤销 reached WeChat Pay: the payer can no longer finish paying.
    expect((await simOrder(order.outTradeNo)).trade_state).toBe('REVOKED')
  })
})

describe('付款码 ended at WeChat Pay before its deadline', () => {
  it.each([
    ['REVOKED', (outTradeNo: string) => ctx.stack.deps.wechatpay.reverse(outTradeNo)],
    ['CLOSED', (outTradeNo: string) => ctx.stack.deps.wechatpay.close(outTradeNo)],
  ] as const)('%s there: closed here at once, 该订单已在微信支付撤销', async (state, end) => {
    const order = await waitingOrder()
    await end(order.outTradeNo)
    expect((await simOrder(order.outTradeNo)).trade_state).toBe(state)
    expect(ctx.stack.deps.now().getTime()).toBeLessThan(order.timeExpire.getTime())
    await expectStepReverses(ctx.stack.deps, order, CODEPAY_REASONS.REVOKED)
  })

  it('still USERPAYING there: the step leaves it waiting (nothing 撤销, nothing audited)', async () => {
    const order = await waitingOrder()
    const result = await step(ctx.stack.deps, order)
    expect(result).toMatchObject({ outcome: 'userpaying', reason: null, order: { id: order.id, status: 'prepaid' } })
    expect(await auditOf(order)).toEqual([])
  })
})
