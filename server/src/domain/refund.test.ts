import { describe, expect, it } from 'vitest'
import { benefitStartsAt, newOutRefundNo, refundBlock } from './refund'

describe('refund rules', () => {
  it('starts a benefit year at midnight on 1 January, Shanghai time', () => {
    expect(benefitStartsAt(2027).toISOString()).toBe('2026-12-31T16:00:00.000Z')
  })

  it('refuses every reason but a death once the year has started, to the second', () => {
    const before = new Date('2026-12-31T15:59:59.999Z')
    const after = new Date('2026-12-31T16:00:00.000Z')
    for (const reason of ['duplicate_enrolment', 'employee_insurance', 'overpaid'] as const) {
      expect(refundBlock({ reason, year: 2027, now: before })).toBeNull()
      expect(refundBlock({ reason, year: 2027, now: after })).toBe('benefit_started')
    }
    // 待遇享受期前死亡: the bureau checks the date of death, whenever the heirs apply.
    expect(refundBlock({ reason: 'died_before_benefit', year: 2027, now: new Date('2027-06-01T00:00:00Z') })).toBeNull()
  })

  it('numbers refunds within WeChat Pay\'s 6–32 characters, dated in Shanghai', () => {
    const no = newOutRefundNo(new Date('2026-12-31T16:30:00Z'), new Uint8Array(16).fill(7))
    expect(no).toMatch(/^YR20270101[0-9A-Za-z]{16}$/)
    expect(no.length).toBeLessThanOrEqual(32)
  })
})
