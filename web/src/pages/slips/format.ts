/**
 * Dates of the slip pages. Times arrive as ISO 8601 with +08:00, so the wall time in the string is
 * already Shanghai's and is read as text (never through the device's time zone).
 */

/** `2026-03-12T10:41:07.000+08:00` (or `2026-03-12`) → `2026年3月12日`. */
export function dateText(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number)
  return `${y}年${m}月${d}日`
}

/** ISO time → `2026年3月12日 10:41`. */
export function timeText(iso: string): string {
  return `${dateText(iso)} ${iso.slice(11, 16)}`
}
