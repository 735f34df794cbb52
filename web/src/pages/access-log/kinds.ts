/** What an entry of 访问记录 was: a look at data, something done, or signing in and proving who one is. */
export type AccessKind = 'view' | 'act' | 'signin'
export const ACCESS_KINDS: readonly AccessKind[] = ['view', 'act', 'signin']

const SIGN_IN = /^(?:auth|identity|face_check|desk\.identity)\./
const VIEW = /(?:\.read|\.list|\.explain|\.pdf|_pdf|\.unmask|lookup|\.verify)$/

/** The kind of an audit action (`coverage.read`, `refund.request`, `auth.bind` …). */
export function accessKind(action: string): AccessKind {
  if (SIGN_IN.test(action)) return 'signin'
  return VIEW.test(action) ? 'view' : 'act'
}

/** Entries grouped by their Shanghai day (`at` is ISO 8601 with +08:00), newest day first, order kept. */
export function groupByDay<T extends { at: string }>(entries: readonly T[]): { day: string, entries: T[] }[] {
  const days: { day: string, entries: T[] }[] = []
  for (const entry of entries) {
    const day = entry.at.slice(0, 10)
    const last = days.at(-1)
    if (last?.day === day) last.entries.push(entry)
    else days.push({ day, entries: [entry] })
  }
  return days
}
