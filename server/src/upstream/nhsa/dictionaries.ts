import type { DisabilityKind, EnrolmentStatus, FamilyRelation, PersonCategory, SpecialStatus } from '@yibao/shared'

/**
 * Code tables (代码表) of the national platform that the adapter normalises.
 * @see ../../../../../shared/reference/nhsa-interface.md §2.5 (outside the repo)
 */

/** 人员类别 psn_type: exact 4-digit codes first, then the 2-digit national prefix. */
const PSN_TYPE_EXACT: Record<string, PersonCategory> = {
  1401: 'newborn',
  1402: 'preschool',
  1403: 'student',
  1404: 'college_student',
  1405: 'minor',
  1204: 'retiree',
  1701: 'adult',
}
const PSN_TYPE_PREFIX: Record<string, PersonCategory> = {
  11: 'employee',
  12: 'retiree',
  13: 'retiree',
  14: 'minor',
  15: 'adult',
  16: 'senior',
  17: 'adult',
}

export function personCategoryFromPsnType(code: string): PersonCategory {
  return PSN_TYPE_EXACT[code] ?? PSN_TYPE_PREFIX[code.slice(0, 2)] ?? 'other'
}

/**
 * 人员参保状态 psn_insu_stas. Sources disagree on 3 (无效 vs 终止); we follow BusinessConst
 * (0 未参保, 1 正常, 2 暂停, 3 无效, 4 终止). Unknown codes are treated as not covered.
 */
const INSU_STATUS: Record<string, EnrolmentStatus> = {
  0: 'not_enrolled',
  1: 'active',
  2: 'suspended',
  3: 'invalid',
  4: 'terminated',
}

export function enrolmentStatusFromCode(code: string): EnrolmentStatus {
  return INSU_STATUS[code] ?? 'not_enrolled'
}

/**
 * 人员身份类别 psn_idet_type. The national table is unverified; these are the codes our sandbox and
 * the pilot regions' test environments use. Unknown codes are ignored (logged by the caller).
 */
export const IDET_TYPES: Record<string, SpecialStatus> = {
  2101: 'poverty_registered',
  2201: 'minimum_living',
  2301: 'extreme_poverty',
  2401: 'severe_disability',
  2501: 'marginal',
}

/**
 * 残疾类别 dsab_type of a 重度残疾人 row (the sandbox's field and codes, in the order of GB/T 26341-2010; the
 * national 1101 has none): with the grade it decides whether a policy counts the person (东医保发〔2020〕56号 二(二)).
 */
export const DSAB_TYPES: Record<string, DisabilityKind> = {
  1: 'visual',
  2: 'hearing',
  3: 'speech',
  4: 'physical',
  5: 'intellectual',
  6: 'mental',
  7: 'multiple',
}

/** 1160 rlts (GB/T 4761 groups) → family relation of the member to the asker. */
const FAMILY_RLTS: Record<string, FamilyRelation> = {
  10: 'spouse',
  20: 'child',
  40: 'grandchild',
  50: 'parent',
  60: 'grandparent',
  70: 'sibling',
}

export function familyRelationFromCode(code: string): FamilyRelation {
  return FAMILY_RLTS[code] ?? 'other'
}
