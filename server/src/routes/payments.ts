import type { Context } from 'hono'
import type { RouteDoc } from '../lib/openapi'
import type { AppEnv } from '../lib/types'
import type { PremiumOrder } from '../storage/payments'
import {
  maskIdCard,
  PaymentOrderCreatedSchema,
  PaymentOrderInputSchema,
  PaymentOrderSchema,
  PaymentQuoteInputSchema,
  PaymentQuoteSchema,
  ReceiptCheckSchema,
  WechatPayNotifyFailureSchema,
} from '@yibao/shared'
import { Hono } from 'hono'
import { z } from 'zod'
import { AppError } from '../lib/errors'
import { idempotent } from '../lib/idempotency'
import { doc } from '../lib/openapi'
import { rateLimit } from '../lib/rate-limit'
import { residentPrincipal } from '../lib/resident'
import { validate } from '../lib/validate'
import { streamOrderEvents } from '../payments/order-stream'
import { applyRefundResult } from '../payments/refunds'
import {
  applyPaidTransaction,
  closeUnpaid,
  convergeOrderWhenDue,
  createAndPrepay,
  lineView,
  orderView,
  quoteLines,
  renewH5,
  resolvePeople,
} from '../payments/service'
import { issuedReceipt, receiptFacts } from '../payments/receipts'
import { findLineByReceipt, findOrderBy, listResidentOrders, orderIsFor, orderLines } from '../storage/payments'
import { WechatPayNotificationError } from '../upstream/wechatpay/client'

/** The signed-in resident as the payer of an order (services take the app's dependencies, not the request). */
async function residentPayer(c: Context<AppEnv>) {
  const current = await residentPrincipal(c)
  return { principal: current.principal, resident: current, logger: c.get('logger') }
}

/** An order of the caller, or 404 (never reveal others' orders). */
async function ownOrder(c: Context<AppEnv>, id: string) {
  const { principal } = await residentPrincipal(c)
  const order = await findOrderBy(c.get('deps').storage.db, 'id', id)
  if (!order || order.principal !== principal) throw new AppError('NOT_FOUND', 404)
  return order
}

/** An order in the caller's 缴费记录: their own, or a paid 窗口代缴 order made for them alone; else 404. */
async function visibleOrder(c: Context<AppEnv>, id: string) {
  const { principal, account } = await residentPrincipal(c)
  const db = c.get('deps').storage.db
  const order = await findOrderBy(db, 'id', id)
  const theirs = order && await orderIsFor(db, order, { principal, certRef: account.certRef })
  if (!order || !theirs) throw new AppError('NOT_FOUND', 404)
  return order
}

/**
 * Where the payer's phone browser goes to pay an H5 order: the h5_url with `redirect_url` appended, back to the
 * order page on our public origin (the request's own without one), marked `from=h5` so the page says it is
 * asking WeChat Pay. Null for any other order, or one no longer waiting for payment.
 */
function h5Address(c: Context<AppEnv>, order: PremiumOrder): string | null {
  if (order.channel !== 'h5' || order.status !== 'prepaid' || !order.h5Url) return null
  const origin = c.get('deps').env.PUBLIC_ORIGIN ?? new URL(c.req.url).origin
  const back = `${origin}/pay/orders/${encodeURIComponent(order.id)}?from=h5`
  return `${order.h5Url}${order.h5Url.includes('?') ? '&' : '?'}redirect_url=${encodeURIComponent(back)}`
}

/**
 * 参保缴费: quotes from the tax bureau, one order per payment with one line per person, WeChat Pay
 * JSAPI (inside WeChat), H5 (another phone browser) or Native (QR), exactly once (Idempotency-Key, fixed
 * out_trade_no), live status, and electronic receipts.
 */
export const paymentRoutes = new Hono<AppEnv>()
  .post('/quotes',
    doc({
      summary: '查询本人、家庭成员或代缴人员本年度应缴多少',
      tag: '缴费',
      audience: 'resident',
      ok: { 200: PaymentQuoteSchema },
      // A family member who is not (or no longer) bound; a person the bureau does not know.
      errors: { 404: ['NOT_FOUND', 'PERSON_NOT_FOUND'] },
      upstream: true,
    }),
    rateLimit({ bucket: 'lookups', limit: 10, windowSeconds: 60 }),
    validate('json', PaymentQuoteInputSchema),
    async (c) => {
      const payer = await residentPayer(c)
      const { year, people } = c.req.valid('json')
      const deps = c.get('deps')
      const lines = await quoteLines(deps, payer, await resolvePeople(deps, payer, people), year)
      c.header('Cache-Control', 'no-store')
      return c.json({ year, lines: lines.map(lineView), totalFen: lines.reduce((s, l) => s + l.dueFen, 0) }, 200)
    })
  .post('/orders',
    doc({
      summary: '提交缴费订单（微信内支付、手机浏览器H5支付或扫码支付）',
      tag: '缴费',
      audience: 'resident',
      ok: { 201: PaymentOrderCreatedSchema },
      errors: {
        400: ['WECHAT_REQUIRED'],
        404: ['NOT_FOUND', 'PERSON_NOT_FOUND'],
        409: ['NOTHING_TO_PAY', 'PERSON_IN_OPEN_ORDER', 'CONFLICT'],
      },
      upstream: true,
    }),
    validate('json', PaymentOrderInputSchema),
    idempotent('payments.orders', c => `resident:${c.get('session')?.accountId ?? 'anonymous'}`),
    async (c) => {
      const payer = await residentPayer(c)
      const account = payer.resident.account
      const input = c.req.valid('json')
      const { order, lines } = await createAndPrepay(c.get('deps'), payer, {
        year: input.year,
        channel: input.channel,
        people: input.people,
        openid: account.openid,
        payerClientIp: c.get('deps').clientIp(c),
        idempotency: c.get('idempotency') ?? null,
      })
      await c.get('deps').audit.record({
        actorType: 'resident',
        actorId: account.id,
        subjectRef: account.certRef,
        channel: 'self',
        action: 'payment.order',
        target: `order:${order.id}`,
        success: true,
        requestId: c.get('requestId'),
        clientIp: c.get('deps').clientIp(c),
        detail: { lines: lines.length, totalFen: order.totalFen },
      })
      const view = await orderView(c.get('deps'), order, lines)
      const jsapi = order.channel === 'jsapi' && order.prepayId
        ? c.get('deps').wechatpay.jsapiParams(order.prepayId)
        : null
      c.header('Cache-Control', 'no-store')
      return c.json({ ...view, jsapi, h5Url: h5Address(c, order) }, 201)
    })
  .post('/orders/:id/h5-links',
    doc({
      summary: '重新获取H5支付地址（未支付返回后再次支付）',
      description: '为待支付的 h5 订单向微信支付重新下单（同一商户订单号、同样参数），得到当前有效的 H5 支付地址'
        + '（上一个超过 5 分钟后为新地址），已含返回订单页的 redirect_url。订单已支付或已关闭时答复 409。',
      tag: '缴费',
      audience: 'resident',
      ok: { 201: PaymentOrderCreatedSchema },
      errors: { 409: ['ORDER_NOT_PAYABLE'] },
      upstream: true,
    }),
    rateLimit({
      bucket: 'h5-links',
      limit: 10,
      windowSeconds: 300,
      key: c => (c.get('session')?.accountId ? `resident:${c.get('session')!.accountId}` : undefined),
    }),
    async (c) => {
      const order = await ownOrder(c, c.req.param('id'))
      if (order.channel !== 'h5') throw new AppError('NOT_FOUND', 404)
      const deps = c.get('deps')
      const after = await renewH5(deps, order, deps.clientIp(c), c.get('logger'))
      const h5Url = h5Address(c, after)
      if (!h5Url) throw new AppError('ORDER_NOT_PAYABLE', 409)
      c.header('Cache-Control', 'no-store')
      return c.json({ ...await orderView(deps, after), jsapi: null, h5Url }, 201)
    })
  .get('/orders', doc({
    summary: '我的缴费订单',
    tag: '缴费',
    audience: 'resident',
    ok: { 200: z.array(PaymentOrderSchema) },
  }), async (c) => {
    const { principal, account } = await residentPrincipal(c)
    const orders = await listResidentOrders(c.get('deps').storage.db, { principal, certRef: account.certRef })
    c.header('Cache-Control', 'no-store')
    return c.json(await Promise.all(orders.map(o => orderView(c.get('deps'), o))), 200)
  })
  .get('/orders/:id', doc({
    summary: '查看一笔缴费订单（支付结果）',
    tag: '缴费',
    audience: 'resident',
    ok: { 200: PaymentOrderSchema },
  }), async (c) => {
    // After the payer returns from WeChat Pay: ask WeChat Pay rather than trusting the front end (at most once
    // per poll interval across every page, stream and instance; the callback usually answered already).
    const order = await convergeOrderWhenDue(c.get('deps'), await visibleOrder(c, c.req.param('id')))
    c.header('Cache-Control', 'no-store')
    return c.json(await orderView(c.get('deps'), order), 200)
  })
  .get('/orders/:id/lines/:lineId/receipt.pdf', doc({
    summary: '下载一人的电子缴费凭证PDF',
    description: '订单中某一人的电子缴费凭证（已遮蔽的姓名和证件号码、年度、参保地、金额、缴费时间、凭证编号和状态，'
      + '以及缴费凭证核验页的二维码和网址）；已退费或重复缴费的凭证注明作废。',
    tag: '缴费',
    audience: 'resident',
    ok: { 200: { media: 'application/pdf', description: '电子缴费凭证（PDF，附件下载）' } },
    errors: { 409: ['RECEIPT_NOT_ISSUED'], 503: ['RECEIPT_PDF_UNAVAILABLE'] },
  }), async (c) => {
    const { account } = await residentPrincipal(c)
    const deps = c.get('deps')
    const lineId = c.req.param('lineId')
    const audit = (success: boolean, line?: { id: string, personCertRef: string, personCertNoEnc: string }) =>
      deps.audit.record({
        actorType: 'resident',
        actorId: account.id,
        // Whose receipt it is: the person paid for (an attempt at somebody else's is on the asker's record).
        subjectRef: line?.personCertRef ?? account.certRef,
        ...(line && { subjectMasked: maskIdCard(deps.vault.decrypt(line.personCertNoEnc)) }),
        channel: 'self',
        action: 'payment.receipt_pdf',
        target: `line:${line?.id ?? lineId}`,
        success,
        requestId: c.get('requestId'),
        clientIp: deps.clientIp(c),
      })
    let order
    try {
      order = await visibleOrder(c, c.req.param('id'))
    }
    catch (error) {
      if (error instanceof AppError && error.status === 404) await audit(false)
      throw error
    }
    const line = (await orderLines(deps.storage.db, order.id)).find(l => l.id === lineId)
    if (!line) {
      await audit(false)
      throw new AppError('NOT_FOUND', 404)
    }
    const receipt = issuedReceipt(line, order)
    if (!receipt) throw new AppError('RECEIPT_NOT_ISSUED', 409)
    const facts = await receiptFacts(deps, receipt)
    // The QR code points at the public check of the public origin (the request's own without one).
    const origin = deps.env.PUBLIC_ORIGIN ?? new URL(c.req.url).origin
    const job = { kind: 'receipt', receipt: facts, printedAt: deps.now(), origin } as const
    const pdf = await deps.pdf.render(job, c.get('logger'))
    await audit(true, line)
    const file = `${facts.year}-${facts.code}.pdf`
    const chinese = encodeURIComponent(`电子缴费凭证-${file}`)
    return c.body(new Uint8Array(pdf), 200, {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="receipt-${file}"; filename*=UTF-8''${chinese}`,
      'Cache-Control': 'no-store',
    })
  })
  .get('/orders/:id/events', doc({
    summary: '等待支付结果（订单状态变化时推送）',
    description: '服务器推送事件（SSE）：订单状态每次变化时发送事件 `status`，数据为订单（同“查看一笔缴费订单”）；'
      + '订单已支付或已关闭、或10分钟后结束。同时打开的推送过多时答复 429，页面改为定时查询。',
    tag: '缴费',
    audience: 'resident',
    ok: { 200: { media: 'text/event-stream', description: '事件 status：订单（JSON）' } },
    errors: { 429: ['ORDER_STREAMS_BUSY'] },
  }), async (c) => {
    const first = await ownOrder(c, c.req.param('id'))
    return streamOrderEvents(c, c.get('deps'), first, c.get('session')!.id)
  })
  .post('/orders/:id/close', doc({
    summary: '取消未支付的订单',
    tag: '缴费',
    audience: 'resident',
    ok: { 200: PaymentOrderSchema },
    errors: { 409: ['ORDER_NOT_PAYABLE'] },
    upstream: true,
  }), async (c) => {
    const order = await ownOrder(c, c.req.param('id'))
    if (order.status === 'paid') throw new AppError('ORDER_NOT_PAYABLE', 409)
    // Closed at WeChat Pay first; paid in the meantime is the answer instead.
    const after = order.status === 'closed' ? order : await closeUnpaid(c.get('deps'), order, c.get('logger'))
    if (after.status === 'paid') throw new AppError('ORDER_NOT_PAYABLE', 409)
    c.header('Cache-Control', 'no-store')
    return c.json(await orderView(c.get('deps'), after), 200)
  })

/** WeChat Pay's own failure answers to a callback (not the error envelope). */
const WECHATPAY_FAILURES = {
  400: WechatPayNotifyFailureSchema,
  401: WechatPayNotifyFailureSchema,
  404: WechatPayNotifyFailureSchema,
  500: WechatPayNotifyFailureSchema,
} satisfies RouteDoc['ok']

/**
 * WeChat Pay callbacks (outside login and CSRF: trusted only through the signature over the RAW body,
 * the key id, the 300 s window, and decryption). Answers fast; reporting to the tax bureau happens in
 * the outbox.
 */
export const paymentNotifyRoutes = new Hono<AppEnv>()
  .post('/', doc({
    summary: '微信支付结果通知（支付、退款）',
    description: '微信支付平台回调，以原始请求体的签名验证。已处理（或无需处理）答复 204；验签失败答复 401，'
      + '内容有误答复 400，订单或退款单不存在答复 404，均为微信支付约定的 `{ code: "FAIL", message }`，微信支付将按其策略重试。',
    tag: '缴费',
    audience: 'wechatpay',
    ok: { 204: null, ...WECHATPAY_FAILURES },
  }), async (c) => {
    const raw = await c.req.text()
    const deps = c.get('deps')
    let note
    try {
      note = deps.wechatpay.parseNotification(c.req.raw.headers, raw)
    }
    catch (error) {
      if (error instanceof WechatPayNotificationError) {
        c.get('logger')[error.reason === 'signtest_probe' ? 'info' : 'warn'](
          { reason: error.reason },
          'wechatpay notification rejected',
        )
        return c.json({ code: 'FAIL', message: '验签失败' }, error.httpStatus)
      }
      throw error
    }
    if (note.kind === 'refund') {
      const refund = await applyRefundResult(deps, note.refund)
      c.get('logger').info(
        { outcome: refund?.status ?? 'unknown_refund', eventId: note.id },
        'wechatpay refund notification',
      )
      return refund ? c.body(null, 204) : c.json({ code: 'FAIL', message: '退款单不存在' }, 404)
    }
    if (note.kind !== 'transaction') return c.body(null, 204)
    const outcome = await applyPaidTransaction(deps, note.transaction, { id: note.id, type: note.eventType })
    c.get('logger').info({ outcome, eventId: note.id }, 'wechatpay notification')
    if (outcome === 'unknown_order') return c.json({ code: 'FAIL', message: '订单不存在' }, 404)
    // An amount mismatch is in the 异常处理 queue now: acknowledged, so WeChat Pay does not retry for a day.
    return c.body(null, 204)
  })

/** Public check of an electronic payment receipt (电子缴费凭证): masked facts only. */
export const receiptRoutes = new Hono<AppEnv>()
  .get('/:code', doc({
    summary: '查验电子缴费凭证',
    tag: '缴费',
    audience: 'public',
    ok: { 200: ReceiptCheckSchema },
  }), rateLimit({ bucket: 'receipts', limit: 30, windowSeconds: 60 }), async (c) => {
    const code = c.req.param('code').toUpperCase()
    const found = /^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/.test(code)
      ? await findLineByReceipt(c.get('deps').storage.db, code)
      : null
    const receipt = found && issuedReceipt(found.line, found.order)
    if (!receipt) throw new AppError('NOT_FOUND', 404)
    c.header('Cache-Control', 'no-store')
    return c.json(await receiptFacts(c.get('deps'), receipt), 200)
  })
