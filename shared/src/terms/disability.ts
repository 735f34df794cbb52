// Disability kinds and grades, in words, without zod (see ./README.md): the estimate screen shows them at start;
// schemas/disability.ts builds its schema from them.

/**
 * What the bureau records of a 重度残疾人 status besides the status itself: the disability kind (残疾类别,
 * the seven kinds of GB/T 26341-2010), its grade (残疾等级, 一级 = most severe … 四级) and whether the
 * person is still poor (贫困标志: 未脱贫). A policy may grant its preferences only to part of the status:
 * 东医保发〔2020〕56号 二(二) counts as 贫困人口 only 未脱贫的一、二级重度残疾、三级智力残疾、三级精神残疾人员.
 */
export const DISABILITY_KINDS = [
  'visual',
  'hearing',
  'speech',
  'physical',
  'intellectual',
  'mental',
  'multiple',
] as const
export type DisabilityKind = typeof DISABILITY_KINDS[number]

export const DISABILITY_KIND_LABELS: Record<DisabilityKind, string> = {
  visual: '视力残疾',
  hearing: '听力残疾',
  speech: '言语残疾',
  physical: '肢体残疾',
  intellectual: '智力残疾',
  mental: '精神残疾',
  multiple: '多重残疾',
}

export const DISABILITY_GRADES = [1, 2, 3, 4] as const
export type DisabilityGrade = typeof DISABILITY_GRADES[number]

export const DISABILITY_GRADE_LABELS: Record<DisabilityGrade, string> = { 1: '一级', 2: '二级', 3: '三级', 4: '四级' }

/** The facts of a disability status as the engine takes them (checked by `DisabilityFactsSchema`). */
export interface DisabilityFacts {
  kind: DisabilityKind
  grade: DisabilityGrade
  /** 未脱贫: the bureau's 贫困标志 says the person is still poor (`false`: 已脱贫, or never registered poor). */
  poor: boolean
}

/** `二级肢体残疾（未脱贫）` — how explanations name the facts. */
export function describeDisability(d: DisabilityFacts): string {
  return `${DISABILITY_GRADE_LABELS[d.grade]}${DISABILITY_KIND_LABELS[d.kind]}（${d.poor ? '未脱贫' : '已脱贫或非贫困人口'}）`
}
