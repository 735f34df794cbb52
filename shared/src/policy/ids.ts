/** Identifiers of the policies the engine knows. The order is the order of `listPolicies()`. */
export const POLICY_IDS = ['dongying-2020', 'fengxiang-2020', 'guizhou-2019'] as const

/** Identifier of a known policy. */
export type PolicyId = (typeof POLICY_IDS)[number]

/** Hospital level (医院级别): 1 一级 (township), 2 二级 (county), 3 三级 (city and above). */
export type HospitalLevel = 1 | 2 | 3

/** Ordered list of hospital levels. */
export const HOSPITAL_LEVELS = [1, 2, 3] as const
