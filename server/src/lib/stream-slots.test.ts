import { describe, expect, it } from 'vitest'
import { createStreamSlots } from './stream-slots'

describe('stream slots', () => {
  it('gives each key up to its cap and the instance up to its total, and takes back each slot once', () => {
    const slots = createStreamSlots({ perKey: 2, total: 3 })
    const a1 = slots.take('a')
    const a2 = slots.take('a')
    expect(slots.take('a')).toBe('key_full')
    const b1 = slots.take('b')
    expect(slots.take('b')).toBe('instance_full')
    expect(slots.take('c')).toBe('instance_full')
    expect([slots.open(), slots.open('a'), slots.open('b'), slots.open('c')]).toEqual([3, 2, 1, 0])
    if (typeof a1 !== 'function' || typeof a2 !== 'function' || typeof b1 !== 'function') throw new Error('no slot')
    a1()
    a1()
    expect([slots.open(), slots.open('a')]).toEqual([2, 1])
    const c1 = slots.take('c')
    expect(typeof c1).toBe('function')
    expect(slots.take('a')).toBe('instance_full')
    a2()
    b1()
    expect([slots.open(), slots.open('a'), slots.open('b')]).toEqual([1, 0, 0])
    expect(typeof slots.take('a')).toBe('function')
  })
})
