import type { PolicyInput } from '../policy-schema'

const DOC = '《凤翔县医保扶贫工作纪实》（宝鸡市医疗保障局，2020年12月）'
const ENROL = `${DOC} 参保“一个都不能少”`
const BASIC = `${DOC} 三重保障 一是`
const CRITICAL = `${DOC} 三重保障 二是`
const ASSISTANCE = `${DOC} 三重保障 三是`

const TARGETS_REASON = '报告针对建档立卡贫困人口，特困人员、低保对象按陕西省医保扶贫政策同等享受倾斜'
const TARGETS = ['poverty_registered', 'extreme_poverty', 'minimum_living'] as const

/**
 * Fengxiang county (Baoji, Shaanxi) 2020 — report 《织密医保扶贫“保障网”——凤翔县医保扶贫工作纪实》.
 * Basic ratios 90/78/62 % and +10 points, critical-illness threshold halved / +5 points / no cap and the
 * 80 % top-up are from the report; premiums, deductibles, caps and the ordinary critical-illness
 * table are assumed (Shaanxi values of the time).
 */
export const fengxiang2020 = {
  id: 'fengxiang-2020',
  title: '凤翔县2020年医保扶贫三重保障政策',
  region: '陕西省宝鸡市凤翔县',
  regionCode: '610322',
  year: 2020,
  document: DOC,
  source: '宝鸡市医疗保障局《织密医保扶贫“保障网” 浇开全民健康“幸福花”——凤翔县医保扶贫工作纪实》（2020年12月18日）',
  statusPriority: ['poverty_registered', 'extreme_poverty', 'minimum_living', 'severe_disability', 'marginal'],
  severeDisabilityScope: null,
  multipleStatuses: {
    value: 'highest',
    source: `${DOC} 三重保障`,
    assumed: true,
    reason: '报告未写多重身份如何享受，按医保扶贫通行的就高原则、不重复享受',
  },
  settlementSource: `${DOC} 打通医保结算“最后一公里”`,
  premium: {
    adult: { value: 280_00, source: ENROL, assumed: true, reason: '报告未写个人缴费标准，按国家2020年居民医保个人缴费标准280元（医保发〔2020〕24号）' },
    student: { value: 280_00, source: ENROL, assumed: true, reason: '陕西省学生与其他居民执行同一个人缴费标准280元' },
    minorAgeBelow: { value: 18, source: ENROL, assumed: true, reason: '报告未区分学生，未满18周岁按学生对待（陕西学生与居民标准相同，不影响金额）' },
    subsidies: {
      poverty_registered: {
        value: 'full',
        source: ENROL,
        assumed: true,
        reason: '报告称“资助全享受”，2019年资助631.592万元、2020年616.335万元，与建档立卡人口个人缴费全额资助的规模相当',
      },
      extreme_poverty: { value: 'full', source: ENROL, assumed: true, reason: '报告未单列特困人员，个人缴费全额资助是全国统一做法' },
      minimum_living: { value: 100_00, source: ENROL, assumed: true, reason: '报告未涉及低保对象，参照陕西多数县区对低保对象每人100元定额资助' },
      severe_disability: { value: 0, source: ENROL, assumed: true, reason: '报告未涉及重度残疾人参保资助，按不资助处理' },
      marginal: { value: 0, source: ENROL, assumed: true, reason: '报告未涉及边缘人口参保资助，按不资助处理' },
    },
    newTargetCutoffMonth: {
      value: 12,
      source: ENROL,
      assumed: true,
      reason: '报告称“实时将新增建档立卡贫困人口纳入医保”，按认定当年参保',
    },
  },
  basic: {
    deductible: {
      1: { value: 200_00, source: BASIC, assumed: true, reason: '报告未给出起付线，参照陕西省同期一级医院起付线200元' },
      2: { value: 500_00, source: BASIC, assumed: true, reason: '报告未给出起付线，参照陕西省同期二级医院起付线500元' },
      3: { value: 800_00, source: BASIC, assumed: true, reason: '报告未给出起付线，参照陕西省同期三级医院起付线800元' },
    },
    rate: {
      1: { value: 0.9, source: BASIC },
      2: { value: 0.78, source: BASIC },
      3: { value: 0.62, source: BASIC },
    },
    povertyRateBonus: {
      1: { value: 0, source: BASIC },
      2: { value: 0.1, source: BASIC },
      3: { value: 0.1, source: BASIC },
    },
    povertyStatuses: { value: [...TARGETS], source: BASIC, assumed: true, reason: TARGETS_REASON },
    annualCap: { value: 200_000_00, source: BASIC, assumed: true, reason: '报告未给出，参照陕西省同期居民医保统筹基金年度最高支付限额20万元' },
  },
  critical: {
    povertyStatuses: { value: [...TARGETS], source: CRITICAL, assumed: true, reason: TARGETS_REASON },
    ordinary: {
      kind: 'table',
      threshold: { value: 10_000_00, source: CRITICAL, assumed: true, reason: '报告未给出一般群众起付线，参照陕西省同期大病保险起付线1万元' },
      segments: [
        {
          from: { value: 10_000_00, source: CRITICAL, assumed: true, reason: '报告未给出一般群众起付线，参照陕西省同期大病保险起付线1万元' },
          rate: { value: 0.6, source: CRITICAL, assumed: true, reason: '参照陕西省同期大病保险分段比例（1万至5万元60%）' },
        },
        {
          from: { value: 50_000_00, source: CRITICAL, assumed: true, reason: '参照陕西省同期大病保险分段（5万元分段点）' },
          rate: { value: 0.7, source: CRITICAL, assumed: true, reason: '参照陕西省同期大病保险分段比例（5万至10万元70%）' },
        },
        {
          from: { value: 100_000_00, source: CRITICAL, assumed: true, reason: '参照陕西省同期大病保险分段（10万元分段点）' },
          rate: { value: 0.8, source: CRITICAL, assumed: true, reason: '参照陕西省同期大病保险分段比例（10万元以上80%）' },
        },
      ],
      cap: { value: 300_000_00, source: CRITICAL, assumed: true, reason: '参照陕西省同期大病保险年度最高支付限额30万元' },
    },
    poverty: {
      kind: 'adjusted',
      thresholdFactor: { value: 0.5, source: CRITICAL },
      rateBonus: { value: 0.05, source: CRITICAL },
      cap: { value: null, source: CRITICAL },
    },
  },
  assistance: {
    kind: 'topUp',
    source: ASSISTANCE,
    statuses: { value: [...TARGETS], source: ASSISTANCE, assumed: true, reason: TARGETS_REASON },
    targetRatio: { value: 0.8, source: ASSISTANCE },
    annualLimit: { value: null, source: ASSISTANCE },
  },
  outOfList: null,
  referral: null,
} satisfies PolicyInput
