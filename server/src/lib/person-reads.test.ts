import { describe, expect, it } from 'vitest'
import { createPersonReads } from './person-reads'

function clock(start = Date.parse('2026-11-23T02:00:00Z')) {
  let t = start
  return { now: () => new Date(t), advance: (ms: number) => { t += ms } }
}

describe('per-person read cache', () => {
  it('reuses a read within its time-to-live and reloads after it', async () => {
    const c = clock()
    const reads = createPersonReads(c.now)
    let calls = 0
    const load = async () => ++calls
    expect((await reads.read('ref-a', 'coverage', 30_000, load)).value).toBe(1)
    c.advance(29_999)
    const again = await reads.read('ref-a', 'coverage', 30_000, load)
    expect(again).toEqual({ value: 1, loadedAt: new Date(Date.parse('2026-11-23T02:00:00Z')) })
    c.advance(1)
    expect((await reads.read('ref-a', 'coverage', 30_000, load)).value).toBe(2)
  })

  it('never answers one person with another\'s entry, even for the same kind of read', async () => {
    const reads = createPersonReads(clock().now)
    await reads.read('ref-a', '1101', 60_000, async () => 'A')
    expect((await reads.read('ref-b', '1101', 60_000, async () => 'B')).value).toBe('B')
    expect((await reads.read('ref-a', '1101', 60_000, async () => 'never')).value).toBe('A')
    // A key made to look like another person's cannot collide either.
    expect((await reads.read('ref-a\u00001101', '', 60_000, async () => 'C')).value).toBe('C')
  })

  it('lets concurrent misses share one upstream call', async () => {
    const reads = createPersonReads(clock().now)
    let calls = 0
    const load = () => new Promise<number>(r => setTimeout(() => r(++calls), 10))
    const results = await Promise.all([1, 2, 3].map(() => reads.read('ref-a', 'coverage', 30_000, load)))
    expect(results.map(r => r.value)).toEqual([1, 1, 1])
    expect(calls).toBe(1)
  })

  it('does not cache a failure', async () => {
    const reads = createPersonReads(clock().now)
    await expect(reads.read('ref-a', 'coverage', 30_000, async () => { throw new Error('bureau down') })).rejects.toThrow('bureau down')
    expect((await reads.read('ref-a', 'coverage', 30_000, async () => 'ok')).value).toBe('ok')
  })

  it('forget drops a person\'s reads, and a load started before it is not stored', async () => {
    const reads = createPersonReads(clock().now)
    await reads.read('ref-a', 'coverage', 30_000, async () => 'old')
    await reads.read('ref-b', 'coverage', 30_000, async () => 'b')
    let release!: () => void
    const slow = reads.read('ref-a', '1101', 30_000, () => new Promise<string>((r) => { release = () => r('before-payment') }))
    reads.forget('ref-a')
    release()
    expect((await slow).value).toBe('before-payment')
    expect((await reads.read('ref-a', '1101', 30_000, async () => 'after-payment')).value).toBe('after-payment')
    expect((await reads.read('ref-a', 'coverage', 30_000, async () => 'new')).value).toBe('new')
    expect((await reads.read('ref-b', 'coverage', 30_000, async () => 'never')).value).toBe('b')
  })

  it('skips the stored copy when the person asks for fresh data', async () => {
    const reads = createPersonReads(clock().now)
    await reads.read('ref-a', 'coverage', 30_000, async () => 'old')
    expect((await reads.read('ref-a', 'coverage', 30_000, async () => 'new', { fresh: true })).value).toBe('new')
    expect((await reads.read('ref-a', 'coverage', 30_000, async () => 'never')).value).toBe('new')
  })

  it('asks every time when turned off (PERSON_READ_CACHE=false)', async () => {
    const reads = createPersonReads(clock().now, 0)
    let calls = 0
    await reads.read('ref-a', 'coverage', 30_000, async () => ++calls)
    expect((await reads.read('ref-a', 'coverage', 30_000, async () => ++calls)).value).toBe(2)
  })
})
