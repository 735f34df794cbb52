import type { ErrorCode, UpstreamSystem } from '@yibao/shared'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** A business or request error with a code from `shared/errors.ts`; `onError` turns it into the envelope. */
export class AppError extends Error {
  override readonly name = 'AppError'
  constructor(
    readonly code: ErrorCode,
    readonly status: ContentfulStatusCode,
    readonly options: { fields?: Record<string, string>, cause?: unknown, params?: Record<string, string> } = {},
  ) {
    super(code, { cause: options.cause })
  }
}

export type UpstreamErrorKind = 'timeout' | 'unavailable' | 'bad_response' | 'rejected'

/**
 * Any failure of a bureau system. `detail` is the upstream's own wording: logged (masked), never shown.
 */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError'
  constructor(
    readonly system: UpstreamSystem,
    readonly kind: UpstreamErrorKind,
    readonly detail: { upstreamCode?: string, upstreamMessage?: string, status?: number, cause?: unknown } = {},
  ) {
    super(`${system} ${kind}${detail.upstreamCode ? ` (${detail.upstreamCode})` : ''}`, { cause: detail.cause })
  }
}
