import { z } from 'zod'
import { SPECIAL_STATUSES } from '../terms/person'

export { SPECIAL_STATUS_LABELS, SPECIAL_STATUSES } from '../terms/person'
export type { SpecialStatus } from '../terms/person'

export const SpecialStatusSchema = z.enum(SPECIAL_STATUSES, { error: '人员身份类别不正确' })

/** Person category (人员类别) as normalised from the bureau's psn_type codes. */
export const PERSON_CATEGORIES = ['newborn', 'preschool', 'student', 'college_student', 'minor', 'adult', 'senior', 'employee', 'retiree', 'other'] as const
export const PersonCategorySchema = z.enum(PERSON_CATEGORIES)
export type PersonCategory = z.infer<typeof PersonCategorySchema>

export const PERSON_CATEGORY_LABELS: Record<PersonCategory, string> = {
  newborn: '新生儿',
  preschool: '学龄前儿童',
  student: '中小学生',
  college_student: '大学生',
  minor: '未成年人',
  adult: '成年居民',
  senior: '老年居民',
  employee: '在职职工',
  retiree: '退休人员',
  other: '其他人员',
}

/**
 * Enrolment status (人员参保状态). `pending` (待缴费) is ours, not the platform's: a benefit year not yet
 * paid while its collection is still open (see `benefitYearState`).
 */
export const ENROLMENT_STATUSES = ['not_enrolled', 'active', 'suspended', 'invalid', 'terminated', 'pending'] as const
export const EnrolmentStatusSchema = z.enum(ENROLMENT_STATUSES)
export type EnrolmentStatus = z.infer<typeof EnrolmentStatusSchema>

export const ENROLMENT_STATUS_LABELS: Record<EnrolmentStatus, string> = {
  not_enrolled: '未参保',
  active: '正常参保',
  suspended: '暂停参保',
  invalid: '无效参保',
  terminated: '终止参保',
  pending: '待缴费',
}

/** Insurance type (险种类型) codes we show; unknown codes keep their raw code and a generic label. */
export const INSURANCE_TYPE_LABELS: Record<string, string> = {
  310: '职工基本医疗保险',
  390: '城乡居民基本医疗保险',
  391: '城镇居民基本医疗保险',
  392: '城乡居民大病医疗保险',
}

/** One enrolment record (参保信息) as the BFF returns it. */
export const EnrolmentSchema = z.object({
  insuranceType: z.string(),
  insuranceTypeLabel: z.string(),
  category: PersonCategorySchema,
  categoryLabel: z.string(),
  status: EnrolmentStatusSchema,
  statusLabel: z.string(),
  /** `YYYY-MM-DD` when coverage started. */
  since: z.string().nullable(),
  pausedOn: z.string().nullable(),
  regionCode: z.string(),
  /** Balance of the account in fen (residents usually have none). */
  balance: z.number().int().meta({ description: '个人账户余额（分，整数）' }),
  unitName: z.string().nullable(),
})
export type Enrolment = z.infer<typeof EnrolmentSchema>

/** A person's profile as any client sees it: every identifier masked. */
export const PersonProfileSchema = z.object({
  name: z.string(),
  certNo: z.string(),
  sex: z.enum(['male', 'female', 'unknown']),
  birthDate: z.string().nullable(),
  age: z.number().int().nullable(),
  regionCode: z.string(),
  enrolments: z.array(EnrolmentSchema),
  statuses: z.array(z.object({ status: SpecialStatusSchema, label: z.string(), since: z.string().nullable(), until: z.string().nullable() })),
})
export type PersonProfile = z.infer<typeof PersonProfileSchema>

/** How a family member is related to the resident (per the household register, 户口簿). */
export const FAMILY_RELATIONS = ['spouse', 'child', 'grandchild', 'parent', 'grandparent', 'sibling', 'other'] as const
export type FamilyRelation = typeof FAMILY_RELATIONS[number]

export const FAMILY_RELATION_LABELS: Record<FamilyRelation, string> = {
  spouse: '配偶',
  child: '子女',
  grandchild: '孙子女/外孙子女',
  parent: '父母',
  grandparent: '祖父母/外祖父母',
  sibling: '兄弟姐妹',
  other: '其他亲属',
}

/** Status of a family link (亲情账户). */
export const FamilyLinkStatusSchema = z.enum(['pending_consent', 'active', 'declined', 'revoked'])
  .meta({ description: 'pending_consent：待对方同意；active：已生效；declined：已拒绝；revoked：已解除' })
export type FamilyLinkStatus = z.infer<typeof FamilyLinkStatusSchema>

/** A family link as the BFF returns it (masked). */
export const FamilyLinkViewSchema = z.object({
  id: z.string(),
  name: z.string().meta({ description: '姓名（脱敏）' }),
  certNo: z.string().meta({ description: '身份证号码（脱敏）；对方发起的请求中为空字符串' }),
  relation: z.enum(FAMILY_RELATIONS),
  relationLabel: z.string(),
  status: FamilyLinkStatusSchema,
  createdAt: z.string().meta({ description: '添加时间（ISO 8601）' }),
})
export type FamilyLinkView = z.infer<typeof FamilyLinkViewSchema>
