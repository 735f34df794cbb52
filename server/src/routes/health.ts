import type { AppEnv } from '../lib/types'
import { Hono } from 'hono'

/** Liveness and readiness probes for the process manager / load balancer. */
export const healthRoutes = new Hono<AppEnv>()
  .get('/healthz', c => c.json({ status: 'ok' as const }, 200))
  .get('/readyz', async (c) => {
    const { storage, probeUpstream, logger } = c.get('deps')
    const [db, upstream] = await Promise.allSettled([storage.ping(), probeUpstream()])
    const checks = {
      database: db.status === 'fulfilled' ? 'ok' as const : 'fail' as const,
      nhsa: upstream.status === 'fulfilled' ? 'ok' as const : 'fail' as const,
    }
    const ready = checks.database === 'ok' && checks.nhsa === 'ok'
    if (!ready) logger.warn({ checks }, 'not ready')
    c.header('Cache-Control', 'no-store')
    return c.json({ status: ready ? 'ready' as const : 'not_ready' as const, checks }, ready ? 200 : 503)
  })
