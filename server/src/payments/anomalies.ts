import type { AnomalyAction, AnomalyFacts, AnomalyStatus, AnomalyView, RefundStatus } from '@yibao/shared'
import type { LineStatus, OrderStatus } from '../domain/states'
import type { AppDeps } from '../lib/types'
import type { AnomalySubjects, PaymentAnomaly } from '../storage/anomalies'
import type { PremiumOrder, PremiumOrderLine } from '../storage/payments'
import type { PremiumRefund } from '../storage/refunds'
import type { StaffAccount } from '../storage/staff'
import { maskIdCard, maskPiiInText, toShanghaiIso } from '@yibao/shared'
import { anyRegionCovers } from '../domain/region'
import { OPEN_ORDER_STATES } from '../domain/states'
import { AppError, UpstreamError } from '../lib/errors'
import { anomalySubjects, findAnomaly, listAnomalies, noteAnomalyAction, resolveAnomaly } from '../storage/anomalies'
import { enqueue, reviveJob } from '../storage/payments'
import { staffNames } from '../storage/staff'
import { convergeRefund, refundLineBySystem, retryFailedRefund } from './refunds'
import { convergeOrder } from './service'

/** A staff member acting at the desk, with what the audit trail records of the request. */
export interface StaffActor {
  staff: StaffAccount
  requestId?: string
  clientIp?: string
}

/**
 * Whether a staff member may see and work an anomaly: admins every one; supervisors those of their
 * regions (each scope covering its subdivisions), never one whose region is unknown; clerks none.
 */
export function anomalyInScope(
  staff: Pick<StaffAccount, 'role' | 'regionCodes'>,
  a: Pick<PaymentAnomaly, 'regionCode'>,
): boolean {
  if (staff.role === 'admin') return true
  return staff.role === 'supervisor' && a.regionCode !== null && anyRegionCovers(staff.regionCodes, a.regionCode)
}

/** The 异常处理 queue of a staff member's regions (every region for admins), newest first. */
export async function listForStaff(deps: AppDeps, staff: StaffAccount, status: AnomalyStatus): Promise<AnomalyView[]> {
  if (staff.role !== 'admin' && staff.role !== 'supervisor') throw new AppError('FORBIDDEN', 403)
  const regions = staff.role === 'admin' ? null : staff.regionCodes
  const rows = await listAnomalies(deps.storage.db, { status, regions })
  return views(deps, rows)
}

/**
 * 重试: the step that failed, once more. A job out of attempts is put back in the queue; a refund WeChat
 * Pay closed goes again under a new `out_refund_no`; a line the tax bureau refused is reported again (a
 * new job); an order whose payment is in question is asked about at WeChat Pay again (and converged
 * when still open). Anything else: 409 `ANOMALY_ACTION_UNAVAILABLE`.
 */
export function retryAnomaly(deps: AppDeps, actor: StaffActor, id: string): Promise<AnomalyView> {
  return act(deps, actor, id, 'retry', retryStep)
}

/**
 * 退款: money the person should not have paid goes back to the account it came from, as a system refund
 * (no bureau 审核: the collection never recorded it) — a duplicate payment, or a payment the tax bureau
 * refused to record. Only while the line has no refund under way or done.
 */
export function refundAnomaly(deps: AppDeps, actor: StaffActor, id: string): Promise<AnomalyView> {
  return act(deps, actor, id, 'refund', refundStep)
}

/** 标记已处理: open → resolved, with who and why (any ID or phone number in the reason masked). */
export function resolveAnomalyAs(deps: AppDeps, actor: StaffActor, id: string, reason: string): Promise<AnomalyView> {
  const why = maskPiiInText(reason)
  return act(deps, actor, id, 'resolve', x => async () => {
    const by = staffRef(actor.staff)
    const resolved = await resolveAnomaly(deps.storage.db, { id: x.a.id, by, resolution: why, at: deps.now() })
    if (!resolved) throw new AppError('ANOMALY_RESOLVED', 409)
    return why
  }, { reason: why })
}

/** Kinds about an order whose payment is in question: 重试 asks WeChat Pay about it again. */
const ORDER_KINDS: readonly string[] = [
  'amount_mismatch',
  'paid_after_close',
  'reconcile_missing_in_bill',
  'reconcile_unknown_in_bill',
]

/** An anomaly with what it is about, as it stands now. */
interface Situation {
  a: PaymentAnomaly
  order: PremiumOrder | null
  line: PremiumOrderLine | null
  /** The refund the anomaly names (a failed refund, a refund amount that did not match). */
  refund: PremiumRefund | null
  /** The line's refund under way or done, if any. */
  liveRefund: PremiumRefund | null
  job: { id: number, topic: string, deadAt: Date | null } | null
}

/** One action carried out; resolves to the note kept with it (a reason, or what the other side said). */
type Step = () => Promise<string | null>

function situation(a: PaymentAnomaly, s: AnomalySubjects): Situation {
  const line = a.lineId ? s.lines.get(a.lineId) ?? null : null
  return {
    a,
    order: a.orderId ? s.orders.get(a.orderId) ?? null : null,
    line,
    refund: a.refundId ? s.refunds.get(a.refundId) ?? null : null,
    liveRefund: line ? s.liveRefundOfLine.get(line.id) ?? null : null,
    job: a.outboxId !== null ? s.jobs.get(a.outboxId) ?? null : null,
  }
}

function retryStep(x: Situation, deps: AppDeps): Step | null {
  const { a, order, line, refund, job } = x
  const db = deps.storage.db
  if (a.kind === 'job_exhausted') {
    if (!job?.deadAt) return null
    return async () => {
      await reviveJob(db, job.id, deps.now())
      return job.topic
    }
  }
  if (a.kind === 'refund_failed') {
    if (refund?.status !== 'failed') return null
    return async () => (await retryFailedRefund(deps, refund)).status
  }
  if (a.kind === 'tax_refused') {
    // Not while its money is on the way back: the bureau would record a payment being refunded.
    if (line?.status !== 'paid' || x.liveRefund) return null
    return async () => {
      // A new job (the first one is done): one per retry, and a retry sent twice is enqueued once.
      const key = `report_line:${line.id}:retry:${a.actions.length + 1}`
      await enqueue(db, 'report_line', key, { lineId: line.id }, deps.now())
      return null
    }
  }
  if (a.kind === 'amount_mismatch' && refund) {
    if (refund.status !== 'refunding') return null
    return async () => (await convergeRefund(deps, refund)).status
  }
  if (ORDER_KINDS.includes(a.kind)) {
    if (!order) return null
    return () => askWechatPay(deps, order)
  }
  return null
}

/**
 * Asks WeChat Pay about an order again: an open one is converged (paid or closed as WeChat Pay says);
 * the note is WeChat Pay's trade state (or its refusal code, e.g. `ORDER_NOT_EXIST`).
 */
async function askWechatPay(deps: AppDeps, order: PremiumOrder): Promise<string> {
  if ((OPEN_ORDER_STATES as readonly string[]).includes(order.status)) await convergeOrder(deps, order)
  try {
    return (await deps.wechatpay.queryByOutTradeNo(order.outTradeNo)).tradeState
  }
  catch (error) {
    const code = error instanceof UpstreamError && error.kind === 'rejected' ? error.detail.upstreamCode : undefined
    if (code) return code
    throw error
  }
}

function refundStep(x: Situation, deps: AppDeps): Step | null {
  const { a, line, liveRefund } = x
  if (!line || liveRefund) return null
  const plan = a.kind === 'duplicate_payment' && line.status === 'duplicate'
    ? { from: 'duplicate', reason: 'duplicate_payment' } as const
    : a.kind === 'tax_refused' && line.status === 'paid'
      ? { from: 'paid', reason: 'collection_refused' } as const
      : null
  if (!plan) return null
  return async () => {
    const refund = await refundLineBySystem(deps, line.id, plan)
    // The line moved on meanwhile (reported, refunded by someone else): nothing was sent.
    if (!refund) throw new AppError('ANOMALY_ACTION_UNAVAILABLE', 409)
    return refund.status
  }
}

function staffRef(staff: StaffAccount): string {
  return `staff:${staff.id}`
}

/** Loads, checks scope and state, runs the step, and records it with the anomaly and in the audit trail. */
async function act(
  deps: AppDeps,
  actor: StaffActor,
  id: string,
  action: AnomalyAction,
  plan: (x: Situation, deps: AppDeps) => Step | null,
  detail: Record<string, unknown> = {},
): Promise<AnomalyView> {
  const db = deps.storage.db
  const a = await findAnomaly(db, id)
  const x = a ? situation(a, await anomalySubjects(db, [a])) : null
  try {
    // Another region's anomaly is not there at all for this staff member.
    if (!x || !anomalyInScope(actor.staff, x.a)) throw new AppError('NOT_FOUND', 404)
    if (x.a.status !== 'open') throw new AppError('ANOMALY_RESOLVED', 409)
    const step = plan(x, deps)
    if (!step) throw new AppError('ANOMALY_ACTION_UNAVAILABLE', 409)
    const note = await step()
    await noteAnomalyAction(db, x.a.id, { at: deps.now(), by: staffRef(actor.staff), action, ...(note && { note }) })
    const result = note && action !== 'resolve' ? { result: note } : {}
    await audit(deps, actor, id, x, action, true, { ...detail, kind: x.a.kind, ...result })
    deps.logger.info({ anomalyId: x.a.id, anomaly: x.a.kind, action, staffId: actor.staff.id }, 'anomaly worked')
  }
  catch (error) {
    const outcome = error instanceof AppError
      ? (error.code === 'NOT_FOUND' && x ? 'out_of_region' : error.code)
      : error instanceof UpstreamError ? 'upstream_failed' : 'error'
    await audit(deps, actor, id, x, action, false, { ...detail, ...(x && { kind: x.a.kind }), outcome })
    throw error
  }
  const after = (await findAnomaly(db, id))!
  return (await views(deps, [after]))[0]!
}

/** One audit event per action or refusal: the staff member, the anomaly, and the person when there is one. */
async function audit(
  deps: AppDeps,
  actor: StaffActor,
  id: string,
  x: Situation | null,
  action: AnomalyAction,
  success: boolean,
  detail: Record<string, unknown>,
): Promise<void> {
  const line = x?.line
  await deps.audit.record({
    actorType: 'staff',
    actorId: actor.staff.id,
    actorRole: actor.staff.role,
    channel: 'help_desk',
    requestId: actor.requestId,
    clientIp: actor.clientIp,
    action: `payment.anomaly.${action}`,
    target: `anomaly:${id.slice(0, 36)}`,
    ...(x?.a.regionCode && { subjectRegion: x.a.regionCode }),
    ...(line && { subjectRef: line.personCertRef, subjectMasked: maskedCertNo(deps, line) }),
    success,
    detail,
  })
}

async function views(deps: AppDeps, rows: PaymentAnomaly[]): Promise<AnomalyView[]> {
  const db = deps.storage.db
  const subjects = await anomalySubjects(db, rows)
  const refs = rows.flatMap(a => [a.resolvedBy, ...a.actions.map(x => x.by)])
  const ids = [...new Set(refs.filter(r => r?.startsWith('staff:')).map(r => r!.slice('staff:'.length)))]
  const names = await staffNames(db, ids)
  const who = (by: string | null): string | null => {
    if (!by || by === 'system') return null
    return by.startsWith('staff:') ? names.get(by.slice('staff:'.length)) ?? by : by
  }
  return rows.map((a) => {
    const x = situation(a, subjects)
    const people = x.line ? [x.line] : x.order ? subjects.linesOfOrder.get(x.order.id) ?? [] : []
    const d = a.detail
    const open = a.status === 'open'
    return {
      id: a.id,
      kind: a.kind as AnomalyView['kind'],
      status: a.status as AnomalyStatus,
      createdAt: toShanghaiIso(a.createdAt),
      regionCode: a.regionCode,
      orderId: a.orderId,
      outTradeNo: x.order?.outTradeNo ?? text(d.outTradeNo) ?? null,
      people: people.map(l => ({ name: l.personNameMasked, certNo: maskedCertNo(deps, l) })),
      year: x.line?.year ?? x.order?.year ?? num(d.year) ?? null,
      amountFen: x.refund?.amountFen ?? x.line?.amountFen ?? x.order?.totalFen
        ?? num(d.amountFen) ?? num(d.billFen) ?? null,
      lineStatus: (x.line?.status ?? null) as LineStatus | null,
      orderStatus: (x.order?.status ?? null) as OrderStatus | null,
      refundStatus: ((x.refund ?? x.liveRefund)?.status ?? null) as RefundStatus | null,
      facts: facts(d),
      actions: a.actions.map(e => ({
        at: toShanghaiIso(new Date(e.at)),
        action: e.action as AnomalyAction,
        by: who(e.by),
        note: e.note ?? null,
      })),
      available: { retry: open && retryStep(x, deps) !== null, refund: open && refundStep(x, deps) !== null },
      resolvedAt: a.resolvedAt ? toShanghaiIso(a.resolvedAt) : null,
      resolvedBy: a.resolvedBy ? who(a.resolvedBy) : null,
      resolution: a.resolution,
    }
  })
}

function maskedCertNo(deps: AppDeps, line: PremiumOrderLine): string {
  return maskIdCard(deps.vault.decrypt(line.personCertNoEnc))
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

/** Text from the record, masked again and cut short (an error message could carry anything). */
function text(v: unknown): string | undefined {
  return typeof v === 'string' ? maskPiiInText(v).slice(0, 200) : undefined
}

function facts(d: Record<string, unknown>): AnomalyFacts {
  const out: AnomalyFacts = {
    expectedFen: num(d.expectedFen),
    gotFen: num(d.gotFen),
    billFen: d.billFen === null ? null : num(d.billFen),
    taxCode: text(d.taxCode),
    topic: text(d.topic),
    attempts: num(d.attempts),
    lastError: text(d.lastError),
    why: text(d.why),
    date: text(d.date),
    refundState: text(d.status) ?? text(d.refundStatus),
  }
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as AnomalyFacts
}
