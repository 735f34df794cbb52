import type { PolicyInput } from '../policy-schema'

const DOC = '贵州省医疗保障扶贫行动实施方案'

const TARGETS_REASON = '方案保障对象为建档立卡贫困人口、特困人员等农村贫困人口，低保对象按农村贫困人口对待'
const TARGETS = ['poverty_registered', 'extreme_poverty', 'minimum_living'] as const
const LIMIT_REASON = '方案未给出年度救助限额，参照贵州省同期医疗救助常见年度限额5万元'

/**
 * Guizhou 2019 — 《贵州省医疗保障扶贫行动实施方案》(省医保局等四部门, 2019-05-28).
 * Subsidies 二(三), the 31 August rule 二(二), the 250 000 元 fund cap, critical-illness preferences and
 * 70 % assistance 二(四), 就高 二(五), the 10 % out-of-list rule 二(六) and the referral rule 二(七)
 * are from the text; premiums, deductibles, per-level ratios, the ordinary critical-illness table and the
 * assistance limit are assumed.
 */
export const guizhou2019 = {
  id: 'guizhou-2019',
  title: '贵州省2019年医疗保障扶贫政策',
  region: '贵州省',
  regionCode: '520000',
  year: 2019,
  document: DOC,
  source: '贵州省医疗保障局、贵州省民政厅、贵州省财政厅、贵州省扶贫开发办公室《贵州省医疗保障扶贫行动实施方案》（2019年5月28日）',
  statusPriority: ['extreme_poverty', 'poverty_registered', 'minimum_living', 'severe_disability', 'marginal'],
  severeDisabilityScope: null,
  multipleStatuses: { value: 'highest', source: `${DOC} 二(五)` },
  settlementSource: `${DOC} 二(六)`,
  premium: {
    adult: { value: 250_00, source: `${DOC} 二(三)`, assumed: true, reason: '方案未写个人缴费标准，按国家2019年居民医保个人缴费标准250元（医保发〔2019〕30号）' },
    student: { value: 250_00, source: `${DOC} 二(三)`, assumed: true, reason: '贵州省学生与其他居民执行同一个人缴费标准250元' },
    minorAgeBelow: { value: 18, source: `${DOC} 二(三)`, assumed: true, reason: '方案未区分学生，未满18周岁按学生对待（贵州学生与居民标准相同，不影响金额）' },
    subsidies: {
      extreme_poverty: { value: 'full', source: `${DOC} 二(三)` },
      poverty_registered: { value: 100_00, source: `${DOC} 二(三)` },
      minimum_living: { value: 100_00, source: `${DOC} 二(三)`, assumed: true, reason: '低保对象属于方案所称农村贫困人口，参照建档立卡贫困人口每人每年100元定额资助' },
      severe_disability: { value: 0, source: `${DOC} 二(三)`, assumed: true, reason: '方案只对特困人员和建档立卡贫困人口规定了参保资助，按不资助处理' },
      marginal: { value: 0, source: `${DOC} 二(三)`, assumed: true, reason: '方案只对特困人员和建档立卡贫困人口规定了参保资助，按不资助处理' },
    },
    newTargetCutoffMonth: { value: 8, source: `${DOC} 二(二)` },
  },
  basic: {
    deductible: {
      1: { value: 100_00, source: `${DOC} 二(四)1`, assumed: true, reason: '方案未给出起付线，参照贵州省同期乡镇（一级）医院常见起付线100元' },
      2: { value: 400_00, source: `${DOC} 二(四)1`, assumed: true, reason: '方案未给出起付线，参照贵州省同期县级（二级）医院常见起付线400元' },
      3: { value: 1_000_00, source: `${DOC} 二(四)1`, assumed: true, reason: '方案未给出起付线，参照贵州省同期市级及以上（三级）医院常见起付线1000元' },
    },
    rate: {
      1: { value: 0.9, source: `${DOC} 二(四)1`, assumed: true, reason: '方案要求政策范围内实际补偿比例保持在75%左右，一级医院按90%' },
      2: { value: 0.8, source: `${DOC} 二(四)1`, assumed: true, reason: '方案要求政策范围内实际补偿比例保持在75%左右，二级医院按80%' },
      3: { value: 0.65, source: `${DOC} 二(四)1`, assumed: true, reason: '方案要求政策范围内实际补偿比例保持在75%左右，三级医院按65%' },
    },
    povertyRateBonus: {
      1: { value: 0, source: `${DOC} 二(四)1`, assumed: true, reason: '方案未规定贫困人口基本医保报销比例倾斜，按不倾斜处理' },
      2: { value: 0, source: `${DOC} 二(四)1`, assumed: true, reason: '方案未规定贫困人口基本医保报销比例倾斜，按不倾斜处理' },
      3: { value: 0, source: `${DOC} 二(四)1`, assumed: true, reason: '方案未规定贫困人口基本医保报销比例倾斜，按不倾斜处理' },
    },
    povertyStatuses: { value: [...TARGETS], source: `${DOC} 二(一)`, assumed: true, reason: TARGETS_REASON },
    annualCap: { value: 250_000_00, source: `${DOC} 二(四)1` },
  },
  critical: {
    povertyStatuses: { value: [...TARGETS], source: `${DOC} 二(一)`, assumed: true, reason: TARGETS_REASON },
    ordinary: {
      kind: 'table',
      threshold: {
        value: 9_000_00,
        source: `${DOC} 二(四)2`,
        assumed: true,
        reason: '方案未给出一般起付线，按上年度居民人均可支配收入（贵州2018年约1.84万元）的一半左右取9000元',
      },
      segments: [
        {
          from: { value: 9_000_00, source: `${DOC} 二(四)2`, assumed: true, reason: '一般起付线9000元（假设值）' },
          rate: { value: 0.6, source: `${DOC} 二(四)2`, assumed: true, reason: '参照国家2019年大病保险政策范围内支付比例60%的要求' },
        },
        {
          from: { value: 50_000_00, source: `${DOC} 二(四)2`, assumed: true, reason: '参照贵州省同期大病保险分段（5万元分段点）' },
          rate: { value: 0.7, source: `${DOC} 二(四)2`, assumed: true, reason: '参照贵州省同期大病保险分段比例（5万至10万元70%）' },
        },
        {
          from: { value: 100_000_00, source: `${DOC} 二(四)2`, assumed: true, reason: '参照贵州省同期大病保险分段（10万元分段点）' },
          rate: { value: 0.8, source: `${DOC} 二(四)2`, assumed: true, reason: '参照贵州省同期大病保险分段比例（10万元以上80%）' },
        },
      ],
      cap: { value: 300_000_00, source: `${DOC} 二(四)2`, assumed: true, reason: '方案未给出一般人员封顶线，参照贵州省同期大病保险年度最高支付30万元' },
    },
    poverty: {
      kind: 'adjusted',
      thresholdFactor: { value: 0.5, source: `${DOC} 二(四)2` },
      rateBonus: { value: 0.05, source: `${DOC} 二(四)2` },
      cap: { value: null, source: `${DOC} 二(四)2` },
    },
  },
  assistance: {
    kind: 'ratio',
    source: `${DOC} 二(四)3`,
    byStatus: {
      extreme_poverty: {
        rate: { value: 0.7, source: `${DOC} 二(四)3` },
        annualLimit: { value: 50_000_00, source: `${DOC} 二(四)3`, assumed: true, reason: LIMIT_REASON },
      },
      poverty_registered: {
        rate: { value: 0.7, source: `${DOC} 二(四)3` },
        annualLimit: { value: 50_000_00, source: `${DOC} 二(四)3`, assumed: true, reason: LIMIT_REASON },
      },
      minimum_living: {
        rate: { value: 0.7, source: `${DOC} 二(四)3`, assumed: true, reason: TARGETS_REASON },
        annualLimit: { value: 50_000_00, source: `${DOC} 二(四)3`, assumed: true, reason: LIMIT_REASON },
      },
    },
  },
  outOfList: {
    statuses: { value: [...TARGETS], source: `${DOC} 二(六)`, assumed: true, reason: TARGETS_REASON },
    maxShare: { value: 0.1, source: `${DOC} 二(六)` },
  },
  referral: {
    fromLevel: { value: 2, source: `${DOC} 二(七)`, assumed: true, reason: '方案要求县级以上医院住院实行转诊，县级医院按二级医院对应' },
    statuses: { value: [...TARGETS], source: `${DOC} 二(七)`, assumed: true, reason: TARGETS_REASON },
  },
} satisfies PolicyInput
