import type {
  AnyRefundReason,
  ErrorCode,
  RefundReason,
  RefundStatus,
  RefundView,
  SystemRefundReason,
} from '@yibao/shared'
import type { LineStatus } from '../domain/states'
import type { AppDeps } from '../lib/types'
import type { NewDeskAct } from '../storage/desk-acts'
import type { PremiumRefund } from '../storage/refunds'
import type { WechatPayRefund } from '../upstream/wechatpay/mapper'
import { randomBytes } from 'node:crypto'
import { formatErrorMessage, maskIdCard, REFUND_REASON_LABELS, toShanghaiIso } from '@yibao/shared'
import { assessRefund, newOutRefundNo } from '../domain/refund'
import { crashPoint } from '../lib/crash-points'
import { AppError, UpstreamError } from '../lib/errors'
import { clerksOf } from '../lib/desk-acts'
import { recordAnomaly } from '../storage/anomalies'
import { insertDeskAct } from '../storage/desk-acts'
import { enqueue, findLine, findOrderBy, orderIsFor, orderLines } from '../storage/payments'
import {
  findRefundBy,
  insertRefund,
  liveRefundOfLine,
  markRefundSucceeded,
  moveRefund,
  setRefundWechatId,
} from '../storage/refunds'
import { refundRefusal } from '../upstream/tax/premiums'
import { refundFactsFor } from './refund-cases'
import { raise } from './service'

/** WeChat Pay's guidance: ask about a refund about a minute after requesting it (the worker backs off from there). */
export const REFUND_FIRST_QUERY_MS = 60_000

/**
 * 退费: the payer of an order asks for one person's premium back. The rules (domain/refund.ts) refuse up
 * front what they already exclude (a benefit year that has started, for the reasons it ends) and give the
 * amount: the whole premium, or part of it (the months that overlap 职工医保, the part now funded for a
 * 资助对象), integer fen; the row is written with that amount and its `out_refund_no` first, then the
 * bureau's 审核 (tax collection, which also ends the person's paid enrolment when the whole premium goes
 * back) and WeChat Pay's refund to the original account follow, each step idempotent on that number. A
 * step that cannot be done now is left to the outbox worker: the request is never lost and the money
 * never goes back twice.
 */
export async function requestRefund(
  deps: AppDeps,
  p: {
    principal: string
    /** The resident's own certificate reference: a 窗口代缴 order made for them alone is theirs to ask back. */
    certRef?: string
    orderId: string
    lineId: string
    reason: RefundReason
    idempotencyKeyId: number | null
    /** 窗口代办: the clerk who applies at the counter for the resident, recorded with the refund in one commit. */
    desk?: Omit<NewDeskAct, 'kind' | 'target' | 'at'>
  },
): Promise<PremiumRefund> {
  if (p.idempotencyKeyId !== null) {
    const resumed = await findRefundBy(deps.storage.db, 'idempotencyKeyId', p.idempotencyKeyId)
    if (resumed) {
      return refusedNow(
        await advanceRefund(deps, resumed),
        (await orderLines(deps.storage.db, resumed.orderId)).find(l => l.id === resumed.lineId)?.year ?? 0,
      )
    }
  }
  const order = await findOrderBy(deps.storage.db, 'id', p.orderId)
  if (!order || !await orderIsFor(deps.storage.db, order, p)) throw new AppError('NOT_FOUND', 404)
  const line = (await orderLines(deps.storage.db, order.id)).find(l => l.id === p.lineId)
  if (!line) throw new AppError('NOT_FOUND', 404)
  // A duplicate goes back on its own; a void or refunded line has nothing to give back.
  if (line.status === 'duplicate') throw new AppError('REFUND_EXISTS', 409)
  if (order.status !== 'paid' || (line.status !== 'paid' && line.status !== 'reported')) {
    throw new AppError('REFUND_NOT_REFUNDABLE', 409)
  }
  if (await liveRefundOfLine(deps.storage.db, line.id)) throw new AppError('REFUND_EXISTS', 409)
  const at = deps.now()
  const assessed = assessRefund(await refundFactsFor(deps, { line, reason: p.reason, now: at }))
  if (!assessed.allowed) throw new AppError(assessed.code, 409, { params: { year: String(line.year) } })
  // The collection system must hold the payment before it can take it back.
  if (line.status !== 'reported') throw new AppError('REFUND_NOT_YET_RECORDED', 409)
  // Written with its job in one commit (crash-safe: whatever happens next, the worker picks the refund up).
  const refund = await deps.storage.db.transaction(async (tx) => {
    const written = await insertRefund(tx, {
      outRefundNo: newOutRefundNo(at, randomBytes(16)),
      orderId: order.id,
      lineId: line.id,
      principal: p.principal,
      reason: p.reason,
      amountFen: assessed.amountFen,
      status: 'approving',
      idempotencyKeyId: p.idempotencyKeyId,
      createdAt: at,
    })
    if (written) {
      if (p.desk) await insertDeskAct(tx, { ...p.desk, kind: 'refund', target: `refund:${written.id}`, at })
      const due = new Date(at.getTime() + REFUND_FIRST_QUERY_MS)
      await enqueue(tx, 'advance_refund', `advance_refund:${written.id}`, { refundId: written.id }, due)
    }
    return written
  })
  if (!refund) throw new AppError('REFUND_EXISTS', 409)
  crashPoint(deps, 'refund.inserted')
  return refusedNow(await advanceRefund(deps, refund), line.year)
}

/** A refusal the bureau gave at once is the answer to the request (the resident may ask again with another reason). */
function refusedNow(refund: PremiumRefund, year: number): PremiumRefund {
  if (refund.status === 'rejected' && refund.rejectCode) {
    throw new AppError(refund.rejectCode as ErrorCode, 409, { params: { year: String(year) } })
  }
  return refund
}

/**
 * Takes a refund as far as it can go now: the bureau's 审核, then WeChat Pay. A refusal by the bureau
 * ends it (rejected, with the reason); a system that is down or slow leaves it where it is, for the
 * worker. Safe to run any number of times, on any instance.
 */
export async function advanceRefund(deps: AppDeps, start: PremiumRefund): Promise<PremiumRefund> {
  let refund = start
  const order = await findOrderBy(deps.storage.db, 'id', refund.orderId)
  if (!order) return refund
  try {
    if (refund.status === 'approving') {
      const line = (await orderLines(deps.storage.db, order.id)).find(l => l.id === refund.lineId)!
      try {
        const approved = await deps.premiums.refund({
          outRefundNo: refund.outRefundNo,
          outTradeNo: order.outTradeNo,
          certNo: deps.vault.decrypt(line.personCertNoEnc),
          year: line.year,
          amountFen: refund.amountFen,
          reason: refund.reason as RefundReason,
        })
        crashPoint(deps, 'refund.approved')
        refund = await moveRefund(deps.storage.db, refund.id, 'approve', { taxRefundNo: approved.taxRefundNo })
          ?? await reload(deps, refund)
        // The person's enrolment for the year is no longer paid: their reads must say so.
        deps.personReads.forget(line.personCertRef)
      }
      catch (error) {
        const code = refundRefusal(error)
        if (!code) throw error
        refund = await moveRefund(deps.storage.db, refund.id, 'reject', { rejectCode: code })
          ?? await reload(deps, refund)
        await auditRefund(deps, refund, 'refund.rejected', false, { code })
        return refund
      }
    }
    if (refund.status === 'refunding' && !refund.wechatRefundId) {
      const answer = await deps.wechatpay.refund({
        outRefundNo: refund.outRefundNo,
        outTradeNo: order.outTradeNo,
        refundFen: refund.amountFen,
        totalFen: order.totalFen,
        reason: `医保缴费退费：${REFUND_REASON_LABELS[refund.reason as AnyRefundReason]}`.slice(0, 80),
      })
      crashPoint(deps, 'refund.sent')
      refund = await applyRefundResult(deps, answer) ?? refund
    }
  }
  catch (error) {
    if (!(error instanceof UpstreamError)) throw error
    deps.logger.warn(
      { outRefundNo: refund.outRefundNo, system: error.system, kind: error.kind, code: error.detail.upstreamCode },
      'refund step deferred to the worker',
    )
  }
  return refund
}

/**
 * What WeChat Pay says about a refund (its answer, a query, or a REFUND.* callback), applied once:
 * SUCCESS marks the refund and its line (and settles its duplicate or refusal anomaly); ABNORMAL / CLOSED end it
 * as failed and an amount that differs is not applied: both land in the 异常处理 queue.
 */
export async function applyRefundResult(deps: AppDeps, r: WechatPayRefund): Promise<PremiumRefund | null> {
  const refund = await findRefundBy(deps.storage.db, 'outRefundNo', r.outRefundNo)
  if (!refund) return null
  const line = await findLine(deps.storage.db, refund.lineId)
  const regionCode = line?.line.regionCode ?? null
  if (r.refundFen !== refund.amountFen) {
    await raise(deps, await recordAnomaly(deps.storage.db, {
      at: deps.now(),
      kind: 'amount_mismatch',
      dedupeKey: `refund_amount_mismatch:${refund.id}:${r.refundId}`,
      orderId: refund.orderId,
      lineId: refund.lineId,
      refundId: refund.id,
      regionCode,
      detail: {
        outRefundNo: refund.outRefundNo,
        expectedFen: refund.amountFen,
        gotFen: r.refundFen,
        refundStatus: r.status,
      },
    }))
    return refund
  }
  if (r.status === 'SUCCESS') {
    const at = r.successTime ?? deps.now()
    const moved = await markRefundSucceeded(deps.storage.db, {
      id: refund.id,
      lineId: refund.lineId,
      // A partial refund leaves the person-year paid (the rest of it still covers the person).
      wholeLine: !line || refund.amountFen >= line.line.amountFen,
      at,
      wechatRefundId: r.refundId,
      receivedAccount: r.userReceivedAccount,
      settles: {
        kinds: ['duplicate_payment', 'tax_refused', 'refund_failed'],
        by: 'system',
        resolution: '已原路退回',
        at: deps.now(),
      },
    })
    if (moved) {
      if (line) deps.personReads.forget(line.line.personCertRef)
      await auditRefund(deps, refund, 'refund.succeeded', true, { amountFen: refund.amountFen })
    }
  }
  else if (r.status === 'ABNORMAL' || r.status === 'CLOSED') {
    const moved = await moveRefund(deps.storage.db, refund.id, 'fail', { wechatRefundId: r.refundId })
    if (moved) {
      await raise(deps, await recordAnomaly(deps.storage.db, {
        at: deps.now(),
        kind: 'refund_failed',
        dedupeKey: `refund_failed:${refund.id}:${refund.outRefundNo}`,
        orderId: refund.orderId,
        lineId: refund.lineId,
        refundId: refund.id,
        regionCode,
        detail: { outRefundNo: refund.outRefundNo, status: r.status, amountFen: refund.amountFen },
      }))
      await auditRefund(deps, refund, 'refund.failed', false, { status: r.status })
    }
  }
  else if (!refund.wechatRefundId && refund.status === 'refunding') {
    await setRefundWechatId(deps.storage.db, refund.id, r.refundId)
  }
  return reload(deps, refund)
}

/**
 * A refund the system asks for itself, with no bureau 审核 (the collection never recorded this line): a
 * duplicate payment (line `duplicate`), or a payment the tax bureau would not record (line still `paid`,
 * from 异常处理). Only from the line state `from`; idempotent on the line (one live refund per line).
 */
export async function refundLineBySystem(
  deps: AppDeps,
  lineId: string,
  p: { from: LineStatus, reason: SystemRefundReason },
): Promise<PremiumRefund | null> {
  const found = await findLine(deps.storage.db, lineId)
  if (!found || found.line.status !== p.from) return null
  const at = deps.now()
  const refund = await insertRefund(deps.storage.db, {
    outRefundNo: newOutRefundNo(at, randomBytes(16)),
    orderId: found.order.id,
    lineId,
    principal: found.order.principal,
    reason: p.reason,
    amountFen: found.line.amountFen,
    status: 'refunding',
    idempotencyKeyId: null,
    createdAt: at,
  }) ?? await liveRefundOfLine(deps.storage.db, lineId)
  if (!refund) return null
  await enqueue(
    deps.storage.db,
    'advance_refund',
    `advance_refund:${refund.id}`,
    { refundId: refund.id },
    new Date(at.getTime() + REFUND_FIRST_QUERY_MS),
  )
  return advanceRefund(deps, refund)
}

/** Sends a duplicate payment back to its account (the worker's `refund_duplicate`, or 异常处理). */
export function refundDuplicate(deps: AppDeps, lineId: string): Promise<PremiumRefund | null> {
  return refundLineBySystem(deps, lineId, { from: 'duplicate', reason: 'duplicate_payment' })
}

/** A supervisor's 重试 of a refund WeChat Pay closed: a new `out_refund_no`, the same money, once. */
export async function retryFailedRefund(deps: AppDeps, refund: PremiumRefund): Promise<PremiumRefund> {
  const at = deps.now()
  const moved = await moveRefund(deps.storage.db, refund.id, 'retry', {
    outRefundNo: newOutRefundNo(at, randomBytes(16)),
    wechatRefundId: null,
  })
  if (!moved) return reload(deps, refund)
  await enqueue(
    deps.storage.db,
    'advance_refund',
    `advance_refund:${refund.id}:${moved.outRefundNo}`,
    { refundId: refund.id },
    new Date(at.getTime() + REFUND_FIRST_QUERY_MS),
  )
  return advanceRefund(deps, moved)
}

/** Asks whoever holds a refund that is still under way about it (the page, the worker). */
export async function convergeRefund(deps: AppDeps, refund: PremiumRefund): Promise<PremiumRefund> {
  if (refund.status === 'approving' || (refund.status === 'refunding' && !refund.wechatRefundId)) {
    return advanceRefund(deps, refund)
  }
  if (refund.status !== 'refunding') return refund
  try {
    return await applyRefundResult(deps, await deps.wechatpay.queryRefund(refund.outRefundNo)) ?? refund
  }
  catch (error) {
    if (!(error instanceof UpstreamError)) throw error
    deps.logger.warn({ outRefundNo: refund.outRefundNo, kind: error.kind }, 'refund query failed')
    return refund
  }
}

async function reload(deps: AppDeps, refund: PremiumRefund): Promise<PremiumRefund> {
  return (await findRefundBy(deps.storage.db, 'id', refund.id)) ?? refund
}

async function auditRefund(
  deps: AppDeps,
  refund: PremiumRefund,
  action: string,
  success: boolean,
  detail: Record<string, unknown>,
) {
  await deps.audit.record({
    actorType: 'system',
    actorId: 'refunds',
    channel: 'public',
    action,
    target: `refund:${refund.id}`,
    success,
    detail: { outRefundNo: refund.outRefundNo, ...detail },
  })
}

/** The view of a refund for its payer: masked person, amount in fen, Shanghai times. */
export async function refundView(deps: AppDeps, refund: PremiumRefund): Promise<RefundView> {
  const line = (await orderLines(deps.storage.db, refund.orderId)).find(l => l.id === refund.lineId)!
  return {
    id: refund.id,
    orderId: refund.orderId,
    lineId: refund.lineId,
    year: line.year,
    name: line.personNameMasked,
    certNo: maskIdCard(deps.vault.decrypt(line.personCertNoEnc)),
    reason: refund.reason as AnyRefundReason,
    amountFen: refund.amountFen,
    /** What was paid for the person-year: more than `amountFen` when only part of it comes back. */
    paidFen: line.amountFen,
    status: refund.status as RefundStatus,
    /** Why the bureau refused, in Chinese (the same wording as the error table). */
    rejectMessage: refund.rejectCode
      ? formatErrorMessage(refund.rejectCode as ErrorCode, { year: String(line.year) })
      : null,
    receivedAccount: refund.receivedAccount,
    requestedAt: toShanghaiIso(refund.createdAt),
    succeededAt: refund.succeededAt ? toShanghaiIso(refund.succeededAt) : null,
    /** 窗口代办: the clerk and hall, when the resident applied at the counter. */
    clerk: (await clerksOf(deps, [`refund:${refund.id}`])).get(`refund:${refund.id}`) ?? null,
  }
}
