import type { ApiErrorBody, ErrorCode } from '@yibao/shared'
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv } from './types'
import { formatErrorMessage, UPSTREAM_SYSTEM_NAMES } from '@yibao/shared'
import { HTTPException } from 'hono/http-exception'
import { AppError, UpstreamError } from './errors'

function reply(c: Context<AppEnv>, code: ErrorCode, status: ContentfulStatusCode, params?: Record<string, string>, fields?: Record<string, string>) {
  const body: ApiErrorBody = { error: { code, message: formatErrorMessage(code, params), requestId: c.get('requestId') } }
  if (fields) body.error.fields = fields
  c.header('Cache-Control', 'no-store')
  return c.json(body, status)
}

const UPSTREAM_CODES = {
  timeout: ['UPSTREAM_TIMEOUT', 504],
  unavailable: ['UPSTREAM_UNAVAILABLE', 502],
  bad_response: ['UPSTREAM_BAD_RESPONSE', 502],
  rejected: ['UPSTREAM_REJECTED', 502],
} as const

function httpExceptionCode(err: HTTPException): ErrorCode {
  if (err.status === 413) return 'BODY_TOO_LARGE'
  if (err.status === 400 && /json/i.test(err.message)) return 'MALFORMED_JSON'
  if (err.status === 400 && /content-type/i.test(err.message)) return 'UNSUPPORTED_MEDIA_TYPE'
  if (err.status === 401) return 'UNAUTHENTICATED'
  if (err.status === 403) return 'FORBIDDEN'
  if (err.status === 404) return 'ROUTE_NOT_FOUND'
  if (err.status === 429) return 'RATE_LIMITED'
  return err.status < 500 ? 'VALIDATION_FAILED' : 'INTERNAL'
}

/** The only place that shapes an error reply. Never sends a stack trace or upstream wording. */
export function handleError(err: Error, c: Context<AppEnv>) {
  const log = c.get('logger')
  if (err instanceof AppError) {
    if (err.status >= 500) log?.error({ err, code: err.code }, 'request failed')
    return reply(c, err.code, err.status, err.options.params, err.options.fields)
  }
  if (err instanceof UpstreamError) {
    log?.warn({ system: err.system, kind: err.kind, upstream: err.detail.upstreamCode, upstreamMessage: err.detail.upstreamMessage, status: err.detail.status, cause: String(err.cause ?? '') }, 'upstream failed')
    const [code, status] = UPSTREAM_CODES[err.kind]
    return reply(c, code, status, { system: UPSTREAM_SYSTEM_NAMES[err.system] })
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode
    return reply(c, httpExceptionCode(err), status)
  }
  log?.error({ err }, 'unhandled error')
  return reply(c, 'INTERNAL', 500)
}
