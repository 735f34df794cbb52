import type { HospitalLevel, SlipAmounts } from '@yibao/shared'
import type { BureauSlip } from './slip'
import { describe, expect, it } from 'vitest'
import { earlierInYear, explainSlip, policyForRegion, sumFundLines, toSlipView, yearToDateFrom } from './slip'

const ZERO: SlipAmounts = { total: 0, outOfList: 0, overLimit: 0, preSelfPay: 0, inPolicy: 0, deductible: 0, basic: 0, critical: 0, assistance: 0, other: 0, fundTotal: 0, hospital: 0, personalBurden: 0, account: 0, personalCash: 0 }

/** A slip with the figures given (fen); the rest is an ordinary Dongying inpatient stay. */
function slip(id: string, settledAt: string, level: HospitalLevel | null, amounts: Partial<SlipAmounts>, extra: Partial<BureauSlip> = {}): BureauSlip {
  const a = { ...ZERO, ...amounts }
  a.fundTotal = a.basic + a.critical + a.assistance + a.other
  a.personalCash = a.personalBurden
  return {
    setlId: id,
    mdtrtId: `M${id}`,
    psnNo: 'P1',
    name: '王桂兰',
    certNo: '370502196804122021',
    sex: 'female',
    birthDate: '1968-04-12',
    settledAt,
    admittedAt: null,
    dischargedAt: null,
    medType: '21',
    regionCode: '370502',
    hospital: { code: 'H1', name: '医院', level, grade: null },
    diagnosis: null,
    basicRate: null,
    amounts: a,
    details: [],
    ...extra,
  }
}

// 王桂兰's three 2026 stays (Dongying, ordinary), as in the server's 5203 fixtures.
// a: level 3, 50 000 with 5 000 out of the list: basic 60 % × (45 000 − 1 000) = 26 400; burden 18 600;
//    大病 60 % × (18 600 − 16 000) = 1 560; personal 22 040.
const A = slip('A', '2026-03-12T10:41:07.000+08:00', 3, { total: 50_000_00, outOfList: 5_000_00, inPolicy: 45_000_00, deductible: 1_000_00, basic: 26_400_00, critical: 1_560_00, personalBurden: 22_040_00 })
// b: level 2, 12 000 with 600 out: basic 75 % × (11 400 − 500) = 8 175; burden 3 225, cumulative 18 600 → 21 825:
//    大病 60 % × 3 225 = 1 935; personal 1 890.
const B = slip('B', '2026-06-18T11:02:33.000+08:00', 2, { total: 12_000_00, outOfList: 600_00, inPolicy: 11_400_00, deductible: 500_00, basic: 8_175_00, critical: 1_935_00, personalBurden: 1_890_00 })
// c: level 1, 3 000 all in policy. Policy: basic 85 % × (3 000 − 200) = 2 380; burden 620 → 大病 372; personal 248.
//    The slip took the level-2 deductible 500: basic 85 % × 2 500 = 2 125, personal 503.
const C = slip('C', '2026-09-05T15:20:00.000+08:00', 1, { total: 3_000_00, inPolicy: 3_000_00, deductible: 500_00, basic: 2_125_00, critical: 372_00, personalBurden: 503_00 })

describe('sumFundLines', () => {
  it('sums setldetail by code, orders by 三重保障 group, and shows unknown codes as 其他', () => {
    const { lines, groups } = sumFundLines([
      { code: '529901', amount: 500_00 },
      { code: '610100', amount: 1_500_00 },
      { code: '390100', amount: 13_600_00 },
      { code: '610100', amount: 500_00 },
      { code: '630101', amount: 600_00 },
      { code: '610102', amount: 660_00 },
      { code: '999996', amount: 100_00 },
    ])
    expect(lines).toEqual([
      { code: '390100', label: '城乡居民基本医疗保险基金', group: 'basic', known: true, amount: 13_600_00 },
      { code: '610100', label: '医疗救助基金', group: 'assistance', known: true, amount: 2_000_00 },
      { code: '610102', label: '医疗再救助', group: 'assistance', known: true, amount: 660_00 },
      { code: '630101', label: '医院减免', group: 'hospital', known: true, amount: 600_00 },
      { code: '999996', label: '医院垫付基金', group: 'other', known: true, amount: 100_00 },
      { code: '529901', label: '其他', group: 'other', known: false, amount: 500_00 },
    ])
    expect(groups).toEqual({ basic: 13_600_00, critical: 0, assistance: 2_660_00, hospital: 600_00, other: 600_00 })
  })
})

describe('explainSlip', () => {
  it('agrees with a slip that follows the policy (first stay of the year)', () => {
    const e = explainSlip({ slip: A, earlier: [B, C], statuses: [], regionCode: '370502' })
    expect(e).toMatchObject({ status: 'match', gap: null, policy: { id: 'dongying-2020' }, priorSlips: 0, hospitalLevel: 3 })
    expect(e.rows.map(r => [r.key, r.bureau, r.policy, r.matches])).toEqual([
      ['deductible', 1_000_00, 1_000_00, true],
      ['basic', 26_400_00, 26_400_00, true],
      ['critical', 1_560_00, 1_560_00, true],
      ['assistance', 0, 0, true],
      ['hospital', 0, 0, true],
      ['personal', 22_040_00, 22_040_00, true],
    ])
    expect(e.estimate?.steps.map(s => s.tier)).toEqual(['basic', 'critical', 'assistance', 'personal'])
  })

  it('carries the earlier slips of the year into the critical-illness threshold', () => {
    const e = explainSlip({ slip: B, earlier: [A, C], statuses: [], regionCode: '370502' })
    expect(e.priorSlips).toBe(1)
    expect(e.yearToDate).toEqual({ criticalBurden: 18_600_00, criticalPaid: 1_560_00, basicPaid: 26_400_00, assistancePaid: 0 })
    expect(e.status).toBe('match')
    expect(e.rows.find(r => r.key === 'critical')).toMatchObject({ bureau: 1_935_00, policy: 1_935_00 })
    // Without the first stay the same bill would pay nothing (3 225 is below the 16 000 threshold).
    expect(explainSlip({ slip: B, earlier: [], statuses: [], regionCode: '370502' }).rows.find(r => r.key === 'critical')).toMatchObject({ bureau: 1_935_00, policy: 0, difference: 1_935_00, matches: false })
  })

  it('says where a slip differs from the policy and by how much, showing both figures', () => {
    const e = explainSlip({ slip: C, earlier: [A, B], statuses: [], regionCode: '370502' })
    expect(e.status).toBe('differs')
    expect(e.yearToDate.criticalBurden).toBe(21_825_00)
    expect(e.rows.filter(r => !r.matches).map(r => [r.key, r.bureau, r.policy, r.difference])).toEqual([
      ['deductible', 500_00, 200_00, 300_00],
      ['basic', 2_125_00, 2_380_00, -255_00],
      ['personal', 503_00, 248_00, 255_00],
    ])
    expect(e.rows.find(r => r.key === 'critical')).toMatchObject({ bureau: 372_00, policy: 372_00, matches: true })
  })

  it('applies the statuses in force on the settlement day, and takes funds outside the policy off the personal share', () => {
    // Guizhou 建档立卡 + 低保, level 2, 20 000 with 2 600 out of the list: basic 80 % × (17 400 − 400) = 13 600;
    // burden 3 800 (< 4 500, no 大病); hospital bears 2 600 − 2 000 = 600; assistance 70 % × 3 800 = 2 660;
    // personal 3 140, of which a local fund paid 500 → 2 640.
    const g = slip('G', '2026-04-15T16:10:00.000+08:00', 2, { total: 20_000_00, outOfList: 2_600_00, inPolicy: 17_400_00, deductible: 400_00, basic: 13_600_00, assistance: 2_660_00, hospital: 600_00, other: 500_00, personalBurden: 2_640_00 }, { regionCode: '522601' })
    const statuses = [
      { status: 'poverty_registered' as const, since: '2018-03-01', until: null },
      { status: 'minimum_living' as const, since: '2019-01-01', until: '2026-12-31' },
      { status: 'extreme_poverty' as const, since: '2027-01-01', until: null },
    ]
    const e = explainSlip({ slip: g, earlier: [], statuses, regionCode: null })
    expect(e).toMatchObject({ status: 'match', otherFunds: 500_00, statuses: ['poverty_registered', 'minimum_living'], policy: { id: 'guizhou-2019' } })
    expect(e.rows.find(r => r.key === 'personal')).toMatchObject({ bureau: 2_640_00, policy: 2_640_00 })
    expect(e.estimate?.personalPay).toBe(3_140_00)
  })

  describe('东医保发〔2020〕56号 二(二): only 未脱贫的一、二级重度残疾、三级智力残疾、三级精神残疾 are 贫困人口', () => {
    const disabled = (disability: { kind: 'physical' | 'intellectual', grade: 1 | 2 | 3 | 4, poor: boolean } | null) =>
      [{ status: 'severe_disability' as const, since: '2015-06-01', until: null, disability }]

    it('settles a 三级肢体残疾 person as an ordinary resident, as the bureau did, and says why', () => {
      const statuses = disabled({ kind: 'physical', grade: 3, poor: true })
      const e = explainSlip({ slip: A, earlier: [], statuses, regionCode: null })
      expect(e.status).toBe('match')
      expect(e.statuses).toEqual(['severe_disability'])
      expect(e.estimate?.appliedStatus).toBeNull()
      const critical = e.estimate!.steps.find(s => s.tier === 'critical')!
      expect(critical.text).toContain('您登记的残疾为三级肢体残疾（未脱贫），东医保发〔2020〕56号 二(二)只把未脱贫的一、二级重度残疾、三级智力残疾、三级精神残疾人员列为贫困人口')
      expect(critical.source).toContain('二(二)')
    })

    it('gives a 未脱贫 三级智力残疾 person the poverty threshold (5 000), so this ordinary slip differs on 大病', () => {
      // Burden 18 600: 65 % × (18 600 − 5 000) = 8 840 against the slip's ordinary 1 560.
      const statuses = disabled({ kind: 'intellectual', grade: 3, poor: true })
      const e = explainSlip({ slip: A, earlier: [], statuses, regionCode: null })
      expect(e.estimate?.appliedStatus).toBe('severe_disability')
      const critical = e.rows.find(r => r.key === 'critical')
      expect(critical).toMatchObject({ bureau: 1_560_00, policy: 8_840_00, matches: false })
      expect(e.estimate!.steps.find(s => s.tier === 'critical')!.text).toContain('您是三级智力残疾（未脱贫），属于')
    })

    it('does not count a 已脱贫 person, nor one whose kind and grade the bureau did not give', () => {
      for (const facts of [{ kind: 'intellectual', grade: 1, poor: false } as const, null]) {
        const e = explainSlip({ slip: A, earlier: [], statuses: disabled(facts), regionCode: null })
        const critical = e.rows.find(r => r.key === 'critical')
        expect(critical).toMatchObject({ bureau: 1_560_00, policy: 1_560_00, matches: true })
      }
    })
  })

  it('cannot explain a slip without a published policy, a hospital level or an inpatient med_type', () => {
    expect(explainSlip({ slip: { ...A, regionCode: '110105' }, earlier: [], statuses: [], regionCode: null })).toMatchObject({ status: 'unavailable', gap: 'no_policy', estimate: null, rows: [] })
    expect(explainSlip({ slip: slip('X', A.settledAt, null, A.amounts), earlier: [], statuses: [], regionCode: null })).toMatchObject({ status: 'unavailable', gap: 'unknown_level', policy: { id: 'dongying-2020' } })
    expect(explainSlip({ slip: { ...A, medType: '11' }, earlier: [], statuses: [], regionCode: null })).toMatchObject({ status: 'unavailable', gap: 'not_inpatient' })
  })
})

describe('slip helpers', () => {
  it('takes only earlier slips of the same calendar year, in time order', () => {
    const lastYear = slip('Z', '2025-12-30T10:00:00.000+08:00', 2, {})
    expect(earlierInYear(C, [C, B, lastYear, A]).map(s => s.setlId)).toEqual(['A', 'B'])
    expect(earlierInYear(A, [C, B, lastYear, A])).toEqual([])
  })

  it('accumulates the year from the bureau\'s own figures', () => {
    expect(yearToDateFrom([A, B, C])).toEqual({ criticalBurden: 18_600_00 + 3_225_00 + 875_00, criticalPaid: 3_867_00, basicPaid: 36_700_00, assistancePaid: 0 })
  })

  it('maps 参保地 to the published policies, including Fengxiang\'s new code', () => {
    expect([policyForRegion('370523'), policyForRegion('610322'), policyForRegion('610305'), policyForRegion('520112'), policyForRegion('610302'), policyForRegion(null)])
      .toEqual(['dongying-2020', 'fengxiang-2020', 'fengxiang-2020', 'guizhou-2019', null, null])
  })

  it('masks the person on the view and counts the days of the stay', () => {
    const v = toSlipView({ ...A, admittedAt: '2026-03-02T08:30:00.000+08:00', dischargedAt: '2026-03-12T09:50:00.000+08:00' }, 'ABCD-EFGH-JKMN', new Date('2026-11-22T04:00:00Z'))
    expect(v.person).toEqual({ name: '王**', certNo: '370502********2021', sex: 'female', age: 57 })
    expect(v.days).toBe(10)
    expect(JSON.stringify(v)).not.toContain('370502196804122021')
  })
})
