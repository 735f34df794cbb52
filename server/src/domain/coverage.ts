import type { Enrolment, EnrolmentStatus, HospitalLevel, PersonCategory, Policy, PolicyId, SpecialStatus } from '@yibao/shared'
import type { Person, PersonEnrolment } from './person'
import {
  ENROLMENT_STATUS_LABELS,
  INSURANCE_TYPE_LABELS,
  listAssumptions,
  PERSON_CATEGORY_LABELS,
  POLICIES,
  shanghaiDate,
  shanghaiYear,
  SPECIAL_STATUS_LABELS,
} from '@yibao/shared'
import { toProfileView } from './person'
import { regionCovers } from './region'

/**
 * 参保/待遇查询: what a resident (or a bound family member) is covered for, built from the bureau's
 * person record (1101), the tax bureau's contribution records, the yearly cumulative amounts (5206) and
 * the chronic-disease filings (5301), with the three tiers of their region's policy (shared policy
 * engine data). Pure: no I/O, no clock of its own.
 */

// ---------------------------------------------------------------- inputs (normalised by the adapters)

/** How a premium was paid. */
export type ContributionChannel = 'wechat' | 'alipay' | 'bank_app' | 'tax_hall' | 'finance' | 'other'

/** One benefit year's resident contribution as the tax bureau records it. */
export interface Contribution {
  /** Benefit year (待遇享受年度) the premium is for. */
  year: number
  insuranceType: string
  /** 参保地 (6 digits). */
  regionCode: string
  /** From the tax system's 缴费人员类别 (a psn_type code); `null` when not sent. */
  category: PersonCategory | null
  paid: boolean
  /** Fen: the amount paid, or the amount due while unpaid. */
  amount: number
  /** ISO 8601 with +08:00, `null` while unpaid. */
  paidAt: string | null
  channel: ContributionChannel | null
}

/** Cumulative amounts of one calendar year (5206), in fen; `inpatientStays` is a count. */
export interface CumulativeUsage {
  year: number
  /** 统筹基金累计支付. */
  basicPaid: number
  /** 大病保险累计支付. */
  criticalPaid: number
  /** 大病保险累计合规个人负担 (what counts toward the critical-illness threshold). */
  criticalBurden: number
  /** 医疗救助累计支付. */
  assistancePaid: number
  /** 普通住院累计总费用. */
  inpatientTotal: number
  inpatientStays: number
}

/** One 门诊慢特病 filing (5301). */
export interface ChronicFiling {
  code: string
  name: string
  /** `YYYY-MM-DD`. */
  since: string
  until: string | null
  /** 高血压/糖尿病 门诊用药保障 (两病) rather than a 慢特病. */
  twoDiseases: boolean
}

// ---------------------------------------------------------------- outputs

/** The three tiers a person is entitled to under their region's policy (amounts fen, rates 0–1). */
export interface Entitlements {
  policyId: PolicyId
  policyTitle: string
  policyRegion: string
  document: string
  /** The status whose preferences apply (就高: one status, never several added up); `null` = ordinary resident. */
  appliedStatus: SpecialStatus | null
  appliedStatusLabel: string | null
  basic: {
    annualCap: number
    /** Per hospital level: deductible and the ratio paid above it (poverty bonus included when it applies). */
    levels: { level: HospitalLevel, deductible: number, rate: number }[]
    /** Whether the ratios include the policy's poverty bonus. */
    povertyBonus: boolean
  }
  critical: {
    group: 'ordinary' | 'poverty'
    threshold: number
    /** Tiers of the annual cumulative burden `[from, to)`; the last is open (`to: null`). */
    segments: { from: number, to: number | null, rate: number }[]
    /** Annual cap of critical-illness payouts; `null` = none. */
    cap: number | null
  }
  assistance: {
    /** `none`: not a target of medical assistance; `ratio`: a share of what remains; `topUp`: up to a share of the total. */
    kind: 'none' | 'ratio' | 'topUp'
    rate: number | null
    targetRatio: number | null
    /** Annual limit; `null` = none (or no assistance). */
    limit: number | null
  }
  /** Out-of-list costs above this share of the total are borne by the hospital (Guizhou targets); else `null`. */
  hospitalOutOfListShare: number | null
  /** Referral needed from this hospital level on to keep the preferences; else `null`. */
  referralFromLevel: HospitalLevel | null
  /** Some parameters are assumed (the documents do not give them): show "仅供参考". */
  assumed: boolean
}

/** One row of the yearly enrolment list. */
export interface YearEnrolment {
  year: number
  status: EnrolmentStatus
  statusLabel: string
  insuranceType: string
  insuranceTypeLabel: string
  category: PersonCategory | null
  categoryLabel: string | null
  regionCode: string
  paid: boolean
  /** Fen: paid, or due while unpaid; `null` when the tax system has no record of the year. */
  amount: number | null
  paidAt: string | null
  /** Days the fund pays for (`YYYY-MM-DD`, inclusive), `null` when none. */
  benefitPeriod: { from: string, to: string } | null
  waitingPeriod: WaitingPeriod | null
}

/** A waiting period (等待期) after a late payment. The rule is an assumption: see `waitingPeriodOf`. */
export interface WaitingPeriod {
  /** Payment day: the waiting period starts here. */
  from: string
  /** Last day without benefits. */
  until: string
  reason: 'late_payment'
  assumed: true
}

/** Year-to-date usage against the annual caps (fen). */
export interface UsageProgress {
  year: number
  basic: { paid: number, cap: number, remaining: number }
  critical: { burden: number, threshold: number, toThreshold: number, reached: boolean, paid: number, cap: number | null }
  /** `null` when the person is not a target of medical assistance. */
  assistance: { paid: number, limit: number | null, remaining: number | null } | null
  inpatientTotal: number
  inpatientStays: number
}

/** The coming benefit year's premium. `not_open`: the tax system has no record yet (collection opens in September). */
export interface NextYearPremium {
  year: number
  status: 'paid' | 'unpaid' | 'not_open'
  amount: number | null
  paidAt: string | null
}

/** Everything about one person's coverage (masked; cacheable per person, never across people). */
export interface CoverageData {
  person: { name: string, certNo: string, age: number | null, regionCode: string }
  year: number
  current: {
    status: EnrolmentStatus
    statusLabel: string
    insuranceType: string | null
    insuranceTypeLabel: string | null
    category: PersonCategory | null
    categoryLabel: string | null
    regionCode: string | null
    since: string | null
    benefitPeriod: { from: string, to: string } | null
    waitingPeriod: WaitingPeriod | null
  }
  /** Insurance relations as the bureau has them today (resident, critical-illness, employee…). */
  enrolments: Enrolment[]
  /** Benefit years, newest first. */
  years: YearEnrolment[]
  entitlements: Entitlements | null
  specialStatuses: { status: SpecialStatus, label: string, since: string | null, until: string | null }[]
  chronic: (ChronicFiling & { active: boolean })[]
  usage: UsageProgress | null
  nextYear: NextYearPremium
}

// ---------------------------------------------------------------- policy

const RESIDENT_TYPES = new Set(['390', '391'])

/** The resident-insurance enrolment that decides the region: active first, then suspended, then any. */
export function residentEnrolment(person: Person): PersonEnrolment | null {
  const resident = person.enrolments.filter(e => RESIDENT_TYPES.has(e.insuranceType))
  return resident.find(e => e.status === 'active') ?? resident.find(e => e.status === 'suspended') ?? resident[0] ?? null
}

/** The policy whose region covers a 参保地 code (`370502` → Dongying), or `null`. */
export function policyForRegion(regionCode: string): Policy | null {
  return Object.values(POLICIES).find(p => regionCovers(p.regionCode, regionCode)) ?? null
}

const BP = 10_000
const bp = (rate: number) => Math.round(rate * BP)
/** `fen × rate`, half-up to whole fen (the engine's one rounding rule). */
const applyBp = (fen: number, basisPoints: number) => Math.floor((fen * basisPoints + BP / 2) / BP)

/** Whether a status changes anything under a policy (a status the policy ignores is not "applied"). */
function statusMatters(policy: Policy, s: SpecialStatus): boolean {
  const a = policy.assistance
  return policy.basic.povertyStatuses.value.includes(s)
    || policy.critical.povertyStatuses.value.includes(s)
    || (a.kind === 'ratio' ? a.byStatus[s] !== undefined : a.statuses.value.includes(s))
    || (policy.outOfList?.statuses.value.includes(s) ?? false)
}

/** The status whose rules apply: the first of the policy's priority order that the person has and that matters. */
export function appliedStatusOf(policy: Policy, statuses: readonly SpecialStatus[]): SpecialStatus | null {
  return policy.statusPriority.find(s => statuses.includes(s) && statusMatters(policy, s)) ?? null
}

// Entitlements depend only on public policy data and one status: the one thing cached across people.
const entitlementCache = new Map<string, Entitlements>()

/** The three tiers of `policy` for a person with these statuses (memoised per policy and applied status). */
export function entitlementsOf(policy: Policy, statuses: readonly SpecialStatus[]): Entitlements {
  const status = appliedStatusOf(policy, statuses)
  const key = `${policy.id}|${status ?? ''}`
  const hit = entitlementCache.get(key)
  if (hit) return hit
  const b = policy.basic
  const povertyBonus = status !== null && b.povertyStatuses.value.includes(status)
  const levels = ([1, 2, 3] as const).map(level => ({
    level,
    deductible: b.deductible[level].value,
    rate: (bp(b.rate[level].value) + (povertyBonus ? bp(b.povertyRateBonus[level].value) : 0)) / BP,
  }))

  const ordinary = policy.critical.ordinary
  const poverty = status !== null && policy.critical.povertyStatuses.value.includes(status)
  let threshold = ordinary.threshold.value
  let from = ordinary.segments.map(s => s.from.value)
  let rates = ordinary.segments.map(s => bp(s.rate.value))
  let cap = ordinary.cap.value
  if (poverty) {
    const t = policy.critical.poverty
    if (t.kind === 'table') {
      threshold = t.threshold.value
      from = t.segments.map(s => s.from.value)
      rates = t.segments.map(s => bp(s.rate.value))
    }
    else {
      threshold = applyBp(threshold, bp(t.thresholdFactor.value))
      from = [threshold, ...from.slice(1)]
      rates = rates.map(r => r + bp(t.rateBonus.value))
    }
    cap = t.cap.value
  }
  const segments = from.map((f, i) => ({ from: f, to: from[i + 1] ?? null, rate: rates[i]! / BP }))

  const a = policy.assistance
  let assistance: Entitlements['assistance'] = { kind: 'none', rate: null, targetRatio: null, limit: null }
  if (status !== null && a.kind === 'ratio' && a.byStatus[status])
    assistance = { kind: 'ratio', rate: a.byStatus[status]!.rate.value, targetRatio: null, limit: a.byStatus[status]!.annualLimit.value }
  if (status !== null && a.kind === 'topUp' && a.statuses.value.includes(status))
    assistance = { kind: 'topUp', rate: null, targetRatio: a.targetRatio.value, limit: a.annualLimit.value }

  const result: Entitlements = {
    policyId: policy.id,
    policyTitle: policy.title,
    policyRegion: policy.region,
    document: policy.document,
    appliedStatus: status,
    appliedStatusLabel: status ? SPECIAL_STATUS_LABELS[status] : null,
    basic: { annualCap: b.annualCap.value, levels, povertyBonus },
    critical: { group: poverty ? 'poverty' : 'ordinary', threshold, segments, cap },
    assistance,
    hospitalOutOfListShare: status !== null && policy.outOfList?.statuses.value.includes(status) ? policy.outOfList.maxShare.value : null,
    referralFromLevel: status !== null && policy.referral?.statuses.value.includes(status) ? policy.referral.fromLevel.value : null,
    assumed: listAssumptions(policy).length > 0,
  }
  entitlementCache.set(key, result)
  return result
}

// ---------------------------------------------------------------- waiting period

/** Months of the waiting period after a late payment (assumption, see `waitingPeriodOf`). */
export const WAITING_PERIOD_MONTHS = 3

/** `YYYY-MM-DD` + n months, the day clamped to the month's end. */
export function addMonths(day: string, months: number): string {
  const y = Number(day.slice(0, 4))
  const m = Number(day.slice(5, 7)) - 1 + months
  const target = new Date(Date.UTC(y, m, 1))
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate()
  target.setUTCDate(Math.min(Number(day.slice(8, 10)), last))
  return target.toISOString().slice(0, 10)
}

function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** Last day of the concentrated collection (集中征缴期) for benefit year `year`: the end of February of that year. */
export function collectionEnds(year: number): string {
  return addDays(`${year}-03-01`, -1)
}

/**
 * 等待期 — an ASSUMPTION: the pilot regions' documents do not state one. Modelled on the national rule
 * for late enrolment (国办发〔2024〕38号: outside the concentrated period, benefits start after a waiting
 * period): a premium for year Y paid after the concentrated collection (1 September of Y−1 to the end of
 * February of Y, extension included) gives no benefits for 3 months from the payment day. Exempt:
 * finance-paid residents (财政代缴), newborns in their birth year, and anyone holding a special status
 * (困难群众) on the payment day. The national rule's extra month per year of broken coverage is not modelled.
 */
export function waitingPeriodOf(c: Contribution, facts: { birthDate: string | null, statuses: Person['statuses'] }): WaitingPeriod | null {
  if (!c.paid || !c.paidAt) return null
  const paidOn = c.paidAt.slice(0, 10)
  if (paidOn <= collectionEnds(c.year)) return null
  if (c.channel === 'finance') return null
  if (facts.birthDate?.slice(0, 4) === String(c.year)) return null
  if (facts.statuses.some(s => (s.since === null || s.since <= paidOn) && (s.until === null || s.until >= paidOn))) return null
  return { from: paidOn, until: addDays(addMonths(paidOn, WAITING_PERIOD_MONTHS), -1), reason: 'late_payment', assumed: true }
}

// ---------------------------------------------------------------- years

function yearRow(year: number, c: Contribution | undefined, relation: PersonEnrolment | undefined, facts: { birthDate: string | null, statuses: Person['statuses'] }, fallbackRegion: string): YearEnrolment {
  const insuranceType = c?.insuranceType ?? '390'
  const base = {
    year,
    insuranceType,
    insuranceTypeLabel: INSURANCE_TYPE_LABELS[insuranceType] ?? `其他险种（${insuranceType}）`,
    category: c?.category ?? null,
    categoryLabel: c?.category ? PERSON_CATEGORY_LABELS[c.category] : null,
    regionCode: c?.regionCode ?? fallbackRegion,
    paid: c?.paid ?? false,
    amount: c?.amount ?? null,
    paidAt: c?.paidAt ?? null,
  }
  const row = (status: EnrolmentStatus, benefitPeriod: YearEnrolment['benefitPeriod'], waitingPeriod: WaitingPeriod | null = null): YearEnrolment =>
    ({ ...base, status, statusLabel: ENROLMENT_STATUS_LABELS[status], benefitPeriod, waitingPeriod })
  if (!c) return row('not_enrolled', null)
  const ended = relation && (relation.status === 'terminated' || relation.status === 'invalid') ? relation.pausedOn : null
  if (ended && ended <= `${year}-01-01`) return row('terminated', null)
  if (!c.paid) return row('suspended', null)
  const waiting = waitingPeriodOf(c, facts)
  const from = waiting ? addDays(waiting.until, 1) : `${year}-01-01`
  const to = ended && ended < `${year}-12-31` ? ended : `${year}-12-31`
  const period = from <= to ? { from, to } : null
  return row(ended && ended <= `${year}-12-31` ? 'terminated' : 'active', period, waiting)
}

/** Yearly rows, newest first: every year the tax system lists up to `year`, gaps between them as 未参保. */
export function yearlyEnrolments(person: Person, contributions: readonly Contribution[], year: number): YearEnrolment[] {
  const facts = { birthDate: person.birthDate, statuses: person.statuses }
  const past = contributions.filter(c => c.year <= year)
  const rows: YearEnrolment[] = []
  const regions = [...new Set(past.map(c => c.regionCode))]
  const first = Math.min(...past.map(c => c.year))
  for (let y = year; y >= first; y--) {
    const inYear = past.filter(c => c.year === y)
    if (inYear.length === 0) {
      rows.push(yearRow(y, undefined, undefined, facts, regions[0] ?? person.regionCode))
      continue
    }
    for (const c of inYear) {
      const relation = person.enrolments.find(e => e.regionCode === c.regionCode && e.insuranceType === c.insuranceType)
      rows.push(yearRow(y, c, relation, facts, c.regionCode))
    }
  }
  return rows
}

// ---------------------------------------------------------------- the whole view

/** YTD usage against the caps of the person's entitlements. */
export function usageProgress(e: Entitlements, u: CumulativeUsage): UsageProgress {
  const assistanceLimit = e.assistance.limit
  return {
    year: u.year,
    basic: { paid: u.basicPaid, cap: e.basic.annualCap, remaining: Math.max(0, e.basic.annualCap - u.basicPaid) },
    critical: {
      burden: u.criticalBurden,
      threshold: e.critical.threshold,
      toThreshold: Math.max(0, e.critical.threshold - u.criticalBurden),
      reached: u.criticalBurden >= e.critical.threshold,
      paid: u.criticalPaid,
      cap: e.critical.cap,
    },
    assistance: e.assistance.kind === 'none' && u.assistancePaid === 0
      ? null
      : { paid: u.assistancePaid, limit: assistanceLimit, remaining: assistanceLimit === null ? null : Math.max(0, assistanceLimit - u.assistancePaid) },
    inpatientTotal: u.inpatientTotal,
    inpatientStays: u.inpatientStays,
  }
}

/** Special statuses in force on `day`. */
function activeStatuses(person: Person, day: string): Person['statuses'] {
  return person.statuses.filter(s => (s.since === null || s.since <= day) && (s.until === null || s.until >= day))
}

export interface CoverageInput {
  person: Person
  contributions: readonly Contribution[]
  /** This year's cumulative amounts (5206); `null` when not asked (no resident enrolment). */
  usage: CumulativeUsage | null
  chronic: readonly ChronicFiling[]
  now: Date
}

/** Builds the coverage view of one person (masked, every amount in fen, dates in Shanghai). */
export function buildCoverage({ person, contributions, usage, chronic, now }: CoverageInput): CoverageData {
  const today = shanghaiDate(now)
  const year = shanghaiYear(now)
  const profile = toProfileView(person, now)
  const resident = residentEnrolment(person)
  const years = yearlyEnrolments(person, contributions, year)
  const thisYear = years.find(r => r.year === year && r.regionCode === resident?.regionCode) ?? years.find(r => r.year === year) ?? null
  const statuses = activeStatuses(person, today)
  const policy = resident ? policyForRegion(resident.regionCode) : null
  const entitlements = policy ? entitlementsOf(policy, statuses.map(s => s.status)) : null
  const next = contributions.find(c => c.year === year + 1 && (!resident || c.regionCode === resident.regionCode)) ?? contributions.find(c => c.year === year + 1)
  return {
    person: { name: profile.name, certNo: profile.certNo, age: profile.age, regionCode: profile.regionCode },
    year,
    current: {
      status: resident?.status ?? 'not_enrolled',
      statusLabel: ENROLMENT_STATUS_LABELS[resident?.status ?? 'not_enrolled'],
      insuranceType: resident?.insuranceType ?? null,
      insuranceTypeLabel: resident ? INSURANCE_TYPE_LABELS[resident.insuranceType] ?? null : null,
      category: resident?.category ?? null,
      categoryLabel: resident ? PERSON_CATEGORY_LABELS[resident.category] : null,
      regionCode: resident?.regionCode ?? null,
      since: resident?.since ?? null,
      benefitPeriod: thisYear?.benefitPeriod ?? null,
      waitingPeriod: thisYear?.waitingPeriod ?? null,
    },
    enrolments: profile.enrolments,
    years,
    entitlements,
    specialStatuses: statuses.map(s => ({ status: s.status, label: SPECIAL_STATUS_LABELS[s.status], since: s.since, until: s.until })),
    chronic: [...chronic]
      .sort((a, b) => (a.since < b.since ? 1 : a.since > b.since ? -1 : a.code.localeCompare(b.code)))
      .map(f => ({ ...f, active: f.since <= today && (f.until === null || f.until >= today) })),
    usage: entitlements && usage ? usageProgress(entitlements, usage) : null,
    nextYear: next
      ? { year: year + 1, status: next.paid ? 'paid' : 'unpaid', amount: next.amount, paidAt: next.paidAt }
      : { year: year + 1, status: 'not_open', amount: null, paidAt: null },
  }
}
