import { describe, expect, it } from 'vitest'
import { createTtlCache } from './ttl-cache'

describe('ttl cache', () => {
  it('returns a value until its time runs out', () => {
    const c = createTtlCache<number>(1000)
    c.set('a', 1, 0)
    expect(c.get('a', 999)).toBe(1)
    expect(c.get('a', 1000)).toBeUndefined()
  })
  it('evicts by key and by predicate, and keeps its size bounded', () => {
    const c = createTtlCache<{ account: string }>(1000, 2)
    c.set('s1', { account: 'a' }, 0)
    c.set('s2', { account: 'b' }, 0)
    c.deleteWhere(v => v.account === 'a')
    expect(c.get('s1', 1)).toBeUndefined()
    expect(c.get('s2', 1)).toEqual({ account: 'b' })
    c.set('s3', { account: 'c' }, 0)
    c.set('s4', { account: 'd' }, 0)
    expect(c.get('s2', 1)).toBeUndefined()
    c.delete('s4')
    expect(c.get('s4', 1)).toBeUndefined()
  })
})
