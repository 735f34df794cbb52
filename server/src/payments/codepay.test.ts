import { randomInt } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { findOrderBy, orderLines } from '../storage/payments'
import { TEST_YEAR } from '../testing/clock'
import { usePaymentStack } from '../testing/payment-stack'
import { createCodepayOrder } from './codepay'

/**
 * A BFF that dies between two effects of a 付款码 payment (issue 13): the order row and its `settle_codepay`
 * job are written before WeChat Pay is called, so whatever happened upstream, the worker ends the order where
 * WeChat Pay says it is — paid, or 撤销 — and never leaves a charge without an order. The crash is staged
 * in-process: the request stops after the step named (the process-level SIGKILL harness, `crash.test.ts`,
 * drives the resident flows).
 */
const { ctx, payablePerson } = usePaymentStack()

function authCode(prefix: '10' | '14'): string {
  return `${prefix}${String(randomInt(1e8)).padStart(8, '0')}${String(randomInt(1e8)).padStart(8, '0')}`
}

async function writtenOrder() {
  const person = await payablePerson(TEST_YEAR)
  const payer = { principal: 'staff:crash-test', resident: null, logger: ctx.stack.deps.logger }
  const { order } = await createCodepayOrder(ctx.stack.deps, payer, {
    year: TEST_YEAR,
    people: [{ kind: 'other', name: person.name, certNo: person.certNo }],
    idempotency: null,
  })
  return order
}

/** The process is back after the payer's deadline: its worker runs the due jobs. */
async function restartAfterDeadline() {
  ctx.stack.clock.set(new Date(ctx.stack.clock.now().getTime() + 40_000), { frozen: true })
  await ctx.stack.worker.tick()
}

async function simState(outTradeNo: string): Promise<string | undefined> {
  const o = await ctx.stack.control(`/orders/${outTradeNo}`) as { trade_state?: string }
  return o.trade_state
}

describe('付款码 payments recover from a crash mid-flow', () => {
  let began: Date | undefined
  afterEach(() => {
    if (began) ctx.stack.clock.set(began)
    began = undefined
  })

  it('closes an order written before WeChat Pay was called (nothing charged, the person-year freed)', async () => {
    began = ctx.stack.clock.now()
    const order = await writtenOrder()
    expect(order).toMatchObject({ channel: 'codepay', status: 'created' })
    // Dies here: the code was never sent. Nothing happens before the deadline…
    await ctx.stack.worker.tick()
    expect((await findOrderBy(ctx.storage.db, 'id', order.id))!.status).toBe('created')
    await restartAfterDeadline()
    expect((await findOrderBy(ctx.storage.db, 'id', order.id))!.status).toBe('closed')
    expect((await orderLines(ctx.storage.db, order.id)).map(l => l.status)).toEqual(['void'])
    expect(await simState(order.outTradeNo)).toBeUndefined()
  })

  it('stores a payment WeChat Pay took just before the process died', async () => {
    began = ctx.stack.clock.now()
    const order = await writtenOrder()
    // The money is taken at WeChat Pay; the answer dies with the process.
    const answer = await ctx.stack.deps.wechatpay.codepay({
      outTradeNo: order.outTradeNo,
      description: order.description,
      amountFen: order.totalFen,
      authCode: authCode('10'),
      storeId: '370500',
    })
    expect(answer.state).toBe('SUCCESS')
    await restartAfterDeadline()
    const after = (await findOrderBy(ctx.storage.db, 'id', order.id))!
    expect(after).toMatchObject({ status: 'paid', transactionId: expect.any(String) })
    expect((await orderLines(ctx.storage.db, order.id)).map(l => l.status)).toEqual(['paid'])
    expect(await simState(order.outTradeNo)).toBe('SUCCESS')
  })

  it('撤销 an order whose payer was still entering the password when the process died', async () => {
    began = ctx.stack.clock.now()
    const order = await writtenOrder()
    const answer = await ctx.stack.deps.wechatpay.codepay({
      outTradeNo: order.outTradeNo,
      description: order.description,
      amountFen: order.totalFen,
      authCode: authCode('14'),
      storeId: '370500',
    })
    expect(answer.state).toBe('USERPAYING')
    await restartAfterDeadline()
    expect((await findOrderBy(ctx.storage.db, 'id', order.id))!.status).toBe('closed')
    expect(await simState(order.outTradeNo)).toBe('REVOKED')
  })

  it('retries the 撤销 while WeChat Pay is down, and ends the order once it answers', async () => {
    began = ctx.stack.clock.now()
    const order = await writtenOrder()
    await ctx.stack.deps.wechatpay.codepay({
      outTradeNo: order.outTradeNo,
      description: order.description,
      amountFen: order.totalFen,
      authCode: authCode('14'),
      storeId: '370500',
    })
    await ctx.stack.control('/config', { failNext: [{ path: '/v3/pay/transactions/out-trade-no', status: 500, code: 'SYSTEM_ERROR' }, { path: '/v3/pay/transactions/out-trade-no', status: 500, code: 'SYSTEM_ERROR' }] }, 'PUT')
    await restartAfterDeadline()
    expect((await findOrderBy(ctx.storage.db, 'id', order.id))!.status).toBe('created')
    expect(await simState(order.outTradeNo)).toBe('USERPAYING')
    // The job's back-off passes; WeChat Pay answers again.
    ctx.stack.clock.set(new Date(ctx.stack.clock.now().getTime() + 60_000), { frozen: true })
    await ctx.stack.worker.tick()
    expect((await findOrderBy(ctx.storage.db, 'id', order.id))!.status).toBe('closed')
    expect(await simState(order.outTradeNo)).toBe('REVOKED')
  })
})
