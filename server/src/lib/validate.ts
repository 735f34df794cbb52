import type { ValidationTargets } from 'hono'
import type { z } from 'zod'
import { zValidator } from '@hono/zod-validator'
import { fieldErrorsFromIssues } from '@yibao/shared'
import { AppError } from './errors'

/**
 * The one request validator every route uses: zod schema from `shared/`, failure thrown as
 * `VALIDATION_FAILED` so `onError` shapes the envelope (the zod-validator README's "throw" pattern).
 */
export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result) => {
    if (!result.success)
      throw new AppError('VALIDATION_FAILED', 400, { fields: fieldErrorsFromIssues(result.error.issues), cause: result.error })
  })
}
