import type { ApiErrorBody, ErrorCode } from '@yibao/shared'
import { ERROR_MESSAGES } from '@yibao/shared'
import { shallowRef } from 'vue'

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

/** Who is told when a call finds the session over (401 UNAUTHENTICATED): the router sends the person to sign in. */
let sessionExpiredHandler: ((error: ApiError) => void) | null = null

/** Sets (or with `null` clears) the one handler of an ended session. */
export function onSessionExpired(handler: ((error: ApiError) => void) | null): void {
  sessionExpiredHandler = handler
}

/** The session ran out while the page sat idle (the idle warning's clock reached its end): as a 401 would. */
export function sessionEnded(): void {
  sessionExpiredHandler?.(new ApiError('UNAUTHENTICATED', ERROR_MESSAGES.UNAUTHENTICATED, 401))
}

/** When the BFF last answered (ms): every answer keeps the session alive, so idle time counts from here. */
export const lastServerContact = shallowRef(Date.now())

/**
 * Who is told when a call is refused because the resident has not agreed to the current 用户协议 and 隐私政策
 * (403 CONSENT_REQUIRED: never, withdrawn, or a new version): the router sends them to the consent page.
 */
let consentRequiredHandler: ((error: ApiError) => void) | null = null

/** Sets (or with `null` clears) the one handler of a missing consent. */
export function onConsentRequired(handler: ((error: ApiError) => void) | null): void {
  consentRequiredHandler = handler
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
  lastServerContact.value = Date.now()
  const body: unknown = await res.json().catch(() => null)
  if (res.ok) return body as OkBody<R>
  if (isErrorBody(body)) {
    const e = body.error
    const error = new ApiError(e.code, e.message, res.status, e.requestId, e.fields)
    if (res.status === 401 && e.code === 'UNAUTHENTICATED') sessionExpiredHandler?.(error)
    if (res.status === 403 && e.code === 'CONSENT_REQUIRED') consentRequiredHandler?.(error)
    throw error
  }
  throw new ApiError('INTERNAL', ERROR_MESSAGES.INTERNAL, res.status)
}
