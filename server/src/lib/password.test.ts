import { describe, expect, it } from 'vitest'
import { benchPasswordHash, generatePassword, hashPassword, median, PASSWORD_HASH_PARAMS, verifyDummyPassword, verifyPassword } from './password'

describe('staff password hashing (argon2id)', () => {
  it('writes an argon2id PHC string with 64 MiB, 4 passes, 1 lane and a fresh salt each time', async () => {
    const a = await hashPassword('correct horse battery staple')
    const b = await hashPassword('correct horse battery staple')
    expect(a).toMatch(/^\$argon2id\$v=19\$m=65536,t=4,p=1\$[\w+/]{22}\$[\w+/]{43}$/)
    expect(a).not.toBe(b)
    expect(PASSWORD_HASH_PARAMS).toEqual({ algorithm: 2, memoryCost: 65536, timeCost: 4, parallelism: 1 })
  })

  it('verifies the right password only', async () => {
    const phc = await hashPassword('correct horse battery staple')
    expect(await verifyPassword(phc, 'correct horse battery staple')).toBe(true)
    expect(await verifyPassword(phc, 'correct horse battery stapl')).toBe(false)
    expect(await verifyPassword(phc, 'Correct horse battery staple')).toBe(false)
  })

  it('treats a malformed stored hash as a mismatch, not a crash', async () => {
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false)
    expect(await verifyDummyPassword('anything')).toBe(false)
  })

  it('takes real time to verify (a weak setting would show here)', async () => {
    const { medianMs, params } = await benchPasswordHash(3)
    expect(params.memoryCost).toBe(65536)
    // Only a lower bound: a busy machine is slower, never faster.
    expect(medianMs).toBeGreaterThan(20)
  })

  it('reports the median between the fastest and the slowest verification, for an even and an odd count', async () => {
    for (const rounds of [4, 3]) {
      const { medianMs, minMs, maxMs, samples } = await benchPasswordHash(rounds)
      expect(samples).toBe(rounds)
      for (const ms of [minMs, medianMs, maxMs]) {
        expect(typeof ms).toBe('number')
        // Real durations of one verification: more than nothing, far less than a minute.
        expect(ms).toBeGreaterThan(0)
        expect(ms).toBeLessThan(60_000)
      }
      expect(minMs).toBeLessThanOrEqual(medianMs)
      expect(medianMs).toBeLessThanOrEqual(maxMs)
    }
  })

  it('takes the middle value of an odd count and the mean of the middle two of an even count', () => {
    expect(median([7])).toBe(7)
    expect(median([1, 2, 9])).toBe(2)
    expect(median([1, 2, 4, 9])).toBe(3)
    expect(median([1, 3])).toBe(2)
    expect(median([1, 2, 3, 40, 50])).toBe(3)
    expect(median([])).toBeNaN()
  })

  it('generates 20-character passwords without look-alike characters', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 200; i++) {
      const p = generatePassword()
      expect(p).toMatch(/^[A-HJ-NP-Za-km-z2-9]{20}$/)
      seen.add(p)
    }
    expect(seen.size).toBe(200)
  })
})
