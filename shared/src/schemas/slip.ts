import type { HospitalLevel } from '../policy/ids'
import { z } from 'zod'
import {
  EstimateResultSchema,
  HospitalLevelSchema,
  PolicyIdSchema,
  YearToDateResultSchema,
} from '../policy/api-schemas'
import { fenReply, rateReply, ShanghaiTimeSchema, signedFenReply, YearSchema } from './common'
import { SpecialStatusSchema } from './person'
import { CleanTextSchema } from './text'

/**
 * Settlement slips (结算单, 一站式/一单制): the views the BFF returns, the request schemas of the slip
 * routes, and the code tables they display. Money is integer fen; times are ISO 8601 with `+08:00`.
 */

/** The 三重保障 parts a fund line belongs to, plus the hospital's share and funds outside the policy. */
export const SLIP_FUND_GROUPS = ['basic', 'critical', 'assistance', 'hospital', 'other'] as const
/** A part of the 一站式 split. */
export type SlipFundGroup = typeof SLIP_FUND_GROUPS[number]

/** Names of the parts as the slip prints them. */
export const SLIP_FUND_GROUP_LABELS: Record<SlipFundGroup, string> = {
  basic: '基本医保',
  critical: '大病保险',
  assistance: '医疗救助',
  hospital: '医院减免',
  other: '其他支付',
}

/** Label of a fund code no table lists (the bureau's own name for it is never shown). */
export const UNKNOWN_FUND_LABEL = '其他'

/**
 * fund_pay_type 基金支付类型 of resident settlements: national codes (nhsa-interface.md §2.5) and the local
 * `01`-suffixed and 9999xx codes seen in 一站式结算单 implementations. Codes not listed here are unknown:
 * they are summed in the `other` group and shown as 其他.
 */
export const FUND_PAY_TYPES: Record<string, { name: string, group: SlipFundGroup }> = {
  390100: { name: '城乡居民基本医疗保险基金', group: 'basic' },
  390200: { name: '城乡居民大病医疗保险基金', group: 'critical' },
  390201: { name: '大病保险', group: 'critical' },
  390300: { name: '城乡居民大病补充保险基金', group: 'other' },
  390400: { name: '意外伤害基金', group: 'other' },
  610100: { name: '医疗救助基金', group: 'assistance' },
  610101: { name: '医疗救助', group: 'assistance' },
  610102: { name: '医疗再救助', group: 'assistance' },
  610103: { name: '健康扶贫', group: 'assistance' },
  610104: { name: '精准脱贫', group: 'assistance' },
  620101: { name: '大病补充特惠保', group: 'other' },
  630101: { name: '医院减免', group: 'hospital' },
  640100: { name: '政府兜底基金', group: 'other' },
  640101: { name: '财政兜底', group: 'other' },
  910100: { name: '其他支付', group: 'other' },
  999996: { name: '医院垫付基金', group: 'other' },
  999997: { name: '其他基金', group: 'other' },
}

/** med_type 医疗类别 (nhsa-interface.md §2.5), with the common local extensions. */
export const MED_TYPE_LABELS: Record<string, string> = {
  11: '普通门诊',
  13: '急诊',
  14: '门诊慢特病',
  21: '普通住院',
  22: '外伤住院',
  23: '转外诊治住院',
  24: '急诊转住院',
  25: '异地住院',
  26: '单病种住院',
  41: '定点药店购药',
  51: '生育门诊',
  52: '生育住院',
  2101: '日间手术',
}

/** Hospital levels as residents know them. */
export const HOSPITAL_LEVEL_LABELS: Record<HospitalLevel, string> = { 1: '一级医院', 2: '二级医院', 3: '三级医院' }

/** An amount of the bureau's settlement as it sent it (integer fen; a reversal may be negative). */
const bureauFen = signedFenReply

/** One slip in a list. */
export const SlipSummarySchema = z.object({
  id: z.string().meta({ description: '结算编号（setl_id）' }),
  settledAt: ShanghaiTimeSchema.meta({ description: '结算时间' }),
  admittedAt: ShanghaiTimeSchema.nullable().meta({ description: '入院时间' }),
  dischargedAt: ShanghaiTimeSchema.nullable().meta({ description: '出院时间' }),
  hospitalName: z.string(),
  medType: z.string().meta({ description: '医疗类别代码（med_type）' }),
  medTypeLabel: z.string(),
  total: bureauFen('医疗费总额'),
  fundPay: bureauFen('基金支付总额'),
  personalCash: bureauFen('个人现金支付'),
})
/** One slip in a list. */
export type SlipSummary = z.infer<typeof SlipSummarySchema>

/** A page of slips of one person and year. */
export const SlipListViewSchema = z.object({
  year: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int().nonnegative().meta({ description: '该年度结算单总数（所有页）' }),
  items: z.array(SlipSummarySchema),
})
/** A page of slips of one person and year. */
export type SlipListView = z.infer<typeof SlipListViewSchema>

const SlipFundGroupSchema = z.enum(SLIP_FUND_GROUPS)

/** One fund of `setldetail`, summed by code. */
export const SlipFundLineSchema = z.object({
  code: z.string().meta({ description: '基金支付类型代码（fund_pay_type）' }),
  label: z.string().meta({ description: '本服务对该代码的名称，未知代码为“其他”' }),
  group: SlipFundGroupSchema,
  known: z.boolean(),
  amount: bureauFen('支付金额'),
})
/** One fund of `setldetail`, summed by code. */
export type SlipFundLine = z.infer<typeof SlipFundLineSchema>

/** Amounts printed on a slip (fen). */
export const SlipAmountsSchema = z.object({
  total: bureauFen('医疗费总额'),
  outOfList: bureauFen('全自费金额（目录外）'),
  overLimit: bureauFen('超限价自费'),
  preSelfPay: bureauFen('先行自付（乙类）'),
  inPolicy: bureauFen('符合政策范围金额'),
  deductible: bureauFen('本次起付线'),
  basic: bureauFen('基本医保统筹基金支出'),
  critical: bureauFen('大病保险'),
  assistance: bureauFen('医疗救助'),
  other: bureauFen('其他支出'),
  fundTotal: bureauFen('基金支付总额'),
  hospital: bureauFen('医院负担'),
  personalBurden: bureauFen('个人负担总金额'),
  account: bureauFen('个人账户支出'),
  personalCash: bureauFen('个人现金支出'),
})
/** Amounts printed on a slip (fen). */
export type SlipAmounts = z.infer<typeof SlipAmountsSchema>

/** A settlement slip in the 一站式结算单 layout. */
export const SlipViewSchema = z.object({
  id: z.string().meta({ description: '结算编号' }),
  mdtrtId: z.string().meta({ description: '就诊编号' }),
  verificationCode: z.string()
    .meta({ description: '校验码：任何人可凭它核验结算单金额（GET /api/v1/slips/verify/{code}）' }),
  person: z.object({
    name: z.string().meta({ description: '姓名（脱敏）' }),
    certNo: z.string().meta({ description: '身份证号码（脱敏）' }),
    sex: z.enum(['male', 'female', 'unknown']),
    age: z.number().int().nullable(),
  }),
  hospital: z.object({
    code: z.string().nullable(),
    name: z.string(),
    level: HospitalLevelSchema.nullable(),
    grade: z.string().nullable(),
  }),
  medType: z.string(),
  medTypeLabel: z.string(),
  diagnosis: z.string().nullable(),
  admittedAt: ShanghaiTimeSchema.nullable(),
  dischargedAt: ShanghaiTimeSchema.nullable(),
  settledAt: ShanghaiTimeSchema,
  days: z.number().int().nullable().meta({ description: '住院天数' }),
  regionCode: z.string().nullable().meta({ description: '参保地' }),
  basicRate: rateReply('统筹基金支付比例，结算单未给出时为 null').nullable(),
  amounts: SlipAmountsSchema,
  fundLines: z.array(SlipFundLineSchema).meta({ description: '基金支付明细，按代码合计，按分组排列' }),
  fundGroups: z.object({
    basic: bureauFen('基本医保合计'),
    critical: bureauFen('大病保险合计'),
    assistance: bureauFen('医疗救助合计'),
    hospital: bureauFen('医院减免合计'),
    other: bureauFen('其他支付合计'),
  } satisfies Record<SlipFundGroup, z.ZodType>).meta({ description: '基金支付按分组合计' }),
})
/** A settlement slip in the 一站式结算单 layout. */
export type SlipView = z.infer<typeof SlipViewSchema>

/** The tiers the explanation compares. */
export const SLIP_COMPARED = ['deductible', 'basic', 'critical', 'assistance', 'hospital', 'personal'] as const
/** A compared tier. */
export type SlipComparedKey = typeof SLIP_COMPARED[number]

/** One tier: the bureau's figure next to the published policy's. */
export const SlipComparisonRowSchema = z.object({
  key: z.enum(SLIP_COMPARED),
  bureau: bureauFen('结算单金额'),
  policy: fenReply('按公布政策测算的金额'),
  difference: signedFenReply('结算单金额 − 测算金额，可为负数'),
  matches: z.boolean(),
})
/** One tier: the bureau's figure next to the published policy's. */
export type SlipComparisonRow = z.infer<typeof SlipComparisonRowSchema>

/** Why a slip cannot be explained with a published policy. */
export const SLIP_EXPLANATION_GAPS = ['no_policy', 'unknown_level', 'not_inpatient'] as const
/** Why a slip cannot be explained with a published policy. */
export type SlipExplanationGap = typeof SLIP_EXPLANATION_GAPS[number]

/** "看懂这张结算单": the policy engine run for this stay, compared tier by tier with the slip. */
export const SlipExplanationSchema = z.object({
  id: z.string(),
  status: z.enum(['match', 'differs', 'unavailable']),
  gap: z.enum(SLIP_EXPLANATION_GAPS).nullable()
    .meta({ description: 'no_policy：参保地无公布政策；unknown_level：医院级别不明；not_inpatient：非住院' }),
  policy: z.object({ id: PolicyIdSchema, title: z.string() }).nullable(),
  statuses: z.array(SpecialStatusSchema).meta({ description: '结算当日有效的身份' }),
  hospitalLevel: HospitalLevelSchema.nullable(),
  priorSlips: z.number().int().nonnegative().meta({ description: '计入本次累计的同年度更早结算单张数' }),
  yearToDate: YearToDateResultSchema.meta({ description: '本次住院前的年度累计（分）' }),
  otherFunds: bureauFen('公布政策以外的基金支付（比较个人负担前扣除）'),
  estimate: EstimateResultSchema.nullable(),
  rows: z.array(SlipComparisonRowSchema),
})
/** "看懂这张结算单": the policy engine run for this stay, compared tier by tier with the slip. */
export type SlipExplanation = z.infer<typeof SlipExplanationSchema>

/** Result of the public slip check (no personal data). */
export const SlipVerificationSchema = z.object({
  valid: z.boolean().meta({ description: '本服务是否为这组结算编号和金额签发过该校验码' }),
})
/** Result of the public slip check (no personal data). */
export type SlipVerification = z.infer<typeof SlipVerificationSchema>

/** `?member=` of the slip routes: the family link, or absent for oneself. */
export const SlipMemberQuerySchema = z.object({
  member: CleanTextSchema('家庭成员编号不正确').trim().min(1, '家庭成员编号不正确').max(64, '家庭成员编号不正确').optional(),
})

const PageNumberSchema = z.coerce.number({ error: '页码必须是数字' }).int('页码必须是整数').min(1, '页码不能小于1').max(10_000, '页码过大')

/** The years of the slip list a resident can pick: this year and the four before it, newest first. */
export function slipYears(thisYear: number): number[] {
  return [0, 1, 2, 3, 4].map(n => thisYear - n)
}

/**
 * Query of the slip list. Without `year`: the newest of `slipYears` that has slips (a resident opening 结算单
 * in a year with no stay yet sees their last ones, not an empty page), or the current year when none has.
 */
export const SlipListQuerySchema = SlipMemberQuerySchema.extend({
  year: YearSchema.optional(),
  page: PageNumberSchema.default(1),
  pageSize: z.coerce.number({ error: '每页条数必须是数字' }).int('每页条数必须是整数').min(1, '每页条数不能小于1').max(50, '每页最多50条').default(10),
})
/** Parsed slip-list query. */
export type SlipListQuery = z.infer<typeof SlipListQuerySchema>

/** A verification code as printed (`XXXX-XXXX-XXXX`, Crockford base32, hyphens optional). */
export const SlipVerificationCodeSchema = CleanTextSchema('请填写校验码')
  .trim()
  .regex(/^[0-9A-Z]{4}-?[0-9A-Z]{4}-?[0-9A-Z]{4}$/i, '校验码应为12位字母和数字')

const YuanTextSchema = (label: string) => CleanTextSchema(`请填写${label}`)
  .trim()
  .min(1, `请填写${label}`)
  .regex(/^\d{1,10}(\.\d{1,2})?$/, `${label}应为金额，最多两位小数`)

/** What the checker reads off the paper slip, next to the code. */
export const SlipVerifyQuerySchema = z.object({
  setlId: CleanTextSchema('请填写结算编号').trim().min(1, '请填写结算编号').max(40, '结算编号不正确'),
  total: YuanTextSchema('医疗费总额'),
  personalCash: YuanTextSchema('个人现金支付'),
})

/** Text of the printed (PDF) 一站式结算单. The web page's own text lives in its locale files. */
export const SLIP_PRINT_LABELS = {
  title: '城乡居民基本医疗保险住院结算单（一站式结算）',
  setlId: '结算编号',
  settledAt: '结算时间',
  basicInfo: '基本信息',
  name: '姓名',
  sex: '性别',
  sexes: { male: '男', female: '女', unknown: '未知' },
  age: '年龄',
  ageValue: '{n}岁',
  certNo: '身份证号',
  region: '参保地',
  medType: '医疗类别',
  hospital: '定点医疗机构',
  grade: '医院等级',
  admittedAt: '入院日期',
  dischargedAt: '出院日期',
  days: '住院天数',
  daysValue: '{n}天',
  diagnosis: '出院诊断',
  costs: '费用信息',
  total: '医疗费总额',
  outOfList: '全自费金额',
  overLimit: '超限价自费',
  preSelfPay: '先行自付金额',
  inPolicy: '符合政策范围金额',
  deductible: '本次起付线',
  payments: '支付信息（基本医保、大病保险、医疗救助一站式结算）',
  basic: '基本医保统筹基金支付',
  basicRate: '统筹基金支付比例',
  critical: '大病保险支付',
  assistance: '医疗救助支付',
  other: '其他基金支付',
  fundTotal: '基金支付合计',
  hospitalPart: '医院负担金额',
  personalBurden: '个人负担合计',
  personalCash: '个人现金支付',
  funds: '基金支付明细',
  fundCode: '基金类型',
  fundName: '名称',
  fundAmount: '金额（元）',
  verification: '校验码',
  verificationHint: '凭结算编号、医疗费总额、个人现金支付和校验码可核验本结算单的真实性。',
  verifyQr: '扫描右侧二维码或访问其下方的网址，填写本结算单上的医疗费总额和个人现金支付即可核验。',
  printedAt: '打印时间',
  footer: '本结算单根据医疗保障信息平台的结算数据生成，金额单位为元。',
  none: '—',
} as const
