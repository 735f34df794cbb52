import { z } from 'zod'
import { MobileSchema } from './common'
import { CleanTextSchema } from './text'

/**
 * 异地就医备案 (cross-region care registration), after domain notes §3 (医保发〔2022〕22号 as corroborated
 * by local pages; the four seed policies say nothing of it, so the numbers below are marked as such).
 * 长期 filings (异地安置退休, 常驻异地工作, 异地长期居住) have no end (长期有效); 临时 ones (异地转诊, other
 * temporary trips) last six months. Emergencies (急诊抢救) need no filing: they count as filed.
 */
export const CROSS_REGION_TYPES = ['retired_relocated', 'resident_worker', 'long_term_resident', 'referral', 'temporary'] as const
export type CrossRegionType = typeof CROSS_REGION_TYPES[number]

export const CROSS_REGION_TYPE_LABELS: Record<CrossRegionType, string> = {
  retired_relocated: '异地安置退休人员',
  resident_worker: '常驻异地工作人员',
  long_term_resident: '异地长期居住人员',
  referral: '异地转诊就医人员',
  temporary: '其他临时外出就医人员',
}

export const CROSS_REGION_TYPE_HINTS: Record<CrossRegionType, string> = {
  retired_relocated: '退休后户籍迁入异地定居，长期有效',
  resident_worker: '用人单位派驻异地工作，长期有效',
  long_term_resident: '在异地连续居住半年以上，凭个人承诺办理，长期有效',
  referral: '经参保地定点医院转诊到异地就医，有效期6个月',
  temporary: '因探亲、旅游等临时外出就医，有效期6个月',
}

/** Long-term filings have no end date. */
export function isLongTerm(type: CrossRegionType): boolean {
  return type === 'retired_relocated' || type === 'resident_worker' || type === 'long_term_resident'
}

/** The rule numbers, with where they come from. */
export const CROSS_REGION_RULES = {
  /** 临时外出就医 "原则上不少于6个月" (22号 as corroborated: 清远, 湘潭 pages). */
  temporaryMonths: { value: 6, assumed: false, source: '医保发〔2022〕22号：临时外出就医人员备案有效期原则上不少于6个月' },
  /** 承诺制 long-term filings: no change or cancellation for six months (a local rule; "原则上不超过6个月" nationally). */
  promiseLockMonths: { value: 6, assumed: true, source: '参保地可设定变更或取消的最短时限，原则上不超过6个月；采用上限' },
  /** 补办: a filing may start up to 30 days back (care already had, before 出院结算). */
  backdateDays: { value: 30, assumed: true, source: '允许出院结算前补办备案；补办期限文件未规定，取30天' },
  /** And at most 180 days ahead. */
  aheadDays: { value: 180, assumed: true, source: '文件未规定提前办理的期限，取180天' },
} as const

/** `YYYY-MM-DD` plus whole months, minus a day: the last day of a filing that starts on `start`. */
export function temporaryEndDate(start: string, months = CROSS_REGION_RULES.temporaryMonths.value): string {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number]
  const end = new Date(Date.UTC(y, m - 1 + months, d))
  // 31 August + 6 months has no 31 February: the filing then runs to the end of February.
  if (end.getUTCDate() !== d) end.setUTCDate(0)
  else end.setUTCDate(end.getUTCDate() - 1)
  return end.toISOString().slice(0, 10)
}

const DateSchema = CleanTextSchema('请选择开始日期').regex(/^\d{4}-\d{2}-\d{2}$/, '请选择开始日期')

/** A bound family member's link id. */
const MemberIdSchema = CleanTextSchema('家庭成员不存在').uuid('家庭成员不存在')

/** A filing as the resident fills it in (for themselves or a bound family member). */
export const CrossRegionFilingInputSchema = z.object({
  /** A bound family member's link id; absent for oneself. */
  memberId: MemberIdSchema.optional(),
  type: z.enum(CROSS_REGION_TYPES, { error: '请选择备案类型' }),
  /** 就医地: a 6-digit city (or county) code. */
  destination: CleanTextSchema('请选择就医地').regex(/^\d{6}$/, '请选择就医地'),
  startDate: DateSchema,
  phone: MobileSchema,
  address: CleanTextSchema('请填写异地居住地址', { multiline: true }).trim().max(100, '居住地址不超过100个字').optional(),
  referralHospital: CleanTextSchema('请填写转出医院名称').trim().max(60, '转出医院名称不超过60个字').optional(),
  promise: z.boolean().optional(),
}).superRefine((v, ctx) => {
  if (v.type === 'long_term_resident') {
    if (!v.address || v.address.length < 5) ctx.addIssue({ code: 'custom', path: ['address'], message: '请填写异地居住地址（至少5个字）' })
    if (v.promise !== true) ctx.addIssue({ code: 'custom', path: ['promise'], message: '请阅读并勾选个人承诺' })
  }
  if (v.type === 'referral' && (!v.referralHospital || v.referralHospital.length < 2)) ctx.addIssue({ code: 'custom', path: ['referralHospital'], message: '请填写转出医院名称' })
})
export type CrossRegionFilingInput = z.infer<typeof CrossRegionFilingInputSchema>

/** Cancelling (or changing) needs a reason, kept by the bureau. */
export const CrossRegionCancelInputSchema = z.object({
  memberId: MemberIdSchema.optional(),
  reason: CleanTextSchema('请填写撤销原因', { multiline: true }).trim().min(2, '请填写撤销原因（至少2个字）').max(100, '撤销原因不超过100个字'),
})
export type CrossRegionCancelInput = z.infer<typeof CrossRegionCancelInputSchema>

/** valid: in force today; upcoming: starts later; expired: past its end; cancelled: 已撤销. */
export const CROSS_REGION_STATUS_LABELS = {
  valid: '有效',
  upcoming: '未开始',
  expired: '已过期',
  cancelled: '已撤销',
} as const
export type CrossRegionStatus = keyof typeof CROSS_REGION_STATUS_LABELS
