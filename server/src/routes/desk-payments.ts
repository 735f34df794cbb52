import type { Context } from 'hono'
import type { DeskEnv } from '../lib/staff'
import type { CodepayResult } from '../payments/codepay'
import type { PremiumOrder } from '../storage/payments'
import {
  DeskCodepayInputSchema,
  DeskCodepayResultSchema,
  DeskPaymentOrderInputSchema,
  DeskPaymentQuoteInputSchema,
  maskIdCard,
  maskName,
  PaymentOrderSchema,
  PaymentQuoteSchema,
} from '@yibao/shared'
import { Hono } from 'hono'
import { openDeskSubject } from '../lib/desk-subject'
import { AppError } from '../lib/errors'
import { idempotent } from '../lib/idempotency'
import { doc } from '../lib/openapi'
import { rateLimit } from '../lib/rate-limit'
import { assertRegion, auditStaff, staffGuard } from '../lib/staff'
import { validate } from '../lib/validate'
import { codepayTiming, createCodepayOrder, payByCode, settleCodepay } from '../payments/codepay'
import { streamOrderEvents } from '../payments/order-stream'
import { convergeOrderWhenDue, createAndPrepay, lineView, orderView, quoteLines } from '../payments/service'
import { DESK_PRINCIPAL_PREFIX, findOrderBy, orderLines } from '../storage/payments'
import { servingRegion } from './desk'

/** QR codes a staff member may generate per minute. */
export const DESK_PAYMENT_ORDERS_PER_MINUTE = 20

function staffPrincipal(c: Context<DeskEnv>): string {
  return `${DESK_PRINCIPAL_PREFIX}${c.get('staff').id}`
}

/** An order this staff member created, or 404 (another staff member's or a resident's order is never shown). */
async function ownDeskOrder(c: Context<DeskEnv>, id: string) {
  const order = await findOrderBy(c.get('deps').storage.db, 'id', id)
  if (!order || order.principal !== staffPrincipal(c)) throw new AppError('NOT_FOUND', 404)
  return order
}

/** HTTP status of a 付款码 step: 201 paid, 200 撤销, 202 still under way (password, or 撤销 pending). */
function codepayStatus(r: CodepayResult): 200 | 201 | 202 {
  return r.outcome === 'paid' ? 201 : r.outcome === 'reversed' ? 200 : 202
}

async function codepayView(c: Context<DeskEnv>, r: CodepayResult) {
  return { outcome: r.outcome, reason: r.reason, order: await orderView(c.get('deps'), r.order) }
}

/** The resident of a desk order (one person), for the audit trail. */
async function subjectOfOrder(c: Context<DeskEnv>, order: PremiumOrder) {
  const { storage, vault, subjectRef } = c.get('deps')
  const [line] = await orderLines(storage.db, order.id)
  const certNo = vault.decrypt(line!.personCertNoEnc)
  return { subjectRef: subjectRef(certNo), subjectMasked: maskIdCard(certNo), subjectRegion: line!.regionCode }
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
          idempotency: c.get('idempotency') ?? null,
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
  .post('/codepay',
    doc({
      summary: '窗口代缴：扫付款人的微信付款码收取保费',
      description: '工作人员用扫码枪读取付款人的微信付款码（18位数字，以10至15开头），为一位参保人（扫码句柄或姓名+身份证号码）'
        + '缴纳该年度保费。先写订单再调用微信支付付款码支付；付款人需要输入密码时返回 202（outcome=userpaying），'
        + '随后调用 `POST /desk/payments/orders/{id}/codepay/settle` 等待结果；支付失败或超时未完成的订单会被撤销（outcome=reversed，附原因）。'
        + '需要 Idempotency-Key；同一付款码不会重复扣款。',
      tag: '窗口缴费',
      audience: 'staff',
      ok: { 201: DeskCodepayResultSchema, 200: DeskCodepayResultSchema, 202: DeskCodepayResultSchema },
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
    validate('json', DeskCodepayInputSchema),
    idempotent('desk.payments.codepay', c => `staff:${c.get('session')?.accountId ?? 'anonymous'}`),
    async (c) => {
      const input = c.req.valid('json')
      const deps = c.get('deps')
      const { year } = input
      const { name, certNo } = input.subject
        ? openDeskSubject(deps.vault, c.get('staff').id, input.subject, deps.now())
        : { name: input.name!, certNo: input.certNo! }
      const action = 'desk.payment.codepay'
      const subject = { subjectRef: deps.subjectRef(certNo), subjectMasked: maskIdCard(certNo) }
      let region: string | undefined
      let orderId: string | undefined
      try {
        const person = await deps.nhsa.getPersonInfo(certNo, { name, logger: c.get('logger') })
        region = servingRegion(person)
        assertRegion(c.get('staff'), region)
        const payer = { principal: staffPrincipal(c), resident: null, logger: c.get('logger') }
        const timing = codepayTiming(deps)
        const { order } = await createCodepayOrder(deps, payer, {
          year,
          people: [{ kind: 'other', name, certNo }],
          idempotency: c.get('idempotency') ?? null,
        }, timing)
        orderId = order.id
        // The hall is the region served; the till is the clerk's PC (WeChat Pay's scene_info).
        const scene = { storeId: region, deviceIp: deps.clientIp(c) }
        const result = await payByCode(deps, order, input.authCode, scene, c.get('logger'), timing)
        await auditStaff(c, {
          ...subject,
          subjectRegion: region,
          action,
          target: `order:${order.id}`,
          success: result.outcome === 'paid' || result.outcome === 'userpaying',
          detail: { year, totalFen: order.totalFen, outcome: result.outcome, reason: result.reason },
        })
        c.header('Cache-Control', 'no-store')
        return c.json(await codepayView(c, result), codepayStatus(result))
      }
      catch (error) {
        const outcome = error instanceof AppError
          ? (error.code === 'OUT_OF_REGION' ? 'out_of_region' : error.code)
          : 'upstream_failed'
        await auditStaff(c, {
          ...subject,
          ...(region && { subjectRegion: region }),
          ...(orderId && { target: `order:${orderId}` }),
          action,
          success: false,
          detail: { year, outcome },
        })
        throw error
      }
    })
  .post('/orders/:id/codepay/settle',
    doc({
      summary: '窗口代缴：等待付款码支付的结果（付款人输入密码）',
      description: '付款人正在输入密码（USERPAYING）时，按微信支付的规则每隔几秒查询订单，直到支付成功、失败或超时；'
        + '失败或超时的订单会被撤销（未扣款，或已扣款原路退回）。最长等待到订单的截止时间。可重复调用。',
      tag: '窗口缴费',
      audience: 'staff',
      ok: { 201: DeskCodepayResultSchema, 200: DeskCodepayResultSchema, 202: DeskCodepayResultSchema },
      errors: { 409: ['ORDER_NOT_PAYABLE'] },
      upstream: true,
    }),
    staffGuard(),
    async (c) => {
      const deps = c.get('deps')
      const order = await ownDeskOrder(c, c.req.param('id'))
      if (order.channel !== 'codepay') throw new AppError('ORDER_NOT_PAYABLE', 409)
      const result = await settleCodepay(deps, order, c.get('logger'), { ...codepayTiming(deps), wait: true })
      if (order.status !== result.order.status) {
        await auditStaff(c, {
          ...await subjectOfOrder(c, order),
          action: 'desk.payment.codepay.settle',
          target: `order:${order.id}`,
          success: result.outcome === 'paid',
          detail: { outcome: result.outcome, reason: result.reason },
        })
      }
      c.header('Cache-Control', 'no-store')
      return c.json(await codepayView(c, result), codepayStatus(result))
    })
  .post('/quotes',
    doc({
      summary: '窗口代缴：查询参保人某年度应缴多少、是否已缴',
      description: '生成二维码之前先告诉窗口人员该年度是否已缴费（已缴、待缴、资助、不在缴费期），'
        + '以及是否已有一笔待支付订单。按扫码句柄或身份证号码（可附姓名）确定参保人，校验辖区并记入审计。',
      tag: '窗口缴费',
      audience: 'staff',
      ok: { 200: PaymentQuoteSchema },
      errors: { 400: ['DESK_SUBJECT_EXPIRED'], 403: ['OUT_OF_REGION'], 404: ['PERSON_NOT_FOUND'] },
      upstream: true,
    }),
    staffGuard(),
    rateLimit({
      bucket: 'desk-payment-quotes',
      limit: 60,
      windowSeconds: 60,
      key: c => `staff:${c.get('session')?.accountId}`,
    }),
    validate('json', DeskPaymentQuoteInputSchema),
    async (c) => {
      const input = c.req.valid('json')
      const deps = c.get('deps')
      const { name, certNo } = input.subject
        ? openDeskSubject(deps.vault, c.get('staff').id, input.subject, deps.now())
        : { name: input.name, certNo: input.certNo! }
      const action = 'desk.payment.quote'
      const subject = { subjectRef: deps.subjectRef(certNo), subjectMasked: maskIdCard(certNo) }
      let region: string | undefined
      try {
        const person = await deps.nhsa.getPersonInfo(certNo, { name, logger: c.get('logger') })
        region = servingRegion(person)
        assertRegion(c.get('staff'), region)
        const payer = { principal: staffPrincipal(c), resident: null, logger: c.get('logger') }
        const resolved = {
          certNo,
          certRef: deps.vault.ref(certNo),
          name,
          nameMasked: maskName(person.name),
          relation: 'proxy' as const,
        }
        const lines = await quoteLines(deps, payer, [resolved], input.year)
        const detail = { year: input.year, status: lines[0]!.status }
        await auditStaff(c, { ...subject, subjectRegion: region, action, success: true, detail })
        c.header('Cache-Control', 'no-store')
        const totalFen = lines.reduce((s, l) => s + l.dueFen, 0)
        return c.json({ year: input.year, lines: lines.map(lineView), totalFen }, 200)
      }
      catch (error) {
        const outcome = error instanceof AppError
          ? (error.code === 'OUT_OF_REGION' ? 'out_of_region' : error.code)
          : 'upstream_failed'
        const where = region ? { subjectRegion: region } : {}
        await auditStaff(c, { ...subject, ...where, action, success: false, detail: { year: input.year, outcome } })
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
