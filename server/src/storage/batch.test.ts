import { describe, expect, it } from 'vitest'
import { createBatcher } from './batch'

describe('group commit', () => {
  it('keeps one batch in flight and gives the next batch everything that arrived meanwhile', async () => {
    const batches: number[][] = []
    let release!: () => void
    let first = true
    const record = createBatcher<number, string>(async (items) => {
      batches.push(items)
      if (first) {
        first = false
        await new Promise<void>((r) => { release = r })
      }
      return items.map(i => `ok ${i}`)
    })
    const a = [record(1), record(2)]
    await new Promise(r => setImmediate(r))
    // The first batch is being stored: these three wait for it, then go together.
    const b = [record(3), record(4), record(5)]
    await new Promise(r => setImmediate(r))
    expect(batches).toEqual([[1, 2]])
    release()
    expect(await Promise.all([...a, ...b])).toEqual(['ok 1', 'ok 2', 'ok 3', 'ok 4', 'ok 5'])
    expect(batches).toEqual([[1, 2], [3, 4, 5]])
  })

  it('fails only the callers of a batch that failed, and goes on with the next', async () => {
    let calls = 0
    const record = createBatcher<number, number>(async (items) => {
      calls += 1
      if (calls === 1) throw new Error('database gone')
      return items
    })
    const failed = record(1)
    await expect(failed).rejects.toThrow('database gone')
    expect(await record(2)).toBe(2)
  })

  it('splits a large burst into batches of at most maxBatch', async () => {
    const sizes: number[] = []
    const record = createBatcher<number, number>(async (items) => {
      sizes.push(items.length)
      return items
    }, { maxBatch: 3 })
    await Promise.all([1, 2, 3, 4, 5, 6, 7].map(record))
    expect(sizes).toEqual([3, 3, 1])
  })

  it('pipelines up to maxInFlight batches: the next goes out while one is stored, and no more than that', async () => {
    const batches: number[][] = []
    const holds: (() => void)[] = []
    const record = createBatcher<number, number>(async (items) => {
      batches.push(items)
      await new Promise<void>(r => holds.push(r))
      return items.map(i => i * 10)
    }, { maxInFlight: 2 })
    const tick = () => new Promise(r => setImmediate(r))
    const first = record(1)
    await tick()
    const second = [record(2), record(3)]
    await tick()
    const third = [record(4), record(5)]
    await tick()
    // Two batches being stored at once; the third waits for a place.
    expect(batches).toEqual([[1], [2, 3]])
    holds[1]!()
    expect(await Promise.all(second)).toEqual([20, 30])
    await tick()
    expect(batches).toEqual([[1], [2, 3], [4, 5]])
    holds[0]!()
    holds[2]!()
    expect(await Promise.all([first, ...third])).toEqual([10, 40, 50])
  })
})
