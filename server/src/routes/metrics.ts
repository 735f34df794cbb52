import type { AppEnv } from '../lib/types'
import { Hono } from 'hono'
import { AppError } from '../lib/errors'
import { metricsAllowed, metricsRegistry, openAnomalies, outboxPending } from '../lib/metrics'
import { countOpenAnomalies } from '../storage/anomalies'
import { outboxDepth } from '../storage/payments'

/**
 * `GET /metrics`: Prometheus's text format, for the operator's network only (METRICS_ALLOW); anyone else gets the
 * app's 404 for a path that does not exist. Outside `/api/`, like the probes' neighbours, and not in the public
 * OpenAPI document: it is no part of the residents' API. The database gauges are read at each scrape; one that
 * cannot be read is NaN in that scrape (unknown, never a stale or a made-up value).
 */
export const metricsRoutes = new Hono<AppEnv>()
  .get('/metrics', async (c) => {
    const { env, clientIp, storage, logger } = c.get('deps')
    if (!metricsAllowed(c, env, clientIp(c))) throw new AppError('ROUTE_NOT_FOUND', 404)
    const [outbox, anomalies] = await Promise.allSettled([outboxDepth(storage.db), countOpenAnomalies(storage.db)])
    const gauges = [[outboxPending, outbox, 'outbox'], [openAnomalies, anomalies, 'anomalies']] as const
    for (const [gauge, read, metric] of gauges) {
      if (read.status === 'fulfilled') gauge.set(read.value)
      else {
        gauge.set(Number.NaN)
        logger.warn({ err: read.reason, metric }, 'metrics: a database gauge could not be read')
      }
    }
    c.header('Cache-Control', 'no-store')
    return c.body(await metricsRegistry.metrics(), 200, { 'Content-Type': metricsRegistry.contentType })
  })
