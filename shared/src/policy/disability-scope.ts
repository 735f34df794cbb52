import type { DisabilityFacts, DisabilityGrade, DisabilityKind } from '../schemas/disability'
import type { SpecialStatus } from '../schemas/person'
import type { Cite } from './compile'
import type { DisabilityScope, Policy } from './policy-schema'
import { DISABILITY_GRADE_LABELS, DISABILITY_KIND_LABELS, describeDisability } from '../terms/disability'
import { cite } from './compile'

/**
 * A policy's scope of 重度残疾人 (`severeDisabilityScope`) applied to one person: a severe_disability status
 * outside the scope, or whose facts are unknown, counts as not held (东医保发〔2020〕56号 二(二) lists only
 * 未脱贫的一、二级重度残疾、三级智力残疾、三级精神残疾人员 among the 贫困人口). The note explains the decision
 * in the step of the clause that draws the line.
 */
export interface DisabilityScopeOutcome {
  statuses: readonly SpecialStatus[]
  /** `null` when the policy has no scope or the person holds no severe_disability status. */
  note: { outcome: 'in_scope' | 'out_of_scope' | 'unknown', text: string, cite: Cite } | null
}

/** `一、二级重度残疾、三级智力残疾、三级精神残疾`, prefixed with `未脱贫的` when only the poor count. */
export function describeDisabilityScope(scope: DisabilityScope): string {
  const parts: string[] = []
  /** `[1, 2]` → `一、二级`. */
  const grades = (gs: readonly DisabilityGrade[]) =>
    `${gs.map(g => DISABILITY_GRADE_LABELS[g].replace('级', '')).join('、')}级`
  if (scope.grades.length) parts.push(`${grades(scope.grades)}重度残疾`)
  for (const [kind, gs] of Object.entries(scope.gradesByKind) as [DisabilityKind, DisabilityGrade[]][]) {
    if (gs.length) parts.push(`${grades(gs)}${DISABILITY_KIND_LABELS[kind]}`)
  }
  return `${scope.poorOnly ? '未脱贫的' : ''}${parts.join('、')}人员`
}

/** Whether the facts fall in the scope (grade for any kind, or a grade listed for the kind; poor when required). */
export function inDisabilityScope(scope: DisabilityScope, d: DisabilityFacts): boolean {
  if (scope.poorOnly && !d.poor) return false
  return scope.grades.includes(d.grade) || (scope.gradesByKind[d.kind]?.includes(d.grade) ?? false)
}

/** The statuses the policy recognises for a person (see the module comment). */
export function applyDisabilityScope(
  policy: Policy,
  statuses: readonly SpecialStatus[],
  disability: DisabilityFacts | null | undefined,
): DisabilityScopeOutcome {
  const param = policy.severeDisabilityScope
  if (!param || !statuses.includes('severe_disability')) return { statuses, note: null }
  const scope = describeDisabilityScope(param.value)
  const ct = cite(param)
  const others = statuses.filter(s => s !== 'severe_disability')
  const fallback = others.length ? '按您的其他身份计算' : '按一般居民计算'
  if (!disability) {
    return {
      statuses: others,
      note: {
        outcome: 'unknown',
        text: `您登记为重度残疾人，但没有残疾类别、等级和是否脱贫的信息，无法确认是否属于${ct.source}所列的${scope}，暂不享受重度残疾人的贫困人口待遇，${fallback}。`,
        cite: ct,
      },
    }
  }
  const facts = describeDisability(disability)
  if (inDisabilityScope(param.value, disability)) {
    return {
      statuses,
      note: { outcome: 'in_scope', text: `您是${facts}，属于${ct.source}所列贫困人口中的${scope}。`, cite: ct },
    }
  }
  return {
    statuses: others,
    note: {
      outcome: 'out_of_scope',
      text: `您登记的残疾为${facts}，${ct.source}只把${scope}列为贫困人口，您不享受重度残疾人的贫困人口待遇，${fallback}。`,
      cite: ct,
    },
  }
}
