// What a person is, in words, without zod (see ./README.md): screens show these at start; schemas/person.ts
// builds its schemas from them.

/**
 * Special statuses that change premiums and benefits. The identifiers are the public contract of the
 * estimate API (issue 3): 建档立卡, 低保, 特困, 重度残疾, 边缘/监测对象.
 */
export const SPECIAL_STATUSES = ['poverty_registered', 'minimum_living', 'extreme_poverty', 'severe_disability', 'marginal'] as const
export type SpecialStatus = typeof SPECIAL_STATUSES[number]

export const SPECIAL_STATUS_LABELS: Record<SpecialStatus, string> = {
  poverty_registered: '建档立卡贫困人口',
  minimum_living: '低保对象',
  extreme_poverty: '特困人员',
  severe_disability: '重度残疾人',
  marginal: '边缘易致贫人口（监测对象）',
}
