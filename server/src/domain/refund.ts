import type { ErrorCode, Param, Policy, RefundReason, SpecialStatus } from '@yibao/shared'
import type { PersonStatus } from './person'
import {
  applyDisabilityScope,
  benefitYearState,
  DEFAULT_CALENDAR,
  enrolmentYearForNewTarget,
  fenToYuanString,
  SPECIAL_STATUS_LABELS,
  toShanghaiIso,
} from '@yibao/shared'
import { randomCode } from './payment'
import { disabilityOn } from './person'

/**
 * Refund rules the BFF applies before asking the bureau (pure). A benefit year starts on 1 January,
 * Shanghai time — the shared benefit-year rule (`benefitYearState`) says when, as it does for coverage,
 * quotes and 备案. Once it has started a premium is not refunded for the reasons that end the year's
 * enrolment before it gives anything (domain notes §4: "once the benefit period has started"), but a
 * death before it (东医保发〔2020〕56号 六(一)) still gets the whole premium back, a resident who joined 职工医保
 * the months that overlap it, and a 资助对象 the part now funded (`assessRefund`). Whether they really
 * died, joined employee insurance or were made a 资助对象, only the bureau knows: its 审核 answers those.
 */
export { benefitStartsAt } from '@yibao/shared'

/** `out_refund_no`: `YR` + Shanghai date + 16 random characters (6–32 of WeChat Pay's alphabet). */
export function newOutRefundNo(now: Date, random: Uint8Array): string {
  return `YR${toShanghaiIso(now).slice(0, 10).replace(/-/g, '')}${randomCode(random, 16)}`
}

// ---------------------------------------------------------------- refund cases and amounts

/** Where a refund's right and amount come from, as the resident is shown it (the engine's step convention). */
export interface RefundBasis {
  /** Plain Chinese, amounts in 元. */
  text: string
  /** Document and clause. */
  source: string
  /** No document fixes it: `reason` says why the app's rule is what it is. */
  assumed?: true
  reason?: string
}

/** What the rules say of one reason for one paid person-year: its amount (fen), or why it is refused now. */
export type RefundAssessment
  = | { allowed: true, amountFen: number, partial: boolean, basis: RefundBasis }
    | { allowed: false, code: ErrorCode, basis: RefundBasis | null }

/** An insurance relation's first and last day (`YYYY-MM-DD`; `null`: open). */
interface Relation { since: string | null, until: string | null }

/** The facts a reason needs (the bureau's records only where the amount depends on them). */
export interface RefundFacts {
  reason: RefundReason
  /** Benefit year of the premium. */
  year: number
  now: Date
  /** What was paid for the person-year (fen). */
  paidFen: number
  /** The region's policy (documents), `null` where none applies. */
  policy: Policy | null
  /** 1101: the person's 职工医保 (310) relations and special statuses. Needed by `needsRecords` reasons. */
  person?: { employee: readonly Relation[], statuses: readonly PersonStatus[] }
  /** The tax bureau's record of the year: 个人缴费标准 and the 资助 taken off when it was paid (fen). */
  due?: { standardFen: number, subsidyFen: number }
}

/** Integer fen → `1234.50` (the explanations say 元 after it). */
const yuan = (fen: number) => fenToYuanString(fen)

const DONGYING_DEATH = '东医保发〔2020〕56号 六(一)'
/** 国家医保局办公室等五部门《高质量打赢医疗保障脱贫攻坚战》的通知 二: 做好职工医保和居民医保参保接续衔接. */
const NATIONAL_CONTINUITY = '医保局办公室等五部门2020年通知 二（做好职工医保和居民医保参保接续衔接）'

function benefitStarted(year: number, now: Date): boolean {
  return benefitYearState({ year, now, calendar: DEFAULT_CALENDAR, payment: null, enrolment: null }).benefitStarted
}

/** Whether the rules need the bureau's records (1101 and the tax record) to judge a reason now. */
export function needsRecords(reason: RefundReason, year: number, now: Date): boolean {
  return reason === 'funded' || (reason === 'employee_insurance' && benefitStarted(year, now))
}

function lastDayOf(year: number, month: number): string {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10)
}

/**
 * Months (1–12) of `year` that 职工医保 covers whole: the relation began on or before the month's first day and
 * had not ended before its last. The ASSUMED unit of an overlap refund (no document sets one).
 */
export function overlapMonths(employee: readonly Relation[], year: number): number[] {
  const months: number[] = []
  for (let m = 1; m <= 12; m++) {
    const first = `${year}-${String(m).padStart(2, '0')}-01`
    const last = lastDayOf(year, m)
    const covers = (e: Relation) => (e.since === null || e.since <= first) && (e.until === null || e.until >= last)
    if (employee.some(covers)) months.push(m)
  }
  return months
}

/** The whole premium back: the reasons that end the year's enrolment before it gives anything. */
function whole(f: RefundFacts, basis: RefundBasis): RefundAssessment {
  return { allowed: true, amountFen: f.paidFen, partial: false, basis }
}

function died(f: RefundFacts): RefundAssessment {
  const text = `参保人在集中参保期缴费后、${f.year}年1月1日待遇享受期开始前去世的，退还全部个人缴费 ${yuan(f.paidFen)} 元，`
    + '政府补助不再享受。医保部门将核对死亡登记信息。'
  if (f.policy?.id === 'dongying-2020') return whole(f, { text, source: DONGYING_DEATH })
  return whole(f, {
    text,
    source: DONGYING_DEATH,
    assumed: true,
    reason: '本地区文件未规定死亡人员退费，参照东营市通知“进入待遇享受期之前死亡的，及时做好退费工作”',
  })
}

/** 重复参保, 误缴多缴 and (before the year starts) 已参加职工医保: the whole premium, until 1 January. */
function beforeStart(f: RefundFacts, text: string, source: string, reason: string): RefundAssessment {
  if (benefitStarted(f.year, f.now)) return { allowed: false, code: 'REFUND_BENEFIT_STARTED', basis: null }
  return whole(f, { text: `${text}退还全部个人缴费 ${yuan(f.paidFen)} 元。`, source, assumed: true, reason })
}

function employee(f: RefundFacts): RefundAssessment {
  if (!benefitStarted(f.year, f.now)) {
    return beforeStart(f, `已参加职工医保、${f.year}年度待遇享受期尚未开始的，`, NATIONAL_CONTINUITY, '文件只要求做好职工医保和居民医保参保接续衔接，'
      + '未规定退费；按通行做法，待遇享受期开始前全额退还居民医保个人缴费')
  }
  const months = overlapMonths(f.person?.employee ?? [], f.year)
  const basisOf = (text: string): RefundBasis => ({
    text,
    source: NATIONAL_CONTINUITY,
    assumed: true,
    reason: '文件未规定待遇享受期开始后参加职工医保的退费办法；按与职工医保重叠的整月数折算：年缴费 × 重叠月数 ÷ 12，不足1分舍去',
  })
  if (months.length === 0) {
    return { allowed: false, code: 'REFUND_NO_OVERLAP', basis: basisOf(`${f.year}年度没有与职工医保重叠的整月。`) }
  }
  // Integer fen, rounded down: never more than the months paid for.
  const amountFen = Math.floor(f.paidFen * months.length / 12)
  const range = months.length === 1 ? `${months[0]}月` : `${months[0]}月至${months.at(-1)}月`
  const text = `${f.year}年度有 ${months.length} 个整月（${range}）同时参加了职工医保和居民医保，按月折算退还重叠月份的个人缴费：`
    + `${yuan(f.paidFen)} 元 × ${months.length} ÷ 12 = ${yuan(amountFen)} 元。`
  return { allowed: true, amountFen, partial: amountFen < f.paidFen, basis: basisOf(text) }
}

/** A status's subsidy under the policy, in fen for a standard (`'full'` = the standard). */
function subsidyOf(param: Param<'full' | number>, standardFen: number): number {
  return param.value === 'full' ? standardFen : Math.min(param.value, standardFen)
}

function cited(params: readonly Param<unknown>[]): Pick<RefundBasis, 'source' | 'assumed' | 'reason'> {
  const source = [...new Set(params.map(p => p.source))].join('；')
  const reasons = [...new Set(params.filter(p => p.assumed && p.reason).map(p => p.reason!))]
  return reasons.length ? { source, assumed: true, reason: reasons.join('；') } : { source }
}

/**
 * 资助对象: a person made 特困, 建档立卡… after paying gets back the part the government now pays. The status must
 * count for the year by the region's document (Guizhou 二(二): identified by the end of August → that year, from
 * September → the next; the other regions' cut-off is assumed), be in force during it, and (Dongying 二(二)) be
 * within the 重度残疾人 the policy counts. The amount: the policy's subsidy of the most favourable status (就高)
 * on the year's standard, less the 资助 already taken off when it was paid, never more than was paid.
 */
function funded(f: RefundFacts): RefundAssessment {
  const refused = (basis: RefundBasis | null): RefundAssessment =>
    ({ allowed: false, code: 'REFUND_NOT_FUNDED', basis })
  const { policy, person, due } = f
  if (!policy || !person || !due) return refused(null)
  const yearStart = `${f.year}-01-01`
  const yearEnd = `${f.year}-12-31`
  const counts = person.statuses.filter(s =>
    (s.since === null || (s.since <= yearEnd && enrolmentYearForNewTarget(policy, s.since) <= f.year))
    && (s.until === null || s.until >= yearStart))
  const day = counts.some(s => s.since !== null && s.since > yearStart) ? yearEnd : yearStart
  const scoped = applyDisabilityScope(policy, counts.map(s => s.status), disabilityOn(counts, day)).statuses
  let best: { status: SpecialStatus, fen: number } | null = null
  for (const status of policy.statusPriority) {
    if (!scoped.includes(status)) continue
    const fen = subsidyOf(policy.premium.subsidies[status], due.standardFen)
    if (fen > (best?.fen ?? 0)) best = { status, fen }
  }
  // What was taken off already: the tax record's 资助, or what the standard and the payment say, the larger.
  const applied = Math.max(due.subsidyFen, due.standardFen - f.paidFen)
  if (!best) return refused(null)
  const param = policy.premium.subsidies[best.status]
  const cutoff = policy.premium.newTargetCutoffMonth
  const amountFen = Math.min(f.paidFen, Math.max(0, best.fen - applied))
  const since = counts.find(s => s.status === best.status)?.since
  const label = SPECIAL_STATUS_LABELS[best.status]
  const how = param.value === 'full' ? `全额资助 ${yuan(best.fen)} 元` : `定额资助 ${yuan(best.fen)} 元`
  const text = `${since ? `您自${since}起为${label}` : `您是${label}`}，按规定纳入${f.year}年度参保资助（${cutoff.value}月底前认定的纳入当年）：`
    + `个人缴费由政府${how}；缴费时已扣除资助 ${yuan(applied)} 元，`
    + (amountFen > 0 ? `退还现由政府资助的 ${yuan(amountFen)} 元。` : '没有需要退还的部分。')
  const basis: RefundBasis = { text, ...cited([param, cutoff]) }
  if (amountFen === 0) return refused(basis)
  return { allowed: true, amountFen, partial: amountFen < f.paidFen, basis }
}

/**
 * The rules of each refund reason (pure; the bureau's 审核 has the last word on the facts):
 * - 待遇享受期前死亡: the whole premium, whenever the heirs apply (东医保发〔2020〕56号 六(一));
 * - 重复参保, 误缴多缴: the whole premium until the benefit year starts on 1 January (assumed: no document);
 * - 已参加职工医保: the whole premium before 1 January; after it, the whole months that overlap 职工医保, pro rata
 *   by month (assumed), never rounding up;
 * - 资助对象: the part now funded (`funded`).
 */
export function assessRefund(f: RefundFacts): RefundAssessment {
  switch (f.reason) {
    case 'died_before_benefit':
      return died(f)
    case 'duplicate_enrolment':
      return beforeStart(f, '同一年度重复参保或重复缴费、待遇享受期尚未开始的，', '城乡居民医保退费经办通行做法', '四份文件均未规定重复参保退费；'
        + '按通行做法，待遇享受期开始前全额退还')
    case 'overpaid':
      return beforeStart(f, '误缴或多缴、待遇享受期尚未开始的，', '城乡居民医保退费经办通行做法', '四份文件均未规定误缴多缴退费；按通行做法，'
        + '待遇享受期开始前全额退还')
    case 'employee_insurance':
      return employee(f)
    case 'funded':
      return funded(f)
  }
}
