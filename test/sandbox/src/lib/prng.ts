/**
 * Small deterministic pseudo-random number generator (mulberry32) plus the helpers the seed needs.
 * The sandbox never uses `Math.random`, so two runs with the same seed produce the same residents.
 */

/** A seeded source of numbers in `[0, 1)` with convenience helpers. */
export interface Prng {
  /** Next number in `[0, 1)`. */
  next: () => number
  /** Integer in `[min, max]` (both inclusive). */
  int: (min: number, max: number) => number
  /** `true` with probability `p`. */
  chance: (p: number) => boolean
  /** One element of a non-empty list. */
  pick: <T>(items: readonly T[]) => T
  /** One key of a weight table, chosen in proportion to its weight. */
  weighted: <K extends string>(weights: Readonly<Record<K, number>>) => K
}

/**
 * Creates a mulberry32 generator from a 32-bit seed.
 *
 * @example
 * const rng = createPrng(20260101)
 * rng.int(1, 6) // same value on every run
 */
export function createPrng(seed: number): Prng {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  return {
    next,
    int,
    chance: p => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list')
      return items[int(0, items.length - 1)]!
    },
    weighted: <K extends string>(weights: Readonly<Record<K, number>>): K => {
      const entries = Object.entries(weights) as [K, number][]
      const total = entries.reduce((sum, [, w]) => sum + w, 0)
      let roll = next() * total
      for (const [key, w] of entries) {
        roll -= w
        if (roll < 0) return key
      }
      return entries[entries.length - 1]![0]
    },
  }
}
