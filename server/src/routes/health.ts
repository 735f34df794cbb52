import type { AppEnv } from '../lib/types'
import { Hono } from 'hono'
import { z } from 'zod'
import { doc } from '../lib/openapi'
import { countOpenAnomalies } from '../storage/anomalies'
import { outboxDepth } from '../storage/payments'

const Check = z.enum(['ok', 'fail'])
const ReadinessSchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({ database: Check, nhsa: Check }),
  detail: z.object({ openAnomalies: z.number().int().nullable(), outboxPending: z.number().int().nullable() }),
})

/** Liveness and readiness probes for the process manager / load balancer. */
export const healthRoutes = new Hono<AppEnv>()
  .get('/healthz', doc({
    summary: '存活探针',
    tag: '运维',
    audience: 'operator',
    ok: { 200: z.object({ status: z.literal('ok') }) },
  }), c => c.json({ status: 'ok' as const }, 200))
  .get('/readyz', doc({
    summary: '就绪探针：数据库和医保信息平台是否可用',
    tag: '运维',
    audience: 'operator',
    ok: { 200: ReadinessSchema, 503: ReadinessSchema },
  }), async (c) => {
    const { storage, probeUpstream, logger } = c.get('deps')
    const [db, upstream, anomalies, outbox] = await Promise.allSettled([
      storage.ping(),
      probeUpstream(),
      countOpenAnomalies(storage.db),
      outboxDepth(storage.db),
    ])
    const checks = {
      database: db.status === 'fulfilled' ? 'ok' as const : 'fail' as const,
      nhsa: upstream.status === 'fulfilled' ? 'ok' as const : 'fail' as const,
    }
    const ready = checks.database === 'ok' && checks.nhsa === 'ok'
    if (!ready) logger.warn({ checks }, 'not ready')
    // Detail for operators: open 异常处理 items and queued jobs (they do not make the instance unready).
    const detail = {
      openAnomalies: anomalies.status === 'fulfilled' ? anomalies.value : null,
      outboxPending: outbox.status === 'fulfilled' ? outbox.value : null,
    }
    c.header('Cache-Control', 'no-store')
    return c.json({ status: ready ? 'ready' as const : 'not_ready' as const, checks, detail }, ready ? 200 : 503)
  })
