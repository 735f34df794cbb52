import type { Context } from 'hono'
import type { DueStatus } from '../domain/payment'
import type { AppDeps, AppEnv } from '../lib/types'
import type { RefundStatus } from '@yibao/shared'
import type { PremiumOrder, PremiumOrderLine } from '../storage/payments'
import type { PremiumRefund } from '../storage/refunds'
import type { WechatPayTransaction } from '../upstream/wechatpay/mapper'
import { randomBytes } from 'node:crypto'
import { maskIdCard, maskName, toShanghaiIso } from '@yibao/shared'
import { MAX_ORDER_LINES, newOutTradeNo, newReceiptCode, payable, timeExpire } from '../domain/payment'
import { AppError, UpstreamError } from '../lib/errors'
import { resolveSubject } from '../lib/resident'
import { findLink } from '../storage/family'
import { enqueue, findOrderBy, insertOrder, markOrderPaid, orderLines, paidLinesFor, setOrderPrepay } from '../storage/payments'
import { refundsOfOrder } from '../storage/refunds'

/** Who a line is for, as the client names them: never an amount. */
export type PersonPick = { kind: 'self' } | { kind: 'member', memberId: string } | { kind: 'other', name: string, certNo: string }

export interface ResolvedPerson {
  certNo: string
  certRef: string
  /** Full name when the payer typed it (代缴); otherwise unknown to us (only masked). */
  name: string | undefined
  nameMasked: string
  relation: 'self' | 'family' | 'proxy'
}

export interface QuotedLine extends ResolvedPerson {
  year: number
  regionCode: string
  standardFen: number
  subsidyFen: number
  dueFen: number
  status: DueStatus
}

/** Resolves the people of a payment: self, a bound family member, or anyone by name + ID (代缴, checked with the bureau). */
export async function resolvePeople(c: Context<AppEnv>, picks: PersonPick[]): Promise<ResolvedPerson[]> {
  const { vault, nhsa } = c.get('deps')
  const out: ResolvedPerson[] = []
  for (const p of picks) {
    if (p.kind === 'other') {
      const person = await nhsa.getPersonInfo(p.certNo, { name: p.name, logger: c.get('logger') })
      out.push({ certNo: p.certNo, certRef: vault.ref(p.certNo), name: p.name, nameMasked: maskName(person.name), relation: 'proxy' })
      continue
    }
    const subject = await resolveSubject(c, p.kind === 'member' ? p.memberId : null)
    const nameMasked = subject.channel === 'self' ? subject.asker.nameMasked : (await findLink(c.get('deps').storage.db, subject.linkId!))?.memberNameMasked ?? '*'
    out.push({ certNo: subject.certNo, certRef: subject.certRef, name: undefined, nameMasked, relation: subject.channel === 'self' ? 'self' : 'family' })
  }
  if (new Set(out.map(p => p.certRef)).size !== out.length) throw new AppError('VALIDATION_FAILED', 400, { fields: { people: '同一人只能选择一次' } })
  if (out.length > MAX_ORDER_LINES) throw new AppError('VALIDATION_FAILED', 400, { fields: { people: `一次最多为${MAX_ORDER_LINES}人缴费` } })
  return out
}

/**
 * What each person owes for the year, from the tax bureau's collection system — never from the
 * client. A line we already took money for (paid, not yet reported to the tax bureau) counts as paid.
 */
export async function quoteLines(c: Context<AppEnv>, people: ResolvedPerson[], year: number): Promise<QuotedLine[]> {
  const { premiums, storage } = c.get('deps')
  const locallyPaid = new Set((await paidLinesFor(storage.db, people.map(p => p.certRef), year)).map(l => l.personCertRef))
  return Promise.all(people.map(async (p) => {
    const due = await premiums.quote(p.certNo, p.name, year, c.get('logger'))
    if (!due) throw new AppError('PERSON_NOT_FOUND', 404)
    const status: DueStatus = locallyPaid.has(p.certRef) ? 'paid' : due.status
    return { ...p, year, regionCode: due.regionCode, standardFen: due.standardFen, subsidyFen: due.subsidyFen, dueFen: status === 'payable' ? due.dueFen : 0, status }
  }))
}

/** The masked view of a line (for every client). */
export function lineView(l: QuotedLine) {
  return { name: l.nameMasked, certNo: maskIdCard(l.certNo), relation: l.relation, year: l.year, regionCode: l.regionCode, standardFen: l.standardFen, subsidyFen: l.subsidyFen, dueFen: l.dueFen, status: l.status }
}

export type Channel = 'jsapi' | 'native'

/** The masked view of an order. */
export async function orderView(deps: AppDeps, order: PremiumOrder, lines?: PremiumOrderLine[]) {
  const ls = lines ?? await orderLines(deps.storage.db, order.id)
  // Only a paid order can have refunds: nothing to look up for the rest (e.g. every SSE poll of a QR).
  // The newest request of a line is the one shown (after a rejected one, its retry).
  const refunds = order.status === 'paid' ? new Map((await refundsOfOrder(deps.storage.db, order.id)).map(r => [r.lineId, r])) : new Map<string, PremiumRefund>()
  return {
    id: order.id,
    outTradeNo: order.outTradeNo,
    channel: order.channel as Channel,
    year: order.year,
    totalFen: order.totalFen,
    status: order.status as 'created' | 'prepaid' | 'paid' | 'closed' | 'failed',
    codeUrl: order.status === 'prepaid' ? order.codeUrl : null,
    expiresAt: toShanghaiIso(order.timeExpire),
    paidAt: order.paidAt ? toShanghaiIso(order.paidAt) : null,
    lines: ls.map((l) => {
      const refund = refunds.get(l.id)
      return {
        id: l.id,
        name: l.personNameMasked,
        certNo: maskIdCard(deps.vault.decrypt(l.personCertNoEnc)),
        amountFen: l.amountFen,
        status: l.status,
        receiptCode: l.receiptCode,
        refund: refund ? { id: refund.id, status: refund.status as RefundStatus } : null,
      }
    }),
  }
}

/**
 * Creates (or, on a retry with the same Idempotency-Key, resumes) an order and prepays it. The
 * `out_trade_no` is fixed when the order row is written, before WeChat Pay is called, and every retry
 * prepays with the same number and parameters, so WeChat Pay answers with the same prepay.
 */
export async function createAndPrepay(c: Context<AppEnv>, input: { principal: string, year: number, channel: Channel, people: PersonPick[], openid?: string | null }): Promise<{ order: PremiumOrder, lines: PremiumOrderLine[] }> {
  const { storage, vault, now } = c.get('deps')
  const idem = c.get('idempotency')
  let order = idem ? await findOrderBy(storage.db, 'idempotencyKeyId', idem.id) : null
  let lines: PremiumOrderLine[]
  if (order) {
    lines = await orderLines(storage.db, order.id)
  }
  else {
    if (input.channel === 'jsapi' && !input.openid) throw new AppError('WECHAT_REQUIRED', 400)
    const people = await resolvePeople(c, input.people)
    const quoted = await quoteLines(c, people, input.year)
    if (!payable(quoted)) {
      const paid = quoted.filter(q => q.status !== 'payable' || q.dueFen <= 0)
      throw new AppError('NOTHING_TO_PAY', 409, { fields: Object.fromEntries(paid.map(q => [maskIdCard(q.certNo), q.status])) })
    }
    const at = now()
    const expiry = timeExpire(at)
    const total = quoted.reduce((sum, q) => sum + q.dueFen, 0)
    const created = await insertOrder(storage.db, {
      outTradeNo: newOutTradeNo(at, randomBytes(16)),
      principal: input.principal,
      channel: input.channel,
      year: input.year,
      totalFen: total,
      status: 'created',
      description: `${input.year}年度城乡居民医保缴费（${quoted.length}人）`,
      payerOpenid: input.channel === 'jsapi' ? input.openid! : null,
      timeExpire: expiry.at,
      idempotencyKeyId: idem?.id ?? null,
      createdAt: at,
    }, quoted.map(q => ({ personCertRef: q.certRef, personCertNoEnc: vault.encrypt(q.certNo), personNameMasked: q.nameMasked, regionCode: q.regionCode, year: q.year, amountFen: q.dueFen, status: 'pending' })))
    order = created.order
    lines = created.lines
    // Convergence even if the payer never comes back and no callback arrives (crash-safe: it is in the database).
    await enqueue(storage.db, 'check_order', `check_order:${order.id}:expiry`, { orderId: order.id }, new Date(expiry.at.getTime() + 60_000))
  }
  if (order.status === 'created') {
    const answer = await prepay(c.get('deps'), order)
    await setOrderPrepay(storage.db, order.id, answer)
    order = { ...order, ...answer, status: 'prepaid' }
  }
  return { order, lines }
}

async function prepay(deps: AppDeps, order: PremiumOrder): Promise<{ prepayId?: string, codeUrl?: string }> {
  const base = { outTradeNo: order.outTradeNo, description: order.description, amountFen: order.totalFen, expiresAt: order.timeExpire, attach: `year=${order.year}` }
  if (order.channel === 'jsapi') return { prepayId: (await deps.wechatpay.prepayJsapi({ ...base, openid: order.payerOpenid! })).prepayId }
  return { codeUrl: (await deps.wechatpay.prepayNative(base)).codeUrl }
}

/**
 * Applies a successful payment reported by WeChat Pay (callback or query) exactly once, after the
 * zero-trust checks: same merchant and app, known order, SUCCESS, same amount in fen.
 */
export async function applyPaidTransaction(deps: AppDeps, tx: WechatPayTransaction, event?: { id: string, type: string }): Promise<'paid' | 'duplicate' | 'not_success' | 'unknown_order' | 'amount_mismatch'> {
  if (tx.tradeState !== 'SUCCESS' || !tx.transactionId) return 'not_success'
  const order = await findOrderBy(deps.storage.db, 'outTradeNo', tx.outTradeNo)
  if (!order) return 'unknown_order'
  if (tx.totalFen !== order.totalFen) {
    deps.logger.error({ outTradeNo: order.outTradeNo, expected: order.totalFen, got: tx.totalFen }, 'payment amount mismatch')
    return 'amount_mismatch'
  }
  const lines = await orderLines(deps.storage.db, order.id)
  const codes = new Map(lines.map(l => [l.id, newReceiptCode(randomBytes(16))]))
  const moved = await markOrderPaid(deps.storage.db, { orderId: order.id, outTradeNo: order.outTradeNo, transactionId: tx.transactionId, paidAt: tx.successTime ?? deps.now(), receiptCodes: codes, eventId: event?.id, eventType: event?.type })
  if (moved) {
    // Their coverage now shows next year paid (locally, then from the tax bureau): drop cached reads.
    for (const l of lines) deps.personReads.forget(l.personCertRef)
    await deps.audit.record({ actorType: 'system', actorId: 'wechatpay', channel: 'public', action: 'payment.paid', target: `order:${order.id}`, success: true, detail: { outTradeNo: order.outTradeNo, totalFen: order.totalFen } })
  }
  return moved ? 'paid' : 'duplicate'
}

/** Asks WeChat Pay about an unpaid order and applies a payment it reports. */
export async function convergeOrder(deps: AppDeps, order: PremiumOrder): Promise<PremiumOrder> {
  if (order.status !== 'prepaid' && order.status !== 'created') return order
  try {
    const tx = await deps.wechatpay.queryByOutTradeNo(order.outTradeNo)
    if (tx.tradeState === 'SUCCESS') await applyPaidTransaction(deps, tx)
  }
  catch (error) {
    // ORDER_NOT_EXIST before any prepay, or a passing failure: the order simply stays as it is.
    if (!(error instanceof UpstreamError)) throw error
    deps.logger.warn({ outTradeNo: order.outTradeNo, kind: error.kind, code: error.detail.upstreamCode }, 'order query failed')
  }
  return (await findOrderBy(deps.storage.db, 'id', order.id)) ?? order
}
