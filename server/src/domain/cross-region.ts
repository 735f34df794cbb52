import type { CrossRegionStatus, CrossRegionType } from '@yibao/shared'
import { CROSS_REGION_RULES, isLongTerm } from '@yibao/shared'

/** A 异地就医备案 as the bureau keeps it (domain shape; phone and agent stay inside the BFF). */
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
  promise: boolean
  cancelled: boolean
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

/** The first day a 承诺制 long-term filing may be changed or cancelled, or null when it may be now. */
export function lockedUntil(f: Pick<CrossRegionFiling, 'type' | 'promise' | 'startDate'>, today: string): string | null {
  if (!f.promise || !isLongTerm(f.type)) return null
  const until = addMonths(f.startDate, CROSS_REGION_RULES.promiseLockMonths.value)
  return today < until ? until : null
}

/** Why a start date is refused (补办 within 30 days, at most 180 days ahead), or null. */
export function startDateProblem(start: string, today: string): string | null {
  if (start < addDays(today, -CROSS_REGION_RULES.backdateDays.value)) return `开始日期最早可选${addDays(today, -CROSS_REGION_RULES.backdateDays.value)}（可补办30天内的备案）`
  if (start > addDays(today, CROSS_REGION_RULES.aheadDays.value)) return `开始日期最晚可选${addDays(today, CROSS_REGION_RULES.aheadDays.value)}`
  return null
}

/** 就医地 must lie outside the person's 统筹区 (same prefecture: the first 4 digits). */
export function sameArea(destination: string, insuredRegion: string): boolean {
  return destination.slice(0, 4) === insuredRegion.slice(0, 4)
}
