import type { ApiErrorBody, ErrorCode } from '@yibao/shared'
import { ERROR_MESSAGES } from '@yibao/shared'

/** An error reply of the BFF (or a network failure), with the Chinese message to show. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(
    readonly code: ErrorCode | 'NETWORK',
    message: string,
    readonly status: number,
    readonly requestId?: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message)
  }
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  return typeof value === 'object' && value !== null && 'error' in value
    && typeof (value as ApiErrorBody).error?.code === 'string' && typeof (value as ApiErrorBody).error?.message === 'string'
}

/** The JSON type of the successful (2xx) variants of an `hc` response union. */
type OkBody<R> = R extends { ok: true, json: () => Promise<infer J> } ? J : never

/**
 * The one helper that turns an `hc` response into its typed JSON, or throws `ApiError` built from the
 * error envelope. Pass the promise of the call: network failures become `ApiError('NETWORK')` too.
 */
export async function unwrap<R extends { ok: boolean, status: number, json: () => Promise<unknown> }>(call: Promise<R>): Promise<OkBody<R>> {
  let res: R
  try {
    res = await call
  }
  catch {
    throw new ApiError('NETWORK', '网络连接失败，请检查网络后重试', 0)
  }
  const body: unknown = await res.json().catch(() => null)
  if (res.ok) return body as OkBody<R>
  if (isErrorBody(body)) {
    const e = body.error
    throw new ApiError(e.code, e.message, res.status, e.requestId, e.fields)
  }
  throw new ApiError('INTERNAL', ERROR_MESSAGES.INTERNAL, res.status)
}
