import type { EstimateResult } from '../policy/api-schemas'
import type { HospitalLevel, PolicyId } from '../policy/ids'
import type { YearToDate } from '../policy/settlement'
import type { SpecialStatus } from './person'
import { z } from 'zod'
import { YearSchema } from './common'
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

/** One slip in a list. */
export interface SlipSummary {
  /** setl_id 结算ID. */
  id: string
  settledAt: string
  admittedAt: string | null
  dischargedAt: string | null
  hospitalName: string
  medType: string
  medTypeLabel: string
  total: number
  fundPay: number
  personalCash: number
}

/** A page of slips of one person and year. */
export interface SlipListView {
  year: number
  page: number
  pageSize: number
  /** Slips of the year in all pages. */
  total: number
  items: SlipSummary[]
}

/** One fund of `setldetail`, summed by code. */
export interface SlipFundLine {
  code: string
  /** Our own name of the code, or 其他 when the code is unknown. */
  label: string
  group: SlipFundGroup
  known: boolean
  amount: number
}

/** Amounts printed on a slip (fen). */
export interface SlipAmounts {
  /** 医疗费总额. */
  total: number
  /** 全自费金额 (out of the lists). */
  outOfList: number
  /** 超限价自费. */
  overLimit: number
  /** 先行自付 (乙类). */
  preSelfPay: number
  /** 符合政策范围金额. */
  inPolicy: number
  /** 本次起付线. */
  deductible: number
  /** 基本医保统筹基金支出. */
  basic: number
  /** 大病保险. */
  critical: number
  /** 医疗救助. */
  assistance: number
  /** 其他支出. */
  other: number
  /** 基金支付总额. */
  fundTotal: number
  /** 医院负担. */
  hospital: number
  /** 个人负担总金额. */
  personalBurden: number
  /** 个人账户支出. */
  account: number
  /** 个人现金支出. */
  personalCash: number
}

/** A settlement slip in the 一站式结算单 layout. */
export interface SlipView {
  id: string
  mdtrtId: string
  /** Short code that lets anyone check the slip's totals (`GET /api/v1/slips/verify/:code`). */
  verificationCode: string
  person: { name: string, certNo: string, sex: 'male' | 'female' | 'unknown', age: number | null }
  hospital: { code: string | null, name: string, level: HospitalLevel | null, grade: string | null }
  medType: string
  medTypeLabel: string
  diagnosis: string | null
  admittedAt: string | null
  dischargedAt: string | null
  settledAt: string
  /** 住院天数 (calendar days between admission and discharge). */
  days: number | null
  /** 参保地. */
  regionCode: string | null
  /** 统筹基金支付比例 as the slip states it (0–1), `null` when absent. */
  basicRate: number | null
  amounts: SlipAmounts
  /** `setldetail` summed by code, in the order of the groups. */
  fundLines: SlipFundLine[]
  /** `setldetail` summed by group. */
  fundGroups: Record<SlipFundGroup, number>
}

/** The tiers the explanation compares. */
export const SLIP_COMPARED = ['deductible', 'basic', 'critical', 'assistance', 'hospital', 'personal'] as const
/** A compared tier. */
export type SlipComparedKey = typeof SLIP_COMPARED[number]

/** One tier: the bureau's figure next to the published policy's. */
export interface SlipComparisonRow {
  key: SlipComparedKey
  bureau: number
  policy: number
  /** bureau − policy (fen). */
  difference: number
  matches: boolean
}

/** Why a slip cannot be explained with a published policy. */
export type SlipExplanationGap = 'no_policy' | 'unknown_level' | 'not_inpatient'

/** "看懂这张结算单": the policy engine run for this stay, compared tier by tier with the slip. */
export interface SlipExplanation {
  id: string
  status: 'match' | 'differs' | 'unavailable'
  gap: SlipExplanationGap | null
  policy: { id: PolicyId, title: string } | null
  /** Statuses in force on the settlement day; `appliedStatus` is the one the policy applied (就高). */
  statuses: SpecialStatus[]
  hospitalLevel: HospitalLevel | null
  /** Earlier slips of the same year whose amounts were carried into this one. */
  priorSlips: number
  /** Year-to-date accumulations before this stay (from the earlier slips). */
  yearToDate: YearToDate
  /** Paid by funds outside the published policy (counted before comparing the personal share). */
  otherFunds: number
  estimate: EstimateResult | null
  rows: SlipComparisonRow[]
}

/** Result of the public slip check (no personal data). */
export interface SlipVerification {
  valid: boolean
}

/** `?member=` of the slip routes: the family link, or absent for oneself. */
export const SlipMemberQuerySchema = z.object({
  member: CleanTextSchema('家庭成员编号不正确').trim().min(1, '家庭成员编号不正确').max(64, '家庭成员编号不正确').optional(),
})

const PageNumberSchema = z.coerce.number({ error: '页码必须是数字' }).int('页码必须是整数').min(1, '页码不能小于1').max(10_000, '页码过大')

/** Query of the slip list. `year` defaults to the current year. */
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
  printedAt: '打印时间',
  footer: '本结算单根据医疗保障信息平台的结算数据生成，金额单位为元。',
  none: '—',
} as const
