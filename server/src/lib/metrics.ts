import type { UpstreamSystem } from '@yibao/shared'
import type { StatementObserver } from '../storage/statements'
import type { Context, MiddlewareHandler } from 'hono'
import { BlockList, isIP } from 'node:net'
import { matchedRoutes } from 'hono/route'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

/**
 * What `/metrics` shows (Prometheus text format, prom-client). One registry per process: the counters are the
 * process's, whichever app instance in it served the request. Labels are never a raw URL: a request is counted
 * under the path its route was declared with (`/api/v1/payments/orders/:id`), so no ID number, order id or
 * verification code can become a label, and the number of series stays bounded.
 */
export const metricsRegistry = new Registry()
// The process's own: resident memory, heap, event-loop delay, GC, open handles (prom-client's standard set).
collectDefaultMetrics({ register: metricsRegistry })

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const registers = [metricsRegistry]

const httpRequests = new Counter({
  name: 'yibao_http_requests_total',
  help: 'HTTP requests answered, by method, route pattern and status class',
  labelNames: ['method', 'route', 'status_class'] as const,
  registers,
})
const httpDuration = new Histogram({
  name: 'yibao_http_request_duration_seconds',
  help: 'Time to the response (its headers; a stream may go on), by method, route pattern and status class',
  labelNames: ['method', 'route', 'status_class'] as const,
  buckets: SECONDS,
  registers,
})

/** How a call to an outside system ended (the kinds of `UpstreamError`, or `ok`). */
export type UpstreamOutcome = 'ok' | 'rejected' | 'unavailable' | 'timeout' | 'bad_response'

const upstreamCalls = new Counter({
  name: 'yibao_upstream_calls_total',
  help: 'Calls to outside systems (医保信息平台, 税务, 微信支付, …), by system and outcome',
  labelNames: ['system', 'outcome'] as const,
  registers,
})
const upstreamDuration = new Histogram({
  name: 'yibao_upstream_call_duration_seconds',
  help: 'Duration of a call to an outside system, by system and outcome',
  labelNames: ['system', 'outcome'] as const,
  buckets: SECONDS,
  registers,
})

const dbStatements = new Counter({
  name: 'yibao_db_statements_total',
  help: 'Database statements run by the app, by family (verb and table, e.g. "insert premium_orders"; '
    + '"transaction" = BEGIN to COMMIT) and outcome',
  labelNames: ['family', 'outcome'] as const,
  registers,
})
const dbDuration = new Histogram({
  name: 'yibao_db_statement_duration_seconds',
  help: 'Duration of a database statement (a transaction: BEGIN to COMMIT), by family',
  labelNames: ['family'] as const,
  buckets: [0.0005, 0.001, 0.0025, ...SECONDS],
  registers,
})

/** Records one statement (the storage layer's `observeStatement`, see storage/statements.ts). */
export const observeStatement: StatementObserver = (family, outcome, seconds) => {
  dbStatements.inc({ family, outcome })
  dbDuration.observe({ family }, seconds)
}

/** Read from the database at each scrape (see `collectStorageGauges`). */
export const outboxPending = new Gauge({
  name: 'yibao_outbox_pending',
  help: 'Outbox jobs not done yet (tax reports, order queries, reconciliations)',
  registers,
})
export const openAnomalies = new Gauge({
  name: 'yibao_payment_anomalies_open',
  help: 'Open 异常处理 items (payments that need a person)',
  registers,
})

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

/**
 * The route a request was answered by, as declared (`/api/v1/slips/:id`): the first matched route that is not a
 * middleware (`use`, or `all` for the API's catch-all 404). None: `unmatched`.
 */
export function routeLabel(c: Context): string {
  return matchedRoutes(c).find(r => r.method !== 'ALL')?.path ?? 'unmatched'
}

/** Counts and times every request (put it before the routes). */
export function requestMetrics(): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now()
    await next()
    const labels = {
      method: METHODS.has(c.req.method) ? c.req.method : 'OTHER',
      route: routeLabel(c),
      status_class: `${Math.floor(c.res.status / 100)}xx`,
    }
    httpRequests.inc(labels)
    httpDuration.observe(labels, (performance.now() - started) / 1000)
  }
}

/** Records one call to an outside system (`upstream/http.ts`, which every adapter calls through). */
export function observeUpstream(system: UpstreamSystem, outcome: UpstreamOutcome, startedAt: number): void {
  upstreamCalls.inc({ system, outcome })
  upstreamDuration.observe({ system, outcome }, (performance.now() - startedAt) / 1000)
}

const allowLists = new WeakMap<readonly string[], BlockList>()
function allowListOf(cidrs: readonly string[]): BlockList {
  let list = allowLists.get(cidrs)
  if (!list) {
    list = new BlockList()
    for (const cidr of cidrs) {
      const [address, prefix] = cidr.split('/') as [string, string | undefined]
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4'
      if (prefix === undefined) list.addAddress(address, type)
      else list.addSubnet(address, Number(prefix), type)
    }
    allowLists.set(cidrs, list)
  }
  return list
}

const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i

/** The settings that decide who may read `/metrics` (see env.ts). */
export interface MetricsAccess {
  METRICS_ALLOW: readonly string[]
  TRUST_PROXY: boolean
  PUBLIC_ORIGIN?: string
}

/**
 * Whether this request may read the metrics: its client address (`clientIp`, proxy-aware) is in METRICS_ALLOW,
 * it did not come through a proxy the BFF does not trust (one that forwards for someone else while the BFF sees
 * only the proxy's address), and it was not addressed to the public origin (operators scrape an instance by its
 * own address, never through the residents' site).
 */
export function metricsAllowed(c: Context, env: MetricsAccess, clientIp: string): boolean {
  if (!env.TRUST_PROXY && (c.req.header('x-forwarded-for') || c.req.header('forwarded') || c.req.header('x-real-ip')))
    return false
  if (env.PUBLIC_ORIGIN) {
    // The request's URL carries the name it was addressed to (@hono/node-server builds it from Host).
    const publicName = new URL(env.PUBLIC_ORIGIN).hostname
    if (!LOOPBACK_HOST.test(publicName) && new URL(c.req.url).hostname === publicName) return false
  }
  const family = isIP(clientIp)
  return family !== 0 && allowListOf(env.METRICS_ALLOW).check(clientIp, family === 6 ? 'ipv6' : 'ipv4')
}
