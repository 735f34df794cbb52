// The estimate form's checks: the shared `EstimateInputSchema` (zod). The page imports them on first use (or when
// the person first touches the form), not with the page: /estimate's first screen does not parse and run ~90 KiB
// of zod.
import type { EstimateInput } from '@yibao/shared'
import type { FieldErrors } from '../../api/form-rules'
import type { EstimateFormState, YuanProblem } from './estimate-form'
import { EstimateInputSchema } from '@yibao/shared'
import { parseFields } from '../../api/form-rules'
import { normaliseYuanText, parseYuan, YTD_FIELDS } from './estimate-form'

/** Result of checking the form: the engine input, or problems per field path. */
export type EstimateFormCheck
  = | { ok: true, input: EstimateInput }
    | { ok: false, problems: Record<string, YuanProblem>, fields: FieldErrors }

/**
 * Turns the form into an `EstimateInput`: 元 text → fen, then the shared `EstimateInputSchema` (the
 * same schema and Chinese messages as the BFF). Year-to-date amounts are sent only when one is filled;
 * the others then count as 0. `problems` are the amount-format issues the schema cannot see (they win
 * over the schema's message for the same field); `fields` are the schema's own Chinese messages.
 */
export function checkEstimateForm(state: EstimateFormState): EstimateFormCheck {
  const problems: Record<string, YuanProblem> = {}
  const amount = (path: string, text: string, required: boolean): number | undefined => {
    const r = parseYuan(text)
    if (r === null) {
      if (required) problems[path] = 'required'
      return required ? undefined : 0
    }
    if ('problem' in r) {
      problems[path] = r.problem
      return undefined
    }
    return r.fen
  }
  const total = amount('total', state.total, true)
  const outOfList = amount('outOfList', state.outOfList, false)
  const ytdFilled = YTD_FIELDS.some(k => normaliseYuanText(state.yearToDate[k]) !== '')
  const yearToDate = ytdFilled
    ? Object.fromEntries(YTD_FIELDS.map(k => [k, amount(`yearToDate.${k}`, state.yearToDate[k], false)]))
    : undefined

  // The facts go with a 重度残疾人 status once all three are answered; otherwise the engine says it cannot count it.
  const d = state.disability
  const disability = state.statuses.includes('severe_disability') && d.kind && d.grade !== null && d.poor !== null
    ? { kind: d.kind, grade: d.grade, poor: d.poor }
    : undefined
  const parsed = parseFields(EstimateInputSchema, {
    policy: state.policy,
    statuses: state.statuses,
    disability,
    hospitalLevel: state.hospitalLevel,
    referred: state.referred,
    total,
    outOfList,
    yearToDate,
  })
  if (parsed.success && Object.keys(problems).length === 0) return { ok: true, input: parsed.data }
  const fields = parsed.success ? {} : parsed.fields
  for (const path of Object.keys(problems)) delete fields[path]
  return { ok: false, problems, fields }
}
