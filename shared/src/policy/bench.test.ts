import { describe, expect, it } from 'vitest'
import { benchEngine } from './bench'

describe('engine speed', () => {
  it('does at least 50,000 estimates per second on one core', () => {
    const r = benchEngine(50_000)
    expect(r.iterations).toBe(50_000)
    expect(r.opsPerSec).toBeGreaterThanOrEqual(50_000)
  })
})
