import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from './types'
import { AppError } from './errors'
import { markRoute } from './openapi'

export interface RateLimitOptions {
  /** Name of the budget (e.g. `sign-in`, `sms`, `lookups`, `estimates`). */
  bucket: string
  limit: number
  windowSeconds: number
  /** What to count by; defaults to the client IP. Hashed before it is stored. */
  key?: (c: Context<AppEnv>) => string | undefined
}

/**
 * Fixed-window rate limit stored in the database, so it holds across BFF instances and restarts.
 * Over the limit: 429 `RATE_LIMITED` with `Retry-After`.
 */
export function rateLimit({ bucket, limit, windowSeconds, key }: RateLimitOptions): MiddlewareHandler<AppEnv> {
  return markRoute<MiddlewareHandler<AppEnv>>(async (c, next) => {
    const { now, subjectRef, clientIp, rateLimitHit } = c.get('deps')
    const raw = key?.(c) ?? `ip:${clientIp(c)}`
    const { count, resetAt } = await rateLimitHit({ bucket, subject: subjectRef(raw), windowSeconds, now: now() })
    c.header('RateLimit-Limit', String(limit))
    c.header('RateLimit-Remaining', String(Math.max(0, limit - count)))
    if (count > limit) {
      c.header('Retry-After', String(Math.max(1, Math.ceil((resetAt.getTime() - now().getTime()) / 1000))))
      c.get('logger').warn({ bucket, count }, 'rate limited')
      throw new AppError('RATE_LIMITED', 429)
    }
    await next()
  }, 'rate-limit')
}
