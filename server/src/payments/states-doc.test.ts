import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { MACHINES, stateMachinesDoc } from '../domain/states'

describe('the state machines\' diagram', () => {
  it('docs/state-machines.md is the module, generated (pnpm --filter @yibao/server gen:states)', () => {
    const doc = readFileSync(new URL('../../../docs/state-machines.md', import.meta.url), 'utf8')
    expect(doc).toBe(stateMachinesDoc())
    for (const m of MACHINES) for (const t of m.transitions) expect(doc).toContain(`${t.from} --> ${t.to}: ${t.event}`)
  })
})
