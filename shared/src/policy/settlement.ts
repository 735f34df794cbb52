import type { DisabilityFacts } from '../schemas/disability'
import type { SpecialStatus } from '../terms/person'
import type {
  AssistanceStep,
  BasicStep,
  CriticalStep,
  EstimateResult,
  HospitalStep,
  PersonalStep,
  SettlementStep,
} from './api-schemas'
import type { Cite, CompiledPolicy, CompiledTable, Profile } from './compile'
import type { DisabilityScopeOutcome } from './disability-scope'
import type { HospitalLevel, PolicyId } from './ids'
import type { Policy } from './policy-schema'
import { SPECIAL_STATUS_LABELS, SPECIAL_STATUSES } from '../terms/person'
import { applyRate, BP_ONE, isFen, percent, yuan } from './arithmetic'
import { cite, compiledPolicy, withCite } from './compile'
import { criticalCumulativePayout, criticalParts } from './critical'
import { applyDisabilityScope } from './disability-scope'

/** Amounts accumulated earlier in the same calendar year (fen). */
export interface YearToDate {
  /** Cumulative personal compliant burden (`personalCompliantBurden` of earlier stays). */
  criticalBurden: number
  criticalPaid: number
  basicPaid: number
  assistancePaid: number
}

/** One hospitalisation (public API contract; amounts in fen). */
export interface SettlementInput {
  statuses: readonly SpecialStatus[]
  /**
   * Kind, grade and 脱贫 state of a severe_disability status, from the bureau's record: a policy that counts
   * only part of the 重度残疾人 (`severeDisabilityScope`) needs them; unknown → the status does not count there.
   */
  disability?: DisabilityFacts | null
  hospitalLevel: HospitalLevel
  /** Electronic referral done. Omitted = treated as referred (the step text says so where it matters). */
  referred?: boolean
  total: number
  outOfList: number
  yearToDate?: YearToDate
}

const ZERO_YTD: YearToDate = { criticalBurden: 0, criticalPaid: 0, basicPaid: 0, assistancePaid: 0 }
const LEVEL_NAMES = ['', '一级', '二级', '三级'] as const
const STATUS_BIT: Record<SpecialStatus, number> = Object.fromEntries(SPECIAL_STATUSES.map((s, i) => [s, 1 << i])) as Record<SpecialStatus, number>

/** Numbers of one candidate evaluation. */
interface Calc {
  profile: Profile
  /** Lost the poverty preferences because of the referral rule. */
  lost: boolean
  inPolicy: number
  deductible: number
  basicBase: number
  basicBp: number
  bonusBp: number
  basicRaw: number
  basicCapRemaining: number
  basicPay: number
  burden: number
  table: CompiledTable
  before: number
  after: number
  criticalRaw: number
  criticalCapRemaining: number
  criticalPay: number
  assistBase: number
  assistTarget: number
  assistRaw: number
  assistLimitRemaining: number
  assistancePay: number
  allowed: number
  hospitalBorne: number
  personalPay: number
  payout: number
}

function evaluate(c: CompiledPolicy, profile: Profile, input: SettlementInput, ytd: YearToDate): Calc {
  const { total, outOfList, hospitalLevel } = input
  const lvl = c.levels[hospitalLevel]
  const lost = profile.referral && c.referral !== null && hospitalLevel >= c.referral.fromLevel && input.referred === false

  // Basic insurance: ratio of the in-policy cost above the deductible, within what is left of the annual cap.
  const inPolicy = total - outOfList
  const deductible = inPolicy < lvl.deductible ? inPolicy : lvl.deductible
  const basicBase = inPolicy - deductible
  const bonusBp = profile.basicPoverty && !lost ? lvl.bonusBp : 0
  const basicBp = lvl.bp + bonusBp
  const basicRaw = applyRate(basicBase, basicBp)
  const basicCapRemaining = Math.max(0, c.basicCap - ytd.basicPaid)
  const basicPay = basicRaw < basicCapRemaining ? basicRaw : basicCapRemaining

  // Critical illness on the annual cumulative personal compliant burden.
  const burden = inPolicy - basicPay
  const table = profile.criticalPoverty && !lost ? c.poverty : c.ordinary
  const before = ytd.criticalBurden
  const after = before + burden
  const criticalRaw = criticalCumulativePayout(table, after) - criticalCumulativePayout(table, before)
  const criticalCapRemaining = table.cap === null ? Number.POSITIVE_INFINITY : Math.max(0, table.cap - ytd.criticalPaid)
  const criticalPay = criticalRaw < criticalCapRemaining ? criticalRaw : criticalCapRemaining

  // Out-of-list costs above the allowed share are borne by the hospital.
  let allowed = 0
  let hospitalBorne = 0
  if (profile.hospital && c.hospital) {
    allowed = applyRate(total, c.hospital.bp)
    hospitalBorne = outOfList > allowed ? outOfList - allowed : 0
  }

  // Medical assistance.
  let assistBase = 0
  let assistTarget = 0
  let assistRaw = 0
  let assistLimitRemaining = Number.POSITIVE_INFINITY
  let assistancePay = 0
  const a = profile.assistance
  if (a) {
    if (a.limit !== null) assistLimitRemaining = Math.max(0, a.limit - ytd.assistancePaid)
    if (a.kind === 'ratio') {
      assistBase = burden - criticalPay
      assistRaw = applyRate(assistBase, a.bp)
    }
    else {
      assistBase = total
      assistTarget = applyRate(total, a.bp)
      const reached = basicPay + criticalPay
      assistRaw = assistTarget > reached ? assistTarget - reached : 0
      const open = total - reached - hospitalBorne
      if (assistRaw > open) assistRaw = open
    }
    assistancePay = assistRaw < assistLimitRemaining ? assistRaw : assistLimitRemaining
  }

  const payout = basicPay + criticalPay + assistancePay + hospitalBorne
  return {
    profile,
    lost,
    inPolicy,
    deductible,
    basicBase,
    basicBp,
    bonusBp,
    basicRaw,
    basicCapRemaining,
    basicPay,
    burden,
    table,
    before,
    after,
    criticalRaw,
    criticalCapRemaining,
    criticalPay,
    assistBase,
    assistTarget,
    assistRaw,
    assistLimitRemaining,
    assistancePay,
    allowed,
    hospitalBorne,
    personalPay: total - payout,
    payout,
  }
}

function assertInput(input: SettlementInput, ytd: YearToDate): void {
  if (!isFen(input.total) || !isFen(input.outOfList)) throw new RangeError('total and outOfList must be non-negative integer fen')
  if (input.outOfList > input.total) throw new RangeError('outOfList must not exceed total')
  if (input.hospitalLevel !== 1 && input.hospitalLevel !== 2 && input.hospitalLevel !== 3) throw new RangeError('hospitalLevel must be 1, 2 or 3')
  if (!isFen(ytd.criticalBurden) || !isFen(ytd.criticalPaid) || !isFen(ytd.basicPaid) || !isFen(ytd.assistancePaid))
    throw new RangeError('yearToDate amounts must be non-negative integer fen')
}

/**
 * Estimates one inpatient stay under a policy: basic insurance, critical illness (on the annual
 * cumulative burden), medical assistance, the hospital's share of excess out-of-list costs, and what
 * the person pays. With several statuses, each is evaluated alone and the most favourable one is
 * applied (就高; ties go to the policy's `statusPriority`); benefits are never added up.
 *
 * Invariant: `basicPay + criticalPay + assistancePay + hospitalBorne + personalPay === total`, all
 * non-negative integers. Throws `RangeError` for invalid amounts (validate with `EstimateInputSchema`).
 */
export function estimateSettlement(policy: Policy | PolicyId, input: SettlementInput): EstimateResult {
  const c = compiledPolicy(policy)
  const ytd = input.yearToDate ?? ZERO_YTD
  assertInput(input, ytd)

  const scoped = applyDisabilityScope(c.policy, input.statuses, input.disability)
  let mask = 0
  for (const s of scoped.statuses) mask |= STATUS_BIT[s] ?? 0
  let best: Calc | undefined
  if (mask === 0) {
    best = evaluate(c, c.ordinaryProfile, input, ytd)
  }
  else {
    let seen = ''
    for (const s of c.priority) {
      if ((mask & STATUS_BIT[s]) === 0) continue
      const profile = c.profiles[s]
      if (seen.includes(`#${profile.key}#`)) continue
      seen += `#${profile.key}#`
      const calc = evaluate(c, profile, input, ytd)
      if (!best || calc.payout > best.payout) best = calc
    }
  }
  const r = best!
  // The status actually applied: the first status in priority order with the winning profile.
  let applied: SpecialStatus | null = null
  if (mask !== 0) {
    for (const s of c.priority) {
      if ((mask & STATUS_BIT[s]) !== 0 && c.profiles[s].key === r.profile.key) {
        applied = s
        break
      }
    }
  }

  return {
    policy: c.policy.id,
    total: input.total,
    outOfList: input.outOfList,
    inPolicy: r.inPolicy,
    deductible: r.deductible,
    basicPay: r.basicPay,
    personalCompliantBurden: r.burden,
    criticalPay: r.criticalPay,
    assistancePay: r.assistancePay,
    hospitalBorne: r.hospitalBorne,
    personalPay: r.personalPay,
    appliedStatus: applied,
    yearToDateAfter: {
      criticalBurden: r.after,
      criticalPaid: ytd.criticalPaid + r.criticalPay,
      basicPaid: ytd.basicPaid + r.basicPay,
      assistancePaid: ytd.assistancePaid + r.assistancePay,
    },
    steps: buildSteps(c, input, ytd, r, applied, mask, scoped.note),
  }
}

// ---------------------------------------------------------------- explanations

/** A step's cite, plus the clause of the 重度残疾人 scope when it was applied. */
function withScope(ct: Cite, note: DisabilityScopeOutcome['note']): Cite {
  return note ? cite(ct, note.cite) : ct
}

function countBits(mask: number): number {
  let n = 0
  for (let m = mask; m !== 0; m &= m - 1) n++
  return n
}

function buildSteps(
  c: CompiledPolicy,
  input: SettlementInput,
  ytd: YearToDate,
  r: Calc,
  applied: SpecialStatus | null,
  mask: number,
  scopeNote: DisabilityScopeOutcome['note'],
): SettlementStep[] {
  const { total, outOfList, hospitalLevel } = input
  const lvl = c.levels[hospitalLevel]
  const label = applied ? SPECIAL_STATUS_LABELS[applied] : ''
  const referralMatters = r.profile.referral && c.referral !== null && hospitalLevel >= c.referral.fromLevel
  const steps: SettlementStep[] = []

  // basic
  let text = `住院总费用 ${yuan(total)} 元中，符合医保政策范围的费用是 ${yuan(r.inPolicy)} 元${
    outOfList > 0 ? `，另外 ${yuan(outOfList)} 元是医保目录外的费用，医保不报销。` : '。'}`
  if (r.basicBase === 0) {
    text += `在${LEVEL_NAMES[hospitalLevel]}医院住院，基本医保起付线是 ${yuan(lvl.deductible)} 元，政策范围内费用没有超过起付线，基本医保这次不报销。`
  }
  else {
    text += `在${LEVEL_NAMES[hospitalLevel]}医院住院，先扣除起付线 ${yuan(lvl.deductible)} 元，剩下的 ${yuan(r.basicBase)} 元由基本医保按 ${percent(r.basicBp)}% 报销`
    if (r.bonusBp > 0) text += `（您是${label}，在这一级医院多报 ${percent(r.bonusBp)} 个百分点）`
    if (r.basicPay < r.basicRaw) {
      text += `，应报 ${yuan(r.basicRaw)} 元。基本医保每年最多支付 ${yuan(c.basicCap)} 元，今年已支付 ${yuan(Math.min(ytd.basicPaid, c.basicCap))} 元，所以这次只能支付 ${yuan(r.basicPay)} 元。`
    }
    else {
      text += `，基本医保支付 ${yuan(r.basicPay)} 元。`
    }
  }
  const lostBonus = r.lost && r.profile.basicPoverty && lvl.bonusBp > 0
  if (lostBonus) text += '您没有办理转诊就到县级及以上医院住院，不能享受提高报销比例的照顾。'
  const basic: BasicStep = withCite({
    tier: 'basic' as const,
    source: '',
    text,
    amount: r.basicPay,
    total,
    inPolicy: r.inPolicy,
    hospitalLevel,
    deductible: lvl.deductible,
    rate: r.basicBp / BP_ONE,
    rateBonus: r.bonusBp / BP_ONE,
    cap: c.basicCap,
    capRemaining: r.basicCapRemaining,
    capApplied: r.basicPay < r.basicRaw,
  }, r.bonusBp > 0 ? lvl.citeBonus : lostBonus ? lvl.citeLost : lvl.cite)
  steps.push(basic)

  // critical
  const t = r.table
  const poverty = t.group === 'poverty'
  const parts = criticalParts(t, r.before, r.after)
  if (r.burden === 0) {
    text = '基本医保报销后，政策范围内不需要您再负担费用，大病保险这次不支付。'
  }
  else {
    text = `基本医保报销后，政策范围内您还需负担 ${yuan(r.burden)} 元，这部分计入今年大病保险的累计费用${
      r.before > 0 ? `（今年之前已累计 ${yuan(r.before)} 元，加上这次共 ${yuan(r.after)} 元）` : ''}。`
    text += poverty ? `您是${label}，大病保险起付线是 ${yuan(t.threshold)} 元` : `大病保险起付线是 ${yuan(t.threshold)} 元`
    if (r.after <= t.threshold) {
      text += '，今年累计还没有超过起付线，大病保险这次不支付。'
    }
    else {
      text += `，超过起付线的部分分段报销：${parts.map(p =>
        `累计 ${yuan(p.from)} 元到 ${yuan(p.to)} 元之间的 ${yuan(p.to - p.from)} 元按 ${percent(p.bp)}% 报销 ${yuan(p.amount)} 元`).join('；')}`
      if (r.criticalPay < r.criticalRaw) {
        text += `，合计应报 ${yuan(r.criticalRaw)} 元。大病保险每年最多支付 ${yuan(t.cap!)} 元，今年已支付 ${yuan(Math.min(ytd.criticalPaid, t.cap!))} 元，所以这次只能支付 ${yuan(r.criticalPay)} 元。`
      }
      else {
        text += `，大病保险这次支付 ${yuan(r.criticalPay)} 元。`
      }
      if (poverty && t.cap === null) text += '贫困人口的大病保险不设封顶线。'
    }
  }
  const lostCritical = r.lost && r.profile.criticalPoverty
  if (lostCritical) text += '您没有办理转诊就到县级及以上医院住院，不能享受降低起付线、提高报销比例的照顾，按一般居民标准计算。'
  else if (referralMatters && input.referred === undefined && r.profile.criticalPoverty) text += '（按已办理转诊计算。）'
  // Who among the 重度残疾人 counts as 贫困人口 is drawn by the critical-illness clause (东医保发〔2020〕56号 二(二)).
  if (scopeNote) text += scopeNote.text
  const critical: CriticalStep = withCite({
    tier: 'critical' as const,
    source: '',
    text,
    amount: r.criticalPay,
    group: t.group,
    threshold: t.threshold,
    segments: parts.map(p => ({ from: p.from, to: p.to, rate: p.bp / BP_ONE, amount: p.amount })),
    beforeCap: r.criticalRaw,
    burdenBefore: r.before,
    burdenAfter: r.after,
    cap: t.cap,
    capApplied: r.criticalPay < r.criticalRaw,
  }, withScope(lostCritical || (referralMatters && r.profile.criticalPoverty) ? t.citeReferral : t.cite, scopeNote))
  steps.push(critical)

  // assistance
  const a = r.profile.assistance
  let assistance: AssistanceStep
  if (!a) {
    assistance = withCite({
      tier: 'assistance' as const,
      source: '',
      text: '您不属于医疗救助对象，这次没有医疗救助。',
      amount: 0,
      kind: 'none' as const,
      base: 0,
      rate: null,
      targetRatio: null,
      target: null,
      limit: null,
      limitApplied: false,
    }, c.assistanceNone)
  }
  else {
    const limitApplied = r.assistancePay < r.assistRaw
    const limitText = limitApplied
      ? `医疗救助每年最多 ${yuan(a.limit!)} 元，今年已救助 ${yuan(Math.min(ytd.assistancePaid, a.limit!))} 元，所以这次救助 ${yuan(r.assistancePay)} 元。`
      : ''
    if (a.kind === 'ratio') {
      if (r.assistBase === 0) {
        text = '经过基本医保和大病保险后，政策范围内已经不需要您再负担，这次没有医疗救助。'
      }
      else {
        text = `经过基本医保和大病保险后，政策范围内您还需负担 ${yuan(r.assistBase)} 元。您是${label}，医疗救助按其中的 ${percent(a.bp)}% 救助`
        text += limitApplied ? `，应救助 ${yuan(r.assistRaw)} 元。${limitText}` : `，救助 ${yuan(r.assistancePay)} 元。`
      }
    }
    else {
      const reached = r.basicPay + r.criticalPay
      text = `您是${label}，住院总费用至少要报销 ${percent(a.bp)}%，也就是 ${yuan(r.assistTarget)} 元。基本医保和大病保险共报销 ${yuan(reached)} 元，`
      if (r.assistRaw === 0) text += '已经达到这个比例，不需要医疗救助补足。'
      else text += limitApplied ? `还差 ${yuan(r.assistRaw)} 元。${limitText}` : `医疗救助补足差额 ${yuan(r.assistancePay)} 元。`
    }
    assistance = withCite({
      tier: 'assistance' as const,
      source: '',
      text,
      amount: r.assistancePay,
      kind: a.kind,
      base: r.assistBase,
      rate: a.kind === 'ratio' ? a.bp / BP_ONE : null,
      targetRatio: a.kind === 'topUp' ? a.bp / BP_ONE : null,
      target: a.kind === 'topUp' ? r.assistTarget : null,
      limit: a.limit,
      limitApplied,
    }, a.cite)
  }
  steps.push(assistance)

  // hospital
  if (r.profile.hospital && c.hospital) {
    const share = percent(c.hospital.bp)
    if (outOfList === 0) text = '这次没有医保目录外的费用，不涉及医院承担。'
    else if (r.hospitalBorne > 0) text = `目录外费用 ${yuan(outOfList)} 元，超过了总费用的 ${share}%（${yuan(r.allowed)} 元）。按规定，超出的 ${yuan(r.hospitalBorne)} 元由医院承担，您不用付。`
    else text = `目录外费用 ${yuan(outOfList)} 元，没有超过总费用的 ${share}%（${yuan(r.allowed)} 元），这部分由您自己负担。`
    const hospital: HospitalStep = withCite({
      tier: 'hospital' as const,
      source: '',
      text,
      amount: r.hospitalBorne,
      outOfList,
      maxShare: c.hospital.bp / BP_ONE,
      allowed: r.allowed,
    }, c.hospital.cite)
    steps.push(hospital)
  }

  // personal
  const ownOut = outOfList - r.hospitalBorne
  text = `合计：基本医保支付 ${yuan(r.basicPay)} 元，大病保险支付 ${yuan(r.criticalPay)} 元，医疗救助 ${yuan(r.assistancePay)} 元${
    r.hospitalBorne > 0 ? `，医院承担 ${yuan(r.hospitalBorne)} 元` : ''}，您出院时自己需要支付 ${yuan(r.personalPay)} 元${
    ownOut > 0 && r.personalPay > 0 ? `（其中目录外费用 ${yuan(ownOut)} 元）` : ''}。`
  const several = countBits(mask) > 1
  if (several) {
    const labels = c.priority.filter(s => (mask & STATUS_BIT[s]) !== 0).map(s => SPECIAL_STATUS_LABELS[s])
    text += `您同时是${labels.join('、')}，按就高原则只按对您最有利的“${label}”计算一次，不重复享受。`
  }
  const personal: PersonalStep = withCite({
    tier: 'personal' as const,
    source: '',
    text,
    amount: r.personalPay,
    appliedStatus: applied,
  }, several ? c.settlementMultiple : c.settlement)
  steps.push(personal)
  return steps
}
