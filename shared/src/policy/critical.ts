import type { CompiledTable } from './compile'
import { roundBp } from './arithmetic'

/**
 * Critical-illness payouts on the annual cumulative burden.
 *
 * The payout for a cumulative burden B is computed exactly in fen × basis points and rounded once
 * (half-up) on the cumulative value: `P(B) = round(Σ rate_i × |[from_i, to_i) ∩ [0, B)|)`.
 * A stay that moves the cumulative burden from `before` to `after` is paid `P(after) − P(before)`
 * (then limited by what is left of the annual cap). The sum over several stays telescopes to
 * `P(annual burden)`, so splitting a year's costs over several stays changes nothing, to the fen.
 */

/** Σ rate_i (bp) × part of [0, burden) in tier i — an exact integer (fen × bp). */
export function criticalNumerator(table: CompiledTable, burden: number): number {
  let n = 0
  const { from, to, bp } = table
  for (let i = 0; i < from.length; i++) {
    const f = from[i]!
    if (burden <= f) break
    const t = to[i]!
    n += bp[i]! * ((burden < t ? burden : t) - f)
  }
  return n
}

/** Payout (fen, uncapped) for an annual cumulative burden, rounded half-up on the cumulative value. */
export function criticalCumulativePayout(table: CompiledTable, burden: number): number {
  return roundBp(criticalNumerator(table, burden))
}

/** One tier's share of a stay: the cumulative range [from, to) it adds inside the tier, its rate and payout. */
export interface CriticalPart {
  from: number
  to: number
  bp: number
  amount: number
}

/**
 * Splits a stay's critical payout (cumulative `before` → `after`) into the tiers it touches.
 * Amounts are differences of cumulative payouts, so they add up exactly to `P(after) − P(before)`.
 */
export function criticalParts(table: CompiledTable, before: number, after: number): CriticalPart[] {
  const parts: CriticalPart[] = []
  const { from, to, bp } = table
  for (let i = 0; i < from.length; i++) {
    const a = before > from[i]! ? before : from[i]!
    const b = after < to[i]! ? after : to[i]!
    if (b > a) {
      parts.push({
        from: a,
        to: b,
        bp: bp[i]!,
        amount: criticalCumulativePayout(table, b) - criticalCumulativePayout(table, a),
      })
    }
  }
  return parts
}
