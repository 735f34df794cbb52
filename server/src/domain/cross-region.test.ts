import type { CrossRegionRegionRules } from '@yibao/shared'
import { crossRegionRulesFor, NATIONAL_CROSS_REGION_REGION_RULES } from '@yibao/shared'
import { describe, expect, it } from 'vitest'
import { filingStatus, lockedUntil, sameArea, startDateProblems, startRange } from './cross-region'

const NATIONAL = NATIONAL_CROSS_REGION_REGION_RULES
/** A 参保地 with a stricter, sourced 补办 rule (none of the seed regions has one: a stand-in for the setting). */
const STRICT: CrossRegionRegionRules = {
  backdateDays: { value: 30, source: '某市医保局异地就医备案经办规程 第八条（补办限30日内）' },
}

describe('异地就医备案 domain rules', () => {
  it('says where a filing stands on a day', () => {
    const f = { cancelled: false, startDate: '2026-12-01', endDate: '2027-05-31' }
    expect(filingStatus(f, '2026-11-30')).toBe('upcoming')
    expect(filingStatus(f, '2026-12-01')).toBe('valid')
    expect(filingStatus(f, '2027-05-31')).toBe('valid')
    expect(filingStatus(f, '2027-06-01')).toBe('expired')
    expect(filingStatus({ ...f, endDate: null }, '2040-01-01')).toBe('valid')
    expect(filingStatus({ ...f, cancelled: true }, '2026-12-15')).toBe('cancelled')
  })

  it('locks a long-term filing made on a personal promise (承诺制) for six months (assumed: the 参保地 upper bound)', () => {
    const f = { type: 'long_term_resident' as const, promise: true, startDate: '2026-06-15' }
    expect(lockedUntil(f, '2026-12-14')).toBe('2026-12-15')
    expect(lockedUntil(f, '2026-12-15')).toBeNull()
    expect(lockedUntil({ ...f, type: 'temporary' }, '2026-07-01')).toBeNull()
  })

  it('医保发〔2022〕22号: never locks a long-term filing made on a residence proof (居住证明)', () => {
    const onProof = { type: 'long_term_resident', promise: false, startDate: '2026-06-15' } as const
    expect(lockedUntil(onProof, '2026-06-16')).toBeNull()
  })

  describe('补办 (a start date before today)', () => {
    const today = '2026-11-23'

    it('医保发〔2022〕22号: no day count by default — back to any day, once the stay is confirmed unsettled', () => {
      expect(startRange(today, NATIONAL)).toEqual({ min: null, max: '2027-05-22' })
      expect(crossRegionRulesFor('370502')).toEqual(NATIONAL)
      const long = { type: 'long_term_resident' as const, startDate: '2025-02-01' }
      expect(startDateProblems({ ...long, unsettled: true }, today, NATIONAL)).toEqual({})
      expect(startDateProblems(long, today, NATIONAL)).toEqual({ unsettled: '补办备案须在出院结算前办理，请确认本次就医尚未出院结算' })
      // From today on there is nothing to confirm; nor for a change, from the old filing's start on.
      expect(startDateProblems({ type: 'temporary', startDate: today }, today, NATIONAL)).toEqual({})
      const changed = (startDate: string) =>
        startDateProblems({ type: 'temporary', startDate }, today, NATIONAL, '2026-11-01')
      expect(changed('2026-11-01')).toEqual({})
      expect(changed('2026-10-31')).toHaveProperty('unsettled')
    })

    it('医保发〔2022〕22号: a temporary filing back to the day its six months still reach today', () => {
      // 2026-05-24 + 6 months − 1 day = 2026-11-23: still covers today.
      const referral = (startDate: string) =>
        startDateProblems({ type: 'referral', startDate, unsettled: true }, today, NATIONAL)
      expect(referral('2026-05-24')).toEqual({})
      expect(referral('2026-05-23')).toEqual({
        startDate: '从2026-05-23开始的临时备案到2026-11-22已到期，请选择更晚的开始日期',
      })
    })

    it('applies a 参保地\'s stricter, sourced day count where one is set (most specific region first)', () => {
      expect(startRange(today, STRICT).min).toBe('2026-10-24')
      const trip = (startDate: string) =>
        startDateProblems({ type: 'temporary', startDate, unsettled: true }, today, STRICT)
      expect(trip('2026-10-24')).toEqual({})
      expect(trip('2026-10-23')).toEqual({
        startDate: '开始日期最早可选2026-10-24（参保地规定补办限30天内）',
      })
      const table = { 370000: { backdateDays: { value: 60, source: '省规程' } }, 370500: STRICT }
      expect(crossRegionRulesFor('370502', table)).toEqual(STRICT)
      expect(crossRegionRulesFor('370102', table).backdateDays.value).toBe(60)
      expect(crossRegionRulesFor('520112', table)).toEqual(NATIONAL)
    })

    it('takes a start at most 180 days ahead (assumed)', () => {
      const ahead = (startDate: string) => startDateProblems({ type: 'temporary', startDate }, today, NATIONAL)
      expect(ahead('2027-05-22')).toEqual({})
      expect(ahead('2027-05-23')).toEqual({ startDate: '开始日期最晚可选2027-05-22' })
    })
  })

  it('compares 统筹区 by prefecture', () => {
    expect(sameArea('370523', '370502')).toBe(true)
    expect(sameArea('440300', '370502')).toBe(false)
    expect(sameArea('370100', '370502')).toBe(false)
  })
})
