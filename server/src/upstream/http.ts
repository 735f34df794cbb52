import type { UpstreamSystem } from '@yibao/shared'
import type { Logger } from '../lib/logger'
import http from 'node:http'
import https from 'node:https'
import { UpstreamError } from '../lib/errors'
import { observeUpstream } from '../lib/metrics'

export interface UpstreamCallOptions {
  system: UpstreamSystem
  url: string
  /** JSON body; omitted = GET. */
  body?: unknown
  timeoutMs: number
  logger: Logger
  headers?: Record<string, string>
  /** Label for logs (e.g. the transaction number); never PII. */
  operation: string
}

// Keep-alive pools per protocol: node:http is several times cheaper per call than WHATWG fetch,
// and MSW still intercepts it in tests (ClientRequest interceptor).
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64, keepAliveMsecs: 10_000 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64, keepAliveMsecs: 10_000 }),
}

interface RawResponse { status: number, headers: http.IncomingHttpHeaders, body: Buffer }

/**
 * Sends once more, on a new connection, when a kept-alive connection was found closed: the system dropped it as
 * idle just as we reused it (ECONNRESET before any answer), so it never read this request. Node's documented way
 * (`request.reusedSocket`); any other failure is the caller's.
 */
async function send(
  method: 'GET' | 'POST',
  url: URL,
  payload: string | null,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<RawResponse> {
  try {
    return await sendOnce(method, url, payload, headers, signal)
  }
  catch (error) {
    if (!(error instanceof StaleSocketError) || signal.aborted) throw error instanceof StaleSocketError ? error.cause : error
    return sendOnce(method, url, payload, headers, signal, false)
  }
}

class StaleSocketError extends Error {}

function sendOnce(
  method: 'GET' | 'POST',
  url: URL,
  payload: string | null,
  headers: Record<string, string>,
  signal: AbortSignal,
  mayReuse = true,
): Promise<RawResponse> {
  const mod = url.protocol === 'https:' ? https : http
  const bodyHeaders = payload === null
    ? {}
    : { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(payload)) }
  return new Promise((resolve, reject) => {
    let answered = false
    const req = mod.request(url, {
      method,
      agent: agents[url.protocol as 'http:' | 'https:'],
      headers: { accept: 'application/json', ...bodyHeaders, ...headers },
      signal,
    }, (res) => {
      answered = true
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
      res.on('aborted', () => reject(new Error('response aborted')))
    })
    req.on('error', (error: NodeJS.ErrnoException) => {
      const stale = mayReuse && req.reusedSocket && !answered && error.code === 'ECONNRESET'
      reject(stale ? new StaleSocketError('kept-alive connection closed by the peer', { cause: error }) : error)
    })
    req.end(payload ?? undefined)
  })
}

/**
 * Calls a bureau system (POST with a JSON body, or GET without one) and returns the parsed JSON body. Every failure becomes an
 * `UpstreamError`: timeout (our deadline, whole exchange), unavailable (network error or HTTP 5xx),
 * rejected (other non-2xx) or bad_response (a body that is not JSON).
 */
export async function callJson({ system, url, body, timeoutMs, logger, headers = {}, operation }: UpstreamCallOptions): Promise<unknown> {
  const started = performance.now()
  const signal = AbortSignal.timeout(timeoutMs)
  let raw: RawResponse
  try {
    raw = body === undefined ? await send('GET', new URL(url), null, headers, signal) : await send('POST', new URL(url), JSON.stringify(body), headers, signal)
  }
  catch (cause) {
    const timedOut = signal.aborted
    logger.warn({ system, operation, ms: Math.round(performance.now() - started), timedOut }, 'upstream call failed')
    observeUpstream(system, timedOut ? 'timeout' : 'unavailable', started)
    throw new UpstreamError(system, timedOut ? 'timeout' : 'unavailable', { cause })
  }
  const res = { status: raw.status, text: raw.body.toString('utf8') }
  logger.debug({ system, operation, status: res.status, ms: Math.round(performance.now() - started) }, 'upstream call')
  const outcome = statusOutcome(res.status)
  if (outcome !== 'ok') {
    observeUpstream(system, outcome, started)
    throw new UpstreamError(system, outcome, { status: res.status, upstreamMessage: res.text.slice(0, 200) })
  }
  try {
    const parsed = JSON.parse(res.text) as unknown
    observeUpstream(system, 'ok', started)
    return parsed
  }
  catch (cause) {
    observeUpstream(system, 'bad_response', started)
    throw new UpstreamError(system, 'bad_response', { status: res.status, upstreamMessage: res.text.slice(0, 200), cause })
  }
}

/** An answer's outcome by its status: 5xx the system is unavailable, other non-2xx it refused the call. */
function statusOutcome(status: number): 'ok' | 'unavailable' | 'rejected' {
  if (status >= 500) return 'unavailable'
  return status < 200 || status >= 300 ? 'rejected' : 'ok'
}

/** Options of `callRaw`: the exact request to send. */
export interface UpstreamRawCallOptions {
  system: UpstreamSystem
  method: 'GET' | 'POST'
  url: string
  /** Exact body text to send (JSON, `content-type: application/json`); omit for none. */
  body?: string
  timeoutMs: number
  logger: Logger
  headers?: Record<string, string>
  /** Label for logs; never PII. */
  operation: string
}

/** An upstream answer as received: any status, lower-case headers, the raw body bytes. */
export interface UpstreamRawResponse {
  status: number
  /** Lower-case header names; repeated headers other than set-cookie are joined by Node. */
  headers: Record<string, string | string[] | undefined>
  /** Raw body bytes (signatures are computed over these, never over re-serialized JSON). */
  body: Buffer
  /** `body` as UTF-8 text. */
  text: string
}

/**
 * Lower-level call for adapters that must see the raw answer (signed APIs such as WeChat Pay): sends
 * `body` byte for byte and returns status, headers and raw body whatever the status. Only transport
 * failures throw: `UpstreamError` timeout (our deadline, whole exchange) or unavailable (network error).
 */
export async function callRaw({ system, method, url, body, timeoutMs, logger, headers = {}, operation }: UpstreamRawCallOptions): Promise<UpstreamRawResponse> {
  const started = performance.now()
  const signal = AbortSignal.timeout(timeoutMs)
  let raw: RawResponse
  try {
    raw = await send(method, new URL(url), body ?? null, headers, signal)
  }
  catch (cause) {
    const timedOut = signal.aborted
    logger.warn({ system, operation, ms: Math.round(performance.now() - started), timedOut }, 'upstream call failed')
    observeUpstream(system, timedOut ? 'timeout' : 'unavailable', started)
    throw new UpstreamError(system, timedOut ? 'timeout' : 'unavailable', { cause })
  }
  logger.debug({ system, operation, status: raw.status, ms: Math.round(performance.now() - started) }, 'upstream call')
  // The adapter reads the answer (a signed error body is an answer); the metric counts it by its status.
  observeUpstream(system, statusOutcome(raw.status), started)
  return { status: raw.status, headers: raw.headers, body: raw.body, get text() { return raw.body.toString('utf8') } }
}
