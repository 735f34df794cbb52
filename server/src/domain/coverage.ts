import type {
  BenefitYearState,
  CollectionCalendar,
  CoverageData,
  EnrolmentStatus,
  HospitalLevel,
  PersonCategory,
  Policy,
  PolicyId,
  SpecialStatus,
  WaitingPeriod,
} from '@yibao/shared'
import type { Person, PersonEnrolment } from './person'
import {
  applyDisabilityScope,
  benefitYearState,
  calendarFor,
  ENROLMENT_STATUS_LABELS,
  INSURANCE_TYPE_LABELS,
  listAssumptions,
  PERSON_CATEGORY_LABELS,
  POLICIES,
  shanghaiDate,
  shanghaiYear,
  SPECIAL_STATUS_LABELS,
  waitingPeriodFor,
} from '@yibao/shared'
import { disabilityOn, toProfileView } from './person'
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
  /** 财政代缴 (政府全额资助): the amount is not the person's payment. */
  fullyFunded: boolean
  /** Days the fund pays for (`YYYY-MM-DD`, inclusive), `null` when none. */
  benefitPeriod: { from: string, to: string } | null
  waitingPeriod: WaitingPeriod | null
}

export type { WaitingPeriod }

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

/** The coming benefit year's premium. `not_open`: its collection has not opened (September), or no record yet. */
export interface NextYearPremium {
  year: number
  status: 'paid' | 'unpaid' | 'not_open'
  amount: number | null
  paidAt: string | null
  /** 财政代缴 (政府全额资助). */
  fullyFunded: boolean
}

/** Everything about one person's coverage (masked; cacheable per person, never across people): the reply's schema. */
export type { CoverageData }

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

// ---------------------------------------------------------------- benefit years

/** The collection calendar of a 参保地: its policy region's, else the default one. */
export function calendarForRegion(regionCode: string): CollectionCalendar {
  return calendarFor(policyForRegion(regionCode)?.id ?? null)
}

type Facts = { birthDate: string | null, statuses: Person['statuses'] }

/**
 * Whether a payment never waits, even when late (等待期 — an ASSUMPTION beyond 国办发〔2024〕38号, whose
 * 3 months after a payment outside the concentrated period `benefitYearState` applies): finance-paid
 * residents (财政代缴), newborns in their birth year, and anyone holding a special status (困难群众) on
 * the payment day. The national rule's extra month per year of broken coverage is not modelled.
 */
export function exemptFromWaiting(c: Contribution, facts: Facts): boolean {
  const paidOn = c.paidAt?.slice(0, 10) ?? ''
  return c.channel === 'finance'
    || facts.birthDate?.slice(0, 4) === String(c.year)
    || facts.statuses.some(s => (s.since === null || s.since <= paidOn) && (s.until === null || s.until >= paidOn))
}

/** 财政代缴: the government paid the person's whole share (政府全额资助); its amount is not the person's. */
export function fullyFunded(c: Contribution): boolean {
  return c.paid && c.channel === 'finance'
}

/** The waiting period of a paid contribution under its region's calendar, or `null`. */
export function waitingPeriodOf(
  c: Contribution,
  facts: Facts,
  calendar = calendarForRegion(c.regionCode),
): WaitingPeriod | null {
  if (!c.paid || !c.paidAt) return null
  return waitingPeriodFor(c.year, c.paidAt.slice(0, 10), exemptFromWaiting(c, facts), calendar)
}

/**
 * Benefit year `year` of a person at `now`: the shared rule (`benefitYearState`) fed with the tax
 * bureau's record of the year (`c`; none listed → `undefined`) and the platform's relation in that
 * 参保地 (its status counts for the current year only).
 */
export function yearStateOf(
  year: number,
  c: Contribution | undefined,
  relation: PersonEnrolment | undefined,
  facts: Facts,
  regionCode: string,
  now: Date,
): BenefitYearState {
  return benefitYearState({
    year,
    now,
    calendar: calendarForRegion(regionCode),
    payment: c ? { paid: c.paid, paidAt: c.paidAt, exempt: exemptFromWaiting(c, facts) } : null,
    enrolment: relation ? { status: relation.status, endedOn: relation.pausedOn } : null,
  })
}

function yearRow(
  year: number,
  c: Contribution | undefined,
  relation: PersonEnrolment | undefined,
  facts: Facts,
  region: string,
  now: Date,
): YearEnrolment {
  const insuranceType = c?.insuranceType ?? '390'
  const state = yearStateOf(year, c, relation, facts, region, now)
  return {
    year,
    status: state.status,
    statusLabel: ENROLMENT_STATUS_LABELS[state.status],
    insuranceType,
    insuranceTypeLabel: INSURANCE_TYPE_LABELS[insuranceType] ?? `其他险种（${insuranceType}）`,
    category: c?.category ?? null,
    categoryLabel: c?.category ? PERSON_CATEGORY_LABELS[c.category] : null,
    regionCode: region,
    paid: c?.paid ?? false,
    amount: c?.amount ?? null,
    paidAt: c?.paidAt ?? null,
    fullyFunded: c ? fullyFunded(c) : false,
    benefitPeriod: state.benefitPeriod,
    waitingPeriod: state.waitingPeriod,
  }
}

/**
 * Yearly rows, newest first: every year from the first the tax system lists up to the current one
 * (`now`, Shanghai), each as the shared benefit-year rule reads it — a year paid 正常参保, one owed while
 * its collection is open 待缴费, a closed unpaid one 暂停参保, a year without any record 未参保.
 */
export function yearlyEnrolments(person: Person, contributions: readonly Contribution[], now: Date): YearEnrolment[] {
  const year = shanghaiYear(now)
  const facts = { birthDate: person.birthDate, statuses: person.statuses }
  const past = contributions.filter(c => c.year <= year)
  const rows: YearEnrolment[] = []
  const resident = residentEnrolment(person)
  const home = resident?.regionCode ?? [...new Set(past.map(c => c.regionCode))][0] ?? person.regionCode
  const relationIn = (regionCode: string, insuranceType: string) =>
    person.enrolments.find(e => e.regionCode === regionCode && e.insuranceType === insuranceType)
  const first = Math.min(...past.map(c => c.year))
  for (let y = year; y >= first; y--) {
    const inYear = past.filter(c => c.year === y)
    if (inYear.length === 0) {
      rows.push(yearRow(y, undefined, relationIn(home, resident?.insuranceType ?? '390'), facts, home, now))
      continue
    }
    for (const c of inYear) {
      rows.push(yearRow(y, c, relationIn(c.regionCode, c.insuranceType), facts, c.regionCode, now))
    }
  }
  return rows
}

/**
 * This year's row of a person's resident insurance, and the status it gives the relation today: the
 * platform's 参保状态 reconciled with the tax record (a payment covers the year whatever the platform
 * says; unpaid in an open collection is 待缴费). Coverage shows it; 备案 is open only while `active`.
 */
export function currentYearOf(person: Person, contributions: readonly Contribution[], now: Date) {
  const year = shanghaiYear(now)
  const resident = residentEnrolment(person)
  const years = yearlyEnrolments(person, contributions, now)
  const row = years.find(r => r.year === year && r.regionCode === resident?.regionCode)
    ?? years.find(r => r.year === year)
    ?? null
  const status: EnrolmentStatus = resident ? (row?.status ?? resident.status) : 'not_enrolled'
  return { year, resident, years, row, status }
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
  const { resident, years, row: thisYear, status } = currentYearOf(person, contributions, now)
  const statuses = activeStatuses(person, today)
  const policy = resident ? policyForRegion(resident.regionCode) : null
  // Only the 重度残疾人 the policy counts (东医保发〔2020〕56号 二(二)) are entitled as such.
  const counted = policy ? applyDisabilityScope(policy, statuses.map(s => s.status), disabilityOn(statuses, today)).statuses : []
  const entitlements = policy ? entitlementsOf(policy, counted) : null
  const next = contributions.find(c => c.year === year + 1 && (!resident || c.regionCode === resident.regionCode)) ?? contributions.find(c => c.year === year + 1)
  const nextOpen = next ? yearStateOf(year + 1, next, undefined, person, next.regionCode, now).collectionOpen : false
  return {
    person: { name: profile.name, certNo: profile.certNo, age: profile.age, regionCode: profile.regionCode },
    year,
    current: {
      status,
      statusLabel: ENROLMENT_STATUS_LABELS[status],
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
    nextYear: next && (next.paid || nextOpen)
      ? { year: year + 1, status: next.paid ? 'paid' : 'unpaid', amount: next.amount, paidAt: next.paidAt, fullyFunded: fullyFunded(next) }
      : { year: year + 1, status: 'not_open', amount: null, paidAt: null, fullyFunded: false },
  }
}
