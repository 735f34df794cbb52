import type { RefundOption, RefundOptions, RefundReason } from '@yibao/shared'
import type { Person } from '../domain/person'
import type { RefundAssessment, RefundFacts } from '../domain/refund'
import type { AppDeps } from '../lib/types'
import type { PremiumOrderLine } from '../storage/payments'
import { formatErrorMessage, getPolicy, REFUND_REASON_HINTS, REFUND_REASON_LABELS, REFUND_REASONS } from '@yibao/shared'
import { assessRefund, needsRecords } from '../domain/refund'
import { policyForRegion } from '../domain/slip'
import { AppError, UpstreamError } from '../lib/errors'
import { findOrderBy, orderIsFor, orderLines } from '../storage/payments'

/**
 * The facts behind a refund reason (server/src/domain/refund.ts): the line, and — only for the reasons whose
 * amount depends on them (资助对象; 已参加职工医保 once the year has started) — the bureau's records read fresh,
 * never from a cache: the person's 职工医保 relations and special statuses (1101) and the tax bureau's record of
 * the year (its standard and the 资助 taken off when it was paid).
 */
export async function refundFactsFor(
  deps: AppDeps,
  p: { line: PremiumOrderLine, reason: RefundReason, now: Date },
): Promise<RefundFacts> {
  const facts = lineFacts(p.line, p.reason, p.now)
  return needsRecords(p.reason, p.line.year, p.now) ? { ...facts, ...await recordsOf(deps, p.line) } : facts
}

/** What the line itself says: the year, what was paid, and the documents of its 参保地. */
function lineFacts(line: PremiumOrderLine, reason: RefundReason, now: Date): RefundFacts {
  const policyId = policyForRegion(line.regionCode)
  return { reason, year: line.year, now, paidFen: line.amountFen, policy: policyId ? getPolicy(policyId) : null }
}

/** The bureau's records of the person-year, read fresh (1101 and the tax record). */
async function recordsOf(deps: AppDeps, line: PremiumOrderLine): Promise<Pick<RefundFacts, 'person' | 'due'>> {
  const certNo = deps.vault.decrypt(line.personCertNoEnc)
  const [person, due] = await Promise.all([
    deps.nhsa.getPersonInfo(certNo, { logger: deps.logger }),
    deps.premiums.quote(certNo, undefined, line.year, deps.logger),
  ])
  return {
    person: { employee: employeeRelations(person), statuses: person.statuses },
    ...(due && { due: { standardFen: due.standardFen, subsidyFen: due.subsidyFen } }),
  }
}

/** The person's 职工医保 (310) relations: from their first day to the day they ended (终止/无效), if they did. */
function employeeRelations(person: Person) {
  return person.enrolments
    .filter(e => e.insuranceType === '310')
    .map(e => ({ since: e.since, until: e.status === 'terminated' || e.status === 'invalid' ? e.pausedOn : null }))
}

function optionOf(reason: RefundReason, year: number, a: RefundAssessment | null): RefundOption {
  const common = { reason, label: REFUND_REASON_LABELS[reason], hint: REFUND_REASON_HINTS[reason] }
  if (!a) return { ...common, status: 'unknown', amountFen: null, partial: false, basis: null, message: null, code: null }
  if (a.allowed) {
    return { ...common, status: 'allowed', amountFen: a.amountFen, partial: a.partial, basis: a.basis, message: null, code: null }
  }
  const message = formatErrorMessage(a.code, { year: String(year) })
  return { ...common, status: 'refused', amountFen: null, partial: false, basis: a.basis, message, code: a.code }
}

/**
 * 退费申请's choices for one paid line of one's own order or of a
 * 窗口代缴 order made for one alone (another's is 404): every reason with what the rules
 * say of it today. The bureau's records are read once, and a failure to read them leaves only the reasons that
 * need them `unknown`.
 */
export async function refundOptions(
  deps: AppDeps,
  p: { principal: string, certRef?: string, orderId: string, lineId: string },
): Promise<RefundOptions> {
  const order = await findOrderBy(deps.storage.db, 'id', p.orderId)
  if (!order || !await orderIsFor(deps.storage.db, order, p)) throw new AppError('NOT_FOUND', 404)
  const line = (await orderLines(deps.storage.db, order.id)).find(l => l.id === p.lineId)
  if (!line) throw new AppError('NOT_FOUND', 404)
  const now = deps.now()
  let records: Promise<Pick<RefundFacts, 'person' | 'due'>> | null = null
  const options = await Promise.all(REFUND_REASONS.map(async (reason) => {
    const facts = lineFacts(line, reason, now)
    if (!needsRecords(reason, line.year, now)) return optionOf(reason, line.year, assessRefund(facts))
    records ??= recordsOf(deps, line)
    try {
      return optionOf(reason, line.year, assessRefund({ ...facts, ...await records }))
    }
    catch (error) {
      if (!(error instanceof UpstreamError)) throw error
      return optionOf(reason, line.year, null)
    }
  }))
  return { year: line.year, paidFen: line.amountFen, options }
}
