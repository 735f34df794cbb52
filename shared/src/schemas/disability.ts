import type { DisabilityFacts } from '../terms/disability'
import { z } from 'zod'
import { DISABILITY_GRADES, DISABILITY_KINDS } from '../terms/disability'

export {
  describeDisability,
  DISABILITY_GRADE_LABELS,
  DISABILITY_GRADES,
  DISABILITY_KIND_LABELS,
  DISABILITY_KINDS,
} from '../terms/disability'
export type { DisabilityFacts, DisabilityGrade, DisabilityKind } from '../terms/disability'

/** The facts of a disability status as the engine takes them. */
export const DisabilityFactsSchema = z.object({
  kind: z.enum(DISABILITY_KINDS, { error: '请选择残疾类别' }),
  grade: z.literal(DISABILITY_GRADES, { error: '请选择残疾等级' }),
  /** 未脱贫: the bureau's 贫困标志 says the person is still poor (`false`: 已脱贫, or never registered poor). */
  poor: z.boolean({ error: '请选择是否未脱贫' }),
}, { error: '残疾信息填写不正确' }) satisfies z.ZodType<DisabilityFacts>
