/**
 * A small per-instance cache with a time-to-live, for records read on every request (sessions,
 * accounts). Entries are evicted on the writes this instance makes; another instance's writes are seen
 * after at most `ttlMs` — the documented bound on, e.g., how long a session revoked elsewhere lives on.
 */
export interface TtlCache<V> {
  get: (key: string, now: number) => V | undefined
  set: (key: string, value: V, now: number) => void
  delete: (key: string) => void
  /** Drops every entry whose value matches. */
  deleteWhere: (match: (value: V) => boolean) => void
}

export function createTtlCache<V>(ttlMs: number, maxEntries = 10_000): TtlCache<V> {
  const entries = new Map<string, { value: V, until: number }>()
  return {
    get(key, now) {
      const e = entries.get(key)
      if (!e) return undefined
      if (e.until <= now) {
        entries.delete(key)
        return undefined
      }
      return e.value
    },
    set(key, value, now) {
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!)
      entries.set(key, { value, until: now + ttlMs })
    },
    delete: key => void entries.delete(key),
    deleteWhere(match) {
      for (const [k, e] of entries) if (match(e.value)) entries.delete(k)
    },
  }
}
