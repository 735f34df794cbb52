/** Order event streams one session may hold open at once on one instance (tabs, the desk, a reconnect). */
export const ORDER_STREAMS_PER_SESSION = 3

/** A taken slot: give it back exactly once (later calls do nothing). */
export type ReleaseSlot = () => void

/**
 * Counts long-lived streams on this instance: at most `perKey` per key (a session) and `total` in all.
 * `take` answers the release function, or which cap is full.
 */
export interface StreamSlots {
  take: (key: string) => ReleaseSlot | 'key_full' | 'instance_full'
  /** Slots taken in all, and by one key. */
  open: (key?: string) => number
}

export function createStreamSlots(limits: { perKey: number, total: number }): StreamSlots {
  const byKey = new Map<string, number>()
  let total = 0
  return {
    take(key) {
      const mine = byKey.get(key) ?? 0
      if (mine >= limits.perKey) return 'key_full'
      if (total >= limits.total) return 'instance_full'
      byKey.set(key, mine + 1)
      total += 1
      let released = false
      return () => {
        if (released) return
        released = true
        total -= 1
        const left = (byKey.get(key) ?? 1) - 1
        if (left > 0) byKey.set(key, left)
        else byKey.delete(key)
      }
    },
    open: key => (key === undefined ? total : byKey.get(key) ?? 0),
  }
}
