import type {
  HospitalLevel,
  PolicyId,
  SlipAmounts,
  SlipComparisonRow,
  SlipExplanation,
  SlipFundGroup,
  SlipFundLine,
  SlipSummary,
  SlipView,
  YearToDate,
} from '@yibao/shared'
import {
  estimateSettlement,
  FUND_PAY_TYPES,
  getPolicy,
  listPolicies,
  maskIdCard,
  maskName,
  MED_TYPE_LABELS,
  SLIP_FUND_GROUPS,
  UNKNOWN_FUND_LABEL,
} from '@yibao/shared'
import type { PersonStatus } from './person'
import { disabilityOn } from './person'
import { regionCovers } from './region'

/**
 * Settlement slips (结算单): the slip as the bureau settled it, the 一站式结算单 view, and the
 * explanation that recomputes a stay with the published policy and compares it tier by tier. Pure:
 * the adapter (upstream/nhsa/settlements.ts) turns the wire format into `BureauSlip`.
 */

/** A settlement as the bureau reports it (full identifiers: stays inside the BFF). */
export interface BureauSlip {
  setlId: string
  mdtrtId: string
  psnNo: string
  name: string
  certNo: string
  sex: 'male' | 'female' | 'unknown'
  birthDate: string | null
  /** ISO 8601 with +08:00. */
  settledAt: string
  admittedAt: string | null
  dischargedAt: string | null
  medType: string
  /** 参保地 (insuplc_admdvs) when the slip states it. */
  regionCode: string | null
  hospital: { code: string | null, name: string, level: HospitalLevel | null, grade: string | null }
  diagnosis: { code: string | null, name: string } | null
  /** 统筹基金支付比例 (0–1). */
  basicRate: number | null
  amounts: SlipAmounts
  /** `setldetail`: one line per fund (codes may repeat). */
  details: { code: string, amount: number }[]
}

/** A row of the bureau's settlement list. */
export interface BureauSlipSummary {
  setlId: string
  mdtrtId: string
  settledAt: string
  admittedAt: string | null
  dischargedAt: string | null
  hospitalName: string
  medType: string
  total: number
  fundPay: number
  personalCash: number
}

/** Policy regions that were renamed: 凤翔县 610322 became 凤翔区 610305 in 2021. */
const REGION_ALIASES: Record<string, string> = { 610305: '610322' }

/** The published policy of a 参保地, or `null` when the product has none for it. */
export function policyForRegion(regionCode: string | null): PolicyId | null {
  if (!regionCode) return null
  const code = REGION_ALIASES[regionCode] ?? regionCode
  return listPolicies().find(p => regionCovers(p.regionCode, code))?.id ?? null
}

function medTypeLabel(code: string): string {
  return MED_TYPE_LABELS[code] ?? `其他（${code}）`
}

/** Calendar days between two ISO moments (Shanghai dates). */
function daysBetween(from: string | null, to: string | null): number | null {
  if (!from || !to) return null
  const d = (iso: string) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`)
  const n = Math.round((d(to) - d(from)) / 86_400_000)
  return n >= 0 ? n : null
}

/** One list row for the client. */
export function toSlipSummary(s: BureauSlipSummary): SlipSummary {
  return {
    id: s.setlId,
    settledAt: s.settledAt,
    admittedAt: s.admittedAt,
    dischargedAt: s.dischargedAt,
    hospitalName: s.hospitalName,
    medType: s.medType,
    medTypeLabel: medTypeLabel(s.medType),
    total: s.total,
    fundPay: s.fundPay,
    personalCash: s.personalCash,
  }
}

/**
 * Sums `setldetail` by fund code, in the order of the 三重保障 groups (then by code). Codes no table
 * lists are kept with their code but labelled 其他 and counted in the `other` group.
 */
export function sumFundLines(details: readonly { code: string, amount: number }[]): { lines: SlipFundLine[], groups: Record<SlipFundGroup, number> } {
  const byCode = new Map<string, number>()
  for (const d of details) byCode.set(d.code, (byCode.get(d.code) ?? 0) + d.amount)
  const groups = Object.fromEntries(SLIP_FUND_GROUPS.map(g => [g, 0])) as Record<SlipFundGroup, number>
  const lines: SlipFundLine[] = []
  for (const [code, amount] of byCode) {
    const known = FUND_PAY_TYPES[code]
    const group = known?.group ?? 'other'
    groups[group] += amount
    lines.push({ code, label: known?.name ?? UNKNOWN_FUND_LABEL, group, known: known !== undefined, amount })
  }
  const rank = (g: SlipFundGroup) => SLIP_FUND_GROUPS.indexOf(g)
  lines.sort((a, b) => rank(a.group) - rank(b.group) || Number(b.known) - Number(a.known) || a.code.localeCompare(b.code))
  return { lines, groups }
}

/** The masked 一站式结算单 view of a slip. */
export function toSlipView(slip: BureauSlip, verificationCode: string, now: Date): SlipView {
  const { lines, groups } = sumFundLines(slip.details)
  return {
    id: slip.setlId,
    mdtrtId: slip.mdtrtId,
    verificationCode,
    person: { name: maskName(slip.name), certNo: maskIdCard(slip.certNo), sex: slip.sex, age: ageAt(slip.birthDate, slip.settledAt) ?? ageAt(slip.birthDate, now.toISOString()) },
    hospital: { ...slip.hospital },
    medType: slip.medType,
    medTypeLabel: medTypeLabel(slip.medType),
    diagnosis: slip.diagnosis?.name ?? null,
    admittedAt: slip.admittedAt,
    dischargedAt: slip.dischargedAt,
    settledAt: slip.settledAt,
    days: daysBetween(slip.admittedAt, slip.dischargedAt),
    regionCode: slip.regionCode,
    basicRate: slip.basicRate,
    amounts: { ...slip.amounts },
    fundLines: lines,
    fundGroups: groups,
  }
}

/** Whole years of age on the settlement day. */
function ageAt(birthDate: string | null, iso: string): number | null {
  if (!birthDate) return null
  const day = iso.slice(0, 10)
  const years = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4))
  return day.slice(5) < birthDate.slice(5) ? years - 1 : years
}

/** Inpatient med_types the policy engine applies to (住院). */
const INPATIENT = new Set(['21', '22', '23', '24', '25', '26', '2101', '2114', '3101'])

/**
 * Year-to-date accumulations before a stay, from the bureau's figures of the earlier slips of the same
 * calendar year: what basic insurance, critical illness and assistance paid, and the in-policy burden
 * left after basic insurance (what counts toward the critical-illness threshold).
 */
export function yearToDateFrom(earlier: readonly BureauSlip[]): YearToDate {
  let ytd: YearToDate = { criticalBurden: 0, criticalPaid: 0, basicPaid: 0, assistancePaid: 0 }
  for (const s of earlier) {
    const a = s.amounts
    ytd = {
      criticalBurden: ytd.criticalBurden + Math.max(0, a.inPolicy - a.basic),
      criticalPaid: ytd.criticalPaid + a.critical,
      basicPaid: ytd.basicPaid + a.basic,
      assistancePaid: ytd.assistancePaid + a.assistance,
    }
  }
  return ytd
}

/** Slips of the same year settled before `slip` (the ones whose amounts carry into it). */
export function earlierInYear<T extends { setlId: string, settledAt: string }>(slip: { setlId: string, settledAt: string }, all: readonly T[]): T[] {
  const year = slip.settledAt.slice(0, 4)
  return all
    .filter(s => s.setlId !== slip.setlId && s.settledAt.slice(0, 4) === year && s.settledAt < slip.settledAt)
    .sort((a, b) => a.settledAt.localeCompare(b.settledAt))
}

/** What the explanation needs besides the slip. */
export interface ExplainInput {
  slip: BureauSlip
  /** The person's earlier slips of the same year (any order; others are ignored). */
  earlier: readonly BureauSlip[]
  /** The person's special statuses with their validity (`YYYY-MM-DD` or `null`), a 重度残疾人's facts with it. */
  statuses: readonly PersonStatus[]
  /** The person's 参保地, used when the slip does not state one. */
  regionCode: string | null
}

/**
 * "看懂这张结算单": runs the published policy for this stay (statuses in force on the settlement day,
 * the stay's hospital level, the year-to-date accumulations from the earlier slips, referral assumed)
 * and compares it with the slip tier by tier. Amounts paid by funds outside the policy (`oth_pay`) are
 * taken off the policy's personal share before comparing it.
 */
export function explainSlip({ slip, earlier, statuses, regionCode }: ExplainInput): SlipExplanation {
  const prior = earlierInYear(slip, earlier)
  const yearToDate = yearToDateFrom(prior)
  const day = slip.settledAt.slice(0, 10)
  const inForce = statuses.filter(s => (s.since === null || s.since <= day) && (s.until === null || s.until >= day)).map(s => s.status)
  const policyId = policyForRegion(slip.regionCode ?? regionCode)
  const level = slip.hospital.level
  const base = {
    id: slip.setlId,
    statuses: [...new Set(inForce)],
    hospitalLevel: level,
    priorSlips: prior.length,
    yearToDate,
    otherFunds: slip.amounts.other,
  }
  const gap = !INPATIENT.has(slip.medType) ? 'not_inpatient' as const : policyId === null ? 'no_policy' as const : level === null ? 'unknown_level' as const : null
  if (gap !== null || policyId === null || level === null) {
    return { ...base, status: 'unavailable', gap, policy: policyId ? { id: policyId, title: getPolicy(policyId).title } : null, estimate: null, rows: [] }
  }

  const a = slip.amounts
  const estimate = estimateSettlement(policyId, {
    statuses: base.statuses,
    // Kind, grade and 脱贫 state: a policy may count only part of the 重度残疾人 (东医保发〔2020〕56号 二(二)).
    disability: disabilityOn(statuses, day),
    hospitalLevel: level,
    total: a.total,
    // The bureau's own in-policy amount decides what the policy covers (out-of-list + over-limit + pre-self-pay).
    outOfList: Math.min(a.total, Math.max(0, a.total - a.inPolicy)),
    yearToDate,
  })
  const row = (key: SlipComparisonRow['key'], bureau: number, policy: number): SlipComparisonRow =>
    ({ key, bureau, policy, difference: bureau - policy, matches: bureau === policy })
  const rows = [
    row('deductible', a.deductible, estimate.deductible),
    row('basic', a.basic, estimate.basicPay),
    row('critical', a.critical, estimate.criticalPay),
    row('assistance', a.assistance, estimate.assistancePay),
    row('hospital', a.hospital, estimate.hospitalBorne),
    row('personal', a.personalBurden, Math.max(0, estimate.personalPay - a.other)),
  ]
  return {
    ...base,
    status: rows.every(r => r.matches) ? 'match' : 'differs',
    gap: null,
    policy: { id: policyId, title: getPolicy(policyId).title },
    estimate,
    rows,
  }
}
