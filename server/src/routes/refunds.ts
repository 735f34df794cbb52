import type { Context } from 'hono'
import type { AppEnv } from '../lib/types'
import { RefundInputSchema, RefundOptionsQuerySchema, RefundOptionsSchema, RefundViewSchema } from '@yibao/shared'
import { Hono } from 'hono'
import { z } from 'zod'
import { AppError } from '../lib/errors'
import { idempotent } from '../lib/idempotency'
import { doc } from '../lib/openapi'
import { rateLimit } from '../lib/rate-limit'
import { residentPrincipal } from '../lib/resident'
import { validate } from '../lib/validate'
import { refundOptions } from '../payments/refund-cases'
import { convergeRefund, refundView, requestRefund } from '../payments/refunds'
import { findRefundBy, listRefundsOf } from '../storage/refunds'

/** Refund requests a resident may make per hour (a household rarely needs more than a few). */
export const REFUNDS_PER_HOUR = 10

/** A refund the caller asked for, or 404 (another's refund is never shown). */
async function ownRefund(c: Context<AppEnv>, id: string) {
  const { principal } = await residentPrincipal(c)
  const refund = await findRefundBy(c.get('deps').storage.db, 'id', id)
  if (!refund || refund.principal !== principal) throw new AppError('NOT_FOUND', 404)
  return refund
}

/**
 * 退费申请: the payer of an order asks for one person's premium back (Idempotency-Key, like every
 * money-moving POST) — having seen, per reason, whether and how much would come back and on which
 * clause — follows it (审核 → 退款 → 已退回), and lists their refunds.
 */
export const refundRoutes = new Hono<AppEnv>()
  .post('/',
    doc({
      summary: '申请退费',
      tag: '退费',
      audience: 'resident',
      ok: { 201: RefundViewSchema },
      errors: {
        404: ['NOT_FOUND', 'PERSON_NOT_FOUND'],
        // Refused by the rules at once, or by the bureau's 审核 when it answered at once.
        409: [
          'REFUND_EXISTS',
          'REFUND_NOT_REFUNDABLE',
          'REFUND_NOT_YET_RECORDED',
          'REFUND_BENEFIT_STARTED',
          'REFUND_NO_OVERLAP',
          'REFUND_NOT_FUNDED',
          'REFUND_RECORD_NOT_FOUND',
          'REFUND_DEATH_NOT_FOUND',
          'REFUND_EMPLOYEE_NOT_FOUND',
        ],
      },
      upstream: true,
    }),
    rateLimit({ bucket: 'refunds', limit: REFUNDS_PER_HOUR, windowSeconds: 3600, key: c => `session:${c.get('session')?.accountId ?? 'anonymous'}` }),
    validate('json', RefundInputSchema),
    idempotent('refunds', c => `resident:${c.get('session')?.accountId ?? 'anonymous'}`),
    async (c) => {
      const { account, principal } = await residentPrincipal(c)
      const input = c.req.valid('json')
      const deps = c.get('deps')
      const audit = { actorType: 'resident' as const, actorId: account.id, subjectRef: account.certRef, channel: 'self' as const, action: 'refund.request', requestId: c.get('requestId'), clientIp: deps.clientIp(c) }
      try {
        const refund = await requestRefund(deps, {
          principal,
          certRef: account.certRef,
          ...input,
          idempotencyKeyId: c.get('idempotency')?.id ?? null,
        })
        await deps.audit.record({ ...audit, target: `refund:${refund.id}`, success: true, detail: { reason: input.reason, amountFen: refund.amountFen, status: refund.status } })
        c.header('Cache-Control', 'no-store')
        return c.json(await refundView(deps, refund), 201)
      }
      catch (error) {
        await deps.audit.record({ ...audit, target: `order:${input.orderId}`, success: false, detail: { reason: input.reason, outcome: error instanceof AppError ? error.code : 'failed' } })
        throw error
      }
    })
  // What each reason would give back for a line, and on which clause (before the resident chooses).
  .get('/options', doc({
    summary: '退费前查看：各退费原因能否申请、可退多少、依据是什么',
    tag: '退费',
    audience: 'resident',
    ok: { 200: RefundOptionsSchema },
    errors: { 404: ['NOT_FOUND', 'PERSON_NOT_FOUND'] },
  }), validate('query', RefundOptionsQuerySchema), async (c) => {
    const { account, principal } = await residentPrincipal(c)
    const { orderId, lineId } = c.req.valid('query')
    const options = await refundOptions(c.get('deps'), { principal, certRef: account.certRef, orderId, lineId })
    c.header('Cache-Control', 'no-store')
    return c.json(options, 200)
  })
  .get('/', doc({
    summary: '我的退费申请',
    tag: '退费',
    audience: 'resident',
    ok: { 200: z.array(RefundViewSchema) },
  }), async (c) => {
    const { principal } = await residentPrincipal(c)
    const deps = c.get('deps')
    const refunds = await listRefundsOf(deps.storage.db, principal)
    c.header('Cache-Control', 'no-store')
    return c.json(await Promise.all(refunds.map(r => refundView(deps, r))), 200)
  })
  .get('/:id', doc({
    summary: '查看一笔退费的进度',
    tag: '退费',
    audience: 'resident',
    ok: { 200: RefundViewSchema },
  }), async (c) => {
    const deps = c.get('deps')
    const refund = await convergeRefund(deps, await ownRefund(c, c.req.param('id')))
    c.header('Cache-Control', 'no-store')
    return c.json(await refundView(deps, refund), 200)
  })
