import type {
  DisabilityGrade,
  DisabilityKind,
  EstimateInput,
  HospitalLevel,
  PolicyId,
  SpecialStatus,
} from '@yibao/shared'
import type { FieldErrors } from '../../api/form-rules'
import { EstimateInputSchema, yuanToFen } from '@yibao/shared'
import { parseFields } from '../../api/form-rules'

/** Why a 元 amount typed by the user was not accepted (the page turns it into a Chinese message). */
export type YuanProblem = 'required' | 'number' | 'decimals'

/** The four year-to-date amounts, in the order the form shows them. */
export const YTD_FIELDS = ['criticalBurden', 'criticalPaid', 'basicPaid', 'assistancePaid'] as const
export type YtdField = typeof YTD_FIELDS[number]

/** What the form holds: choices, and amounts as typed (元 text). */
export interface EstimateFormState {
  policy: PolicyId
  statuses: SpecialStatus[]
  /** 重度残疾人: kind, grade and 脱贫 state (asked where the policy counts only part of them); '' / null unanswered. */
  disability: { kind: DisabilityKind | '', grade: DisabilityGrade | null, poor: boolean | null }
  hospitalLevel: HospitalLevel
  referred: boolean
  total: string
  outOfList: string
  yearToDate: Record<YtdField, string>
}

/** The form as the page opens it for `policy`: nothing typed, a 三级 hospital, referred. */
export function blankEstimateForm(policy: PolicyId): EstimateFormState {
  return {
    policy,
    statuses: [],
    disability: { kind: '', grade: null, poor: null },
    hospitalLevel: 3,
    referred: true,
    total: '',
    outOfList: '',
    yearToDate: { criticalBurden: '', criticalPaid: '', basicPaid: '', assistancePaid: '' },
  }
}

const FULL_WIDTH_DIGIT = /[\uFF10-\uFF19]/g

/** Full-width digits and points (Chinese keyboards) to ASCII; spaces and thousands separators dropped. */
export function normaliseYuanText(text: string): string {
  return text
    .replace(FULL_WIDTH_DIGIT, d => String.fromCharCode(d.charCodeAt(0) - 0xFEE0))
    .replace(/[．。]/g, '.')
    .replace(/[－—]/g, '-')
    .replace(/[\s,，]/g, '')
}

/**
 * A 元 amount as typed → exact integer fen (no floating point), or the problem. Empty text is
 * `null` (the caller decides whether the field is required). Negative amounts are returned as such:
 * the shared schema rejects them with its own message.
 */
export function parseYuan(text: string): { fen: number } | { problem: Exclude<YuanProblem, 'required'> } | null {
  const t = normaliseYuanText(text)
  if (t === '') return null
  const m = /^-?\d+(?:\.(\d+))?$/.exec(t)
  if (!m) return { problem: 'number' }
  if ((m[1]?.length ?? 0) > 2) return { problem: 'decimals' }
  const fen = yuanToFen(t)
  return fen === null ? { problem: 'number' } : { fen }
}

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
