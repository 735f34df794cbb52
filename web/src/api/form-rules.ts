import type { FieldRule } from 'vant'
import type { FieldErrors } from '@yibao/shared'
import type { z } from 'zod'
import { fieldErrorsFromIssues, useChineseZodErrors } from '@yibao/shared'

// Forms check with the server's schemas and, like the server, in zod's zh-CN words where a schema has none.
useChineseZodErrors()

/** A Vant field rule from a shared zod schema: the same Chinese message on the client and the server. */
export function ruleFrom(schema: z.ZodType): FieldRule {
  return {
    validator: (value: unknown) => {
      const result = schema.safeParse(value)
      return result.success || (result.error.issues[0]?.message ?? '填写的信息有误')
    },
  }
}

export type { FieldErrors }

/**
 * Validates a whole form value with a shared zod schema: the parsed data, or the Chinese message of
 * each field keyed by its path (the same messages the BFF would send in `fields`).
 */
export function parseFields<S extends z.ZodType>(schema: S, value: unknown): { success: true, data: z.infer<S> } | { success: false, fields: FieldErrors } {
  const result = schema.safeParse(value)
  if (result.success) return { success: true, data: result.data }
  return { success: false, fields: fieldErrorsFromIssues(result.error.issues) }
}
