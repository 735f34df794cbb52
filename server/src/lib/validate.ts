import type { MiddlewareHandler, ValidationTargets } from 'hono'
import type { z } from 'zod'
import type { AppEnv } from './types'
import { zValidator } from '@hono/zod-validator'
import { resolver, uniqueSymbol } from 'hono-openapi'
import { fieldErrorsFromIssues, isCleanText, isStorableText, UNRECOGNISED_TEXT, useChineseZodErrors } from '@yibao/shared'
import { AppError } from './errors'

// Every request is validated here: zod words what a schema does not in Chinese (its zh-CN locale), everywhere.
useChineseZodErrors()

/** What a validator middleware checks: its target and schema (see {@link requestValidators}). */
export interface RequestValidator {
  target: keyof ValidationTargets
  schema: z.ZodType
}

const validators = new WeakMap<object, RequestValidator>()

/**
 * The validator a route handler is, if it is one made by {@link validate}: lets tests derive every
 * route's inputs from the app itself (`app.routes`) rather than from a list kept by hand.
 */
export function requestValidators(handler: unknown): RequestValidator | undefined {
  return typeof handler === 'function' ? validators.get(handler) : undefined
}

/** The path of the first string in `value` that no field may hold (NUL, a lone surrogate), or null. */
function unstorableTextAt(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
  if (typeof value === 'string') return isStorableText(value) ? null : path
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = unstorableTextAt(item, [...path, i])
      if (found) return found
    }
  }
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = unstorableTextAt(item, [...path, key])
      if (found) return found
    }
  }
  return null
}

/**
 * The one request validator every route uses: zod schema from `shared/`, failure thrown as
 * `VALIDATION_FAILED` so `onError` shapes the envelope (the zod-validator README's "throw" pattern).
 * Whatever the schema, valid input holding text that nothing can store (NUL, a lone surrogate) is refused
 * too, with `UNRECOGNISED_TEXT` on its field: a schema that forgot `CleanTextSchema` lets none reach PostgreSQL.
 */
export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(target: Target, schema: Schema) {
  const middleware = zValidator(target, schema, (result) => {
    if (!result.success)
      throw new AppError('VALIDATION_FAILED', 400, { fields: fieldErrorsFromIssues(result.error.issues), cause: result.error })
    const at = unstorableTextAt(result.data)
    if (at) {
      const fields = fieldErrorsFromIssues([{ path: at, message: UNRECOGNISED_TEXT }])
      throw new AppError('VALIDATION_FAILED', 400, { fields })
    }
  })
  validators.set(middleware, { target, schema })
  // hono-openapi reads a validator's target and schema from here into the OpenAPI document (lib/openapi.ts).
  Object.assign(middleware, { [uniqueSymbol]: { target, ...resolver(schema) } })
  return middleware
}

/**
 * Path segments are read as ids by routes (`c.req.param('id')`) without a schema: a segment that
 * decodes to a control character or to broken UTF-8 names nothing, so it is 404 before any route
 * looks it up (a NUL would otherwise reach PostgreSQL).
 */
export function cleanPathSegments(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const url = c.req.url
    const pathEnd = url.search(/[?#]/)
    const path = pathEnd === -1 ? url : url.slice(0, pathEnd)
    if (path.includes('%')) {
      for (const segment of path.split('/')) {
        let decoded: string
        try {
          decoded = decodeURIComponent(segment)
        }
        catch {
          throw new AppError('NOT_FOUND', 404)
        }
        if (!isCleanText(decoded)) throw new AppError('NOT_FOUND', 404)
      }
    }
    await next()
  }
}
