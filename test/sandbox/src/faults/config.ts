import { z } from 'zod'

/**
 * Fault injection contract. A fault *plan* says what to do to one request; a fault *config* is a plan
 * that applies to every matching request of a run (`PUT /__sandbox/faults` or `createSandbox({ faults })`).
 */

/** Longest wait any fault may impose: `latency` is capped here and `timeout` answers 504 after it. */
export const MAX_FAULT_HOLD_MS = 60_000

/** What to do to one request. Several faults combine: latency → timeout → status → bad-shape → malformed. */
export interface FaultPlan {
  /** Wait this long before handling the request. */
  latencyMs?: number
  /** Answer with this HTTP status and a plain-text (500…) or nginx-style HTML (502/503/504) body. */
  status?: number
  /** Never answer: hold the request until the client aborts (or the hold cap, then 504). */
  timeout?: boolean
  /** HTTP 200 with the real JSON body cut in half. */
  malformed?: boolean
  /** Valid JSON envelope whose output lacks required fields or has wrong types. */
  badShape?: boolean
}

/** A plan applied to a run, optionally only to one transaction and only to a share of requests. */
export interface FaultConfig extends FaultPlan {
  /** Probability in `[0, 1]` that a matching request gets the faults (default 1). */
  rate?: number
  /** Only national-platform requests with this infno (e.g. `'1101'`). */
  infno?: string
}

/** Validates a `FaultConfig` (body of `PUT /__sandbox/faults`). */
export const FaultConfigSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(MAX_FAULT_HOLD_MS).optional(),
  status: z.number().int().min(400).max(599).optional(),
  timeout: z.boolean().optional(),
  malformed: z.boolean().optional(),
  badShape: z.boolean().optional(),
  rate: z.number().min(0).max(1).optional(),
  infno: z.string().regex(/^\d{4}$/).optional(),
})

/** The request header carrying a per-request plan, e.g. `X-Sandbox-Fault: latency=200,status=503`. */
export const FAULT_HEADER = 'X-Sandbox-Fault'

/** The response header listing the faults that were applied (for debugging). */
export const FAULT_APPLIED_HEADER = 'X-Sandbox-Fault-Applied'

/**
 * Parses the `X-Sandbox-Fault` header: comma-separated `latency=<ms>`, `status=<code>`, `timeout`,
 * `malformed`, `bad-shape`.
 *
 * @example
 * parseFaultHeader('latency=50, bad-shape') // { ok: true, plan: { latencyMs: 50, badShape: true } }
 */
export function parseFaultHeader(value: string): { ok: true, plan: FaultPlan } | { ok: false, error: string } {
  const plan: FaultPlan = {}
  for (const raw of value.split(',')) {
    const token = raw.trim().toLowerCase()
    if (token === '') continue
    const [key, arg] = token.split('=', 2) as [string, string | undefined]
    switch (key) {
      case 'latency': {
        const ms = Number(arg)
        if (arg === undefined || !Number.isInteger(ms) || ms < 0 || ms > MAX_FAULT_HOLD_MS) return { ok: false, error: `latency needs whole milliseconds 0–${MAX_FAULT_HOLD_MS}: ${raw.trim()}` }
        plan.latencyMs = ms
        break
      }
      case 'status': {
        const code = Number(arg)
        if (arg === undefined || !Number.isInteger(code) || code < 400 || code > 599) return { ok: false, error: `status needs an HTTP code 400–599: ${raw.trim()}` }
        plan.status = code
        break
      }
      case 'timeout':
      case 'malformed':
      case 'bad-shape':
        if (arg !== undefined) return { ok: false, error: `${key} takes no value: ${raw.trim()}` }
        if (key === 'timeout') plan.timeout = true
        else if (key === 'malformed') plan.malformed = true
        else plan.badShape = true
        break
      default:
        return { ok: false, error: `unknown fault: ${raw.trim()}` }
    }
  }
  return { ok: true, plan }
}

/** The plan part of a config (drops rate / infno). */
export function planOf(config: FaultConfig): FaultPlan {
  const { rate: _rate, infno: _infno, ...plan } = config
  return plan
}

/** `true` when the plan does nothing. */
export function isEmptyPlan(plan: FaultPlan): boolean {
  return !plan.latencyMs && plan.status === undefined && !plan.timeout && !plan.malformed && !plan.badShape
}

/** Header-style description of a plan, e.g. `latency=50,bad-shape`. */
export function describePlan(plan: FaultPlan): string {
  const parts: string[] = []
  if (plan.latencyMs) parts.push(`latency=${plan.latencyMs}`)
  if (plan.timeout) parts.push('timeout')
  if (plan.status !== undefined) parts.push(`status=${plan.status}`)
  if (plan.badShape) parts.push('bad-shape')
  if (plan.malformed) parts.push('malformed')
  return parts.join(',')
}
