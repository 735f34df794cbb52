import type { Algorithm, Options } from '@node-rs/argon2'
import { randomInt } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'

/**
 * argon2id parameters of staff passwords: 64 MiB, 4 passes, 1 lane (RFC 9106's memory-constrained
 * profile with one more pass). Tuned so one verification takes 50–250 ms on the 2-core machines this
 * project runs on (measured by `benchPasswordHash()`, printed by `pnpm bench`). Stored hashes carry
 * their own parameters (PHC string), so raising these later still verifies old hashes.
 */
export const PASSWORD_HASH_PARAMS = {
  // `Algorithm` is an ambient const enum, not importable under isolatedModules: 2 is Argon2id.
  algorithm: 2 as Algorithm.Argon2id,
  memoryCost: 65_536,
  timeCost: 4,
  parallelism: 1,
} as const satisfies Options

/** Minimum length of a staff password. */
export const MIN_PASSWORD_LENGTH = 12

/** argon2id PHC string of a password (random 16-byte salt). */
export async function hashPassword(password: string): Promise<string> {
  return hash(password, PASSWORD_HASH_PARAMS)
}

/** Whether `password` matches the PHC string; false (not an exception) for a malformed hash. */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password)
  }
  catch {
    return false
  }
}

let dummyHash: Promise<string> | undefined

/**
 * Spends the time of one verification for an unknown username, so the reply time does not tell
 * whether an account exists. The dummy hash is made once per process with the same parameters.
 */
export async function verifyDummyPassword(password: string): Promise<false> {
  dummyHash ??= hashPassword('yibao-dummy-password-never-valid')
  await verifyPassword(await dummyHash, password)
  return false
}

// No look-alike characters (0/O, 1/l/I) so a password read aloud or from paper is typed right.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'

/** A random password of 20 characters from a 57-letter alphabet (about 116 bits). */
export function generatePassword(length = 20): string {
  let out = ''
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)]
  return out
}

/** Median time of `rounds` verifications (ms) with the production parameters, for `pnpm bench`. */
export async function benchPasswordHash(rounds = 10): Promise<{
  medianMs: number
  minMs: number
  maxMs: number
  samples: number
  params: typeof PASSWORD_HASH_PARAMS
}> {
  const password = 'bench-password-123456'
  const phc = await hashPassword(password)
  const times: number[] = []
  // One warm-up, then `rounds` timed: each a verification that succeeds, as a clerk's right password does.
  for (let i = -1; i < rounds; i++) {
    const started = performance.now()
    if (!await verifyPassword(phc, password)) throw new Error('the bench password did not verify against its own hash')
    if (i >= 0) times.push(performance.now() - started)
  }
  const sorted = times.toSorted((a, b) => a - b)
  const [minMs, maxMs] = [sorted[0]!, sorted.at(-1)!]
  return { medianMs: median(sorted), minMs, maxMs, samples: sorted.length, params: PASSWORD_HASH_PARAMS }
}

/** The median of numbers sorted ascending (the mean of the middle two for an even count); NaN for none. */
export function median(sortedAsc: readonly number[]): number {
  const mid = Math.floor(sortedAsc.length / 2)
  if (sortedAsc.length % 2 === 1) return sortedAsc[mid]!
  return (sortedAsc[mid - 1]! + sortedAsc[mid]!) / 2
}
