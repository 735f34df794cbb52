import { describe, expect, it } from 'vitest'
import { advance, edgesOf, IllegalTransition, LINE_MACHINE, LIVE_LINE_STATES, MACHINES, ORDER_MACHINE, REFUND_MACHINE } from './states'

describe('the state machines of money', () => {
  for (const m of MACHINES) {
    const events = [...new Set(m.transitions.map(t => t.event))]
    it(`${m.name}: every pair of states is allowed exactly when the table has an edge, and nothing else moves`, () => {
      let allowed = 0
      for (const from of m.states) {
        for (const to of m.states) {
          const edges = m.transitions.filter(t => t.from === from && t.to === to)
          for (const event of events) {
            const edge = edges.find(t => t.event === event)
            if (edge) {
              expect(advance(m, from, event)).toBe(to)
              allowed++
            }
            else if (!m.transitions.some(t => t.from === from && t.event === event)) {
              expect(() => advance(m, from, event)).toThrow(IllegalTransition)
            }
          }
        }
      }
      expect(allowed).toBe(m.transitions.length)
    })

    it(`${m.name}: every event leads to one state, final states are left by nothing, every state is reachable`, () => {
      for (const e of events) expect(m.states).toContain(edgesOf(m, e).to)
      for (const f of m.final) expect(m.transitions.filter(t => t.from === f)).toEqual([])
      const reached = new Set<string>(m.initial)
      for (let grew = true; grew;) {
        grew = false
        for (const t of m.transitions) {
          if (reached.has(t.from) && !reached.has(t.to)) {
            reached.add(t.to)
            grew = true
          }
        }
      }
      expect([...reached].sort()).toEqual([...m.states].sort())
    })
  }

  it('refuses the transitions money must never take', () => {
    expect(() => advance(ORDER_MACHINE, 'paid', 'close')).toThrow(/illegal order transition: close from paid/)
    expect(() => advance(ORDER_MACHINE, 'paid', 'pay')).toThrow(IllegalTransition)
    expect(() => advance(LINE_MACHINE, 'refunded', 'refund')).toThrow(IllegalTransition)
    expect(() => advance(LINE_MACHINE, 'pending', 'refund')).toThrow(IllegalTransition)
    expect(() => advance(LINE_MACHINE, 'void', 'report')).toThrow(IllegalTransition)
    expect(() => advance(REFUND_MACHINE, 'succeeded', 'fail')).toThrow(IllegalTransition)
    expect(() => advance(REFUND_MACHINE, 'rejected', 'approve')).toThrow(IllegalTransition)
    expect(() => edgesOf(ORDER_MACHINE, 'nonsense' as never)).toThrow(IllegalTransition)
  })

  it('a closed order paid late is an edge of its own, and a duplicate line ends refunded', () => {
    expect(advance(ORDER_MACHINE, 'closed', 'pay_after_close')).toBe('paid')
    expect(() => advance(ORDER_MACHINE, 'closed', 'pay')).toThrow(IllegalTransition)
    expect(advance(LINE_MACHINE, 'void', 'pay_duplicate')).toBe('duplicate')
    expect(advance(LINE_MACHINE, 'duplicate', 'refund')).toBe('refunded')
    expect(LIVE_LINE_STATES).toEqual(['pending', 'paid', 'reported'])
  })
})
