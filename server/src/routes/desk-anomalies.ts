import type { Context, MiddlewareHandler } from 'hono'
import type { StaffActor } from '../payments/anomalies'
import type { DeskEnv } from '../lib/staff'
import {
  AnomalyActionResultSchema,
  AnomalyListSchema,
  AnomalyQuerySchema,
  AnomalyResolveInputSchema,
} from '@yibao/shared'
import { Hono } from 'hono'
import { idempotent } from '../lib/idempotency'
import { doc, markRoute } from '../lib/openapi'
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
  // Marked like `idempotent()` itself, so the contract lists the key's header and refusals.
  return markRoute<MiddlewareHandler<DeskEnv>>((c, next) => idempotent(
    `desk.anomalies.${action}:${c.req.param('id')}`,
    x => `staff:${x.get('session')?.accountId ?? 'anonymous'}`,
  )(c as unknown as Parameters<ReturnType<typeof idempotent>>[0], next), 'idempotent')
}

/**
 * 异常处理: the queue of payment anomalies of the staff member's regions, and what a supervisor does
 * about one (重试, 退款, 标记已处理). Every action is audited; people are masked in every view.
 */
export const deskAnomalyRoutes = new Hono<DeskEnv>()
  .get('/', doc({
    summary: '异常处理：待处理或已处理的缴费异常',
    tag: '异常处理',
    audience: 'staff',
    ok: { 200: AnomalyListSchema },
  }), staffGuard(SUPERVISORS), validate('query', AnomalyQuerySchema), async (c) => {
    const { status } = c.req.valid('query')
    const anomalies = await listForStaff(c.get('deps'), c.get('staff'), status)
    c.header('Cache-Control', 'no-store')
    return c.json({ status, anomalies }, 200)
  })
  .post('/:id/retry', doc({
    summary: '异常处理：重试失败的步骤',
    tag: '异常处理',
    audience: 'staff',
    ok: { 200: AnomalyActionResultSchema },
    errors: { 409: ['ANOMALY_RESOLVED', 'ANOMALY_ACTION_UNAVAILABLE'] },
    upstream: true,
  }), staffGuard(SUPERVISORS), idempotentAction('retry'), async (c) => {
    const anomaly = await retryAnomaly(c.get('deps'), actor(c), c.req.param('id'))
    c.header('Cache-Control', 'no-store')
    return c.json({ anomaly }, 200)
  })
  .post('/:id/refund', doc({
    summary: '异常处理：把不该收的款项退回原支付账户',
    tag: '异常处理',
    audience: 'staff',
    ok: { 200: AnomalyActionResultSchema },
    errors: { 409: ['ANOMALY_RESOLVED', 'ANOMALY_ACTION_UNAVAILABLE'] },
  }), staffGuard(SUPERVISORS), idempotentAction('refund'), async (c) => {
    const anomaly = await refundAnomaly(c.get('deps'), actor(c), c.req.param('id'))
    c.header('Cache-Control', 'no-store')
    return c.json({ anomaly }, 200)
  })
  .post('/:id/resolve', doc({
    summary: '异常处理：标记已处理（须填写处理说明）',
    tag: '异常处理',
    audience: 'staff',
    ok: { 200: AnomalyActionResultSchema },
    errors: { 409: ['ANOMALY_RESOLVED'] },
  }), staffGuard(SUPERVISORS), validate('json', AnomalyResolveInputSchema), async (c) => {
    const { reason } = c.req.valid('json')
    const anomaly = await resolveAnomalyAs(c.get('deps'), actor(c), c.req.param('id'), reason)
    c.header('Cache-Control', 'no-store')
    return c.json({ anomaly }, 200)
  })
