import type { Logger } from '../lib/logger'
import type { AppDeps } from '../lib/types'
import type { PremiumOrder } from '../storage/payments'
import type { Payer, PersonPick } from './service'
import { setTimeout as sleepMs } from 'node:timers/promises'
import { crashPoint } from '../lib/crash-points'
import { UpstreamError } from '../lib/errors'
import { IllegalTransition } from '../domain/states'
import { closeOrder, findOrderBy, transitionOrder } from '../storage/payments'
import { applyPaidTransaction, createAndPrepay } from './service'

/**
 * 付款码支付 at the help desk: the clerk scans the payer's WeChat payment code with the gun. The order row
 * (with a `settle_codepay` job due after the payer's deadline) is written before WeChat Pay is called, so a
 * charge never exists without an order: if this process dies mid-call, the worker settles it on restart.
 *
 * WeChat Pay's rules (付款码支付 / 撤销): a 202 `USERPAYING` answer means the payer is entering their
 * password; query the order every 5 s; when it fails (PAYERROR) or has not succeeded after 30 s, 撤销 it
 * (`reverse`: closes it, and sends back money taken meanwhile). A payment code has no callback.
 */

/** How a 付款码 payment stands after a step. */
export type CodepayOutcome = 'paid' | 'userpaying' | 'reversed' | 'reversing'

export interface CodepayResult {
  outcome: CodepayOutcome
  /** Why it was 撤销 or is being (Chinese, for the clerk); null when paid or still waiting. */
  reason: string | null
  order: PremiumOrder
}

/** Timing of the query loop (from the environment; tests shorten it). `sleep` waits between two queries. */
export interface CodepayTiming {
  pollMs: number
  waitMs: number
  sleep: (ms: number) => Promise<void>
}

export function codepayTiming(deps: AppDeps): CodepayTiming {
  return {
    pollMs: deps.env.WXPAY_CODEPAY_POLL_MS,
    waitMs: deps.env.WXPAY_CODEPAY_WAIT_MS,
    sleep: ms => sleepMs(ms, undefined, { ref: false }),
  }
}

/** Why WeChat Pay refused or failed a payment, in the clerk's words. */
export const CODEPAY_REASONS = {
  NOTENOUGH: '付款人微信零钱或银行卡余额不足，请付款人更换支付方式后重新出示付款码',
  PAYERROR: '付款人取消了支付或支付密码错误，未扣款',
  TIMEOUT: '付款人未在规定时间内完成支付（输入密码），已撤销',
  CODE_INVALID: '付款码无效或已使用，请付款人刷新付款码后重新扫码',
  NOT_SENT: '支付请求未送达微信支付，已撤销，未扣款',
  REVOKED: '该订单已在微信支付撤销',
} as const

function reasonOf(error: UpstreamError): string {
  const code = error.detail.upstreamCode ?? ''
  if (code === 'NOTENOUGH') return CODEPAY_REASONS.NOTENOUGH
  if (code === 'PARAM_ERROR' || code === 'INVALID_REQUEST' || code.startsWith('AUTH')) return CODEPAY_REASONS.CODE_INVALID
  return `微信支付未能完成支付（${code || '未知原因'}），已撤销`
}

/**
 * The order for a 付款码 payment (or, on a retry with the same Idempotency-Key, the same order): the person-year
 * rule of every payment applies (a person held by another open order is refused; the clerk's own open order
 * for them is closed first).
 */
export async function createCodepayOrder(
  deps: AppDeps,
  payer: Payer,
  input: { year: number, people: PersonPick[], idempotency: { id: number, resumed: boolean } | null },
  timing: CodepayTiming = codepayTiming(deps),
) {
  return createAndPrepay(deps, payer, { ...input, channel: 'codepay', codepayWaitMs: timing.waitMs })
}

/** Where the payment is taken (WeChat Pay's `scene_info`): the hall (the clerk's region) and the till. */
export interface CodepayScene {
  storeId: string
  deviceId?: string
  deviceIp?: string
}

/**
 * Takes the payment of an order by the payer's code. A fresh order is sent to WeChat Pay once; an order
 * already sent (a retry after a lost answer) is only queried. Returns at once when paid or refused (撤销),
 * and `userpaying` when the payer is entering the password: `settleCodepay` follows it from there.
 */
export async function payByCode(
  deps: AppDeps,
  order: PremiumOrder,
  authCode: string,
  scene: CodepayScene,
  logger: Logger,
  timing: CodepayTiming = codepayTiming(deps),
): Promise<CodepayResult> {
  if (order.channel !== 'codepay') throw new TypeError('not a 付款码 order')
  if (order.status !== 'created') return settleCodepay(deps, order, logger, { ...timing, wait: false })
  let answer
  try {
    answer = await deps.wechatpay.codepay({
      outTradeNo: order.outTradeNo,
      description: order.description,
      amountFen: order.totalFen,
      attach: `year=${order.year}`,
      authCode,
      ...scene,
    }, logger)
  }
  catch (error) {
    if (!(error instanceof UpstreamError)) throw error
    // Refused (no money taken): 撤销 to be sure, and say why.
    if (error.kind === 'rejected' && error.detail.upstreamCode !== 'ORDER_REVOKED')
      return reverseAndClose(deps, order, reasonOf(error), logger)
    // Timeout, 5xx or an unverifiable answer: the outcome is unknown. Ask, never send the code again.
    logger.warn({ outTradeNo: order.outTradeNo, kind: error.kind, code: error.detail.upstreamCode }, 'codepay outcome unknown')
    return settleCodepay(deps, order, logger, { ...timing, wait: false })
  }
  crashPoint(deps, 'codepay.answered')
  if (answer.state === 'SUCCESS') return paid(deps, order, answer.transaction)
  const waiting = await transitionOrder(deps.storage.db, order.id, 'userpaying').catch(ignoreIllegal)
  return { outcome: 'userpaying', reason: null, order: waiting ?? await fresh(deps, order) }
}

/**
 * Follows a 付款码 order to its end: queries WeChat Pay (every `pollMs` while `wait` and the payer has time),
 * applies a payment, and 撤销 the order when it failed or its deadline (`timeExpire`) passed unpaid. With
 * `wait: false` it takes one step (the worker; a payment whose outcome is unknown). Safe to repeat.
 */
export async function settleCodepay(
  deps: AppDeps,
  start: PremiumOrder,
  logger: Logger,
  opts: CodepayTiming & { wait: boolean },
): Promise<CodepayResult> {
  let order = start
  for (;;) {
    order = await fresh(deps, order)
    if (order.status === 'paid') return { outcome: 'paid', reason: null, order }
    if (order.status === 'closed') return { outcome: 'reversed', reason: CODEPAY_REASONS.REVOKED, order }
    const late = deps.now().getTime() >= order.timeExpire.getTime()
    let state: string
    try {
      const tx = await deps.wechatpay.queryByOutTradeNo(order.outTradeNo, logger)
      if (tx.tradeState === 'SUCCESS') return paid(deps, order, tx)
      state = tx.tradeState
    }
    catch (error) {
      if (!(error instanceof UpstreamError)) throw error
      // ORDER_NOT_EXIST: the code never reached WeChat Pay (or not yet: a call still under way before the deadline).
      state = error.detail.upstreamCode === 'ORDER_NOT_EXIST' ? 'NOT_SENT' : 'UNKNOWN'
    }
    if (state === 'PAYERROR') return reverseAndClose(deps, order, CODEPAY_REASONS.PAYERROR, logger)
    if (state === 'REVOKED' || state === 'CLOSED') return reverseAndClose(deps, order, CODEPAY_REASONS.REVOKED, logger)
    if (late) {
      const reason = state === 'NOT_SENT' ? CODEPAY_REASONS.NOT_SENT : CODEPAY_REASONS.TIMEOUT
      return reverseAndClose(deps, order, reason, logger)
    }
    if (!opts.wait) return { outcome: 'userpaying', reason: null, order }
    await opts.sleep(Math.min(opts.pollMs, Math.max(1, order.timeExpire.getTime() - deps.now().getTime())))
  }
}

async function paid(
  deps: AppDeps,
  order: PremiumOrder,
  tx: Parameters<typeof applyPaidTransaction>[1],
): Promise<CodepayResult> {
  await applyPaidTransaction(deps, tx)
  const after = await fresh(deps, order)
  if (after.status === 'paid') return { outcome: 'paid', reason: null, order: after }
  // Paid at WeChat Pay but not applicable here (an amount that differs: in the 异常处理 queue): never lost.
  return { outcome: 'reversing', reason: '微信支付已扣款，但与订单金额不一致，已转异常处理', order: after }
}

/**
 * 撤销 at WeChat Pay, then closes the order here (its person-year is free again). When WeChat Pay cannot be
 * reached the order stays open as `reversing`: the `settle_codepay` job retries it.
 */
async function reverseAndClose(
  deps: AppDeps,
  order: PremiumOrder,
  reason: string,
  logger: Logger,
): Promise<CodepayResult> {
  try {
    await deps.wechatpay.reverse(order.outTradeNo, logger)
  }
  catch (error) {
    const neverSent = error instanceof UpstreamError && error.detail.upstreamCode === 'ORDER_NOT_EXIST'
    if (!neverSent) {
      if (!(error instanceof UpstreamError)) throw error
      logger.warn({ outTradeNo: order.outTradeNo, kind: error.kind, code: error.detail.upstreamCode }, 'codepay reverse failed')
      return { outcome: 'reversing', reason, order: await fresh(deps, order) }
    }
  }
  await closeOrder(deps.storage.db, order.id, 'reverse').catch(ignoreIllegal)
  await deps.audit.record({
    actorType: 'system',
    actorId: 'wechatpay',
    channel: 'public',
    action: 'payment.reversed',
    target: `order:${order.id}`,
    success: true,
    detail: { outTradeNo: order.outTradeNo, totalFen: order.totalFen, reason },
  })
  const after = await fresh(deps, order)
  if (after.status === 'paid') {
    // Our own worker applied a payment between our query and the 撤销: WeChat Pay sends it back; say so loudly.
    logger.error({ orderId: order.id, outTradeNo: order.outTradeNo }, 'codepay order reversed after it was paid here')
  }
  return { outcome: after.status === 'closed' ? 'reversed' : 'reversing', reason, order: after }
}

async function fresh(deps: AppDeps, order: PremiumOrder): Promise<PremiumOrder> {
  return (await findOrderBy(deps.storage.db, 'id', order.id)) ?? order
}

function ignoreIllegal(error: unknown): null {
  if (error instanceof IllegalTransition) return null
  throw error
}
