import type {
  CrossRegionRegionRules,
  CrossRegionStatus,
  CrossRegionType,
  LongTermBasis,
  ResidenceProof,
} from '@yibao/shared'
import { CROSS_REGION_RULES, insideInsuredPool, isLongTerm, temporaryEndDate } from '@yibao/shared'

/** A 异地就医备案 as the bureau keeps it (domain shape; phone, agent and proof number stay inside the BFF). */
export interface CrossRegionFiling {
  /** 待遇申报明细流水号 trt_dcla_detl_sn. */
  id: string
  insuranceType: string
  type: CrossRegionType
  /** 就医地 (6-digit code). */
  destination: string
  startDate: string
  /** null: 长期有效. */
  endDate: string | null
  phone: string
  address: string | null
  referralHospital: string | null
  /** Filed on a personal promise (承诺制): the only filings locked for a while. */
  promise: boolean
  /** 异地长期居住: what it was filed on; `null` for other types (and for filings the bureau gave no basis for). */
  basis: LongTermBasis | null
  /** The residence proof it was filed on (full number: mask it before it leaves the BFF). */
  residenceProof: ResidenceProof | null
  cancelled: boolean
  /** 撤销时间 (yyyy-MM-dd HH:mm:ss, Shanghai) of a cancelled filing; `null` otherwise or when the bureau gave none. */
  cancelledAt: string | null
  /** 撤销原因 of a cancelled filing as given when cancelling (变更备案 for a change); `null` otherwise. */
  cancelReason: string | null
  /** 申报来源: app, desk or web hall. */
  source: 'desk' | 'app' | 'web' | 'other'
  agentName: string | null
  /** yyyy-MM-dd HH:mm:ss, Shanghai. */
  createdAt: string
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1 + months, d)).toISOString().slice(0, 10)
}

/** Where a filing stands on a Shanghai calendar day. */
export function filingStatus(f: Pick<CrossRegionFiling, 'cancelled' | 'startDate' | 'endDate'>, today: string): CrossRegionStatus {
  if (f.cancelled) return 'cancelled'
  if (f.startDate > today) return 'upcoming'
  if (f.endDate !== null && f.endDate < today) return 'expired'
  return 'valid'
}

/**
 * The first day a long-term filing made on a personal promise (承诺制) may be changed or cancelled, or null when it
 * may be now. A filing on a residence proof (居住证明) is never locked (`CROSS_REGION_RULES.promiseLockMonths`).
 */
export function lockedUntil(f: Pick<CrossRegionFiling, 'type' | 'promise' | 'startDate'>, today: string): string | null {
  if (!f.promise || !isLongTerm(f.type)) return null
  const until = addMonths(f.startDate, CROSS_REGION_RULES.promiseLockMonths.value)
  return today < until ? until : null
}

/** The earliest and latest start dates a 参保地 takes today (`min` null: 补办 has no day count). */
export function startRange(today: string, rules: CrossRegionRegionRules): { min: string | null, max: string } {
  const back = rules.backdateDays.value
  return { min: back === null ? null : addDays(today, -back), max: addDays(today, CROSS_REGION_RULES.aheadDays.value) }
}

/**
 * Why the dates of a new filing are refused, per field (Chinese), or `{}`:
 * - 补办 (a start before today): the national rule (医保发〔2022〕22号) lets a resident file until the stay is
 *   settled (出院结算前) with no day count, so the resident confirms it is not settled yet (`unsettled`); a 参保地
 *   with a stricter, sourced rule (`backdateDays`) also caps the days back;
 * - a temporary filing already past its end on the day it is made would cover nothing;
 * - at most `aheadDays` ahead (assumed).
 */
export function startDateProblems(
  input: { type: CrossRegionType, startDate: string, unsettled?: boolean },
  today: string,
  rules: CrossRegionRegionRules,
  /** A change keeps the days its old filing already covered: no confirmation from that filing's start on. */
  coveredFrom: string = today,
): Record<string, string> {
  const { min, max } = startRange(today, rules)
  if (min !== null && input.startDate < min) {
    return { startDate: `开始日期最早可选${min}（参保地规定补办限${rules.backdateDays.value}天内）` }
  }
  if (input.startDate > max) return { startDate: `开始日期最晚可选${max}` }
  if (input.startDate >= today) return {}
  if (!isLongTerm(input.type) && temporaryEndDate(input.startDate) < today) {
    return { startDate: `从${input.startDate}开始的临时备案到${temporaryEndDate(input.startDate)}已到期，请选择更晚的开始日期` }
  }
  if (input.unsettled !== true && input.startDate < coveredFrom) return { unsettled: '补办备案须在出院结算前办理，请确认本次就医尚未出院结算' }
  return {}
}

/** 就医地 must lie outside the person's 统筹区 (same prefecture: the first 4 digits); the form checks the same rule. */
export function sameArea(destination: string, insuredRegion: string): boolean {
  return insideInsuredPool(destination, insuredRegion)
}
