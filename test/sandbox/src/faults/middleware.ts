import type { Context, MiddlewareHandler } from 'hono'
import type { SandboxEnv, SandboxState } from '../state'
import type { FaultPlan } from './config'
import { NHSA_CALL_SERVICE_PATH } from '../nhsa/envelope'
import { describePlan, FAULT_APPLIED_HEADER, FAULT_HEADER, isEmptyPlan, MAX_FAULT_HOLD_MS, parseFaultHeader, planOf } from './config'

/**
 * Applies per-request (`X-Sandbox-Fault`) and run-wide faults to every bureau route. `/__sandbox/*`
 * is never faulted, so tests can always reset the sandbox.
 */
export function faultMiddleware(state: SandboxState): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    if (c.req.path.startsWith('/__sandbox')) return next()

    let plan: FaultPlan = {}
    const run = state.faults.run
    if (run && (await runFaultMatches(c.req.path, run.infno, () => c.req.text())) && state.random() < (run.rate ?? 1)) {
      plan = planOf(run)
    }
    const header = c.req.header(FAULT_HEADER)
    if (header !== undefined) {
      const parsed = parseFaultHeader(header)
      if (!parsed.ok) return c.text(`invalid ${FAULT_HEADER}: ${parsed.error}`, 400)
      // The header wins over the run config, field by field.
      plan = { ...plan, ...parsed.plan }
    }
    if (isEmptyPlan(plan)) return next()
    c.set('faultPlan', plan)
    const signal = c.req.raw.signal

    if (plan.latencyMs) {
      const outcome = await hold(signal, Math.min(plan.latencyMs, MAX_FAULT_HOLD_MS))
      if (outcome === 'aborted') return clientGone()
    }
    if (plan.timeout) {
      state.heldRequests++
      try {
        const outcome = await hold(signal, state.timeoutHoldMs)
        if (outcome === 'aborted') return clientGone()
        return withApplied(errorPage(504), plan)
      }
      finally {
        state.heldRequests--
      }
    }
    if (plan.status !== undefined) return withApplied(errorPage(plan.status), plan)

    await next()

    if (plan.badShape && !c.get('badShapeHandled') && (c.res.headers.get('content-type') ?? '').includes('json')) {
      replaceBody(c, '{}', c.res.status)
    }
    if (plan.malformed) {
      const text = await c.res.text()
      replaceBody(c, text.slice(0, Math.max(1, Math.floor(text.length / 2))), 200)
    }
    c.header(FAULT_APPLIED_HEADER, describePlan(plan))
  }
}

/** Run faults with `infno` only match national-platform calls for that transaction. */
async function runFaultMatches(path: string, infno: string | undefined, body: () => Promise<string>): Promise<boolean> {
  if (infno === undefined) return true
  if (path !== NHSA_CALL_SERVICE_PATH) return false
  try {
    const parsed: unknown = JSON.parse(await body())
    return typeof parsed === 'object' && parsed !== null && (parsed as { infno?: unknown }).infno === infno
  }
  catch {
    return false
  }
}

/** Waits `ms` or until the client aborts, whichever comes first; never leaves a timer behind. */
function hold(signal: AbortSignal, ms: number): Promise<'elapsed' | 'aborted'> {
  if (signal.aborted) return Promise.resolve('aborted')
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer)
      resolve('aborted')
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve('elapsed')
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/** Response for a client that went away (nginx's 499); nobody reads it. */
function clientGone(): Response {
  return new Response(null, { status: 499 })
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
}

/**
 * What a failing bureau front end really sends: gateways (502/503/504) answer with nginx's HTML page,
 * everything else with a bare plain-text line.
 */
export function errorPage(status: number): Response {
  const reason = REASONS[status] ?? 'Error'
  if (status === 502 || status === 503 || status === 504) {
    const html = `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
    return new Response(html, { status, headers: { 'content-type': 'text/html' } })
  }
  return new Response(`${status} ${reason}`, { status, headers: { 'content-type': 'text/plain;charset=utf-8' } })
}

function withApplied(res: Response, plan: FaultPlan): Response {
  res.headers.set(FAULT_APPLIED_HEADER, describePlan(plan))
  return res
}

/**
 * Swaps the response body, keeping the headers except Content-Length. Routes without their own
 * bad-shape hook get `{}` (valid JSON, every field missing); `malformed` gets half of the real body.
 */
function replaceBody(c: Context<SandboxEnv>, body: string, status: number): void {
  const headers = new Headers(c.res.headers)
  headers.delete('content-length')
  if (!(headers.get('content-type') ?? '').includes('json')) headers.set('content-type', 'application/json;charset=utf-8')
  // Clear first: Hono would otherwise copy the old (now wrong) headers onto the new response.
  c.res = undefined
  c.res = new Response(body, { status, headers })
}
