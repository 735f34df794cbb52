import type { AppDeps } from '../lib/types'
import type { OutboxJob } from '../storage/payments'
import type { TradeBillRow } from '../upstream/wechatpay/mapper'
import { shanghaiDate } from '@yibao/shared'
import { UpstreamError } from '../lib/errors'
import { parseTradeBill } from '../upstream/wechatpay/mapper'
import { claimJobs, completeJob, enqueue, failJob, findOrderBy, markLinesReported, openOrders, paidOrdersOn, orderLines, setOrderStatus } from '../storage/payments'
import { findRefundBy } from '../storage/refunds'
import { convergeRefund } from './refunds'
import { applyPaidTransaction, convergeOrder } from './service'

const LEASE_MS = 60_000

/** Retry back-off: 5 s, 20 s, 45 s … capped at 10 minutes; jobs are never dropped. */
export function retryDelayMs(attempts: number): number {
  return Math.min(10 * 60_000, 5_000 * attempts * attempts)
}

/** Runs one outbox job; throws to retry later. */
export async function runJob(deps: AppDeps, job: OutboxJob): Promise<void> {
  const log = deps.logger.child({ job: job.topic, jobId: job.id })
  switch (job.topic) {
    case 'report_collection': {
      // Report the paid order to the tax bureau's collection, which turns the people's enrolment to paid.
      const order = await findOrderBy(deps.storage.db, 'id', String(job.payload.orderId))
      if (!order || order.status !== 'paid') return
      const lines = await orderLines(deps.storage.db, order.id)
      if (lines.every(l => l.status === 'reported')) return
      await deps.premiums.collect({
        outTradeNo: order.outTradeNo,
        transactionId: order.transactionId ?? order.outTradeNo,
        paidAt: order.paidAt ?? deps.now(),
        lines: lines.map(l => ({ certNo: deps.vault.decrypt(l.personCertNoEnc), year: l.year, amountFen: l.amountFen })),
      }, log)
      await markLinesReported(deps.storage.db, order.id, deps.now())
      for (const l of lines) deps.personReads.forget(l.personCertRef)
      return
    }
    case 'check_order': {
      // The payer never came back and no callback arrived (or we were down): ask WeChat Pay.
      const order = await findOrderBy(deps.storage.db, 'id', String(job.payload.orderId))
      if (!order || (order.status !== 'prepaid' && order.status !== 'created')) return
      const after = await convergeOrder(deps, order)
      if (after.status === 'paid') return
      if (after.timeExpire.getTime() <= deps.now().getTime()) {
        if (after.status === 'prepaid') {
          try {
            await deps.wechatpay.close(after.outTradeNo)
          }
          catch (error) {
            // Paid meanwhile (ORDERPAID): converge again on the next run rather than closing.
            if (error instanceof UpstreamError && error.kind === 'rejected') {
              const again = await convergeOrder(deps, after)
              if (again.status === 'paid') return
            }
            throw error
          }
        }
        await setOrderStatus(deps.storage.db, after.id, ['created', 'prepaid'], 'closed')
        return
      }
      throw new Error('not paid yet')
    }
    case 'advance_refund': {
      // A refund the bureau or WeChat Pay could not take at once, or whose outcome has not come back.
      const refund = await findRefundBy(deps.storage.db, 'id', String(job.payload.refundId))
      if (!refund) return
      const after = await convergeRefund(deps, refund)
      if (after.status === 'approving' || after.status === 'refunding') throw new Error('refund not settled yet')
      return
    }
    case 'reconcile': {
      await reconcile(deps, String(job.payload.date))
      return
    }
    default:
      log.error('unknown job topic')
  }
}

/**
 * The day's trade bill. WeChat Pay answers NO_STATEMENT_EXIST both before the bill is made (the next
 * morning) and for a day without a single trade: for a past day it is an empty bill, so the
 * reconciliation completes (and flags any order we think was paid that day) instead of retrying forever.
 */
async function tradeBillOf(deps: AppDeps, date: string): Promise<{ rows: TradeBillRow[] }> {
  try {
    return parseTradeBill(await deps.wechatpay.downloadBill(await deps.wechatpay.tradeBill(date)))
  }
  catch (error) {
    const noBill = error instanceof UpstreamError && error.kind === 'rejected' && error.detail.upstreamCode === 'NO_STATEMENT_EXIST'
    if (noBill && date < shanghaiDate(deps.now())) return { rows: [] }
    throw error
  }
}

/**
 * T+1 reconciliation against WeChat Pay's trade bill: a SUCCESS row whose order is not paid here is
 * repaired (marked paid, reported); an order paid here but absent from the bill is flagged for staff.
 */
export async function reconcile(deps: AppDeps, date: string): Promise<{ repaired: string[], missingInBill: string[] }> {
  const bill = await tradeBillOf(deps, date)
  const repaired: string[] = []
  const inBill = new Set<string>()
  for (const row of bill.rows) {
    if (row.tradeState !== 'SUCCESS') continue
    inBill.add(row.outTradeNo)
    const order = await findOrderBy(deps.storage.db, 'outTradeNo', row.outTradeNo)
    if (order && order.status !== 'paid') {
      const tx = await deps.wechatpay.queryByOutTradeNo(row.outTradeNo)
      if (await applyPaidTransaction(deps, tx) === 'paid') repaired.push(row.outTradeNo)
    }
  }
  const paidHere = await paidOrdersOn(deps.storage.db, date)
  const missingInBill = paidHere.filter(no => !inBill.has(no))
  for (const no of missingInBill)
    await deps.audit.record({ actorType: 'system', actorId: 'reconcile', channel: 'public', action: 'payment.reconcile.missing_in_bill', target: `out_trade_no:${no}`, success: false, detail: { date } })
  deps.logger.info({ date, repaired: repaired.length, missingInBill: missingInBill.length, rows: bill.rows.length }, 'reconciled trade bill')
  return { repaired, missingInBill }
}

export interface PaymentWorker {
  /** One pass: claim due jobs and run them (tests call this directly). */
  tick: () => Promise<number>
  stop: () => void
}

/**
 * The outbox worker of one BFF instance. Several instances share the outbox safely (claims use
 * `FOR UPDATE SKIP LOCKED` and leases). On start it also schedules a check of every order left open,
 * so a crash between prepay and callback still converges, and the daily reconciliation.
 */
export function startPaymentWorker(deps: AppDeps, options: { intervalMs?: number, autostart?: boolean } = {}): PaymentWorker {
  let running = false
  let stopped = false
  async function tick(): Promise<number> {
    if (running || stopped) return 0
    running = true
    try {
      const jobs = await claimJobs(deps.storage.db, deps.now(), LEASE_MS)
      for (const job of jobs) {
        try {
          await runJob(deps, job)
          await completeJob(deps.storage.db, job.id, deps.now())
        }
        catch (error) {
          const message = error instanceof Error ? error.message : String(error)
          await failJob(deps.storage.db, job.id, message, new Date(deps.now().getTime() + retryDelayMs(job.attempts)))
          if (message !== 'not paid yet' && message !== 'refund not settled yet') deps.logger.warn({ job: job.topic, jobId: job.id, attempts: job.attempts, err: message }, 'job failed, will retry')
        }
      }
      return jobs.length
    }
    finally {
      running = false
    }
  }
  async function recover() {
    for (const order of await openOrders(deps.storage.db, new Date(deps.now().getTime() - 60_000)))
      await enqueue(deps.storage.db, 'check_order', `check_order:${order.id}:recover:${shanghaiDate(deps.now())}`, { orderId: order.id })
    const yesterday = shanghaiDate(new Date(deps.now().getTime() - 86_400_000))
    // The bill is ready from 10:00 the next day; reconcile at 10:30 Asia/Shanghai.
    await enqueue(deps.storage.db, 'reconcile', `reconcile:${yesterday}`, { date: yesterday }, new Date(`${shanghaiDate(deps.now())}T10:30:00+08:00`))
  }
  let timer: ReturnType<typeof setInterval> | undefined
  if (options.autostart !== false) {
    void recover().catch(error => deps.logger.error({ err: error }, 'payment recovery failed'))
    timer = setInterval(() => void tick().catch(error => deps.logger.error({ err: error }, 'payment worker tick failed')), options.intervalMs ?? 1000)
    timer.unref?.()
  }
  return {
    tick,
    stop: () => {
      stopped = true
      if (timer) clearInterval(timer)
    },
  }
}
