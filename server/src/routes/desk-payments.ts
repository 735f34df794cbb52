import type { Context } from 'hono'
import type { DeskEnv } from '../lib/staff'
import { DeskPaymentOrderInputSchema, maskIdCard, PaymentOrderSchema } from '@yibao/shared'
import { Hono } from 'hono'
import { openDeskSubject } from '../lib/desk-subject'
import { AppError } from '../lib/errors'
import { idempotent } from '../lib/idempotency'
import { doc } from '../lib/openapi'
import { rateLimit } from '../lib/rate-limit'
import { assertRegion, auditStaff, staffGuard } from '../lib/staff'
import { validate } from '../lib/validate'
import { streamOrderEvents } from '../payments/order-stream'
import { convergeOrderWhenDue, createAndPrepay, orderView } from '../payments/service'
import { findOrderBy } from '../storage/payments'
import { servingRegion } from './desk'

/** QR codes a staff member may generate per minute. */
export const DESK_PAYMENT_ORDERS_PER_MINUTE = 20

function staffPrincipal(c: Context<DeskEnv>): string {
  return `staff:${c.get('staff').id}`
}

/** An order this staff member created, or 404 (another staff member's or a resident's order is never shown). */
async function ownDeskOrder(c: Context<DeskEnv>, id: string) {
  const order = await findOrderBy(c.get('deps').storage.db, 'id', id)
  if (!order || order.principal !== staffPrincipal(c)) throw new AppError('NOT_FOUND', 404)
  return order
}

/**
 * 窗口代缴: a help-desk staff member generates a WeChat Pay Native QR code for a resident of their
 * region, which the resident scans with their own phone. The person is checked at the bureau and the
 * region before anything is charged; the order belongs to the staff member (`staff:<id>`), needs an
 * `Idempotency-Key` like every money-moving POST, and every attempt is in the audit trail.
 */
export const deskPaymentRoutes = new Hono<DeskEnv>()
  .post('/orders',
    doc({
      summary: '窗口代缴：为参保人生成缴费二维码',
      tag: '窗口缴费',
      audience: 'staff',
      ok: { 201: PaymentOrderSchema },
      errors: {
        400: ['DESK_SUBJECT_EXPIRED'],
        403: ['OUT_OF_REGION'],
        404: ['PERSON_NOT_FOUND'],
        409: ['NOTHING_TO_PAY', 'PERSON_IN_OPEN_ORDER', 'CONFLICT'],
      },
      upstream: true,
    }),
    staffGuard(),
    rateLimit({
      bucket: 'desk-payments',
      limit: DESK_PAYMENT_ORDERS_PER_MINUTE,
      windowSeconds: 60,
      key: c => `staff:${c.get('session')?.accountId}`,
    }),
    validate('json', DeskPaymentOrderInputSchema),
    idempotent('desk.payments.orders', c => `staff:${c.get('session')?.accountId ?? 'anonymous'}`),
    async (c) => {
      const input = c.req.valid('json')
      const { nhsa, subjectRef, vault, now } = c.get('deps')
      // A scanned person comes as the handle of that scan; a typed one as name + ID number.
      const { year } = input
      const { name, certNo } = input.subject
        ? openDeskSubject(vault, c.get('staff').id, input.subject, now())
        : { name: input.name!, certNo: input.certNo! }
      const action = 'desk.payment.order'
      const subject = { subjectRef: subjectRef(certNo), subjectMasked: maskIdCard(certNo) }
      let region: string | undefined
      try {
        const person = await nhsa.getPersonInfo(certNo, { name, logger: c.get('logger') })
        region = servingRegion(person)
        assertRegion(c.get('staff'), region)
        // The order is the staff member's; the resident pays it by scanning (always Native at the desk).
        const payer = { principal: staffPrincipal(c), resident: null, logger: c.get('logger') }
        const { order, lines } = await createAndPrepay(c.get('deps'), payer, {
          year,
          channel: 'native',
          people: [{ kind: 'other', name, certNo }],
          idempotencyKeyId: c.get('idempotency')?.id ?? null,
        })
        await auditStaff(c, {
          ...subject,
          subjectRegion: region,
          action,
          target: `order:${order.id}`,
          success: true,
          detail: { year, totalFen: order.totalFen },
        })
        c.header('Cache-Control', 'no-store')
        return c.json(await orderView(c.get('deps'), order, lines), 201)
      }
      catch (error) {
        const outcome = error instanceof AppError
          ? (error.code === 'OUT_OF_REGION' ? 'out_of_region' : error.code)
          : 'upstream_failed'
        await auditStaff(c, {
          ...subject,
          ...(region && { subjectRegion: region }),
          action,
          success: false,
          detail: { year, outcome },
        })
        throw error
      }
    })
  .get('/orders/:id', doc({
    summary: '查看窗口代缴订单（是否已扫码支付）',
    tag: '窗口缴费',
    audience: 'staff',
    ok: { 200: PaymentOrderSchema },
  }), staffGuard(), async (c) => {
    const order = await convergeOrderWhenDue(c.get('deps'), await ownDeskOrder(c, c.req.param('id')))
    c.header('Cache-Control', 'no-store')
    return c.json(await orderView(c.get('deps'), order), 200)
  })
  .get('/orders/:id/events', doc({
    summary: '等待窗口代缴订单的支付结果（订单状态变化时推送）',
    description: '服务器推送事件（SSE）：订单状态每次变化时发送事件 `status`，数据为订单；订单已支付或已关闭、或10分钟后结束。',
    tag: '窗口缴费',
    audience: 'staff',
    ok: { 200: { media: 'text/event-stream', description: '事件 status：订单（JSON）' } },
    errors: { 429: ['ORDER_STREAMS_BUSY'] },
  }), staffGuard(), async (c) => {
    const order = await ownDeskOrder(c, c.req.param('id'))
    return streamOrderEvents(c, c.get('deps'), order, c.get('session')!.id)
  })
