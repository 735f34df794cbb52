import type { Contribution, CumulativeUsage } from './coverage'
import type { Person } from './person'
import { addMonths, collectionDays, getPolicy } from '@yibao/shared'
import { describe, expect, it } from 'vitest'
import {
  appliedStatusOf,
  buildCoverage,
  calendarForRegion,
  entitlementsOf,
  policyForRegion,
  usageProgress,
  waitingPeriodOf,
  yearlyEnrolments,
} from './coverage'

const NOW = new Date('2026-11-22T04:00:00Z')

function person(overrides: Partial<Person> = {}): Person {
  return {
    psnNo: '37000000000000000000012345',
    certNo: '370502196804122021',
    name: '王桂兰',
    sex: 'female',
    birthDate: '1968-04-12',
    regionCode: '370502',
    enrolments: [{ insuranceType: '390', category: 'adult', status: 'active', since: '2016-01-01', pausedOn: null, regionCode: '370502', balance: 0, unitName: null }],
    statuses: [],
    ...overrides,
  }
}

function paid(year: number, paidAt: string, extra: Partial<Contribution> = {}): Contribution {
  return { year, insuranceType: '390', regionCode: '370502', category: 'adult', paid: true, amount: 40_000, paidAt, channel: 'wechat', ...extra }
}

describe('entitlements from the policy', () => {
  it('gives an ordinary Dongying resident the ordinary critical-illness table and no assistance', () => {
    const e = entitlementsOf(getPolicy('dongying-2020'), [])
    expect(e.appliedStatus).toBeNull()
    expect(e.basic).toEqual({
      annualCap: 25_000_000,
      levels: [{ level: 1, deductible: 20_000, rate: 0.85 }, { level: 2, deductible: 50_000, rate: 0.75 }, { level: 3, deductible: 100_000, rate: 0.6 }],
      povertyBonus: false,
    })
    expect(e.critical).toEqual({
      group: 'ordinary',
      threshold: 1_600_000,
      segments: [
        { from: 1_600_000, to: 10_000_000, rate: 0.6 },
        { from: 10_000_000, to: 20_000_000, rate: 0.65 },
        { from: 20_000_000, to: 30_000_000, rate: 0.7 },
        { from: 30_000_000, to: null, rate: 0.75 },
      ],
      cap: 40_000_000,
    })
    expect(e.assistance).toEqual({ kind: 'none', rate: null, targetRatio: null, limit: null })
  })

  it('gives a Dongying 低保 resident the poverty table (5 000 元, no cap) and 70 % assistance up to 5 万', () => {
    const e = entitlementsOf(getPolicy('dongying-2020'), ['minimum_living'])
    expect(e.appliedStatus).toBe('minimum_living')
    expect(e.appliedStatusLabel).toBe('低保对象')
    expect(e.critical).toMatchObject({ group: 'poverty', threshold: 500_000, cap: null })
    expect(e.critical.segments[0]).toEqual({ from: 500_000, to: 10_000_000, rate: 0.65 })
    expect(e.assistance).toEqual({ kind: 'ratio', rate: 0.7, targetRatio: null, limit: 5_000_000 })
  })

  it('halves the Guizhou threshold (9 000 → 4 500 元), adds 5 points, and applies 就高 by priority', () => {
    // 建档立卡 comes before 低保 in Guizhou's priority; severe disability alone changes nothing there.
    const policy = getPolicy('guizhou-2019')
    expect(appliedStatusOf(policy, ['minimum_living', 'poverty_registered'])).toBe('poverty_registered')
    expect(appliedStatusOf(policy, ['severe_disability'])).toBeNull()
    const e = entitlementsOf(policy, ['minimum_living', 'poverty_registered'])
    expect(e.critical.threshold).toBe(450_000)
    expect(e.critical.segments.map(s => s.rate)).toEqual([0.65, 0.75, 0.85])
    expect(e.critical.cap).toBeNull()
    expect(e.hospitalOutOfListShare).toBe(0.1)
    expect(e.referralFromLevel).toBe(2)
    expect(e.assistance).toMatchObject({ kind: 'ratio', rate: 0.7, limit: 5_000_000 })
  })

  it('adds Fengxiang\'s 10-point poverty bonus at levels 2 and 3 without float drift, with the 80 % top-up', () => {
    const e = entitlementsOf(getPolicy('fengxiang-2020'), ['poverty_registered'])
    expect(e.basic.levels.map(l => l.rate)).toEqual([0.9, 0.88, 0.72])
    expect(e.assistance).toEqual({ kind: 'topUp', rate: null, targetRatio: 0.8, limit: null })
  })

  it('finds the policy of a 参保地', () => {
    expect(policyForRegion('370523')?.id).toBe('dongying-2020')
    expect(policyForRegion('522732')?.id).toBe('guizhou-2019')
    expect(policyForRegion('610322')?.id).toBe('fengxiang-2020')
    expect(policyForRegion('610302')).toBeNull()
  })
})

describe('waiting period (assumed rule)', () => {
  const facts = { birthDate: '1968-04-12', statuses: [] as Person['statuses'] }

  it('has none for a payment inside the concentrated period, extension included', () => {
    // Dongying's calendar (the February extension is assumed, see shared policies/calendars.ts).
    expect(collectionDays(2026, calendarForRegion('370502')).onTimeUntil).toBe('2026-02-28')
    expect(collectionDays(2028, calendarForRegion('370502')).onTimeUntil).toBe('2028-02-29')
    expect(waitingPeriodOf(paid(2026, '2025-10-08T09:30:12.000+08:00'), facts)).toBeNull()
    expect(waitingPeriodOf(paid(2026, '2026-02-28T23:59:00.000+08:00'), facts)).toBeNull()
  })

  it('gives 3 months from the payment day for a late payment', () => {
    expect(waitingPeriodOf(paid(2026, '2026-04-15T09:20:00.000+08:00'), facts)).toEqual({ from: '2026-04-15', until: '2026-07-14', reason: 'late_payment', assumed: true })
    // Month ends are clamped: 30 November + 3 months = 28 February.
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28')
  })

  it('exempts finance-paid residents, newborns and holders of a special status', () => {
    expect(waitingPeriodOf(paid(2026, '2026-05-01T10:00:00.000+08:00', { channel: 'finance' }), facts)).toBeNull()
    expect(waitingPeriodOf(paid(2026, '2026-05-01T10:00:00.000+08:00'), { birthDate: '2026-02-14', statuses: [] })).toBeNull()
    expect(waitingPeriodOf(paid(2026, '2026-05-01T10:00:00.000+08:00'), { ...facts, statuses: [{ status: 'minimum_living', since: '2026-03-01', until: null }] })).toBeNull()
    // A status that had ended before the payment does not exempt.
    expect(waitingPeriodOf(paid(2026, '2026-05-01T10:00:00.000+08:00'), { ...facts, statuses: [{ status: 'minimum_living', since: '2020-03-01', until: '2025-12-31' }] })).not.toBeNull()
  })
})

describe('yearly enrolments', () => {
  it('lists paid years as 正常, unpaid ones as 暂停, missing ones as 未参保, newest first', () => {
    const rows = yearlyEnrolments(person(), [
      paid(2023, '2022-10-01T10:00:00.000+08:00'),
      { ...paid(2025, ''), paid: false, paidAt: null, channel: null },
      paid(2026, '2026-04-15T09:20:00.000+08:00', { category: 'adult' }),
      { ...paid(2027, ''), paid: false, paidAt: null },
    ], NOW)
    expect(rows.map(r => `${r.year}:${r.statusLabel}`)).toEqual(['2026:正常参保', '2025:暂停参保', '2024:未参保', '2023:正常参保'])
    expect(rows[0]).toMatchObject({ insuranceType: '390', insuranceTypeLabel: '城乡居民基本医疗保险', categoryLabel: '成年居民', regionCode: '370502', amount: 40_000, benefitPeriod: { from: '2026-07-15', to: '2026-12-31' } })
    expect(rows[3]!.benefitPeriod).toEqual({ from: '2023-01-01', to: '2023-12-31' })
    expect(rows[1]!.benefitPeriod).toBeNull()
  })

  it('ends the benefit period on the day the relation ended, and marks later years 终止', () => {
    const dead = person({ enrolments: [{ insuranceType: '390', category: 'senior', status: 'terminated', since: '2009-01-01', pausedOn: '2025-11-20', regionCode: '370502', balance: 0, unitName: null }] })
    const rows = yearlyEnrolments(dead, [
      paid(2024, '2023-10-01T10:00:00.000+08:00'),
      paid(2025, '2024-10-01T10:00:00.000+08:00'),
      paid(2026, '2025-10-08T09:30:12.000+08:00'),
    ], NOW)
    expect(rows.map(r => [r.year, r.status, r.benefitPeriod])).toEqual([
      [2026, 'terminated', null],
      [2025, 'terminated', { from: '2025-01-01', to: '2025-11-20' }],
      [2024, 'active', { from: '2024-01-01', to: '2024-12-31' }],
    ])
  })
})

describe('year-to-date usage', () => {
  const usage: CumulativeUsage = { year: 2026, basicPaid: 3_000_000, criticalPaid: 123_450, criticalBurden: 900_000, assistancePaid: 500_029, inpatientTotal: 4_500_007, inpatientStays: 2 }

  it('measures a Guizhou target against the halved threshold and the assistance limit', () => {
    const p = usageProgress(entitlementsOf(getPolicy('guizhou-2019'), ['poverty_registered']), usage)
    expect(p.basic).toEqual({ paid: 3_000_000, cap: 25_000_000, remaining: 22_000_000 })
    expect(p.critical).toEqual({ burden: 900_000, threshold: 450_000, toThreshold: 0, reached: true, paid: 123_450, cap: null })
    expect(p.assistance).toEqual({ paid: 500_029, limit: 5_000_000, remaining: 4_499_971 })
  })

  it('shows an ordinary resident how far the threshold still is, and no assistance', () => {
    const p = usageProgress(entitlementsOf(getPolicy('dongying-2020'), []), { ...usage, criticalBurden: 224_381, assistancePaid: 0 })
    expect(p.critical).toMatchObject({ threshold: 1_600_000, toThreshold: 1_375_619, reached: false })
    expect(p.assistance).toBeNull()
  })
})

describe('buildCoverage', () => {
  it('puts it together: current enrolment, next year unpaid, chronic filings active or not, no entitlements without enrolment', () => {
    const view = buildCoverage({
      person: person({ statuses: [{ status: 'minimum_living', since: '2019-07-01', until: null }] }),
      contributions: [paid(2026, '2025-12-20T19:30:00.000+08:00'), { ...paid(2027, ''), paid: false, paidAt: null, channel: null }],
      usage: { year: 2026, basicPaid: 0, criticalPaid: 0, criticalBurden: 0, assistancePaid: 0, inpatientTotal: 0, inpatientStays: 0 },
      chronic: [
        { code: 'M04500', name: '慢性阻塞性肺疾病', since: '2020-01-01', until: '2025-12-31', twoDiseases: false },
        { code: 'M03900', name: '高血压（两病）', since: '2019-03-01', until: null, twoDiseases: true },
      ],
      now: NOW,
    })
    expect(view.person).toEqual({ name: '王**', certNo: '370502********2021', age: 58, regionCode: '370502' })
    expect(view.current).toMatchObject({ status: 'active', statusLabel: '正常参保', categoryLabel: '成年居民', regionCode: '370502', benefitPeriod: { from: '2026-01-01', to: '2026-12-31' }, waitingPeriod: null })
    expect(view.entitlements?.appliedStatus).toBe('minimum_living')
    expect(view.specialStatuses).toEqual([{ status: 'minimum_living', label: '低保对象', since: '2019-07-01', until: null }])
    expect(view.chronic.map(c => [c.code, c.active])).toEqual([['M04500', false], ['M03900', true]])
    expect(view.nextYear).toEqual({ year: 2027, status: 'unpaid', amount: 40_000, paidAt: null, fullyFunded: false })
    expect(JSON.stringify(view)).not.toContain('370502196804122021')

    const never = buildCoverage({ person: person({ enrolments: [] }), contributions: [], usage: null, chronic: [], now: NOW })
    expect(never.current.status).toBe('not_enrolled')
    expect(never.entitlements).toBeNull()
    expect(never.years).toEqual([])
    expect(never.nextYear.status).toBe('not_open')
  })
})

describe('the year turn: the platform\'s status reconciled with the tax record (benefitYearState)', () => {
  const JAN_10 = new Date('2027-01-10T02:00:00Z')
  const relation = {
    insuranceType: '390',
    category: 'adult',
    since: '2016-01-01',
    regionCode: '370502',
    balance: 0,
    unitName: null,
  } as const
  const suspended = person({ enrolments: [{ ...relation, status: 'suspended', pausedOn: '2027-01-01' }] })
  const history = [paid(2026, '2025-10-08T09:30:12.000+08:00')]
  const view = (contributions: Contribution[], now = JAN_10, who = suspended) =>
    buildCoverage({ person: who, contributions: [...history, ...contributions], usage: null, chronic: [], now })

  it('a year paid in the autumn is 正常参保 on 10 January even while the platform says 暂停参保', () => {
    const v = view([paid(2027, '2026-10-20T11:00:00.000+08:00')])
    expect(v.year).toBe(2027)
    const benefitPeriod = { from: '2027-01-01', to: '2027-12-31' }
    expect(v.current).toMatchObject({ status: 'active', statusLabel: '正常参保', benefitPeriod })
    expect(v.years[0]).toMatchObject({ year: 2027, status: 'active', paid: true })
    expect(v.nextYear).toEqual({ year: 2028, status: 'not_open', amount: null, paidAt: null, fullyFunded: false })
  })

  it('so is a 特困 resident\'s year paid by finance (0 元 personal part)', () => {
    const v = view([paid(2027, '2026-09-15T10:00:00.000+08:00', { channel: 'finance', amount: 0 })])
    expect(v.current).toMatchObject({ status: 'active', statusLabel: '正常参保' })
  })

  it('an unpaid year is 待缴费 while collection is open (with or without a tax record), 暂停参保 after', () => {
    const owed = { ...paid(2027, ''), paid: false, paidAt: null, channel: null }
    expect(view([owed]).current).toMatchObject({ status: 'pending', statusLabel: '待缴费', benefitPeriod: null })
    expect(view([]).years[0]).toMatchObject({ year: 2027, status: 'pending', amount: null })
    const july = new Date('2027-06-30T16:00:00Z')
    expect(view([owed], july).current).toMatchObject({ status: 'suspended', statusLabel: '暂停参保' })
    // Past the window, a year without any record is 未参保.
    const later = view([], new Date('2028-07-01T02:00:00Z'))
    expect(later.years.find(y => y.year === 2027)).toMatchObject({ status: 'not_enrolled' })
  })

  it('on 31 December the coming year is only next year: paid or unpaid, not current', () => {
    const v = view([paid(2027, '2026-10-20T11:00:00.000+08:00')], new Date('2026-12-31T15:59:59Z'), person())
    expect(v.year).toBe(2026)
    expect(v.current.status).toBe('active')
    expect(v.nextYear).toMatchObject({ year: 2027, status: 'paid' })
    expect(v.years.map(y => y.year)).toEqual([2026])
  })
})
