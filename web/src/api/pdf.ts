import { ERROR_MESSAGES } from '@yibao/shared'
import { ApiError, unwrap } from './errors'

/**
 * A PDF answer of the BFF (receipts, slips, 参保证明) as a blob with the answer's headers; the error envelope (or no
 * answer at all) as the one ApiError with its Chinese message, as any other call.
 */
export async function fetchPdf(call: Promise<Response>): Promise<{ blob: Blob, headers: Headers }> {
  const res = await call.catch(() => null)
  // No answer at all: `unwrap` says so in its one way (网络连接失败).
  if (!res) return unwrap(call).then(() => { throw new ApiError('INTERNAL', ERROR_MESSAGES.INTERNAL, 0) })
  if (!res.ok || !(res.headers.get('content-type') ?? '').startsWith('application/pdf')) {
    await unwrap(Promise.resolve(res))
    throw new ApiError('INTERNAL', ERROR_MESSAGES.INTERNAL, res.status)
  }
  return { blob: await res.blob(), headers: res.headers }
}
