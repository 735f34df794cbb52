import { z } from 'zod'
import { HospitalLevelSchema, PolicyIdSchema } from '../policy/api-schemas'
import { DayTextSchema, fenReply, rateReply, ShanghaiTimeSchema } from './common'
import { EnrolmentSchema, EnrolmentStatusSchema, PersonCategorySchema, SpecialStatusSchema } from './person'

/**
 * 参保/待遇查询 (`GET /api/v1/coverage`): what a resident (or a bound family member) is covered for — the
 * enrolment of this and other benefit years, the three tiers of their region's policy, this year's use of the
 * annual caps, 门诊慢特病 filings and next year's premium. Money is integer fen; rates are decimals 0–1.
 */

/** Days the fund pays for (inclusive). */
const BenefitPeriodSchema = z.object({ from: DayTextSchema, to: DayTextSchema })
  .meta({ description: '待遇享受期（含首尾两天）' })

/** A waiting period (等待期) after a late payment: an assumption of the app. */
export const WaitingPeriodSchema = z.object({
  from: DayTextSchema.meta({ description: '缴费日，等待期从此日开始' }),
  until: DayTextSchema.meta({ description: '等待期最后一天（此日前不享受待遇）' }),
  reason: z.literal('late_payment'),
  assumed: z.literal(true).meta({ description: '等待期为本应用的假设，政策文件未明确' }),
})

/** The three tiers a person is entitled to under their region's policy. */
export const EntitlementsSchema = z.object({
  policyId: PolicyIdSchema,
  policyTitle: z.string(),
  policyRegion: z.string(),
  document: z.string(),
  appliedStatus: SpecialStatusSchema.nullable().meta({ description: '享受待遇所依据的身份（就高），普通居民为 null' }),
  appliedStatusLabel: z.string().nullable(),
  basic: z.object({
    annualCap: fenReply('基本医保年度最高支付限额'),
    levels: z.array(z.object({
      level: HospitalLevelSchema,
      deductible: fenReply('起付线'),
      rate: rateReply('起付线以上的支付比例'),
    })),
    povertyBonus: z.boolean().meta({ description: '支付比例是否已含贫困人口提高部分' }),
  }),
  critical: z.object({
    group: z.enum(['ordinary', 'poverty']),
    threshold: fenReply('大病保险起付线'),
    segments: z.array(z.object({
      from: fenReply('分段起点'),
      to: fenReply('分段终点（不含）').nullable(),
      rate: rateReply('分段支付比例'),
    })),
    cap: fenReply('大病保险年度最高支付限额').nullable(),
  }),
  assistance: z.object({
    kind: z.enum(['none', 'ratio', 'topUp']),
    rate: rateReply('救助比例').nullable(),
    targetRatio: rateReply('三重保障合计应达到的比例').nullable(),
    limit: fenReply('医疗救助年度限额').nullable(),
  }),
  hospitalOutOfListShare: rateReply('目录外费用超过总费用此比例的部分由医院承担').nullable(),
  referralFromLevel: HospitalLevelSchema.nullable().meta({ description: '自此级别医院起须办理转诊' }),
  assumed: z.boolean().meta({ description: '部分参数为假设值，测算仅供参考' }),
})
export type EntitlementsView = z.infer<typeof EntitlementsSchema>

/** One benefit year of the yearly enrolment list. */
export const YearEnrolmentSchema = z.object({
  year: z.number().int(),
  status: EnrolmentStatusSchema,
  statusLabel: z.string(),
  insuranceType: z.string(),
  insuranceTypeLabel: z.string(),
  category: PersonCategorySchema.nullable(),
  categoryLabel: z.string().nullable(),
  regionCode: z.string(),
  paid: z.boolean(),
  amount: fenReply('已缴金额，未缴时为应缴金额；税务部门无该年度记录时为 null').nullable(),
  paidAt: ShanghaiTimeSchema.nullable(),
  fullyFunded: z.boolean().meta({ description: '财政代缴（政府全额资助）：个人无需缴费，已缴金额不是本人所缴' }),
  benefitPeriod: BenefitPeriodSchema.nullable(),
  waitingPeriod: WaitingPeriodSchema.nullable(),
})

/** This year's use of the annual caps. */
export const UsageProgressSchema = z.object({
  year: z.number().int(),
  basic: z.object({
    paid: fenReply('基本医保本年已支付'),
    cap: fenReply('年度最高支付限额'),
    remaining: fenReply('剩余额度'),
  }),
  critical: z.object({
    burden: fenReply('本年累计合规个人负担'),
    threshold: fenReply('大病保险起付线'),
    toThreshold: fenReply('距起付线还差'),
    reached: z.boolean(),
    paid: fenReply('大病保险本年已支付'),
    cap: fenReply('大病保险年度限额').nullable(),
  }),
  assistance: z.object({
    paid: fenReply('医疗救助本年已支付'),
    limit: fenReply('年度限额').nullable(),
    remaining: fenReply('剩余额度').nullable(),
  }).nullable().meta({ description: '非医疗救助对象为 null' }),
  inpatientTotal: fenReply('本年住院总费用'),
  inpatientStays: z.number().int().nonnegative().meta({ description: '本年住院次数' }),
})

/** The coming benefit year's premium. */
export const NextYearPremiumSchema = z.object({
  year: z.number().int(),
  status: z.enum(['paid', 'unpaid', 'not_open']).meta({ description: 'not_open：尚未开始征缴或暂无记录' }),
  amount: fenReply('已缴或应缴金额').nullable(),
  paidAt: ShanghaiTimeSchema.nullable(),
  fullyFunded: z.boolean().meta({ description: '财政代缴（政府全额资助）：个人无需缴费' }),
})

/** Everything about one person's coverage (masked). */
export const CoverageDataSchema = z.object({
  person: z.object({
    name: z.string().meta({ description: '姓名（脱敏）' }),
    certNo: z.string().meta({ description: '身份证号码（脱敏）' }),
    age: z.number().int().nullable(),
    regionCode: z.string(),
  }),
  year: z.number().int(),
  current: z.object({
    status: EnrolmentStatusSchema,
    statusLabel: z.string(),
    insuranceType: z.string().nullable(),
    insuranceTypeLabel: z.string().nullable(),
    category: PersonCategorySchema.nullable(),
    categoryLabel: z.string().nullable(),
    regionCode: z.string().nullable(),
    since: DayTextSchema.nullable(),
    benefitPeriod: BenefitPeriodSchema.nullable(),
    waitingPeriod: WaitingPeriodSchema.nullable(),
  }),
  enrolments: z.array(EnrolmentSchema).meta({ description: '医保信息平台当前的参保关系' }),
  years: z.array(YearEnrolmentSchema).meta({ description: '各待遇年度，新的在前' }),
  entitlements: EntitlementsSchema.nullable(),
  specialStatuses: z.array(z.object({
    status: SpecialStatusSchema,
    label: z.string(),
    since: DayTextSchema.nullable(),
    until: DayTextSchema.nullable(),
  })),
  chronic: z.array(z.object({
    code: z.string(),
    name: z.string(),
    since: DayTextSchema,
    until: DayTextSchema.nullable(),
    twoDiseases: z.boolean().meta({ description: '高血压、糖尿病门诊用药保障（两病）' }),
    active: z.boolean(),
  })).meta({ description: '门诊慢特病备案' }),
  usage: UsageProgressSchema.nullable(),
  nextYear: NextYearPremiumSchema,
})
/** Everything about one person's coverage (masked; cacheable per person, never across people). */
export type CoverageData = z.infer<typeof CoverageDataSchema>

/** `GET /api/v1/coverage`: the coverage of the person asked for, whose it is, and how fresh. */
export const CoverageViewSchema = CoverageDataSchema.extend({
  subject: z.object({
    channel: z.enum(['self', 'family']).meta({ description: 'self：本人；family：绑定的家庭成员' }),
    linkId: z.string().nullable().meta({ description: '家庭成员绑定编号，本人为 null' }),
  }),
  stale: z.boolean().meta({ description: 'true：医保或税务系统暂不可用，返回的是上次成功查询的结果' }),
  asOf: ShanghaiTimeSchema.meta({ description: '数据查询时间' }),
})
export type CoverageView = z.infer<typeof CoverageViewSchema>
