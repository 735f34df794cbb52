/**
 * Money is integer fen (分) everywhere inside yibao. Bureau systems send yuan with two decimals
 * (as JSON numbers or strings); these helpers convert without floating-point drift.
 */

const YUAN_RE = /^(-)?(\d+)(?:\.(\d{1,2}))?$/

/** Parses a yuan amount (`12.3`, `"12.30"`, `0`) to integer fen; `null` when it is not a 2-decimal amount. */
export function yuanToFen(value: number | string): number | null {
  const text = typeof value === 'number' ? numberToPlainString(value) : value.trim()
  if (text === null) return null
  const m = YUAN_RE.exec(text)
  if (!m) return null
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'))
  if (!Number.isSafeInteger(fen)) return null
  return m[1] ? -fen : fen
}

function numberToPlainString(n: number): string | null {
  if (!Number.isFinite(n)) return null
  // JSON numbers such as 12.3 or 0.07 print exactly as sent for two decimals; toFixed would round 0.005.
  const s = String(n)
  return /e/i.test(s) ? null : s
}

/** Integer fen → `"1234.50"` yuan string with two decimals (for wire formats). */
export function fenToYuanString(fen: number): string {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/** Integer fen → display text `¥1,234.50`. */
export function formatFen(fen: number): string {
  const [int, dec] = fenToYuanString(Math.abs(fen)).split('.')
  return `${fen < 0 ? '-' : ''}¥${int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${dec}`
}
