import type { Context, MiddlewareHandler } from 'hono'
import type { StaffActor } from '../payments/anomalies'
import type { DeskEnv } from '../lib/staff'
import { AnomalyQuerySchema, AnomalyResolveInputSchema } from '@yibao/shared'
import { Hono } from 'hono'
import { idempotent } from '../lib/idempotency'
import { staffGuard } from '../lib/staff'
import { validate } from '../lib/validate'
import { listForStaff, refundAnomaly, resolveAnomalyAs, retryAnomaly } from '../payments/anomalies'

/** Who works the queue: supervisors (their regions) and admins (every region). */
const SUPERVISORS = ['supervisor', 'admin'] as const

function actor(c: Context<DeskEnv>): StaffActor {
  return { staff: c.get('staff'), requestId: c.get('requestId'), clientIp: c.get('deps').clientIp(c) }
}

/**
 * `Idempotency-Key` for an action that moves money (重试, 退款), per anomaly and action: a key sent
 * again is the same request; the same key on another anomaly is another request.
 */
function idempotentAction(action: 'retry' | 'refund'): MiddlewareHandler<DeskEnv> {
  return (c, next) => idempotent(
    `desk.anomalies.${action}:${c.req.param('id')}`,
    x => `staff:${x.get('session')?.accountId ?? 'anonymous'}`,
  )(c as unknown as Parameters<ReturnType<typeof idempotent>>[0], next)
}

/**
 * 异常处理: the queue of payment anomalies of the staff member's regions, and what a supervisor does
 * about one (重试, 退款, 标记已处理). Every action is audited; people are masked in every view.
 */
export const deskAnomalyRoutes = new Hono<DeskEnv>()
  .get('/', staffGuard(SUPERVISORS), validate('query', AnomalyQuerySchema), async (c) => {
    const { status } = c.req.valid('query')
    const anomalies = await listForStaff(c.get('deps'), c.get('staff'), status)
    c.header('Cache-Control', 'no-store')
    return c.json({ status, anomalies }, 200)
  })
  .post('/:id/retry', staffGuard(SUPERVISORS), idempotentAction('retry'), async (c) => {
    const anomaly = await retryAnomaly(c.get('deps'), actor(c), c.req.param('id'))
    c.header('Cache-Control', 'no-store')
    return c.json({ anomaly }, 200)
  })
  .post('/:id/refund', staffGuard(SUPERVISORS), idempotentAction('refund'), async (c) => {
    const anomaly = await refundAnomaly(c.get('deps'), actor(c), c.req.param('id'))
    c.header('Cache-Control', 'no-store')
    return c.json({ anomaly }, 200)
  })
  .post('/:id/resolve', staffGuard(SUPERVISORS), validate('json', AnomalyResolveInputSchema), async (c) => {
    const { reason } = c.req.valid('json')
    const anomaly = await resolveAnomalyAs(c.get('deps'), actor(c), c.req.param('id'), reason)
    c.header('Cache-Control', 'no-store')
    return c.json({ anomaly }, 200)
  })
