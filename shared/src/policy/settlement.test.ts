import type { SettlementInput } from './settlement'
import { describe, expect, it } from 'vitest'
import { EstimateResultSchema } from './api-schemas'
import { estimateSettlement } from './settlement'

// Every expected amount below is computed by hand from the clause named in the test (amounts in fen:
// 53_400_00 = 53,400.00 元). Values marked "assumed" come from the policy data files, not the documents.

/** Basic insurance already paid up to its annual cap: then basicPay = 0 and the whole in-policy cost is the burden. */
const BASIC_EXHAUSTED = { criticalBurden: 0, criticalPaid: 0, basicPaid: 10_000_000_00, assistancePaid: 0 }

function stay(partial: Partial<SettlementInput>): SettlementInput {
  return { statuses: [], hospitalLevel: 2, total: 0, outOfList: 0, ...partial }
}

function parts(r: ReturnType<typeof estimateSettlement>) {
  return [r.basicPay, r.criticalPay, r.assistancePay, r.hospitalBorne, r.personalPay]
}

describe('Dongying 2020 (东医保发〔2020〕56号)', () => {
  it('二(二) ordinary residents: worked example at a level-3 hospital', () => {
    // total 100,000 元, out-of-list 10,000 → in-policy 90,000 (二(一) scope).
    // Basic (assumed level 3: deductible 1,000, 60 %): 60 % × 89,000 = 53,400.
    // Burden 90,000 − 53,400 = 36,600; critical 60 % × (36,600 − 16,000) = 12,360 (二(二) threshold 1.6 万, 60 %).
    // Personal: 100,000 − 53,400 − 12,360 = 34,240.
    const r = estimateSettlement('dongying-2020', stay({ hospitalLevel: 3, total: 100_000_00, outOfList: 10_000_00 }))
    expect(r.inPolicy).toBe(90_000_00)
    expect(r.deductible).toBe(1_000_00)
    expect(r.basicPay).toBe(53_400_00)
    expect(r.personalCompliantBurden).toBe(36_600_00)
    expect(r.criticalPay).toBe(12_360_00)
    expect(r.assistancePay).toBe(0)
    expect(r.hospitalBorne).toBe(0)
    expect(r.personalPay).toBe(34_240_00)
    expect(EstimateResultSchema.safeParse(r).success).toBe(true)

    const basic = r.steps.find(s => s.tier === 'basic')!
    expect(basic.text).toContain('住院总费用 100,000.00 元中，符合医保政策范围的费用是 90,000.00 元')
    expect(basic.source).toBe('东医保发〔2020〕56号 二(一)')
    expect(basic.assumed).toBe(true) // per-level deductible and ratio are assumed
    const critical = r.steps.find(s => s.tier === 'critical')!
    expect(critical.source).toBe('东医保发〔2020〕56号 二(二)')
    expect(critical.assumed).toBeUndefined()
    expect(critical).toMatchObject({ threshold: 16_000_00, segments: [{ from: 16_000_00, to: 36_600_00, rate: 0.6, amount: 12_360_00 }] })
    expect(r.steps.map(s => s.tier)).toEqual(['basic', 'critical', 'assistance', 'personal'])
  })

  it('二(二) threshold 1.6 万元 (含): nothing at 16,000, 60 % from the first fen above', () => {
    const at = estimateSettlement('dongying-2020', stay({ total: 16_000_00, yearToDate: BASIC_EXHAUSTED }))
    expect(at.personalCompliantBurden).toBe(16_000_00)
    expect(at.criticalPay).toBe(0)
    // 0.01 元 above: 60 % × 1 fen = 0.6 fen → rounds half-up to 1 fen.
    const above = estimateSettlement('dongying-2020', stay({ total: 16_000_01, yearToDate: BASIC_EXHAUSTED }))
    expect(above.criticalPay).toBe(1)
    // 20,000: 60 % × 4,000 = 2,400.
    expect(estimateSettlement('dongying-2020', stay({ total: 20_000_00, yearToDate: BASIC_EXHAUSTED })).criticalPay).toBe(2_400_00)
  })

  it('二(二) 10 万元 (含) starts the 65 % tier; a stay crossing it is split by tier', () => {
    // Year-to-date burden 90,000; this stay adds 20,000 → [90k, 100k) at 60 % = 6,000 and [100k, 110k) at 65 % = 6,500.
    const r = estimateSettlement('dongying-2020', stay({ total: 20_000_00, yearToDate: { ...BASIC_EXHAUSTED, criticalBurden: 90_000_00, criticalPaid: 44_400_00 } }))
    expect(r.criticalPay).toBe(12_500_00)
    const critical = r.steps.find(s => s.tier === 'critical')!
    expect(critical).toMatchObject({
      burdenBefore: 90_000_00,
      burdenAfter: 110_000_00,
      segments: [
        { from: 90_000_00, to: 100_000_00, rate: 0.6, amount: 6_000_00 },
        { from: 100_000_00, to: 110_000_00, rate: 0.65, amount: 6_500_00 },
      ],
    })
  })

  it('二(二) 20 万 → 70 %, 30 万 (含) and above → 75 %', () => {
    // [195k, 205k): 5,000 × 65 % + 5,000 × 70 % = 3,250 + 3,500 = 6,750.
    expect(estimateSettlement('dongying-2020', stay({ total: 10_000_00, yearToDate: { ...BASIC_EXHAUSTED, criticalBurden: 195_000_00 } })).criticalPay).toBe(6_750_00)
    // [300k, 310k): 10,000 × 75 % = 7,500.
    expect(estimateSettlement('dongying-2020', stay({ total: 10_000_00, yearToDate: { ...BASIC_EXHAUSTED, criticalBurden: 300_000_00 } })).criticalPay).toBe(7_500_00)
  })

  it('二(二) ordinary residents get at most 40 万元 a year', () => {
    // 399,000 already paid; this stay would pay 75 % × 10,000 = 7,500 but only 1,000 is left.
    const r = estimateSettlement('dongying-2020', stay({ total: 10_000_00, yearToDate: { ...BASIC_EXHAUSTED, criticalBurden: 600_000_00, criticalPaid: 399_000_00 } }))
    expect(r.criticalPay).toBe(1_000_00)
    const critical = r.steps.find(s => s.tier === 'critical')!
    expect(critical).toMatchObject({ capApplied: true, cap: 400_000_00, beforeCap: 7_500_00 })
    expect(critical.text).toContain('大病保险每年最多支付 400,000.00 元')
  })

  it('二(二) poverty population (低保): threshold 5,000 元 and 65 %', () => {
    // Burden 10,000: 65 % × (10,000 − 5,000) = 3,250.
    // Assistance (assumed 二(三): 低保 70 %): 70 % × (10,000 − 3,250) = 4,725. Personal: 10,000 − 3,250 − 4,725 = 2,025.
    const r = estimateSettlement('dongying-2020', stay({ statuses: ['minimum_living'], total: 10_000_00, yearToDate: BASIC_EXHAUSTED }))
    expect(r.criticalPay).toBe(3_250_00)
    expect(r.assistancePay).toBe(4_725_00)
    expect(r.personalPay).toBe(2_025_00)
    const critical = r.steps.find(s => s.tier === 'critical')!
    expect(critical).toMatchObject({ group: 'poverty', threshold: 5_000_00 })
    expect(critical.text).toContain('您是低保对象，大病保险起付线是 5,000.00 元')
    const assistance = r.steps.find(s => s.tier === 'assistance')!
    expect(assistance).toMatchObject({ kind: 'ratio', base: 6_750_00, rate: 0.7, assumed: true })
  })

  it('二(二) poverty tiers 75 % from 10 万 and 85 % from 30 万; no annual cap (取消最高支付限额)', () => {
    // [95k, 105k): 5,000 × 65 % + 5,000 × 75 % = 3,250 + 3,750 = 7,000.
    expect(estimateSettlement('dongying-2020', stay({ statuses: ['poverty_registered'], total: 10_000_00, yearToDate: { ...BASIC_EXHAUSTED, criticalBurden: 95_000_00 } })).criticalPay).toBe(7_000_00)
    // Already 1,000,000 元 paid this year, burden above 30 万: 85 % × 10,000 = 8,500 still paid.
    const r = estimateSettlement('dongying-2020', stay({ statuses: ['extreme_poverty'], total: 10_000_00, yearToDate: { ...BASIC_EXHAUSTED, criticalBurden: 400_000_00, criticalPaid: 1_000_000_00 } }))
    expect(r.criticalPay).toBe(8_500_00)
  })

  /** 二级肢体残疾, still poor: inside 二(二)'s 未脱贫的一、二级重度残疾. */
  const GRADE_2_POOR = { kind: 'physical', grade: 2, poor: true } as const

  it('二(二) 未脱贫的重度残疾人 are in the poverty group; 边缘人口 are not', () => {
    const bill = { total: 10_000_00, yearToDate: BASIC_EXHAUSTED }
    const disabled = estimateSettlement('dongying-2020', stay({
      statuses: ['severe_disability'],
      disability: GRADE_2_POOR,
      ...bill,
    }))
    expect(disabled.criticalPay).toBe(3_250_00)
    const critical = disabled.steps.find(s => s.tier === 'critical')!
    expect(critical.text).toContain('您是二级肢体残疾（未脱贫），属于东医保发〔2020〕56号 二(二)所列贫困人口中的未脱贫的一、二级重度残疾、三级智力残疾、三级精神残疾人员')
    expect(critical.source).toBe('东医保发〔2020〕56号 二(二)')
    const marginal = estimateSettlement('dongying-2020', stay({ statuses: ['marginal'], total: 10_000_00, yearToDate: BASIC_EXHAUSTED }))
    expect(marginal.criticalPay).toBe(0) // 10,000 < 16,000
  })

  describe('二(二) limits 重度残疾人 to 未脱贫的一、二级重度残疾、三级智力残疾、三级精神残疾', () => {
    // Burden 10,000: poverty group 65 % × (10,000 − 5,000) = 3,250; ordinary 0 (below 16,000).
    type Facts = SettlementInput['disability']
    const critical = (disability: Facts, statuses: SettlementInput['statuses'] = ['severe_disability']) =>
      estimateSettlement('dongying-2020', stay({ statuses, disability, total: 10_000_00, yearToDate: BASIC_EXHAUSTED }))

    it('counts grade 1 and 2 of any kind, and grade 3 of 智力 and 精神 only, when still poor', () => {
      for (const kind of ['visual', 'hearing', 'speech', 'physical', 'intellectual', 'mental', 'multiple'] as const) {
        for (const grade of [1, 2] as const) expect(critical({ kind, grade, poor: true }).criticalPay).toBe(3_250_00)
        expect(critical({ kind, grade: 4, poor: true }).criticalPay).toBe(0)
        const grade3 = kind === 'intellectual' || kind === 'mental' ? 3_250_00 : 0
        expect(critical({ kind, grade: 3, poor: true }).criticalPay).toBe(grade3)
      }
    })

    it('leaves out a 已脱贫 person, whatever the grade, and says why in the critical-illness step', () => {
      const r = critical({ kind: 'intellectual', grade: 1, poor: false })
      expect(r.criticalPay).toBe(0)
      expect(r.appliedStatus).toBeNull()
      const step = r.steps.find(s => s.tier === 'critical')!
      expect(step.text).toContain('您登记的残疾为一级智力残疾（已脱贫或非贫困人口），东医保发〔2020〕56号 二(二)只把未脱贫的一、二级重度残疾、三级智力残疾、三级精神残疾人员列为贫困人口')
      expect(step.text).toContain('按一般居民计算')
      expect(step.source).toBe('东医保发〔2020〕56号 二(二)')
      // Nor the assumed 二(三) assistance of 重度残疾人.
      expect(r.assistancePay).toBe(0)
    })

    it('does not grant the preference when the bureau gave no kind, grade or 脱贫 state', () => {
      const r = critical(undefined)
      expect(r.criticalPay).toBe(0)
      expect(r.steps.find(s => s.tier === 'critical')!.text).toContain('没有残疾类别、等级和是否脱贫的信息')
    })

    it('settles an out-of-scope disabled 低保 person by the 低保 status', () => {
      const r = critical({ kind: 'physical', grade: 3, poor: true }, ['severe_disability', 'minimum_living'])
      expect(r.appliedStatus).toBe('minimum_living')
      expect(r.criticalPay).toBe(3_250_00)
      expect(r.steps.find(s => s.tier === 'critical')!.text).toContain('按您的其他身份计算')
    })

    it('leaves policies without such a clause alone (Guizhou counts every 重度残疾人 it lists)', () => {
      const stayAt = (disability: SettlementInput['disability']) =>
        estimateSettlement('guizhou-2019', stay({
          statuses: ['severe_disability'],
          disability,
          total: 10_000_00,
          yearToDate: BASIC_EXHAUSTED,
        }))
      expect(stayAt({ kind: 'physical', grade: 4, poor: false }).criticalPay).toBe(stayAt(undefined).criticalPay)
      expect(stayAt(undefined).steps.find(s => s.tier === 'critical')!.text).not.toContain('残疾类别')
    })
  })

  it('就高: 特困 + 重度残疾 is settled as 特困 only (assumed 二(三) rates 100 % vs 50 %)', () => {
    // Burden 10,000 → critical 3,250 (poverty group); 特困 assistance 100 % × 6,750 = 6,750 → personal 0.
    const both = estimateSettlement('dongying-2020', stay({
      statuses: ['severe_disability', 'extreme_poverty'],
      disability: GRADE_2_POOR,
      total: 10_000_00,
      yearToDate: BASIC_EXHAUSTED,
    }))
    expect(both.appliedStatus).toBe('extreme_poverty')
    expect(both.assistancePay).toBe(6_750_00)
    expect(both.personalPay).toBe(0)
    const personal = both.steps.find(s => s.tier === 'personal')!
    expect(personal.text).toContain('按就高原则只按对您最有利的“特困人员”计算一次')
    expect(personal.source).toBe('东医保发〔2020〕56号 六(二)、三(三)')
    // Never added up: 50 % of 重度残疾 is not paid on top.
    expect(both.criticalPay + both.assistancePay).toBeLessThanOrEqual(both.personalCompliantBurden)
  })
})

describe('Fengxiang 2020 (凤翔县医保扶贫工作纪实, 三重保障)', () => {
  // Deductibles are assumed: level 1 200 元, level 2 500 元, level 3 800 元.
  it('一是: basic ratios 90 % / 78 % / 62 % at levels 1 / 2 / 3', () => {
    // 10,000 元 in-policy: 90 % × 9,800 = 8,820; 78 % × 9,500 = 7,410; 62 % × 9,200 = 5,704.
    expect(estimateSettlement('fengxiang-2020', stay({ hospitalLevel: 1, total: 10_000_00 })).basicPay).toBe(8_820_00)
    expect(estimateSettlement('fengxiang-2020', stay({ hospitalLevel: 2, total: 10_000_00 })).basicPay).toBe(7_410_00)
    expect(estimateSettlement('fengxiang-2020', stay({ hospitalLevel: 3, total: 10_000_00 })).basicPay).toBe(5_704_00)
    const step = estimateSettlement('fengxiang-2020', stay({ hospitalLevel: 2, total: 10_000_00 })).steps[0]!
    expect(step).toMatchObject({ tier: 'basic', rate: 0.78, deductible: 500_00, rateBonus: 0 })
  })

  it('一是: poverty +10 points at level 2 and above (88 % / 72 %), not at level 1', () => {
    // 88 % × 9,500 = 8,360; 72 % × 9,200 = 6,624; level 1 stays 90 % × 9,800 = 8,820.
    const p = ['poverty_registered'] as const
    expect(estimateSettlement('fengxiang-2020', stay({ statuses: [...p], hospitalLevel: 2, total: 10_000_00 })).basicPay).toBe(8_360_00)
    expect(estimateSettlement('fengxiang-2020', stay({ statuses: [...p], hospitalLevel: 3, total: 10_000_00 })).basicPay).toBe(6_624_00)
    expect(estimateSettlement('fengxiang-2020', stay({ statuses: [...p], hospitalLevel: 1, total: 10_000_00 })).basicPay).toBe(8_820_00)
    const step = estimateSettlement('fengxiang-2020', stay({ statuses: [...p], hospitalLevel: 2, total: 10_000_00 })).steps[0]!
    expect(step).toMatchObject({ tier: 'basic', rate: 0.88, rateBonus: 0.1 })
    expect(step.text).toContain('多报 10 个百分点')
  })

  it('二是 + 三是: threshold halved (5,000), +5 points (65 %), then assistance tops up to 80 % of the total', () => {
    // Basic exhausted, 20,000 元 in-policy at level 1: critical 65 % × (20,000 − 5,000) = 9,750.
    // 80 % of 20,000 = 16,000 → assistance 16,000 − 9,750 = 6,250 → personal 4,000 (= 20 %).
    const r = estimateSettlement('fengxiang-2020', stay({ statuses: ['poverty_registered'], hospitalLevel: 1, total: 20_000_00, yearToDate: BASIC_EXHAUSTED }))
    expect(r.criticalPay).toBe(9_750_00)
    expect(r.assistancePay).toBe(6_250_00)
    expect(r.personalPay).toBe(4_000_00)
    const assistance = r.steps.find(s => s.tier === 'assistance')!
    expect(assistance).toMatchObject({ kind: 'topUp', targetRatio: 0.8, target: 16_000_00, limit: null })
  })

  it('三是: the 80 % is of the TOTAL cost, out-of-list included', () => {
    // total 30,000, out-of-list 3,000, level 2: basic 88 % × (27,000 − 500) = 23,320; burden 3,680 < 5,000 → critical 0.
    // 80 % × 30,000 = 24,000 → assistance 680; personal 30,000 − 23,320 − 680 = 6,000.
    const r = estimateSettlement('fengxiang-2020', stay({ statuses: ['poverty_registered'], hospitalLevel: 2, total: 30_000_00, outOfList: 3_000_00 }))
    expect(parts(r)).toEqual([23_320_00, 0, 680_00, 0, 6_000_00])
  })

  it('三是: no top-up (never negative) when basic + critical already reach 80 %', () => {
    // 2,000 元 at level 1: basic 90 % × 1,800 = 1,620 ≥ 80 % × 2,000 = 1,600 → assistance 0.
    const r = estimateSettlement('fengxiang-2020', stay({ statuses: ['poverty_registered'], hospitalLevel: 1, total: 2_000_00 }))
    expect(parts(r)).toEqual([1_620_00, 0, 0, 0, 380_00])
  })

  it('ordinary residents: no bonus, ordinary threshold (assumed 10,000 元), no top-up', () => {
    const r = estimateSettlement('fengxiang-2020', stay({ hospitalLevel: 1, total: 20_000_00, yearToDate: BASIC_EXHAUSTED }))
    // 60 % × (20,000 − 10,000) = 6,000.
    expect(r.criticalPay).toBe(6_000_00)
    expect(r.assistancePay).toBe(0)
    expect(r.steps.find(s => s.tier === 'assistance')!.text).toBe('您不属于医疗救助对象，这次没有医疗救助。')
  })
})

describe('Guizhou 2019 (贵州省医疗保障扶贫行动实施方案)', () => {
  // Assumed: level 2 deductible 400 元 and 80 %; ordinary critical threshold 9,000 元 (targets: 4,500), 60 % (targets 65 %).
  const bill = { hospitalLevel: 2 as const, total: 50_000_00, outOfList: 8_000_00 }

  it('二(四) + 二(六): 建档立卡 at a county hospital with an electronic referral', () => {
    // in-policy 42,000; basic 80 % × 41,600 = 33,280; burden 8,720.
    // 二(四)2 threshold −50 % → 4,500, +5 points → 65 %: 65 % × 4,220 = 2,743.
    // 二(四)3 assistance ≥ 70 %: 70 % × (8,720 − 2,743 = 5,977) = 4,183.90.
    // 二(六) out-of-list within 10 %: allowed 5,000 of the 8,000 → hospital bears 3,000.
    // personal 50,000 − 33,280 − 2,743 − 4,183.90 − 3,000 = 6,793.10.
    const r = estimateSettlement('guizhou-2019', stay({ ...bill, statuses: ['poverty_registered'], referred: true }))
    expect(parts(r)).toEqual([33_280_00, 2_743_00, 4_183_90, 3_000_00, 6_793_10])
    const hospital = r.steps.find(s => s.tier === 'hospital')!
    expect(hospital).toMatchObject({ amount: 3_000_00, maxShare: 0.1, allowed: 5_000_00, outOfList: 8_000_00 })
    expect(hospital.source).toContain('贵州省医疗保障扶贫行动实施方案 二(六)')
    expect(hospital.text).toContain('超出的 3,000.00 元由医院承担')
  })

  it('二(六): out-of-list costs within 10 % stay with the patient', () => {
    // total 50,000, out-of-list 5,000 = exactly 10 % → hospital bears nothing.
    const r = estimateSettlement('guizhou-2019', stay({ ...bill, outOfList: 5_000_00, statuses: ['extreme_poverty'] }))
    expect(r.hospitalBorne).toBe(0)
  })

  it('二(六): the 10 % rule is for targets only; ordinary residents pay all out-of-list costs', () => {
    // Ordinary: burden 8,720 < 9,000 → no critical; no assistance; personal 50,000 − 33,280 = 16,720.
    const r = estimateSettlement('guizhou-2019', stay({ ...bill }))
    expect(parts(r)).toEqual([33_280_00, 0, 0, 0, 16_720_00])
    expect(r.steps.some(s => s.tier === 'hospital')).toBe(false)
  })

  it('二(七): an unreferred target at a county hospital loses the lowered threshold and raised ratio', () => {
    // Ordinary critical table: 8,720 < 9,000 → 0. Assistance (not a threshold/ratio preference) stays: 70 % × 8,720 = 6,104.
    // Hospital share stays 3,000. Personal 50,000 − 33,280 − 6,104 − 3,000 = 7,616.
    const r = estimateSettlement('guizhou-2019', stay({ ...bill, statuses: ['poverty_registered'], referred: false }))
    expect(parts(r)).toEqual([33_280_00, 0, 6_104_00, 3_000_00, 7_616_00])
    const critical = r.steps.find(s => s.tier === 'critical')!
    expect(critical).toMatchObject({ group: 'ordinary', threshold: 9_000_00 })
    expect(critical.text).toContain('不能享受降低起付线、提高报销比例的照顾')
    expect(critical.source).toContain('二(七)')
  })

  it('二(七): no referral is needed at a township (level 1) hospital', () => {
    // Level 1 (assumed deductible 100, 90 %), basic exhausted so the burden is the in-policy 10,000:
    // targets keep 4,500 and 65 %: 65 % × 5,500 = 3,575 even without a referral.
    const r = estimateSettlement('guizhou-2019', stay({ hospitalLevel: 1, statuses: ['poverty_registered'], referred: false, total: 10_000_00, yearToDate: BASIC_EXHAUSTED }))
    expect(r.criticalPay).toBe(3_575_00)
  })

  it('二(四)1: the basic fund pays at most 25 万元 a year', () => {
    // 249,000 already paid; this stay would pay 33,280 → 1,000.
    const r = estimateSettlement('guizhou-2019', stay({ ...bill, yearToDate: { criticalBurden: 0, criticalPaid: 0, basicPaid: 249_000_00, assistancePaid: 0 } }))
    expect(r.basicPay).toBe(1_000_00)
    expect(r.steps[0]).toMatchObject({ tier: 'basic', cap: 250_000_00, capRemaining: 1_000_00, capApplied: true })
  })

  it('二(四)3: assistance stays within the annual limit (assumed 5 万元)', () => {
    // 49,000 already assisted; 70 % would be 4,183.90 → only 1,000 left.
    const r = estimateSettlement('guizhou-2019', stay({ ...bill, statuses: ['poverty_registered'], yearToDate: { criticalBurden: 0, criticalPaid: 0, basicPaid: 0, assistancePaid: 49_000_00 } }))
    expect(r.assistancePay).toBe(1_000_00)
    expect(r.steps.find(s => s.tier === 'assistance')).toMatchObject({ limit: 50_000_00, limitApplied: true })
  })

  it('二(五): 特困 + 建档立卡 are settled once, as the single most favourable status (就高)', () => {
    const both = estimateSettlement('guizhou-2019', stay({ ...bill, statuses: ['poverty_registered', 'extreme_poverty'], referred: true }))
    const one = estimateSettlement('guizhou-2019', stay({ ...bill, statuses: ['poverty_registered'], referred: true }))
    expect(parts(both)).toEqual(parts(one))
    expect(both.steps.at(-1)!.source).toBe('贵州省医疗保障扶贫行动实施方案 二(六)、二(五)')
  })

  it('explains an omitted referral answer as referred', () => {
    const r = estimateSettlement('guizhou-2019', stay({ ...bill, statuses: ['poverty_registered'] }))
    expect(r.criticalPay).toBe(2_743_00)
    expect(r.steps.find(s => s.tier === 'critical')!.text).toContain('按已办理转诊计算')
  })
})

describe('input checks', () => {
  it('rejects what the schema would reject', () => {
    expect(() => estimateSettlement('dongying-2020', stay({ total: 100, outOfList: 200 }))).toThrow(RangeError)
    expect(() => estimateSettlement('dongying-2020', stay({ total: -1 }))).toThrow(RangeError)
    expect(() => estimateSettlement('dongying-2020', stay({ total: 1.5 }))).toThrow(RangeError)
    expect(() => estimateSettlement('dongying-2020', stay({ hospitalLevel: 4 as 1 }))).toThrow(RangeError)
    expect(() => estimateSettlement('nowhere-2020' as 'dongying-2020', stay({}))).toThrow(RangeError)
  })

  it('settles a zero bill', () => {
    const r = estimateSettlement('guizhou-2019', stay({ statuses: ['poverty_registered'] }))
    expect(parts(r)).toEqual([0, 0, 0, 0, 0])
    expect(EstimateResultSchema.safeParse(r).success).toBe(true)
  })
})
