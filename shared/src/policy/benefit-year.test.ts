import type { BenefitYearInput } from './benefit-year'
import type { CollectionCalendar } from './calendar-schema'
import { describe, expect, it } from 'vitest'
import { benefitStartsAt, benefitYearState, collectionPhase, waitingPeriodFor } from './benefit-year'
import { POLICY_IDS } from './ids'
import { POLICIES } from './policies'
import { calendarFor, DEFAULT_CALENDAR, REGION_CALENDARS } from './policies/calendars'

const DONGYING = REGION_CALENDARS['dongying-2020']
/** A region without the February extension (none of ours: the rule must still hold for one). */
const NO_EXTENSION: CollectionCalendar = {
  ...DONGYING,
  februaryExtension: { value: false, source: 'test', assumed: true, reason: '测试：无延长缴费期' },
}

/** A Shanghai wall-clock instant. */
const sh = (local: string) => new Date(`${local}+08:00`)

const ACTIVE = { status: 'active', endedOn: null } as const
const SUSPENDED = { status: 'suspended', endedOn: null } as const

function state(now: string, over: Partial<BenefitYearInput> = {}) {
  return benefitYearState({ year: 2027, now: sh(now), calendar: DONGYING, payment: null, enrolment: ACTIVE, ...over })
}
/** Year 2027 at a UTC instant, no records. */
const bare = (iso: string) =>
  benefitYearState({ year: 2027, now: new Date(iso), calendar: DONGYING, payment: null, enrolment: null })
const late = (from: string, until: string) => ({ from, until, reason: 'late_payment', assumed: true })
const paid = (paidAt: string, exempt = false) => ({ paid: true, paidAt: `${paidAt}+08:00`, exempt })
const unpaid = { paid: false, paidAt: null, exempt: false }

describe('the collection calendar of benefit year 2027 (Shanghai days)', () => {
  it('opens 1 Sep 2026, on time to 31 Dec, February extension to 28 Feb, late to 30 Jun, then closed', () => {
    const phase = (day: string) => collectionPhase(2027, day, DONGYING)
    expect(phase('2026-08-31')).toBe('not_open')
    expect(phase('2026-09-01')).toBe('concentrated')
    expect(phase('2026-12-31')).toBe('concentrated')
    expect(phase('2027-01-01')).toBe('extension')
    expect(phase('2027-02-28')).toBe('extension')
    expect(phase('2027-03-01')).toBe('late')
    expect(phase('2027-06-30')).toBe('late')
    expect(phase('2027-07-01')).toBe('closed')
    // A leap year: the extension runs to 29 February.
    expect(collectionPhase(2028, '2028-02-29', DONGYING)).toBe('extension')
    expect(collectionPhase(2028, '2028-03-01', DONGYING)).toBe('late')
  })

  it('without the February extension a payment from 1 January is late', () => {
    expect(collectionPhase(2027, '2026-12-31', NO_EXTENSION)).toBe('concentrated')
    expect(collectionPhase(2027, '2027-01-01', NO_EXTENSION)).toBe('late')
    expect(waitingPeriodFor(2027, '2027-01-01', false, NO_EXTENSION)).toEqual(late('2027-01-01', '2027-03-31'))
    expect(waitingPeriodFor(2027, '2027-01-01', false, DONGYING)).toBeNull()
  })

  it('turns the day and the year at midnight in Shanghai (UTC+8), not UTC', () => {
    expect(benefitStartsAt(2027).toISOString()).toBe('2026-12-31T16:00:00.000Z')
    expect(state('2026-12-31T23:59:59')).toMatchObject({ benefitStarted: false, phase: 'concentrated' })
    expect(state('2027-01-01T00:00:00')).toMatchObject({ benefitStarted: true, phase: 'extension' })
    expect(bare('2026-08-31T15:59:59Z').phase).toBe('not_open')
    expect(bare('2026-08-31T16:00:00Z').phase).toBe('concentrated')
    expect(state('2027-06-30T23:59:59')).toMatchObject({ collectionOpen: true })
    expect(state('2027-07-01T00:00:00')).toMatchObject({ collectionOpen: false, phase: 'closed' })
  })
})

describe('a benefit year for a person (tax record and platform status reconciled)', () => {
  const FULL_YEAR = { from: '2027-01-01', to: '2027-12-31' }

  it('a year paid in the autumn is 正常参保 all year, even while the platform still says 暂停参保', () => {
    for (const now of ['2027-01-01T00:00:00', '2027-01-10T10:00:00', '2027-03-01T00:00:00', '2027-12-31T23:59:59']) {
      const s = state(now, { payment: paid('2026-10-08T09:30:12'), enrolment: SUSPENDED })
      expect(s, now).toMatchObject({ status: 'active', benefitPeriod: FULL_YEAR, waitingPeriod: null })
    }
    // Finance pays for 特困 on 15 September: the same.
    const finance = state('2027-01-10T10:00:00', { payment: paid('2026-09-15T10:00:00', true) })
    expect(finance).toMatchObject({ status: 'active', benefitPeriod: FULL_YEAR })
  })

  it('before 1 January a paid year is not started yet, and an unpaid one is 待缴费', () => {
    const paidEarly = state('2026-12-31T23:59:59', { payment: paid('2026-10-08T09:30:12') })
    expect(paidEarly).toMatchObject({ status: 'active', benefitStarted: false })
    expect(state('2026-12-31T23:59:59', { payment: unpaid })).toMatchObject({ status: 'pending', benefitPeriod: null })
  })

  it('unpaid is 待缴费 — never 未参保 — until collection closes, whatever the platform says', () => {
    for (const now of ['2027-01-01T00:00:00', '2027-01-10T10:00:00', '2027-03-01T00:00:00', '2027-06-30T23:59:59']) {
      expect(state(now, { payment: unpaid, enrolment: SUSPENDED }).status, now).toBe('pending')
      // A year the tax bureau does not list yet is owed too.
      expect(state(now, { payment: null }).status, now).toBe('pending')
    }
  })

  it('closed: 暂停参保 only when the platform says so (current year) or the tax record is unpaid (past years)', () => {
    expect(state('2027-07-01T00:00:00', { payment: unpaid, enrolment: SUSPENDED }).status).toBe('suspended')
    expect(state('2027-07-01T00:00:00', { payment: unpaid, enrolment: ACTIVE }).status).toBe('active')
    expect(state('2028-01-10T10:00:00', { payment: unpaid }).status).toBe('suspended')
    expect(state('2028-01-10T10:00:00', { payment: null }).status).toBe('not_enrolled')
    // Before collection opens there is nothing to say about the year yet.
    expect(state('2026-08-01T10:00:00', { payment: null })).toMatchObject({ status: 'not_enrolled', phase: 'not_open' })
  })

  it('a payment in the February extension covers the year; on 1 March it is late and waits three months', () => {
    const onTime = state('2027-03-02T10:00:00', { payment: paid('2027-02-28T23:59:59') })
    expect(onTime).toMatchObject({ status: 'active', benefitPeriod: FULL_YEAR, waitingPeriod: null })
    expect(state('2027-03-02T10:00:00', { payment: paid('2027-03-01T00:00:00') })).toMatchObject({
      status: 'active',
      benefitPeriod: { from: '2027-06-01', to: '2027-12-31' },
      waitingPeriod: late('2027-03-01', '2027-05-31'),
    })
    // Exempt (finance, newborn, 困难群众): never waits.
    const exempt = state('2027-05-02T10:00:00', { payment: paid('2027-05-01T10:00:00', true) })
    expect(exempt).toMatchObject({ benefitPeriod: FULL_YEAR, waitingPeriod: null })
    // Paid on the last day of collection: benefits from 30 September.
    const s = state('2027-06-30T10:00:00', { payment: paid('2027-06-30T10:00:00') })
    expect(s.benefitPeriod).toEqual({ from: '2027-09-30', to: '2027-12-31' })
  })

  it('a relation the platform ended: nothing for the years after, the year it ended up to that day', () => {
    const ended = { status: 'terminated' as const, endedOn: '2027-04-20' }
    const paidThenEnded = state('2027-05-01T10:00:00', { payment: paid('2026-10-08T09:30:12'), enrolment: ended })
    const untilEnd = { from: '2027-01-01', to: '2027-04-20' }
    expect(paidThenEnded).toMatchObject({ status: 'terminated', benefitPeriod: untilEnd })
    expect(state('2027-05-01T10:00:00', { payment: unpaid, enrolment: ended }).status).toBe('terminated')
    const now = sh('2027-11-01T10:00:00')
    const after = benefitYearState({ year: 2028, now, calendar: DONGYING, payment: null, enrolment: ended })
    expect(after.status).toBe('terminated')
  })
})

describe('the regions\' calendars', () => {
  it('every policy region has one; its dates are assumed with a reason, and cite the region\'s own document', () => {
    for (const id of POLICY_IDS) {
      const c = calendarFor(id)
      expect(c).toBe(REGION_CALENDARS[id])
      // None of the four documents gives a date: every parameter is marked, with a Chinese reason.
      for (const param of [c.opens, c.concentratedEnds, c.februaryExtension, c.closes]) {
        expect(param.assumed, id).toBe(true)
        expect(param.reason, id).toMatch(/[\u4E00-\u9FFF]/)
      }
      expect(c.februaryExtension.source.startsWith(POLICIES[id].document), id).toBe(true)
      expect(c.februaryExtension.value).toBe(true)
    }
    expect(calendarFor(null)).toBe(DEFAULT_CALENDAR)
    // The extension Fengxiang's report mentions (2020 epidemic measures) is in its source.
    expect(REGION_CALENDARS['fengxiang-2020'].februaryExtension.source).toContain('延长参保缴费')
  })

  it('matches the tax collection window the sandbox uses (1 Sep of Y−1 to 30 Jun of Y)', () => {
    for (const c of [DEFAULT_CALENDAR, ...Object.values(REGION_CALENDARS)]) {
      expect([c.opens.value, c.concentratedEnds.value, c.closes.value]).toEqual(['09-01', '12-31', '06-30'])
    }
  })
})
