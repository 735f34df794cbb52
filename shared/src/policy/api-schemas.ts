import { z } from 'zod'
import { calendarDaySchema, FenSchema, RegionCodeSchema } from '../schemas/common'
import { DisabilityFactsSchema } from '../schemas/disability'
import type { SpecialStatus } from '../schemas/person'
import { SpecialStatusSchema } from '../schemas/person'
import { isFen } from './arithmetic'
import { POLICY_IDS } from './ids'
import { DisabilityScopeSchema, PolicySchema } from './policy-schema'

/**
 * Public API of the policy engine: input schemas (the same schema validates the browser form and the
 * server request; every message is Chinese and sits on the field's path) and result schemas.
 */

const MAX_FEN = 100_000_000_00

/** Integer fen with messages that name the field. */
function fenField(label: string) {
  return z
    .number({ error: `${label}必须是数字` })
    .int(`${label}必须精确到分（以“分”为单位的整数）`)
    .nonnegative(`${label}不能为负数`)
    .max(MAX_FEN, `${label}过大`)
}

/** Known policy id. */
export const PolicyIdSchema = z.enum(POLICY_IDS, { error: '暂不支持所选地区的医保政策' })

/** List of special statuses (may be empty). */
export const SpecialStatusListSchema = z
  .array(SpecialStatusSchema, { error: '人员身份必须是列表' })
  // A refinement, not `.max()`: zod runs length checks even on a non-array and would add a second message.
  .refine(a => a.length <= 10, '人员身份最多选择10项')

/** `YYYY-MM-DD` that is a real calendar date. */
export const PolicyDateSchema = calendarDaySchema('请填写日期')

/** Hospital level 1 | 2 | 3. */
export const HospitalLevelSchema = z.literal([1, 2, 3], { error: '医院级别只能是一级、二级或三级' })

/** Input of a premium quote. */
export const PremiumQuoteInputSchema = z.object({
  statuses: SpecialStatusListSchema,
  /** Kind, grade and 脱贫 state of a 重度残疾人 status (a policy may count only part of them). */
  disability: DisabilityFactsSchema.optional(),
  student: z.boolean({ error: '是否学生只能选“是”或“否”' }).optional(),
  birthDate: PolicyDateSchema.optional(),
})
/** Parsed premium-quote input. */
export type PremiumQuoteInput = z.infer<typeof PremiumQuoteInputSchema>

/** Amounts accumulated earlier in the same calendar year (fen). */
export const YearToDateSchema = z.object(
  {
    criticalBurden: fenField('今年已累计的个人负担合规费用'),
    criticalPaid: fenField('今年大病保险已支付金额'),
    basicPaid: fenField('今年基本医保已支付金额'),
    assistancePaid: fenField('今年医疗救助已支付金额'),
  },
  { error: '今年已累计的金额填写不正确' },
)
/** Parsed year-to-date amounts. */
export type YearToDateInput = z.infer<typeof YearToDateSchema>

/** Input of an inpatient settlement estimate. */
export const EstimateInputSchema = z
  .object({
    policy: PolicyIdSchema,
    statuses: SpecialStatusListSchema,
    disability: DisabilityFactsSchema.optional(),
    hospitalLevel: HospitalLevelSchema,
    referred: z.boolean({ error: '是否办理转诊只能选“是”或“否”' }).optional(),
    total: fenField('住院总费用'),
    outOfList: fenField('目录外费用'),
    yearToDate: YearToDateSchema.optional(),
  })
  .refine(v => v.outOfList <= v.total, {
    message: '目录外费用不能超过住院总费用',
    path: ['outOfList'],
    // Also check when other fields are wrong, as long as both amounts are valid.
    when: (payload) => {
      const v = payload.value as { total?: unknown, outOfList?: unknown } | undefined
      return isFen(v?.total) && isFen(v?.outOfList)
    },
  })
/** Parsed estimate input (pass it to `estimateSettlement(input.policy, input)`). */
export type EstimateInput = z.infer<typeof EstimateInputSchema>

// ---------------------------------------------------------------- results

const RateOutSchema = z.number().min(0).max(1)
const StepCommon = {
  /** A plain-Chinese sentence (amounts in 元). */
  text: z.string().min(1),
  /** Document and clause(s) the step applies. */
  source: z.string().min(1),
  /** Present when an assumed parameter was used. */
  assumed: z.literal(true).optional(),
  /** Why each assumed parameter has its value (one line each). */
  assumptions: z.array(z.string()).optional(),
}

/** Basic insurance step. */
export const BasicStepSchema = z.object({
  tier: z.literal('basic'),
  ...StepCommon,
  amount: FenSchema,
  total: FenSchema,
  inPolicy: FenSchema,
  hospitalLevel: HospitalLevelSchema,
  /** Deductible of this hospital level (the parameter). */
  deductible: FenSchema,
  /** Ratio applied (level ratio + any poverty bonus). */
  rate: RateOutSchema,
  rateBonus: RateOutSchema,
  /** Annual fund cap and what was left of it before this stay. */
  cap: FenSchema,
  capRemaining: FenSchema,
  capApplied: z.boolean(),
})

/** Part of the annual cumulative burden this stay adds inside one tier. */
export const CriticalSegmentSchema = z.object({ from: FenSchema, to: FenSchema, rate: RateOutSchema, amount: FenSchema })

/** Critical-illness step. */
export const CriticalStepSchema = z.object({
  tier: z.literal('critical'),
  ...StepCommon,
  amount: FenSchema,
  group: z.enum(['ordinary', 'poverty']),
  threshold: FenSchema,
  /** Tiers this stay adds to; segment amounts are before the annual cap and add up to `beforeCap`. */
  segments: z.array(CriticalSegmentSchema),
  /** Payout before the annual cap; `amount` is after it. */
  beforeCap: FenSchema,
  burdenBefore: FenSchema,
  burdenAfter: FenSchema,
  cap: FenSchema.nullable(),
  capApplied: z.boolean(),
})

/** Medical-assistance step. */
export const AssistanceStepSchema = z.object({
  tier: z.literal('assistance'),
  ...StepCommon,
  amount: FenSchema,
  kind: z.enum(['none', 'ratio', 'topUp']),
  /** ratio: remaining in-policy personal burden; topUp: total cost. */
  base: FenSchema,
  rate: RateOutSchema.nullable(),
  targetRatio: RateOutSchema.nullable(),
  /** topUp: the amount the three tiers must reach. */
  target: FenSchema.nullable(),
  limit: FenSchema.nullable(),
  limitApplied: z.boolean(),
})

/** Out-of-list costs borne by the hospital. */
export const HospitalStepSchema = z.object({
  tier: z.literal('hospital'),
  ...StepCommon,
  amount: FenSchema,
  outOfList: FenSchema,
  maxShare: RateOutSchema,
  allowed: FenSchema,
})

/** What the person pays. */
export const PersonalStepSchema = z.object({
  tier: z.literal('personal'),
  ...StepCommon,
  amount: FenSchema,
  appliedStatus: SpecialStatusSchema.nullable(),
})

/** Standard individual contribution. */
export const PremiumStandardStepSchema = z.object({
  tier: z.literal('premium'),
  ...StepCommon,
  amount: FenSchema,
  category: z.enum(['adult', 'student']),
})

/** Subsidy of the contribution. */
export const SubsidyStepSchema = z.object({
  tier: z.literal('subsidy'),
  ...StepCommon,
  amount: FenSchema,
  kind: z.enum(['full', 'fixed', 'none']),
  appliedStatus: SpecialStatusSchema.nullable(),
})

/** One explanation line of a settlement. */
export const SettlementStepSchema = z.discriminatedUnion('tier', [
  BasicStepSchema,
  CriticalStepSchema,
  AssistanceStepSchema,
  HospitalStepSchema,
  PersonalStepSchema,
])

/** One explanation line of a premium quote (tiers `premium`, `subsidy`, `personal`). */
export const PremiumStepSchema = z.discriminatedUnion('tier', [PremiumStandardStepSchema, SubsidyStepSchema, PersonalStepSchema])

/** Year-to-date amounts after a stay (fen). */
export const YearToDateResultSchema = z.object({
  criticalBurden: FenSchema,
  criticalPaid: FenSchema,
  basicPaid: FenSchema,
  assistancePaid: FenSchema,
})

/** Result of `estimateSettlement`. */
export const EstimateResultSchema = z
  .object({
    policy: PolicyIdSchema,
    total: FenSchema,
    outOfList: FenSchema,
    inPolicy: FenSchema,
    /** Deductible actually taken from the in-policy cost (≤ the level's deductible). */
    deductible: FenSchema,
    basicPay: FenSchema,
    /** inPolicy − basicPay: what critical illness accumulates over the year. */
    personalCompliantBurden: FenSchema,
    criticalPay: FenSchema,
    assistancePay: FenSchema,
    hospitalBorne: FenSchema,
    personalPay: FenSchema,
    /** The status whose rules were applied (就高), `null` without statuses. */
    appliedStatus: SpecialStatusSchema.nullable(),
    /** Year-to-date accumulations after this stay, to pass to the next estimate of the same year. */
    yearToDateAfter: YearToDateResultSchema,
    steps: z.array(SettlementStepSchema),
  })
  .refine(r => r.basicPay + r.criticalPay + r.assistancePay + r.hospitalBorne + r.personalPay === r.total, {
    message: 'parts must add up to the total',
    path: ['personalPay'],
  })
/** Result of `estimateSettlement`. */
export type EstimateResult = z.infer<typeof EstimateResultSchema>
/** One explanation line of a settlement. */
export type SettlementStep = z.infer<typeof SettlementStepSchema>
/** Basic insurance step. */
export type BasicStep = z.infer<typeof BasicStepSchema>
/** Critical-illness step. */
export type CriticalStep = z.infer<typeof CriticalStepSchema>
/** Part of a critical-illness step inside one tier. */
export type CriticalSegment = z.infer<typeof CriticalSegmentSchema>
/** Medical-assistance step. */
export type AssistanceStep = z.infer<typeof AssistanceStepSchema>
/** Hospital-borne out-of-list step. */
export type HospitalStep = z.infer<typeof HospitalStepSchema>
/** What the person pays (settlement or premium). */
export type PersonalStep = z.infer<typeof PersonalStepSchema>

/** Result of `quotePremium`. */
export const PremiumQuoteSchema = z
  .object({
    policy: PolicyIdSchema,
    category: z.enum(['adult', 'student']),
    standard: FenSchema,
    subsidy: FenSchema,
    due: FenSchema,
    appliedStatus: SpecialStatusSchema.nullable(),
    steps: z.array(PremiumStepSchema),
  })
  .refine(q => q.due === q.standard - q.subsidy, { message: 'due = standard − subsidy', path: ['due'] })
/** Result of `quotePremium`. */
export type PremiumQuote = z.infer<typeof PremiumQuoteSchema>
/** One explanation line of a premium quote. */
export type PremiumStep = z.infer<typeof PremiumStepSchema>
/** Standard-contribution step. */
export type PremiumStandardStep = z.infer<typeof PremiumStandardStepSchema>
/** Subsidy step. */
export type SubsidyStep = z.infer<typeof SubsidyStepSchema>

/** One entry of `listPolicies()`. */
export const PolicySummarySchema = z.object({
  id: PolicyIdSchema,
  title: z.string(),
  region: z.string(),
  regionCode: RegionCodeSchema,
  year: z.number().int(),
  source: z.string(),
})
/** One entry of `listPolicies()`. */
export type PolicySummary = z.infer<typeof PolicySummarySchema>

/** `GET /api/v1/policies`: every published policy. */
export const PolicyListSchema = z.array(PolicySummarySchema)

/** What an assumed parameter holds: a number (fen, rate, age), a word, a list of statuses or grades, or a scope. */
const AssumedValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.union([z.string(), z.number()])),
  DisabilityScopeSchema,
])

/** One parameter whose value the documents do not give, with why it has that value. */
export const AssumedParameterSchema = z.object({
  path: z.string().meta({ description: '参数在政策数据中的路径，如 basic.deductible.1' }),
  value: AssumedValueSchema,
  source: z.string().meta({ description: '依据文件及条款' }),
  reason: z.string().meta({ description: '为何取此值（一句中文）' }),
})

const policyShape = PolicySchema.shape
const subsidy = policyShape.premium.shape.subsidies.valueType
/** Every status has its subsidy: the record's keys spelled out, so the document lists them as properties. */
const SubsidiesSchema = z.object({
  poverty_registered: subsidy,
  minimum_living: subsidy,
  extreme_poverty: subsidy,
  severe_disability: subsidy,
  marginal: subsidy,
} satisfies Record<SpecialStatus, z.ZodType>).meta({ description: '各身份的个人缴费资助：full（全额）或金额（分）' })
/** `GET /api/v1/policies/:id`: a policy with every parameter, its clause and, for assumed ones, the reason. */
export const PolicyDetailSchema = z.object({
  id: PolicyIdSchema,
  title: z.string(),
  region: z.string(),
  regionCode: z.string(),
  year: z.number().int(),
  document: z.string().meta({ description: '引用条款所用的文件简称' }),
  source: z.string().meta({ description: '政策文件全称' }),
  settlementSource: z.string(),
  statusPriority: z.array(SpecialStatusSchema).meta({ description: '多种身份结果相同时的尝试顺序' }),
  parameters: z.object({
    multipleStatuses: policyShape.multipleStatuses,
    premium: policyShape.premium.extend({ subsidies: SubsidiesSchema }),
    basic: policyShape.basic,
    critical: policyShape.critical,
    assistance: policyShape.assistance,
    outOfList: policyShape.outOfList,
    referral: policyShape.referral,
  }).meta({ description: '各项参数：{ value, source, assumed?, reason? }，金额为分，比例为 0–1 的小数' }),
  assumptions: z.array(AssumedParameterSchema).meta({ description: '所有取假设值的参数' }),
})
/** A policy as `GET /api/v1/policies/:id` returns it. */
export type PolicyDetail = z.infer<typeof PolicyDetailSchema>
