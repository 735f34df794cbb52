import type { SpecialStatus } from '../schemas/person'
import type { EstimateResult } from './api-schemas'
import type { HospitalLevel, PolicyId } from './ids'
import type { SettlementInput, YearToDate } from './settlement'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DISABILITY_GRADES, DISABILITY_KINDS } from '../schemas/disability'
import { SPECIAL_STATUSES } from '../schemas/person'
import { EstimateResultSchema } from './api-schemas'
import { POLICY_IDS } from './ids'
import { POLICIES } from './policies'
import { estimateSettlement } from './settlement'

const NUM_RUNS = 300

const policyArb = fc.constantFrom<PolicyId>(...POLICY_IDS)
const levelArb = fc.constantFrom<HospitalLevel>(1, 2, 3)
const statusesArb = fc.subarray([...SPECIAL_STATUSES])
const singleStatusArb = fc.option(fc.constantFrom<SpecialStatus>(...SPECIAL_STATUSES), { nil: undefined })
const referredArb = fc.option(fc.boolean(), { nil: undefined })
/** The bureau's facts of a 重度残疾人 status, or none (a policy may count only part of them). */
const disabilityArb = fc.option(
  fc.record({
    kind: fc.constantFrom(...DISABILITY_KINDS),
    grade: fc.constantFrom(...DISABILITY_GRADES),
    poor: fc.boolean(),
  }),
  { nil: undefined },
)
/** Up to 1,500,000 元, biased to small values by fast-check. */
const feeArb = fc.integer({ min: 0, max: 1_500_000_00 })
const ytdArb: fc.Arbitrary<YearToDate | undefined> = fc.option(
  fc.record({
    criticalBurden: fc.integer({ min: 0, max: 800_000_00 }),
    criticalPaid: fc.integer({ min: 0, max: 500_000_00 }),
    basicPaid: fc.integer({ min: 0, max: 300_000_00 }),
    assistancePaid: fc.integer({ min: 0, max: 150_000_00 }),
  }),
  { nil: undefined },
)
/** A bill: total and out-of-list ≤ total. */
const billArb = fc.tuple(feeArb, fc.integer({ min: 0, max: 100 })).map(([total, pct]) => ({ total, outOfList: Math.floor(total * pct / 100) }))

function payout(r: EstimateResult): number {
  return r.basicPay + r.criticalPay + r.assistancePay + r.hospitalBorne
}

describe('settlement properties', () => {
  it('parts add up to the total; every part is a non-negative integer; the result matches its schema', () => {
    fc.assert(fc.property(policyArb, statusesArb, levelArb, referredArb, billArb, ytdArb, (policy, statuses, hospitalLevel, referred, bill, yearToDate) => {
      const r = estimateSettlement(policy, { statuses, hospitalLevel, referred, ...bill, yearToDate })
      const ps = [r.basicPay, r.criticalPay, r.assistancePay, r.hospitalBorne, r.personalPay, r.personalCompliantBurden, r.deductible]
      for (const p of ps) expect(Number.isSafeInteger(p) && p >= 0).toBe(true)
      expect(r.basicPay + r.criticalPay + r.assistancePay + r.hospitalBorne + r.personalPay).toBe(bill.total)
      expect(r.inPolicy).toBe(bill.total - bill.outOfList)
      expect(r.personalCompliantBurden).toBe(r.inPolicy - r.basicPay)
      expect(r.hospitalBorne).toBeLessThanOrEqual(bill.outOfList)
      expect(EstimateResultSchema.safeParse(r).success).toBe(true)
      const critical = r.steps.find(s => s.tier === 'critical')!
      // Segment amounts add up to the uncapped payout and cover exactly the part of this stay above the threshold.
      expect(critical.segments.reduce((a, s) => a + s.amount, 0)).toBe(critical.beforeCap)
      for (const s of critical.segments) expect(s.from).toBeGreaterThanOrEqual(critical.threshold)
    }), { numRuns: NUM_RUNS * 2 })
  })

  it('basic, critical and assistance never decrease when the total cost grows (one status, fixed out-of-list)', () => {
    fc.assert(fc.property(policyArb, singleStatusArb, levelArb, referredArb, feeArb, feeArb, feeArb, ytdArb, (policy, status, hospitalLevel, referred, outOfList, a, b, yearToDate) => {
      const lo = outOfList + Math.min(a, b)
      const hi = outOfList + Math.max(a, b)
      const base = { statuses: status ? [status] : [], hospitalLevel, referred, outOfList, yearToDate }
      const r1 = estimateSettlement(policy, { ...base, total: lo })
      const r2 = estimateSettlement(policy, { ...base, total: hi })
      expect(r2.basicPay).toBeGreaterThanOrEqual(r1.basicPay)
      expect(r2.criticalPay).toBeGreaterThanOrEqual(r1.criticalPay)
      if (POLICIES[policy].assistance.kind === 'ratio') {
        expect(r2.assistancePay).toBeGreaterThanOrEqual(r1.assistancePay)
      }
      // Top-up policies (Fengxiang 三是) fill up to 80 % of the total: the top-up alone shrinks as basic insurance
      // grows faster than 80 %, by design; the three tiers together never decrease.
      expect(r2.basicPay + r2.criticalPay + r2.assistancePay).toBeGreaterThanOrEqual(r1.basicPay + r1.criticalPay + r1.assistancePay)
    }), { numRuns: NUM_RUNS })
  })

  it('also one fen at a time (rounding never makes a tier step back)', () => {
    fc.assert(fc.property(policyArb, singleStatusArb, levelArb, referredArb, billArb, ytdArb, (policy, status, hospitalLevel, referred, bill, yearToDate) => {
      const base = { statuses: status ? [status] : [], hospitalLevel, referred, outOfList: bill.outOfList, yearToDate }
      const r1 = estimateSettlement(policy, { ...base, total: bill.total })
      const r2 = estimateSettlement(policy, { ...base, total: bill.total + 1 })
      expect(r2.basicPay - r1.basicPay).toBeGreaterThanOrEqual(0)
      expect(r2.criticalPay - r1.criticalPay).toBeGreaterThanOrEqual(0)
      if (POLICIES[policy].assistance.kind === 'ratio') expect(r2.assistancePay).toBeGreaterThanOrEqual(r1.assistancePay)
    }), { numRuns: NUM_RUNS })
  })

  it('annual caps and limits are respected', () => {
    const withinCaps = (policy: PolicyId) => {
      const p = POLICIES[policy]
      return fc.record({
        criticalBurden: fc.integer({ min: 0, max: 800_000_00 }),
        criticalPaid: fc.integer({ min: 0, max: p.critical.ordinary.cap.value ?? 500_000_00 }),
        basicPaid: fc.integer({ min: 0, max: p.basic.annualCap.value }),
        assistancePaid: fc.integer({ min: 0, max: 50_000_00 }),
      })
    }
    fc.assert(fc.property(
      policyArb.chain(policy => fc.tuple(fc.constant(policy), withinCaps(policy))),
      singleStatusArb,
      levelArb,
      billArb,
      ([policy, ytd], status, hospitalLevel, bill) => {
        const p = POLICIES[policy]
        const r = estimateSettlement(policy, { statuses: status ? [status] : [], hospitalLevel, ...bill, yearToDate: ytd })
        expect(r.yearToDateAfter.basicPaid).toBeLessThanOrEqual(p.basic.annualCap.value)
        const critical = r.steps.find(s => s.tier === 'critical')!
        if (critical.cap !== null) expect(r.yearToDateAfter.criticalPaid).toBeLessThanOrEqual(critical.cap)
        const assistance = r.steps.find(s => s.tier === 'assistance')!
        if (assistance.limit !== null && ytd.assistancePaid <= assistance.limit)
          expect(r.yearToDateAfter.assistancePaid).toBeLessThanOrEqual(assistance.limit)
        // Ordinary residents never get more critical-illness money in a year than the ordinary cap.
        if (critical.group === 'ordinary') expect(r.criticalPay).toBeLessThanOrEqual(Math.max(0, p.critical.ordinary.cap.value! - ytd.criticalPaid))
      },
    ), { numRuns: NUM_RUNS })
  })

  it('splitting a year over several stays (year-to-date carried over) gives exactly the one-stay critical payout', () => {
    // Basic insurance exhausted: the burden of each stay is its in-policy cost, so one stay with the summed
    // cost has exactly the summed burden.
    const exhausted: YearToDate = { criticalBurden: 0, criticalPaid: 0, basicPaid: 10_000_000_00, assistancePaid: 0 }
    fc.assert(fc.property(policyArb, singleStatusArb, levelArb, referredArb, fc.array(fc.integer({ min: 0, max: 400_000_00 }), { minLength: 1, maxLength: 6 }), (policy, status, hospitalLevel, referred, totals) => {
      const base = { statuses: status ? [status] : [], hospitalLevel, referred, outOfList: 0 }
      let ytd = exhausted
      let sum = 0
      for (const total of totals) {
        const r = estimateSettlement(policy, { ...base, total, yearToDate: ytd })
        sum += r.criticalPay
        ytd = { ...r.yearToDateAfter, assistancePaid: 0 }
      }
      const one = estimateSettlement(policy, { ...base, total: totals.reduce((a, b) => a + b, 0), yearToDate: exhausted })
      expect(sum).toBe(one.criticalPay)
    }), { numRuns: NUM_RUNS })
  })

  it('splitting: general stays — the year total equals the payout on the annual cumulative burden in one go', () => {
    fc.assert(fc.property(policyArb, singleStatusArb, levelArb, referredArb, fc.array(billArb, { minLength: 1, maxLength: 5 }), (policy, status, hospitalLevel, referred, bills) => {
      const base = { statuses: status ? [status] : [], hospitalLevel, referred }
      let ytd: YearToDate = { criticalBurden: 0, criticalPaid: 0, basicPaid: 0, assistancePaid: 0 }
      let sum = 0
      for (const bill of bills) {
        const r = estimateSettlement(policy, { ...base, ...bill, yearToDate: ytd })
        sum += r.criticalPay
        ytd = r.yearToDateAfter
      }
      // One stay carrying the whole annual burden (basic exhausted so burden = in-policy cost).
      const one = estimateSettlement(policy, {
        ...base,
        total: ytd.criticalBurden,
        outOfList: 0,
        yearToDate: { criticalBurden: 0, criticalPaid: 0, basicPaid: 10_000_000_00, assistancePaid: 0 },
      })
      expect(sum).toBe(one.criticalPay)
    }), { numRuns: NUM_RUNS })
  })

  it('就高: several statuses give exactly the best single status, never more (no stacking)', () => {
    const statusesArb = fc.subarray([...SPECIAL_STATUSES], { minLength: 1 })
    const args = [policyArb, statusesArb, disabilityArb, levelArb, referredArb, billArb, ytdArb] as const
    fc.assert(fc.property(...args, (policy, statuses, disability, hospitalLevel, referred, bill, yearToDate) => {
      const input: Omit<SettlementInput, 'statuses'> = { hospitalLevel, referred, disability, ...bill, yearToDate }
      const all = estimateSettlement(policy, { ...input, statuses })
      const singles = statuses.map(s => estimateSettlement(policy, { ...input, statuses: [s] }))
      const best = Math.max(...singles.map(payout))
      expect(payout(all)).toBe(best)
      expect(all.personalPay).toBe(Math.min(...singles.map(r => r.personalPay)))
      // The tiers are those of one single status, not a mix.
      const tiers = (r: EstimateResult) => [r.basicPay, r.criticalPay, r.assistancePay, r.hospitalBorne].join()
      expect(singles.map(tiers)).toContain(tiers(all))
      // A 重度残疾人 status outside the policy's scope counts for nothing: then no status may be applied.
      if (all.appliedStatus !== null || singles.some(r => r.appliedStatus !== null))
        expect(statuses).toContain(all.appliedStatus)
    }), { numRuns: NUM_RUNS })
  })
})
