import type { PolicyInput } from '../policy-schema'

const DOC = '东医保发〔2020〕56号'

const ASSISTANCE_REASON = '文件只写“巩固住院和门诊救助水平”，未给比例和限额，参照山东省同期医疗救助常见标准'

/**
 * Dongying 2020 — 东营市《关于做好2020年城乡居民基本医疗保障工作的通知》(东医保发〔2020〕56号).
 * Premiums 一(二), critical illness 二(二) are taken from the text; per-level basic insurance and
 * medical assistance are assumed (the notice only gives the 70 % policy level and "按标资助").
 */
export const dongying2020 = {
  id: 'dongying-2020',
  title: '东营市2020年城乡居民基本医疗保障政策',
  region: '山东省东营市',
  regionCode: '370500',
  year: 2020,
  document: DOC,
  source: '东营市医疗保障局、东营市财政局、国家税务总局东营市税务局《关于做好2020年城乡居民基本医疗保障工作的通知》（东医保发〔2020〕56号，2020年10月30日）',
  statusPriority: ['extreme_poverty', 'poverty_registered', 'minimum_living', 'severe_disability', 'marginal'],
  // 二(二): 重度残疾人（未脱贫的一、二级重度残疾、三级智力残疾、三级精神残疾人员）are 贫困人口; other disabled people are not.
  severeDisabilityScope: {
    value: { grades: [1, 2], gradesByKind: { intellectual: [3], mental: [3] }, poorOnly: true },
    source: `${DOC} 二(二)`,
  },
  multipleStatuses: {
    value: 'highest',
    source: `${DOC} 三(三)`,
    assumed: true,
    reason: '文件未规定多重身份如何享受，按医保扶贫通行的就高原则、不重复享受（同时纠正过度保障）',
  },
  settlementSource: `${DOC} 六(二)`,
  premium: {
    adult: { value: 310_00, source: `${DOC} 一(二)` },
    student: { value: 210_00, source: `${DOC} 一(二)` },
    minorAgeBelow: {
      value: 18,
      source: `${DOC} 一(二)`,
      assumed: true,
      reason: '文件只区分居民和学生，未满18周岁的儿童按学生标准缴费是山东省的通行做法',
    },
    subsidies: {
      poverty_registered: { value: 'full', source: `${DOC} 二(三)`, assumed: true, reason: '文件只写“按标资助”，参照山东省对建档立卡贫困人口个人缴费全额资助的做法' },
      minimum_living: { value: 'full', source: `${DOC} 二(三)`, assumed: true, reason: '文件只写“按标资助”，参照山东省对低保对象个人缴费全额资助的做法' },
      extreme_poverty: { value: 'full', source: `${DOC} 二(三)`, assumed: true, reason: '特困人员个人缴费全额资助是全国统一做法，文件未写金额' },
      severe_disability: { value: 155_00, source: `${DOC} 二(三)`, assumed: true, reason: '参照山东省对重度残疾人部分资助的做法，按成年居民缴费的一半估算' },
      marginal: { value: 0, source: `${DOC} 三(三)`, assumed: true, reason: '2020年文件只要求“探索”边缘人口保障，未规定参保资助，按不资助处理' },
    },
    newTargetCutoffMonth: {
      value: 12,
      source: `${DOC} 三(一)`,
      assumed: true,
      reason: '文件要求动态掌握底数、及时参保，未规定截止月份，按认定当年纳入',
    },
  },
  basic: {
    deductible: {
      1: { value: 200_00, source: `${DOC} 二(一)`, assumed: true, reason: '文件未给出各级医院起付线，参照山东省同期一级医院常见起付线200元' },
      2: { value: 500_00, source: `${DOC} 二(一)`, assumed: true, reason: '文件未给出各级医院起付线，参照山东省同期二级医院常见起付线500元' },
      3: { value: 1_000_00, source: `${DOC} 二(一)`, assumed: true, reason: '文件未给出各级医院起付线，参照山东省同期三级医院常见起付线1000元' },
    },
    rate: {
      1: { value: 0.85, source: `${DOC} 二(一)`, assumed: true, reason: '文件只规定政策范围内住院费用支付比例达到70%，分级比例参照山东省同期做法（一级85%）' },
      2: { value: 0.75, source: `${DOC} 二(一)`, assumed: true, reason: '文件只规定政策范围内住院费用支付比例达到70%，分级比例参照山东省同期做法（二级75%）' },
      3: { value: 0.6, source: `${DOC} 二(一)`, assumed: true, reason: '文件只规定政策范围内住院费用支付比例达到70%，分级比例参照山东省同期做法（三级60%）' },
    },
    povertyRateBonus: {
      1: { value: 0, source: `${DOC} 二(一)`, assumed: true, reason: '文件未规定贫困人口基本医保报销比例倾斜，按不倾斜处理' },
      2: { value: 0, source: `${DOC} 二(一)`, assumed: true, reason: '文件未规定贫困人口基本医保报销比例倾斜，按不倾斜处理' },
      3: { value: 0, source: `${DOC} 二(一)`, assumed: true, reason: '文件未规定贫困人口基本医保报销比例倾斜，按不倾斜处理' },
    },
    povertyStatuses: { value: ['poverty_registered', 'minimum_living', 'extreme_poverty', 'severe_disability'], source: `${DOC} 二(二)` },
    annualCap: {
      value: 250_000_00,
      source: `${DOC} 二(一)`,
      assumed: true,
      reason: '文件未给出统筹基金年度最高支付限额，参照山东省同期居民医保常见限额25万元',
    },
  },
  critical: {
    povertyStatuses: { value: ['poverty_registered', 'minimum_living', 'extreme_poverty', 'severe_disability'], source: `${DOC} 二(二)` },
    ordinary: {
      kind: 'table',
      threshold: { value: 16_000_00, source: `${DOC} 二(二)` },
      segments: [
        { from: { value: 16_000_00, source: `${DOC} 二(二)` }, rate: { value: 0.6, source: `${DOC} 二(二)` } },
        { from: { value: 100_000_00, source: `${DOC} 二(二)` }, rate: { value: 0.65, source: `${DOC} 二(二)` } },
        { from: { value: 200_000_00, source: `${DOC} 二(二)` }, rate: { value: 0.7, source: `${DOC} 二(二)` } },
        { from: { value: 300_000_00, source: `${DOC} 二(二)` }, rate: { value: 0.75, source: `${DOC} 二(二)` } },
      ],
      cap: { value: 400_000_00, source: `${DOC} 二(二)` },
    },
    poverty: {
      kind: 'table',
      threshold: { value: 5_000_00, source: `${DOC} 二(二)` },
      segments: [
        { from: { value: 5_000_00, source: `${DOC} 二(二)` }, rate: { value: 0.65, source: `${DOC} 二(二)` } },
        { from: { value: 100_000_00, source: `${DOC} 二(二)` }, rate: { value: 0.75, source: `${DOC} 二(二)` } },
        { from: { value: 300_000_00, source: `${DOC} 二(二)` }, rate: { value: 0.85, source: `${DOC} 二(二)` } },
      ],
      cap: { value: null, source: `${DOC} 二(二)` },
    },
  },
  assistance: {
    kind: 'ratio',
    source: `${DOC} 二(三)`,
    byStatus: {
      extreme_poverty: {
        rate: { value: 1, source: `${DOC} 二(三)`, assumed: true, reason: `${ASSISTANCE_REASON}（特困人员全额救助）` },
        annualLimit: { value: 100_000_00, source: `${DOC} 二(三)`, assumed: true, reason: `${ASSISTANCE_REASON}（特困人员年度限额10万元）` },
      },
      poverty_registered: {
        rate: { value: 0.7, source: `${DOC} 二(三)`, assumed: true, reason: `${ASSISTANCE_REASON}（建档立卡贫困人口70%）` },
        annualLimit: { value: 50_000_00, source: `${DOC} 二(三)`, assumed: true, reason: `${ASSISTANCE_REASON}（年度限额5万元）` },
      },
      minimum_living: {
        rate: { value: 0.7, source: `${DOC} 二(三)`, assumed: true, reason: `${ASSISTANCE_REASON}（低保对象70%）` },
        annualLimit: { value: 50_000_00, source: `${DOC} 二(三)`, assumed: true, reason: `${ASSISTANCE_REASON}（年度限额5万元）` },
      },
      severe_disability: {
        rate: { value: 0.5, source: `${DOC} 二(三)`, assumed: true, reason: `${ASSISTANCE_REASON}（重度残疾人50%）` },
        annualLimit: { value: 20_000_00, source: `${DOC} 二(三)`, assumed: true, reason: `${ASSISTANCE_REASON}（年度限额2万元）` },
      },
    },
  },
  outOfList: null,
  referral: null,
} satisfies PolicyInput
