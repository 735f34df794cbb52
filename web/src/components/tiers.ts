import type { EstimateResult } from '@yibao/shared'

/** A part of a bill: the 三重保障 tiers, the hospital's share, funds outside the policy, and the person. */
export type BarTier = 'basic' | 'critical' | 'assistance' | 'hospital' | 'other' | 'personal'

/** The parts of an estimate in the order they are paid (and drawn in the bar). */
export const BAR_TIERS: readonly BarTier[] = ['basic', 'critical', 'assistance', 'hospital', 'personal']

/** The parts of a settlement slip: an estimate's, plus funds outside the published policy. */
export const SLIP_BAR_TIERS: readonly BarTier[] = ['basic', 'critical', 'assistance', 'hospital', 'other', 'personal']

/** Amount of each part of an estimate in fen. */
export function tierAmounts(r: EstimateResult): Record<BarTier, number> {
  return { basic: r.basicPay, critical: r.criticalPay, assistance: r.assistancePay, hospital: r.hospitalBorne, other: 0, personal: r.personalPay }
}

/** Share of `part` in `total` as percent text with one decimal (`"52.8"`); exact integer arithmetic. */
export function percentText(part: number, total: number): string {
  if (total <= 0) return '0'
  const tenths = Math.round(part * 1000 / total)
  return tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1)
}
