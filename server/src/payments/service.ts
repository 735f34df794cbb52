import type { DueStatus } from '../domain/payment'
import type { LineStatus, OrderStatus } from '../domain/states'
import type { Logger } from '../lib/logger'
import type { CurrentResident } from '../lib/resident'
import type { AppDeps } from '../lib/types'
import type { AnyRefundReason, PaymentOrder, PaymentQuoteLine, RefundStatus } from '@yibao/shared'
import type { PaymentAnomaly } from '../storage/anomalies'
import type { LiveLine, PremiumOrder, PremiumOrderLine } from '../storage/payments'
import type { PremiumRefund } from '../storage/refunds'
import type { WechatPayTransaction } from '../upstream/wechatpay/mapper'
import { randomBytes } from 'node:crypto'
import { benefitYearState, DUE_STATUS_LABELS, maskIdCard, maskName, toShanghaiIso } from '@yibao/shared'
import { calendarForRegion } from '../domain/coverage'
import { MAX_ORDER_LINES, newOutTradeNo, newReceiptCode, payable, timeExpire } from '../domain/payment'
import { IllegalTransition } from '../domain/states'
import { AppError, UpstreamError } from '../lib/errors'
import { crashPoint } from '../lib/crash-points'
import { subjectOf } from '../lib/resident'
import { recordAnomaly } from '../storage/anomalies'
import {
  claimOrderQuery,
  closeOrder,
  findOrderBy,
  insertOrder,
  liveLinesFor,
  markOrderPaid,
  DESK_PRINCIPAL_PREFIX,
  orderLines,
  renewOrderH5Url,
  setOrderPrepay,
} from '../storage/payments'
import { refundsOfOrder } from '../storage/refunds'

/** Who a line is for, as the client names them: never an amount. */
export type PersonPick
  = | { kind: 'self' }
    | { kind: 'member', memberId: string }
    | { kind: 'other', name: string, certNo: string }

/** Who pays: the principal the order belongs to, and the signed-in resident when it is one (self/family picks). */
export interface Payer {
  principal: string
  resident: CurrentResident | null
  logger: Logger
}

export interface ResolvedPerson {
  certNo: string
  certRef: string
  /** Full name when the payer typed it (代缴); otherwise unknown to us (only masked). */
  name: string | undefined
  nameMasked: string
  relation: 'self' | 'family' | 'proxy'
}

/** An unpaid order that already holds the person for the year: the payer's own (may be resumed) or another's. */
export type HeldBy
  = | { mine: true, orderId: string, expiresAt: string }
    | { mine: false, orderId: null, expiresAt: string }

export interface QuotedLine extends ResolvedPerson {
  year: number
  regionCode: string
  standardFen: number
  subsidyFen: number
  dueFen: number
  status: DueStatus
  heldBy: HeldBy | null
}

/**
 * Resolves the people of a payment: self, a bound family member, or anyone by name + ID (代缴, checked
 * with the bureau).
 */
export async function resolvePeople(deps: AppDeps, payer: Payer, picks: PersonPick[]): Promise<ResolvedPerson[]> {
  const out: ResolvedPerson[] = []
  for (const p of picks) {
    if (p.kind === 'other') {
      const person = await deps.nhsa.getPersonInfo(p.certNo, { name: p.name, logger: payer.logger })
      out.push({
        certNo: p.certNo,
        certRef: deps.vault.ref(p.certNo),
        name: p.name,
        nameMasked: maskName(person.name),
        relation: 'proxy',
      })
      continue
    }
    if (!payer.resident) throw new AppError('FORBIDDEN', 403)
    const subject = await subjectOf(deps, payer.resident, p.kind === 'member' ? p.memberId : null)
    out.push({
      certNo: subject.certNo,
      certRef: subject.certRef,
      name: undefined,
      nameMasked: subject.nameMasked,
      relation: subject.channel === 'self' ? 'self' : 'family',
    })
  }
  if (new Set(out.map(p => p.certRef)).size !== out.length) {
    throw new AppError('VALIDATION_FAILED', 400, { fields: { people: '同一人只能选择一次' } })
  }
  if (out.length > MAX_ORDER_LINES) {
    throw new AppError('VALIDATION_FAILED', 400, { fields: { people: `一次最多为${MAX_ORDER_LINES}人缴费` } })
  }
  return out
}

/**
 * What each person owes for the year, from the tax bureau's collection system — never from the
 * client. A line we already took money for (paid, not yet reported) counts as paid; a person held by an
 * unpaid order says which (the payer's own may be resumed or cancelled).
 */
export async function quoteLines(
  deps: AppDeps,
  payer: Payer,
  people: ResolvedPerson[],
  year: number,
  known?: LiveLine[],
): Promise<QuotedLine[]> {
  const lines = known ?? await liveLinesFor(deps.storage.db, people.map(p => p.certRef), year)
  const live = new Map(lines.map(h => [h.line.personCertRef, h]))
  return Promise.all(people.map(async (p) => {
    const due = await deps.premiums.quote(p.certNo, p.name, year, payer.logger)
    if (!due) throw new AppError('PERSON_NOT_FOUND', 404)
    const held = live.get(p.certRef)
    // The tax bureau says what is owed; the shared benefit-year rule says whether the year is collected
    // today (as coverage and 备案 read it): payable only when both agree.
    const calendar = calendarForRegion(due.regionCode)
    const today = benefitYearState({ year, now: deps.now(), calendar, payment: null, enrolment: null })
    const collected: DueStatus = due.status === 'payable' && !today.collectionOpen ? 'outside_window' : due.status
    const status: DueStatus = held && held.line.status !== 'pending' ? 'paid' : collected
    const heldBy: HeldBy | null = held?.line.status !== 'pending'
      ? null
      : held.order.principal === payer.principal
        ? { mine: true, orderId: held.order.id, expiresAt: toShanghaiIso(held.order.timeExpire) }
        : { mine: false, orderId: null, expiresAt: toShanghaiIso(held.order.timeExpire) }
    return {
      ...p,
      year,
      regionCode: due.regionCode,
      standardFen: due.standardFen,
      subsidyFen: due.subsidyFen,
      dueFen: status === 'payable' ? due.dueFen : 0,
      status,
      heldBy,
    }
  }))
}

/** The masked view of a line (for every client). */
export function lineView(l: QuotedLine): PaymentQuoteLine {
  return {
    name: l.nameMasked,
    certNo: maskIdCard(l.certNo),
    relation: l.relation,
    year: l.year,
    regionCode: l.regionCode,
    standardFen: l.standardFen,
    subsidyFen: l.subsidyFen,
    dueFen: l.dueFen,
    status: l.status,
    heldBy: l.heldBy,
  }
}

/** `codepay`: the clerk scanned the payer's WeChat 付款码 (`payments/codepay.ts`); the others prepay. */
export type Channel = 'jsapi' | 'native' | 'h5' | 'codepay'

/** The masked view of an order. */
export async function orderView(deps: AppDeps, order: PremiumOrder, lines?: PremiumOrderLine[]): Promise<PaymentOrder> {
  const ls = lines ?? await orderLines(deps.storage.db, order.id)
  // Only a paid order can have refunds: nothing to look up for the rest (e.g. every SSE poll of a QR).
  // The newest request of a line is the one shown (after a rejected one, its retry).
  const refunds = order.status === 'paid'
    ? new Map((await refundsOfOrder(deps.storage.db, order.id)).map(r => [r.lineId, r]))
    : new Map<string, PremiumRefund>()
  return {
    id: order.id,
    outTradeNo: order.outTradeNo,
    channel: order.channel as Channel,
    year: order.year,
    totalFen: order.totalFen,
    status: order.status as OrderStatus,
    codeUrl: order.status === 'prepaid' ? order.codeUrl : null,
    expiresAt: toShanghaiIso(order.timeExpire),
    paidAt: order.paidAt ? toShanghaiIso(order.paidAt) : null,
    atDesk: order.principal.startsWith(DESK_PRINCIPAL_PREFIX),
    lines: ls.map((l) => {
      const refund = refunds.get(l.id)
      return {
        id: l.id,
        name: l.personNameMasked,
        certNo: maskIdCard(deps.vault.decrypt(l.personCertNoEnc)),
        amountFen: l.amountFen,
        status: l.status as LineStatus,
        receiptCode: l.receiptCode,
        refund: refund
          ? { id: refund.id, status: refund.status as RefundStatus, reason: refund.reason as AnyRefundReason }
          : null,
      }
    }),
  }
}

/** When an unpaid order is asked about: the payer's time (≈1, 5 and 15 minutes), then its expiry, when it is closed. */
export const ORDER_CHECKS_MS = [60_000, 5 * 60_000, 15 * 60_000] as const

/**
 * Creates (or, on a retry with the same Idempotency-Key, resumes) an order and prepays it. A person the
 * payer's own unpaid order still holds is freed first by closing that order at WeChat Pay (if it was
 * paid meanwhile, the person is paid and left out); a person held by another payer's order is refused
 * by name, and the database refuses a second live line for a person-year even under a race. The
 * `out_trade_no` is fixed when the order row is written, before WeChat Pay is called, and every retry
 * prepays with the same number and parameters, so WeChat Pay answers with the same prepay.
 */
export async function createAndPrepay(
  deps: AppDeps,
  payer: Payer,
  input: {
    year: number
    channel: Channel
    people: PersonPick[]
    openid?: string | null
    /** H5: the payer's real IP address (WeChat Pay's `payer_client_ip`). */
    payerClientIp?: string | null
    /**
     * The request's Idempotency-Key claim: a retry's (`resumed`) may already have its order; a first claim's
     * cannot, so it is not looked for (one statement fewer on every new order).
     */
    idempotency: { id: number, resumed: boolean } | null
    /** 付款码: how long the payer has to pay (the order's deadline; it is 撤销 after it). */
    codepayWaitMs?: number
  },
): Promise<{ order: PremiumOrder, lines: PremiumOrderLine[] }> {
  const { storage, vault, now } = deps
  let order = input.idempotency?.resumed
    ? await findOrderBy(storage.db, 'idempotencyKeyId', input.idempotency.id)
    : null
  let lines: PremiumOrderLine[]
  if (order) {
    lines = await orderLines(storage.db, order.id)
  }
  else {
    if (input.channel === 'jsapi' && !input.openid) throw new AppError('WECHAT_REQUIRED', 400)
    const people = await resolvePeople(deps, payer, input.people)
    const held = await freeOwnHolds(deps, payer, people, input.year)
    const quoted = (await quoteLines(deps, payer, people, input.year, held))
      .filter(q => q.status !== 'paid' || people.length === 1)
    refuseHeld(quoted)
    if (!payable(quoted)) {
      const paid = quoted.filter(q => q.status !== 'payable' || q.dueFen <= 0)
      // Per person (masked ID number), why there is nothing to pay, in the words of the pay page.
      throw new AppError('NOTHING_TO_PAY', 409, {
        fields: Object.fromEntries(paid.map(q => [maskIdCard(q.certNo), DUE_STATUS_LABELS[q.status]])),
      })
    }
    const at = now()
    const codepay = input.channel === 'codepay'
    const expiry = codepay ? { at: new Date(at.getTime() + (input.codepayWaitMs ?? 30_000)) } : timeExpire(at)
    const jobs = codepay ? [settleJob(expiry.at)] : convergenceJobs(at, expiry.at)
    const created = await insertOrder(storage.db, {
      outTradeNo: newOutTradeNo(at, randomBytes(16)),
      principal: payer.principal,
      channel: input.channel,
      year: input.year,
      totalFen: quoted.reduce((sum, q) => sum + q.dueFen, 0),
      status: 'created',
      description: `${input.year}年度城乡居民医保缴费（${quoted.length}人）`,
      payerOpenid: input.channel === 'jsapi' ? input.openid! : null,
      timeExpire: expiry.at,
      idempotencyKeyId: input.idempotency?.id ?? null,
      createdAt: at,
    }, quoted.map(q => ({
      personCertRef: q.certRef,
      personCertNoEnc: vault.encrypt(q.certNo),
      personNameMasked: q.nameMasked,
      regionCode: q.regionCode,
      year: q.year,
      amountFen: q.dueFen,
    })), jobs)
    // Lost a race for a person-year (another payer, or this one twice at once): say who.
    if (!created) refuseHeld(await quoteLines(deps, { ...payer, principal: '' }, people, input.year), true)
    order = created!.order
    lines = created!.lines
    crashPoint(deps, 'order.inserted')
  }
  // A 付款码 order is paid by `payByCode` (the code is used once, never stored): nothing to prepay.
  if (order.status === 'created' && order.channel !== 'codepay') {
    const answer = await prepay(deps, order, input.payerClientIp)
    crashPoint(deps, 'order.prepaid')
    await setOrderPrepay(storage.db, order.id, answer)
    order = { ...order, ...answer, status: 'prepaid' }
  }
  return { order, lines }
}

/** Checks of an unpaid order on the payer's time, and at its expiry (when it is closed). */
function convergenceJobs(at: Date, expiresAt: Date) {
  return [
    // Convergence on the payer's time even if no callback ever arrives (crash-safe: written with the order).
    ...ORDER_CHECKS_MS.map((ms, i) => ({
      topic: 'check_order',
      key: String(i),
      payload: {},
      availableAt: new Date(at.getTime() + ms),
    })),
    {
      topic: 'check_order',
      key: 'expiry',
      payload: { expire: true },
      availableAt: new Date(expiresAt.getTime() + 60_000),
    },
  ]
}

/** 付款码 has no callback: its order is settled (paid, or 撤销) after its deadline even if the request died. */
function settleJob(deadline: Date) {
  return { topic: 'settle_codepay', key: 'deadline', payload: {}, availableAt: new Date(deadline.getTime() + 5_000) }
}

/**
 * Closes the payer's own unpaid orders that hold any of these people (a payer who went back and ordered
 * again). Returns the people's live lines when nothing had to be closed (so the quote need not ask again).
 */
async function freeOwnHolds(
  deps: AppDeps,
  payer: Payer,
  people: ResolvedPerson[],
  year: number,
): Promise<LiveLine[] | undefined> {
  const held = await liveLinesFor(deps.storage.db, people.map(p => p.certRef), year)
  const own = new Map(held
    .filter(h => h.line.status === 'pending' && h.order.principal === payer.principal)
    .map(h => [h.order.id, h.order]))
  for (const order of own.values()) await closeUnpaid(deps, order, payer.logger)
  return own.size ? undefined : held
}

/** 409 naming the people another payer's unpaid order holds (or, after a lost race, anyone's). */
function refuseHeld(lines: QuotedLine[], anyone = false): void {
  const held = lines.filter(l => l.heldBy && (anyone || !l.heldBy.mine))
  if (!held.length) {
    if (anyone) throw new AppError('CONFLICT', 409)
    return
  }
  const names = held.map(l => `${l.nameMasked}（${maskIdCard(l.certNo)}）`).join('、')
  throw new AppError('PERSON_IN_OPEN_ORDER', 409, {
    params: { names },
    fields: Object.fromEntries(held.map(l => [maskIdCard(l.certNo), 'held'])),
  })
}

/** The prepay parameters of an order: the same on every call, as WeChat Pay requires for the same out_trade_no. */
function prepayBase(order: PremiumOrder) {
  return {
    outTradeNo: order.outTradeNo,
    description: order.description,
    amountFen: order.totalFen,
    expiresAt: order.timeExpire,
    attach: `year=${order.year}`,
  }
}

async function prepay(
  deps: AppDeps,
  order: PremiumOrder,
  payerClientIp: string | null | undefined,
): Promise<{ prepayId?: string, codeUrl?: string, h5Url?: string }> {
  const base = prepayBase(order)
  if (order.channel === 'jsapi') {
    return { prepayId: (await deps.wechatpay.prepayJsapi({ ...base, openid: order.payerOpenid! })).prepayId }
  }
  if (order.channel === 'h5') {
    if (!payerClientIp) throw new TypeError('an H5 prepay needs the payer\'s IP address')
    return { h5Url: (await deps.wechatpay.prepayH5({ ...base, payerClientIp })).h5Url }
  }
  return { codeUrl: (await deps.wechatpay.prepayNative(base)).codeUrl }
}

/**
 * 重新支付 of an H5 order whose payer came back without paying: prepays it again with the same number and
 * parameters, so WeChat Pay answers with a current h5_url (a new one once the last is older than 5 minutes),
 * from the payer's address now. An order WeChat Pay says is paid or closed is converged instead and returned
 * as it ends up; so is one paid or closed here meanwhile.
 */
export async function renewH5(
  deps: AppDeps,
  order: PremiumOrder,
  payerClientIp: string,
  logger: Logger = deps.logger,
): Promise<PremiumOrder> {
  if (order.channel !== 'h5') throw new TypeError('only an H5 order has an h5_url')
  if (order.status !== 'prepaid' && order.status !== 'created') return order
  let h5Url: string
  try {
    h5Url = (await deps.wechatpay.prepayH5({ ...prepayBase(order), payerClientIp }, logger)).h5Url
  }
  catch (error) {
    // ORDERPAID / ORDER_CLOSED (paid, expired or closed there): what WeChat Pay says the order is now.
    if (error instanceof UpstreamError && error.kind === 'rejected') return convergeOrder(deps, order)
    throw error
  }
  if (order.status === 'created') await setOrderPrepay(deps.storage.db, order.id, { h5Url }).catch(ignoreIllegal)
  return (await renewOrderH5Url(deps.storage.db, order.id, h5Url))
    ?? (await findOrderBy(deps.storage.db, 'id', order.id)) ?? order
}

/**
 * Closes an unpaid order: at WeChat Pay first (so it can no longer be paid), then here, which frees its
 * people. If WeChat Pay says it was paid meanwhile (ORDERPAID), the payment is applied instead.
 * Returns the order as it ends up (paid or closed).
 */
export async function closeUnpaid(
  deps: AppDeps,
  order: PremiumOrder,
  logger: Logger = deps.logger,
): Promise<PremiumOrder> {
  // A 付款码 order is 撤销 instead (closes it there; money taken meanwhile goes back to the payer).
  const codepay = order.channel === 'codepay'
  if (order.status === 'prepaid' || (codepay && order.status === 'created')) {
    try {
      if (codepay) await deps.wechatpay.reverse(order.outTradeNo, logger)
      else await deps.wechatpay.close(order.outTradeNo, logger)
    }
    catch (error) {
      const neverSent = codepay && error instanceof UpstreamError && error.detail.upstreamCode === 'ORDER_NOT_EXIST'
      if (!neverSent && error instanceof UpstreamError && error.kind === 'rejected') {
        const after = await convergeOrder(deps, order)
        if (after.status === 'paid') return after
      }
      if (!neverSent) throw error
    }
  }
  try {
    await closeOrder(deps.storage.db, order.id, codepay ? 'reverse' : 'close')
  }
  catch (error) {
    // Paid between our read and the close (a callback won the race): that is the answer.
    if (!(error instanceof IllegalTransition)) throw error
  }
  return (await findOrderBy(deps.storage.db, 'id', order.id)) ?? order
}

export type PaymentOutcome
  = 'paid' | 'paid_after_close' | 'repeat' | 'not_success' | 'unknown_order' | 'amount_mismatch'

/**
 * Applies a successful payment reported by WeChat Pay (callback, query or bill) exactly once, after the
 * zero-trust checks: same merchant and app (the adapter), known order, SUCCESS, same amount in fen. An
 * amount that differs, or money for an order we had closed, lands in the 异常处理 queue.
 */
export async function applyPaidTransaction(
  deps: AppDeps,
  tx: WechatPayTransaction,
  event?: { id: string, type: string },
): Promise<PaymentOutcome> {
  if (tx.tradeState !== 'SUCCESS' || !tx.transactionId) return 'not_success'
  const order = await findOrderBy(deps.storage.db, 'outTradeNo', tx.outTradeNo)
  if (!order) return 'unknown_order'
  if (tx.totalFen !== order.totalFen) {
    const lines = await orderLines(deps.storage.db, order.id)
    await raise(deps, await recordAnomaly(deps.storage.db, {
      at: deps.now(),
      kind: 'amount_mismatch',
      dedupeKey: `amount_mismatch:${order.id}:${tx.transactionId}`,
      orderId: order.id,
      regionCode: lines[0]?.regionCode ?? null,
      detail: {
        outTradeNo: order.outTradeNo,
        expectedFen: order.totalFen,
        gotFen: tx.totalFen,
        transactionId: tx.transactionId,
      },
    }))
    return 'amount_mismatch'
  }
  crashPoint(deps, 'payment.before_store')
  const result = await markOrderPaid(deps.storage.db, {
    orderId: order.id,
    outTradeNo: order.outTradeNo,
    transactionId: tx.transactionId,
    paidAt: tx.successTime ?? deps.now(),
    newReceiptCode: () => newReceiptCode(randomBytes(16)),
    eventId: event?.id,
    eventType: event?.type,
    now: deps.now(),
  })
  if (result.outcome === 'repeat') return 'repeat'
  // Their coverage now shows the year paid (locally, then from the tax bureau): drop cached reads.
  for (const l of result.lines) deps.personReads.forget(l.personCertRef)
  for (const a of result.anomalies) await raise(deps, a)
  await deps.audit.record({
    actorType: 'system',
    actorId: 'wechatpay',
    channel: 'public',
    action: 'payment.paid',
    target: `order:${order.id}`,
    success: true,
    detail: {
      outTradeNo: order.outTradeNo,
      totalFen: order.totalFen,
      late: result.outcome === 'paid_after_close',
      duplicates: result.lines.filter(l => l.status === 'duplicate').length,
    },
  })
  return result.outcome
}

/** Logs a new anomaly at `error`, once (the queue and /readyz carry it from there). */
export async function raise(deps: AppDeps, anomaly: PaymentAnomaly | null): Promise<void> {
  if (anomaly) {
    deps.logger.error({
      anomaly: anomaly.kind,
      anomalyId: anomaly.id,
      orderId: anomaly.orderId,
      lineId: anomaly.lineId,
      refundId: anomaly.refundId,
    }, 'payment anomaly')
  }
}

/** Asks WeChat Pay about an unpaid order and applies what it reports (paid, or closed there). */
export async function convergeOrder(deps: AppDeps, order: PremiumOrder): Promise<PremiumOrder> {
  if (order.status !== 'prepaid' && order.status !== 'created') return order
  try {
    const tx = await deps.wechatpay.queryByOutTradeNo(order.outTradeNo)
    if (tx.tradeState === 'SUCCESS') await applyPaidTransaction(deps, tx)
    else if (tx.tradeState === 'CLOSED' || tx.tradeState === 'REVOKED')
      await closeOrder(deps.storage.db, order.id).catch(ignoreIllegal)
  }
  catch (error) {
    // ORDER_NOT_EXIST before any prepay, or a passing failure: the order simply stays as it is.
    if (!(error instanceof UpstreamError)) throw error
    deps.logger.warn(
      { outTradeNo: order.outTradeNo, kind: error.kind, code: error.detail.upstreamCode },
      'order query failed',
    )
  }
  return (await findOrderBy(deps.storage.db, 'id', order.id)) ?? order
}

/**
 * {@link convergeOrder} for a reader that only wants a fresh answer (an order page, its event stream): WeChat
 * Pay is asked about an open order at most once per `ORDER_STREAM_POLL_MS` across every reader on every
 * instance (a lease on the order row); a reader that does not hold the lease gets the stored order, which the
 * callback, the lease holder and the worker keep current.
 */
export async function convergeOrderWhenDue(deps: AppDeps, order: PremiumOrder): Promise<PremiumOrder> {
  if (order.status !== 'prepaid' && order.status !== 'created') return order
  if (!await claimOrderQuery(deps.storage.db, order.id, deps.now(), deps.env.ORDER_STREAM_POLL_MS)) return order
  return convergeOrder(deps, order)
}

function ignoreIllegal(error: unknown): null {
  if (error instanceof IllegalTransition) return null
  throw error
}
