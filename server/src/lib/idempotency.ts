import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from './types'
import { createHash } from 'node:crypto'
import { claimIdempotencyKey, finishIdempotencyKey, releaseIdempotencyKey } from '../storage/idempotency'
import { AppError } from './errors'
import { markRoute } from './openapi'

const KEY_RE = /^[\w-]{20,255}$/

/** Canonical JSON (sorted keys) so the same parameters hash alike whatever their order on the wire. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object')
    return `{${Object.keys(value).sort().map(k => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`
  return JSON.stringify(value)
}

/**
 * `Idempotency-Key` for money-moving POSTs (Stripe semantics, IETF draft status codes):
 * missing/malformed key → 400; same key + same body → the stored response again with
 * `Idempotent-Replayed: true`; same key + different body → 422; still running → 409.
 * 2xx and 4xx responses are stored; 5xx are not, so a retry with the same key re-drives the work
 * (which must itself be safe to repeat: orders keep their `out_trade_no`).
 */
export function idempotent(route: string, principalOf: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => string): MiddlewareHandler<AppEnv> {
  return markRoute<MiddlewareHandler<AppEnv>>(async (c, next) => {
    const key = c.req.header('idempotency-key')
    if (!key || !KEY_RE.test(key)) throw new AppError('IDEMPOTENCY_KEY_REQUIRED', 400)
    const text = await c.req.text()
    let body: unknown
    try {
      body = text ? JSON.parse(text) : null
    }
    catch {
      body = text
    }
    const { storage, now } = c.get('deps')
    const requestHash = createHash('sha256').update(`${c.req.method} ${route}\n${canonicalJson(body)}`).digest('base64url')
    const claim = await claimIdempotencyKey(storage.db, { principal: principalOf(c), route, key, requestHash, now: now() })
    if (claim.kind === 'mismatch') throw new AppError('IDEMPOTENCY_KEY_REUSED', 422)
    if (claim.kind === 'in_use') {
      c.header('Retry-After', '1')
      throw new AppError('IDEMPOTENCY_KEY_IN_USE', 409)
    }
    if (claim.kind === 'replay') {
      c.header('Idempotent-Replayed', 'true')
      c.header('Cache-Control', 'no-store')
      return c.json(claim.record.responseBody as object, claim.record.responseStatus as 200)
    }
    c.set('idempotency', { id: claim.record.id, recoveryPoint: claim.record.recoveryPoint, resumed: claim.kind === 'resumed' })
    try {
      await next()
    }
    catch (error) {
      await releaseIdempotencyKey(storage.db, claim.record.id)
      throw error
    }
    const status = c.res.status
    if (status >= 500) {
      await releaseIdempotencyKey(storage.db, claim.record.id)
      return
    }
    const stored = await c.res.clone().json().catch(() => null)
    await finishIdempotencyKey(storage.db, claim.record.id, status, stored)
  }, 'idempotent')
}
