/** Field path (`certNo`, `yearToDate.basicPaid`) → the first Chinese message for it: the `fields` of the error envelope. */
export type FieldErrors = Record<string, string>

/**
 * Turns zod issues into `fields`, the same on the server (error envelope) and in the browser (form
 * field messages). Issues without a path go under `_`.
 */
export function fieldErrorsFromIssues(issues: readonly { path: readonly PropertyKey[], message: string }[]): FieldErrors {
  const fields: FieldErrors = {}
  for (const issue of issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : '_'
    fields[key] ??= issue.message
  }
  return fields
}
