import type { DisabilityGrade, DisabilityKind, HospitalLevel, PolicyId, SpecialStatus } from '@yibao/shared'
import { yuanToFen } from '@yibao/shared'

// The form's state and its amounts as typed, without zod: the page shows them at start. Its checks (the shared
// schema) are in estimate-checks.ts, which the page loads on first use.

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
