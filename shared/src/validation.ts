/** Field path (`certNo`, `yearToDate.basicPaid`) → the first Chinese message for it: the `fields` of the error envelope. */
export type FieldErrors = Record<string, string>

/** A zod issue as far as the messages need it (`code` as zod names it, e.g. `invalid_type`, `too_big`). */
export interface FieldIssue {
  path: readonly PropertyKey[]
  message: string
  code?: string
}

const HAN = /\p{Script=Han}/u

/**
 * What a field says when its schema gave no message of its own (zod's default wording is English and
 * never reaches a person): by the kind of problem, in plain Chinese.
 */
export const FALLBACK_FIELD_MESSAGES = {
  invalid_type: '填写的内容类型不正确',
  too_big: '填写的内容过长或过大',
  too_small: '填写的内容过短或过小',
  other: '填写的内容格式不正确',
} as const

/** The issue's own message when it is Chinese, else the fallback for its kind. */
export function chineseMessage(issue: FieldIssue): string {
  if (HAN.test(issue.message)) return issue.message
  const code = issue.code as keyof typeof FALLBACK_FIELD_MESSAGES | undefined
  return code && code in FALLBACK_FIELD_MESSAGES ? FALLBACK_FIELD_MESSAGES[code] : FALLBACK_FIELD_MESSAGES.other
}

/**
 * Turns zod issues into `fields`, the same on the server (error envelope) and in the browser (form
 * field messages). Issues without a path go under `_`. Every message is Chinese (see {@link chineseMessage}).
 */
export function fieldErrorsFromIssues(issues: readonly FieldIssue[]): FieldErrors {
  const fields: FieldErrors = {}
  for (const issue of issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : '_'
    fields[key] ??= chineseMessage(issue)
  }
  return fields
}
