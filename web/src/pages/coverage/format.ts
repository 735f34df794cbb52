import { formatFen } from '@yibao/shared'

/**
 * Plain-Chinese amounts, rates and dates for the coverage page. Policy parameters read better as
 * "1.6万元" or "200元"; exact amounts (what was paid) keep `formatFen` ("¥8,066.29").
 */

/** Whole-yuan parameters as 元/万元 (`1_600_000` fen → `1.6万元`); anything with fen falls back on `formatFen`. */
export function yuanShort(fen: number): string {
  if (fen % 100 !== 0) return formatFen(fen)
  const yuan = fen / 100
  if (yuan >= 10_000 && yuan % 100 === 0) return `${yuan / 10_000}万元`
  return `${yuan}元`
}

/** A rate 0–1 as a percentage with at most one decimal (`0.725` → `72.5%`). */
export function percentText(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`
}

/** `YYYY-MM-DD` → `2026年7月15日`. */
export function dateText(day: string): string {
  const [y, m, d] = day.slice(0, 10).split('-').map(Number)
  return `${y}年${m}月${d}日`
}

/** ISO time with +08:00 → `2026年11月22日 12:00` (the wall time as sent: Shanghai). */
export function timeText(iso: string): string {
  return `${dateText(iso)} ${iso.slice(11, 16)}`
}

/** Share of `part` in `whole` as a whole percentage for a bar (0–100; 0 when there is no whole). */
export function share(part: number, whole: number | null): number {
  if (!whole || whole <= 0) return 0
  return Math.min(100, Math.max(0, Math.floor((part * 100) / whole)))
}
