import type { Param } from '../policy/policy-schema'
import { z } from 'zod'
import { calendarDaySchema, DayTextSchema, MobileSchema } from './common'
import { DeskClerkSchema } from './desk-clerk'
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
  long_term_resident: '在异地长期居住，凭居住证明或个人承诺办理，长期有效',
  referral: '经参保地定点医院转诊到异地就医，有效期6个月',
  temporary: '因探亲、旅游等临时外出就医，有效期6个月',
}

/** Long-term filings have no end date. */
export function isLongTerm(type: CrossRegionType): boolean {
  return type === 'retired_relocated' || type === 'resident_worker' || type === 'long_term_resident'
}

/** 医保发〔2022〕22号, the national notice on cross-province direct settlement (domain notes §3.1). */
export const NATIONAL_CROSS_REGION_NOTICE = '医保发〔2022〕22号'

/** The rule numbers, with where they come from. */
export const CROSS_REGION_RULES = {
  /** 临时外出就医 "原则上不少于6个月" (22号 as corroborated: 清远, 湘潭 pages). */
  temporaryMonths: { value: 6, assumed: false, source: '医保发〔2022〕22号：临时外出就医人员备案有效期原则上不少于6个月' },
  /**
   * Only a long-term filing made on a personal promise (承诺制) is locked: the 参保地 may set a minimum time before
   * change or cancellation, "原则上不超过6个月" (a local rule; one page: filings on a 居住证 may be cancelled any time).
   */
  promiseLockMonths: { value: 6, assumed: true, source: '参保地可设定变更或取消的最短时限，原则上不超过6个月；采用上限，仅适用于个人承诺方式办理的长期备案' },
  /** And at most 180 days ahead. */
  aheadDays: { value: 180, assumed: true, source: '文件未规定提前办理的期限，取180天' },
} as const

/**
 * The rules of a 参保地 that may be stricter than the national ones, each a parameter with its source (or
 * `assumed` with its reason). `backdateDays`: how many days before today a filing may start (补办); `null` is the
 * national rule — no day count, the resident may file until the stay is settled (出院结算前补办).
 */
export interface CrossRegionRegionRules {
  backdateDays: Param<number | null>
}

/** The national rules, the default of every 参保地. */
export const NATIONAL_CROSS_REGION_REGION_RULES: CrossRegionRegionRules = Object.freeze({
  backdateDays: Object.freeze({
    value: null,
    source: `${NATIONAL_CROSS_REGION_NOTICE}：参保人员出院结算前补办异地就医备案的，就医地联网定点医疗机构应为其办理直接结算（补办不设天数限制）`,
  }),
})

/**
 * Stricter rules of particular 参保地, keyed by 6-digit division code (a province `520000`, a city `370500` or a
 * county; the most specific one applies). None of the seed documents sets one — the Dongying notice 六(二) only asks to
 * "优化异地就医登记备案", the Guizhou plan 二(六)/(八) to simplify and prioritise it — so every region follows the
 * national rule. An entry needs its `source` (document and clause), or `assumed: true` with a `reason`.
 */
export const CROSS_REGION_REGION_RULES: Readonly<Record<string, Partial<CrossRegionRegionRules>>> = Object.freeze({})

/** The rules of a 参保地: its own stricter ones where it has them (county, city, then province), else the national. */
export function crossRegionRulesFor(
  regionCode: string,
  table: Readonly<Record<string, Partial<CrossRegionRegionRules>>> = CROSS_REGION_REGION_RULES,
): CrossRegionRegionRules {
  const keys = [regionCode, `${regionCode.slice(0, 4)}00`, `${regionCode.slice(0, 2)}0000`]
  const own = keys.map(k => table[k]).find(r => r !== undefined) ?? {}
  return { ...NATIONAL_CROSS_REGION_REGION_RULES, ...own }
}

/**
 * 就医地 inside the 参保地's own 统筹区 (the same prefecture: the first 4 digits of the division codes) is not 异地:
 * refused on the field with `SAME_POOL_MESSAGE`, by the BFF and, before sending, by the form.
 */
export function insideInsuredPool(destination: string, insuredRegion: string): boolean {
  return destination.slice(0, 4) === insuredRegion.slice(0, 4)
}
export const SAME_POOL_MESSAGE = '就医地不能是参保地所在统筹区，请选择其他城市'

/**
 * 异地长期居住人员 file on a residence proof (居住证明: 居住证 or an equivalent document) or on a personal
 * promise (个人承诺) in its place (22号 as corroborated: 中山 "居住证 or《异地长期居住承诺书》"). The resident chooses.
 */
export const LONG_TERM_BASES = ['residence_proof', 'promise'] as const
export type LongTermBasis = typeof LONG_TERM_BASES[number]

export const LONG_TERM_BASIS_LABELS: Record<LongTermBasis, string> = {
  residence_proof: '居住证明',
  promise: '个人承诺',
}

/** Residence proofs a 异地长期居住 filing takes (the document's kind; its number goes with it). */
export const RESIDENCE_PROOF_KINDS = [
  'residence_permit',
  'property_certificate',
  'lease_registration',
  'community_certificate',
] as const
export type ResidenceProofKind = typeof RESIDENCE_PROOF_KINDS[number]

export const RESIDENCE_PROOF_KIND_LABELS: Record<ResidenceProofKind, string> = {
  residence_permit: '居住证',
  property_certificate: '不动产权证书（房产证）',
  lease_registration: '房屋租赁登记备案证明',
  community_certificate: '社区（村）出具的居住证明',
}

/** `A1********89`: a document number with its first two and last two characters kept. */
export function maskDocumentNumber(no: string): string {
  const chars = Array.from(no)
  if (chars.length <= 4) return '*'.repeat(chars.length)
  return `${chars.slice(0, 2).join('')}${'*'.repeat(chars.length - 4)}${chars.slice(-2).join('')}`
}

/** `YYYY-MM-DD` plus whole months, minus a day: the last day of a filing that starts on `start`. */
export function temporaryEndDate(start: string, months = CROSS_REGION_RULES.temporaryMonths.value): string {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number]
  const end = new Date(Date.UTC(y, m - 1 + months, d))
  // 31 August + 6 months has no 31 February: the filing then runs to the end of February.
  if (end.getUTCDate() !== d) end.setUTCDate(0)
  else end.setUTCDate(end.getUTCDate() - 1)
  return end.toISOString().slice(0, 10)
}

const DateSchema = calendarDaySchema('请选择开始日期', '请选择开始日期')

/** The basis a filing asks for: the one chosen, or a promise for a client sending only `promise: true` (as before). */
export function longTermBasisOf(v: { basis?: LongTermBasis, promise?: boolean }): LongTermBasis | undefined {
  return v.basis ?? (v.promise === true ? 'promise' : undefined)
}

/** The residence proof of a 异地长期居住 filing: its kind and number (masked in every answer and log). */
export const ResidenceProofSchema = z.object({
  kind: z.enum(RESIDENCE_PROOF_KINDS, { error: '请选择居住证明类型' }),
  number: CleanTextSchema('请填写居住证明编号').trim()
    .regex(/^[\dA-Za-z-]{4,30}$/, '居住证明编号应为4–30位字母、数字或“-”'),
}, { error: '请填写居住证明' })
export type ResidenceProof = z.infer<typeof ResidenceProofSchema>

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
  /** 异地长期居住: on a residence proof or on a personal promise (the resident chooses). */
  basis: z.enum(LONG_TERM_BASES, { error: '请选择办理方式' }).optional(),
  residenceProof: ResidenceProofSchema.optional(),
  promise: z.boolean().optional(),
  /**
   * 补办 (a start date before today): the resident confirms the stay has not been settled yet (出院结算前), the one
   * condition the national rule sets. The BFF checks it against its own day.
   */
  unsettled: z.boolean().optional(),
}).superRefine((v, ctx) => {
  if (v.type === 'long_term_resident') {
    if (!v.address || v.address.length < 5) ctx.addIssue({ code: 'custom', path: ['address'], message: '请填写异地居住地址（至少5个字）' })
    const basis = longTermBasisOf(v)
    if (!basis) ctx.addIssue({ code: 'custom', path: ['basis'], message: '请选择办理方式：居住证明或个人承诺' })
    if (basis === 'residence_proof' && !v.residenceProof)
      ctx.addIssue({ code: 'custom', path: ['residenceProof'], message: '请填写居住证明类型和编号' })
    if (basis === 'promise' && v.promise !== true)
      ctx.addIssue({ code: 'custom', path: ['promise'], message: '请阅读并勾选个人承诺' })
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

// ---------------------------------------------------------------- replies

const CROSS_REGION_STATUSES = ['valid', 'upcoming', 'expired', 'cancelled'] as const satisfies
  readonly CrossRegionStatus[]

/** A filing as the resident sees it (masked), with what may be done with it today. */
export const CrossRegionFilingViewSchema = z.object({
  id: z.string().meta({ description: '备案流水号' }),
  type: z.enum(CROSS_REGION_TYPES),
  typeLabel: z.string(),
  destination: z.string().meta({ description: '就医地区划代码（6位）' }),
  startDate: DayTextSchema,
  endDate: DayTextSchema.nullable().meta({ description: '结束日期；长期备案为 null（长期有效）' }),
  status: z.enum(CROSS_REGION_STATUSES).meta({ description: 'valid 有效；upcoming 未开始；expired 已过期；cancelled 已撤销' }),
  longTerm: z.boolean(),
  promise: z.boolean().meta({ description: '是否以个人承诺方式办理' }),
  basis: z.enum(LONG_TERM_BASES).nullable().meta({ description: '异地长期居住的办理方式；其他类型为 null' }),
  basisLabel: z.string().nullable(),
  residenceProof: z.object({
    kind: z.enum(RESIDENCE_PROOF_KINDS),
    kindLabel: z.string(),
    number: z.string().meta({ description: '证明编号（脱敏）' }),
  }).nullable(),
  address: z.string().nullable(),
  referralHospital: z.string().nullable(),
  phone: z.string().nullable().meta({ description: '联系电话（脱敏）' }),
  agentName: z.string().nullable().meta({ description: '代办人姓名（脱敏）' }),
  clerk: DeskClerkSchema.nullable().optional().meta({ description: '在医保服务窗口办理时的经办人；本人办理为 null' }),
  source: z.enum(['desk', 'app', 'web', 'other']).meta({ description: '申报渠道' }),
  createdAt: z.string().meta({ description: '申报时间（北京时间 yyyy-MM-dd HH:mm:ss）' }),
  cancelledAt: z.string().nullable().meta({ description: '撤销时间（北京时间 yyyy-MM-dd HH:mm:ss）；未撤销或医保信息平台未提供时为 null' }),
  cancelReason: z.string().nullable().meta({ description: '撤销原因；未撤销时为 null' }),
  lockedUntil: DayTextSchema.nullable().meta({ description: '承诺制长期备案在此日前不能变更或撤销；不受限为 null' }),
  canChange: z.boolean().meta({ description: '今天能否变更或撤销' }),
})
export type CrossRegionFilingView = z.infer<typeof CrossRegionFilingViewSchema>

/** The 备案 rules of the 参保地 today, for the form. */
export const CrossRegionRulesViewSchema = z.object({
  today: DayTextSchema,
  minStartDate: DayTextSchema.nullable().meta({ description: '最早开始日期；null：补办不设天数限制（出院结算前均可）' }),
  maxStartDate: DayTextSchema.meta({ description: '最晚开始日期' }),
  backdateDays: z.number().int().nullable().meta({ description: '参保地限定的补办天数；null：按国家规定不设天数' }),
  backdateSource: z.string().meta({ description: '补办规则的依据' }),
  backdateAssumed: z.boolean(),
  temporaryMonths: z.number().int().meta({ description: '临时备案有效月数' }),
  promiseLockMonths: z.number().int().meta({ description: '承诺制长期备案不能变更或撤销的月数' }),
})
export type CrossRegionRulesView = z.infer<typeof CrossRegionRulesViewSchema>

/** `GET /api/v1/cross-region/filings`: the 参保地, its rules today and the person's filings. */
export const CrossRegionFilingsViewSchema = z.object({
  insuredRegion: z.string().meta({ description: '参保地区划代码' }),
  rules: CrossRegionRulesViewSchema,
  filings: z.array(CrossRegionFilingViewSchema),
})
export type CrossRegionFilingsView = z.infer<typeof CrossRegionFilingsViewSchema>
