/**
 * A short-lived, per-instance cache of bureau reads about ONE person (issue 5: "cache what may be
 * cached, never across people"). Every key is scoped by the person's cert ref, so one person's entry can
 * never answer for another; concurrent misses for one key share a single upstream call; failures are
 * never cached. A change this instance makes (a premium paid) forgets the person at once; another
 * instance's change is seen after at most the entry's time-to-live.
 */
export interface PersonReads {
  /**
   * `load()`'s result for `(certRef, what)`, reused for `ttlMs` from when it was loaded. `fresh` (the
   * person asked to refresh) skips a stored copy, though it still shares a load already under way.
   */
  read: <T>(certRef: string, what: string, ttlMs: number, load: () => Promise<T>, opts?: { fresh?: boolean }) => Promise<{ value: T, loadedAt: Date }>
  /** Drops everything cached about a person. */
  forget: (certRef: string) => void
}

interface Entry { value: unknown, loadedAt: Date, until: number }

export function createPersonReads(now: () => Date, maxEntries = 20_000): PersonReads {
  // 0 entries: caching off (PERSON_READ_CACHE=false); every read goes to the bureau.
  if (maxEntries === 0) {
    return {
      read: async (_ref, _what, _ttl, load) => {
        const loadedAt = now()
        return { value: await load(), loadedAt }
      },
      forget: () => {},
    }
  }
  const entries = new Map<string, Entry>()
  const inflight = new Map<string, Promise<{ value: unknown, loadedAt: Date }>>()
  // A forget() during a load must not let that (older) load be stored afterwards.
  const generation = new Map<string, number>()
  const keyOf = (certRef: string, what: string) => `${certRef}\u0000${what}`

  return {
    async read<T>(certRef: string, what: string, ttlMs: number, load: () => Promise<T>, opts: { fresh?: boolean } = {}) {
      const key = keyOf(certRef, what)
      const at = now()
      const hit = entries.get(key)
      if (hit && hit.until > at.getTime() && !opts.fresh) return { value: hit.value as T, loadedAt: hit.loadedAt }
      if (hit) entries.delete(key)
      const pending = inflight.get(key)
      if (pending) return pending as Promise<{ value: T, loadedAt: Date }>
      const gen = generation.get(certRef) ?? 0
      const p = load().then((value) => {
        if ((generation.get(certRef) ?? 0) === gen) {
          if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!)
          entries.set(key, { value, loadedAt: at, until: at.getTime() + ttlMs })
        }
        return { value, loadedAt: at }
      }).finally(() => {
        if (inflight.get(key) === p) inflight.delete(key)
      })
      inflight.set(key, p)
      return p
    },
    forget(certRef) {
      const prefix = keyOf(certRef, '')
      for (const key of entries.keys()) if (key.startsWith(prefix)) entries.delete(key)
      for (const key of inflight.keys()) if (key.startsWith(prefix)) inflight.delete(key)
      if (generation.size >= maxEntries) generation.clear()
      generation.set(certRef, (generation.get(certRef) ?? 0) + 1)
    },
  }
}

/**
 * How long each kind of read is reused. Coverage changes when a premium is paid (forgotten at once on
 * this instance) or a stay is settled; a settled slip does not change (a reversal is a new settlement).
 */
export const READ_TTL_MS = {
  coverage: 30_000,
  personInfo: 60_000,
  settlement: 5 * 60_000,
} as const
