/**
 * Integer arithmetic for money. Amounts are integer fen; rates are handled as integer basis points
 * (1 bp = 0.01 %), so `fen × bp` is an exact integer (below 2^53 for every amount the API accepts).
 *
 * The single rounding rule of the engine: a product `fen × rate` is rounded half-up to whole fen,
 * i.e. `Math.round(fen × rate)` computed in exact integer arithmetic (`roundBp`).
 */

/** Basis points in 1 (100 %). */
export const BP_ONE = 10_000

/** A decimal rate (0.6) → integer basis points (6000). Rates in policies have at most 4 decimals. */
export function toBasisPoints(rate: number): number {
  return Math.round(rate * BP_ONE)
}

/** Rounds `n / 10 000` half-up for a non-negative integer `n` (exact; no floating-point drift). */
export function roundBp(n: number): number {
  const m = n + BP_ONE / 2
  return (m - (m % BP_ONE)) / BP_ONE
}

/** `fen × bp / 10 000` rounded half-up to whole fen (`fen` and `bp` non-negative integers). */
export function applyRate(fen: number, bp: number): number {
  return roundBp(fen * bp)
}

/** Integer fen → `12,345.67` (yuan with thousands separators and two decimals, no unit). */
export function yuan(fen: number): string {
  const int = Math.floor(fen / 100)
  const dec = fen - int * 100
  return `${groupThousands(int)}${dec < 10 ? '.0' : '.'}${dec}`
}

function groupThousands(n: number): string {
  if (n < 1000) return String(n)
  const rest = n % 1000
  return `${groupThousands((n - rest) / 1000)}${rest < 10 ? ',00' : rest < 100 ? ',0' : ','}${rest}`
}

/** Basis points → percent text without the sign: 6000 → `60`, 7250 → `72.5`. */
export function percent(bp: number): string {
  return String(bp / 100)
}

/** True when `n` is a non-negative safe integer (a valid amount in fen). */
export function isFen(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0
}
