import type { Logger } from '../lib/logger'
import type { AppDeps } from '../lib/types'
import type { JobSubject, OutboxJob } from '../storage/payments'
import type { TradeBillRow } from '../upstream/wechatpay/mapper'
import { shanghaiDate } from '@yibao/shared'
import { crashPoint } from '../lib/crash-points'
import { UpstreamError } from '../lib/errors'
import { recordAnomaly, resolveAnomaliesOf } from '../storage/anomalies'
import {
  claimJobs,
  completeJob,
  enqueue,
  failJob,
  findLine,
  findOrderBy,
  killJob,
  markLineCollectedElsewhere,
  markLineReported,
  openOrders,
  orderLines,
  paidOrdersOn,
  snoozeJob,
} from '../storage/payments'
import { findRefundBy } from '../storage/refunds'
import { parseTradeBill } from '../upstream/wechatpay/mapper'
import { codepayTiming, settleCodepay } from './codepay'
import { RECONCILE_DESK_DAY, runDeskDayReconcile } from './day-close'
import { convergeRefund, refundDuplicate } from './refunds'
import { applyPaidTransaction, closeUnpaid, convergeOrder, raise } from './service'

const LEASE_MS = 60_000

/** Attempts a job gets before it becomes an anomaly (≈ 5 s … 30 min apart: about 4 hours in all). */
export const MAX_JOB_ATTEMPTS = 15

/** Exponential back-off after a failure: 5 s, 10 s, 20 s … capped at 30 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30 * 60_000, 5_000 * 2 ** Math.max(0, attempts - 1))
}

/** How long to wait before asking about a refund again, by its age: 1 min, then 5, then 30, then 6 hours. */
export function refundPollDelayMs(ageMs: number): number {
  if (ageMs < 5 * 60_000) return 60_000
  if (ageMs < 60 * 60_000) return 5 * 60_000
  if (ageMs < 24 * 60 * 60_000) return 30 * 60_000
  return 6 * 60 * 60_000
}

/** A job that has done what it can for now and wants to look again at `at` (not a failure). */
export class NotYet {
  constructor(readonly at: Date) {}
}

/** The tax bureau's 2002: that person-year is already collected (by us earlier, or another payment). */
const ALREADY_COLLECTED = '2002'

/** Runs one outbox job; throws to retry later with back-off, returns `NotYet` to look again without counting. */
export async function runJob(deps: AppDeps, job: OutboxJob): Promise<NotYet | void> {
  const log = deps.logger.child({ job: job.topic, jobId: job.id })
  const db = deps.storage.db
  switch (job.topic) {
    case 'report_collection': {
      // Jobs written before lines were reported one by one: hand each paid line to its own job.
      for (const l of await orderLines(db, String(job.payload.orderId)))
        if (l.status === 'paid') await enqueue(db, 'report_line', `report_line:${l.id}`, { lineId: l.id }, deps.now())
      return
    }
    case 'report_line':
      return reportLine(deps, String(job.payload.lineId), log)
    case 'refund_duplicate': {
      await refundDuplicate(deps, String(job.payload.lineId))
      return
    }
    case 'check_order': {
      // On the payer's time (1, 5, 15 minutes) and at expiry: ask WeChat Pay; at expiry, close.
      const order = await findOrderBy(db, 'id', String(job.payload.orderId))
      if (!order || (order.status !== 'prepaid' && order.status !== 'created')) return
      const after = await convergeOrder(deps, order)
      if (after.status !== 'paid' && job.payload.expire === true) await closeUnpaid(deps, after, log)
      return
    }
    case 'settle_codepay': {
      // A 付款码 order past its deadline (its request may have died mid-call): paid, or 撤销 at WeChat Pay.
      const order = await findOrderBy(db, 'id', String(job.payload.orderId))
      if (!order || (order.status !== 'prepaid' && order.status !== 'created')) return
      const timing = codepayTiming(deps)
      const result = await settleCodepay(deps, order, log, { ...timing, wait: false })
      if (result.outcome === 'userpaying') return new NotYet(new Date(deps.now().getTime() + timing.pollMs))
      if (result.outcome === 'reversing') throw new Error(`codepay order ${order.outTradeNo} not reversed yet`)
      return
    }
    case 'advance_refund': {
      // A refund the bureau or WeChat Pay could not take at once, or whose outcome has not come back.
      const refund = await findRefundBy(db, 'id', String(job.payload.refundId))
      if (!refund) return
      const after = await convergeRefund(deps, refund)
      if (after.status === 'approving' || after.status === 'refunding')
        return new NotYet(new Date(
          deps.now().getTime() + refundPollDelayMs(deps.now().getTime() - refund.createdAt.getTime()),
        ))
      return
    }
    case 'reconcile': {
      await reconcile(deps, String(job.payload.date))
      return
    }
    case RECONCILE_DESK_DAY:
      // 日结 T+1: one clerk's closed day against the trade bill (payments/day-close.ts).
      return runDeskDayReconcile(deps, job.payload)
    default:
      log.error('unknown job topic')
  }
}

/**
 * Reports one paid line to the tax bureau's collection (idempotent there on order + person-year). The
 * bureau's "already paid" (2002) is reconciled: collected under this order means reported; under
 * another payment means ours is the duplicate (refunded automatically). Any other refusal is an anomaly
 * for a person to work; it never holds back the other lines of the order.
 */
async function reportLine(deps: AppDeps, lineId: string, log: Logger): Promise<void> {
  const found = await findLine(deps.storage.db, lineId)
  if (!found || found.line.status !== 'paid') return
  const { line, order } = found
  const certNo = deps.vault.decrypt(line.personCertNoEnc)
  try {
    await deps.premiums.collect({
      outTradeNo: order.outTradeNo,
      transactionId: order.transactionId ?? order.outTradeNo,
      paidAt: order.paidAt ?? deps.now(),
      lines: [{ certNo, year: line.year, amountFen: line.amountFen }],
    }, log)
    crashPoint(deps, 'report.collected')
    await lineReported(deps, line.id)
  }
  catch (error) {
    if (!(error instanceof UpstreamError) || error.system !== 'tax' || error.kind !== 'rejected') throw error
    const code = error.detail.upstreamCode ?? ''
    if (code === ALREADY_COLLECTED) {
      const due = await deps.premiums.quote(certNo, undefined, line.year, log)
      if (due?.paidUnder === order.outTradeNo) await lineReported(deps, line.id)
      else await raise(deps, await markLineCollectedElsewhere(deps.storage.db, line, {
        outTradeNo: order.outTradeNo,
        taxCode: code,
        collectedUnder: due?.paidUnder ? 'another_order' : 'unknown',
      }, deps.now()))
    }
    else {
      await raise(deps, await recordAnomaly(deps.storage.db, {
        at: deps.now(),
        kind: 'tax_refused',
        dedupeKey: `tax_refused:${line.id}:${code}`,
        orderId: order.id,
        lineId: line.id,
        regionCode: line.regionCode,
        detail: {
          outTradeNo: order.outTradeNo,
          taxCode: code,
          amountFen: line.amountFen,
          year: line.year,
          person: line.personNameMasked,
        },
      }))
    }
  }
  deps.personReads.forget(line.personCertRef)
}

/** The bureau holds the line now: a refusal or a dead report job about it (异常处理) is settled too. */
async function lineReported(deps: AppDeps, lineId: string): Promise<void> {
  await markLineReported(deps.storage.db, lineId, deps.now())
  const settled = { lineId, by: 'system', resolution: '税务部门已入账', at: deps.now() }
  await resolveAnomaliesOf(deps.storage.db, { ...settled, kinds: ['tax_refused', 'job_exhausted'] })
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
    const noBill = error instanceof UpstreamError && error.kind === 'rejected'
      && error.detail.upstreamCode === 'NO_STATEMENT_EXIST'
    if (noBill && date < shanghaiDate(deps.now())) return { rows: [] }
    throw error
  }
}

/**
 * T+1 reconciliation against WeChat Pay's trade bill: a SUCCESS row whose order is not paid here is
 * repaired (applied as a payment) or, when it cannot be, an anomaly; an order paid here but absent from
 * the bill, or with another amount, is an anomaly too.
 */
export async function reconcile(
  deps: AppDeps,
  date: string,
): Promise<{ repaired: string[], missingInBill: string[], unknownInBill: string[] }> {
  const db = deps.storage.db
  const bill = await tradeBillOf(deps, date)
  const repaired: string[] = []
  const unknownInBill: string[] = []
  const inBill = new Map<string, TradeBillRow>()
  for (const row of bill.rows) {
    if (row.tradeState !== 'SUCCESS') continue
    inBill.set(row.outTradeNo, row)
    const order = await findOrderBy(db, 'outTradeNo', row.outTradeNo)
    if (order?.status === 'paid') continue
    const outcome = order
      ? await applyPaidTransaction(deps, await deps.wechatpay.queryByOutTradeNo(row.outTradeNo))
      : 'unknown_order'
    if (outcome === 'paid' || outcome === 'paid_after_close') {
      repaired.push(row.outTradeNo)
      continue
    }
    unknownInBill.push(row.outTradeNo)
    // An order of ours (its amount did not match) reaches its region's queue; a stranger's, admins'.
    const regionCode = order ? (await orderLines(db, order.id))[0]?.regionCode ?? null : null
    await raise(deps, await recordAnomaly(db, {
      at: deps.now(),
      kind: 'reconcile_unknown_in_bill',
      dedupeKey: `reconcile_unknown_in_bill:${row.outTradeNo}`,
      orderId: order?.id ?? null,
      regionCode,
      detail: { date, outTradeNo: row.outTradeNo, billFen: row.totalFen, transactionId: row.transactionId, outcome },
    }))
  }
  const missingInBill: string[] = []
  for (const order of await paidOrdersOn(db, date)) {
    const row = inBill.get(order.outTradeNo)
    if (row && row.totalFen === order.totalFen) continue
    missingInBill.push(order.outTradeNo)
    const regionCode = (await orderLines(db, order.id))[0]?.regionCode ?? null
    await raise(deps, await recordAnomaly(db, {
      at: deps.now(),
      kind: 'reconcile_missing_in_bill',
      dedupeKey: `reconcile_missing_in_bill:${order.outTradeNo}`,
      orderId: order.id,
      regionCode,
      detail: { date, outTradeNo: order.outTradeNo, totalFen: order.totalFen, billFen: row?.totalFen ?? null },
    }))
    await deps.audit.record({
      actorType: 'system',
      actorId: 'reconcile',
      channel: 'public',
      action: 'payment.reconcile.missing_in_bill',
      target: `out_trade_no:${order.outTradeNo}`,
      success: false,
      detail: { date },
    })
  }
  deps.logger.info({
    date,
    repaired: repaired.length,
    missingInBill: missingInBill.length,
    unknownInBill: unknownInBill.length,
    rows: bill.rows.length,
  }, 'reconciled trade bill')
  return { repaired, missingInBill, unknownInBill }
}

/** What a job is about (order, line, refund) and the person's region, so its anomaly reaches that region. */
async function subjectOfJob(deps: AppDeps, job: OutboxJob): Promise<JobSubject> {
  const db = deps.storage.db
  const refund = job.payload.refundId ? await findRefundBy(db, 'id', String(job.payload.refundId)) : null
  const lineId = refund?.lineId ?? (job.payload.lineId ? String(job.payload.lineId) : null)
  const found = lineId ? await findLine(db, lineId) : null
  if (found) return { orderId: found.order.id, lineId, refundId: refund?.id ?? null, regionCode: found.line.regionCode }
  const orderId = job.payload.orderId ? String(job.payload.orderId) : null
  const regionCode = orderId ? (await orderLines(db, orderId))[0]?.regionCode ?? null : null
  return { orderId, lineId: null, refundId: null, regionCode }
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
export function startPaymentWorker(
  deps: AppDeps,
  options: { intervalMs?: number, autostart?: boolean } = {},
): PaymentWorker {
  let running = false
  let stopped = false
  async function tick(): Promise<number> {
    if (running || stopped) return 0
    running = true
    try {
      const jobs = await claimJobs(deps.storage.db, deps.now(), LEASE_MS)
      for (const job of jobs) {
        try {
          const result = await runJob(deps, job)
          if (result instanceof NotYet) await snoozeJob(deps.storage.db, job.id, result.at)
          else await completeJob(deps.storage.db, job.id, deps.now())
        }
        catch (error) {
          const message = error instanceof Error ? error.message : String(error)
          if (job.attempts >= MAX_JOB_ATTEMPTS) {
            await raise(deps, await killJob(deps.storage.db, job, message, deps.now(), await subjectOfJob(deps, job)))
            continue
          }
          await failJob(deps.storage.db, job.id, message, new Date(deps.now().getTime() + retryDelayMs(job.attempts)))
          deps.logger.warn(
            { job: job.topic, jobId: job.id, attempts: job.attempts, err: message },
            'job failed, will retry',
          )
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
      await enqueue(
        deps.storage.db,
        'check_order',
        `check_order:${order.id}:recover:${shanghaiDate(deps.now())}`,
        { orderId: order.id },
        deps.now(),
      )
    const yesterday = shanghaiDate(new Date(deps.now().getTime() - 86_400_000))
    // The bill is ready from 10:00 the next day; reconcile at 10:30 Asia/Shanghai.
    await enqueue(
      deps.storage.db,
      'reconcile',
      `reconcile:${yesterday}`,
      { date: yesterday },
      new Date(`${shanghaiDate(deps.now())}T10:30:00+08:00`),
    )
  }
  let timer: ReturnType<typeof setInterval> | undefined
  if (options.autostart !== false) {
    void recover().catch(error => deps.logger.error({ err: error }, 'payment recovery failed'))
    timer = setInterval(
      () => void tick().catch(error => deps.logger.error({ err: error }, 'payment worker tick failed')),
      options.intervalMs ?? 1000,
    )
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
