import type { Context } from 'hono'
import type { SandboxEnv, SandboxState } from '../state'
import type { SimOrder, SimRefund, CODEPAY_FAULTS } from './state'
import { createHash, randomUUID } from 'node:crypto'
import { isIP } from 'node:net'
import { gzipSync } from 'node:zlib'
import { shanghaiDate } from '@yibao/shared'
import { Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import { z } from 'zod'
import { compactTime } from '../lib/wire-time'
import { buildTradeBill } from './bill'
import { deliver, emitNotification, releaseHeld } from './callbacks'
import { randomAlnum, randomDigits, readAuthorization, signText, verifyText } from './crypto'
import { h5Page, payPage, payResultPage } from './pages'
import { FORGERIES, later, stopWechatPay, WechatPaySimConfigSchema } from './state'
import { wechatTime } from './wire'

const OUT_NO = /^[\w\-|*]{6,32}$/
/** Where an h5_url leads: the simulator's stand-in for WeChat's H5 cashier (中间页). */
const H5_PAGE = '/__sandbox/wechatpay/h5'
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)$/
const PREPAY_TTL_MS = 2 * 60 * 60 * 1000
/** An h5_url lasts 5 minutes (支付请求已失效 after that); prepaying the order again gives a new one. */
const H5_URL_TTL_MS = 5 * 60 * 1000
const DEFAULT_ORDER_TTL_MS = 7 * 24 * 60 * 60 * 1000
const MAX_SKEW_S = 300

const PrepayBody = z.object({
  appid: z.string().min(1).max(32),
  mchid: z.string().min(1).max(32),
  description: z.string().min(1).max(127),
  out_trade_no: z.string().regex(OUT_NO),
  time_expire: z.string().regex(RFC3339).optional(),
  attach: z.string().max(128).optional(),
  notify_url: z.string().url().max(255).refine(u => !new URL(u).search, 'notify_url 不能携带参数'),
  goods_tag: z.string().max(32).optional(),
  support_fapiao: z.boolean().optional(),
  amount: z.object({ total: z.number().int().min(1), currency: z.literal('CNY').optional() }),
  payer: z.object({ openid: z.string().min(1).max(128) }).optional(),
  detail: z.unknown().optional(),
  scene_info: z.unknown().optional(),
  settle_info: z.unknown().optional(),
})

/** `scene_info` of an H5 prepay: the payer's real address and the kind of site. */
const H5SceneInfo = z.object({
  payer_client_ip: z.string().max(45).refine(ip => isIP(ip) !== 0, '用户终端IP格式不正确'),
  device_id: z.string().max(32).optional(),
  h5_info: z.object({
    type: z.enum(['Wap', 'iOS', 'Android']),
    app_name: z.string().max(64).optional(),
    app_url: z.string().max(128).optional(),
    bundle_id: z.string().max(128).optional(),
    package_name: z.string().max(128).optional(),
  }),
})

const RefundBody = z.object({
  transaction_id: z.string().min(1).optional(),
  out_trade_no: z.string().regex(OUT_NO).optional(),
  out_refund_no: z.string().regex(OUT_NO),
  reason: z.string().max(80).optional(),
  notify_url: z.string().url().max(255).optional(),
  funds_account: z.string().optional(),
  amount: z.object({ refund: z.number().int().min(1), total: z.number().int().min(1), currency: z.literal('CNY'), from: z.array(z.unknown()).optional() }),
  goods_detail: z.array(z.unknown()).optional(),
})

const TRADE_STATE_DESC = {
  NOTPAY: '订单未支付',
  SUCCESS: '支付成功',
  REFUND: '转入退款',
  CLOSED: '订单已关闭',
  USERPAYING: '用户支付中（需要输入密码）',
  PAYERROR: '支付失败（用户取消支付或密码错误）',
  REVOKED: '已撤销（付款码支付）',
} as const

/** A WeChat 付款码 as a scanner reads it: 18 digits starting 10–15. */
const AUTH_CODE = /^1[0-5]\d{16}$/

/** `POST /v3/pay/transactions/codepay` (付款码支付): required `payer.auth_code` and `scene_info.store_info.out_id`. */
const CodepayBody = z.object({
  appid: z.string().min(1).max(32),
  mchid: z.string().min(1).max(32),
  description: z.string().min(1).max(127),
  out_trade_no: z.string().regex(OUT_NO),
  attach: z.string().max(128).optional(),
  goods_tag: z.string().max(32).optional(),
  support_fapiao: z.boolean().optional(),
  payer: z.object({ auth_code: z.string().min(1).max(128) }),
  amount: z.object({ total: z.number().int().min(1), currency: z.literal('CNY').optional() }),
  scene_info: z.object({
    device_id: z.string().max(32).optional(),
    device_ip: z.string().max(45).refine(ip => isIP(ip) !== 0, '设备IP格式不正确').optional(),
    store_info: z.object({
      out_id: z.string().min(1).max(32),
      id: z.string().max(32).optional(),
      name: z.string().max(256).optional(),
      address: z.string().max(512).optional(),
    }),
  }),
  detail: z.unknown().optional(),
  settle_info: z.unknown().optional(),
})

/** 撤销 is allowed for 7 days after the order. */
const REVERSE_WINDOW_MS = 7 * 24 * 60 * 60 * 1000

/**
 * How a payment code behaves in the sandbox, by its first two digits (a `codepayNext` entry overrides it):
 * 10, 11 paid at once (no password); 12 password, then paid; 13 password, then failed (PAYERROR);
 * 14 password, never finished; 15 refused (NOTENOUGH).
 */
function codepayBehaviour(authCode: string): (typeof CODEPAY_FAULTS)[number] {
  const prefix = authCode.slice(0, 2)
  if (prefix === '12') return 'USERPAYING_SUCCESS'
  if (prefix === '13') return 'USERPAYING_PAYERROR'
  if (prefix === '14') return 'USERPAYING_NEVER'
  if (prefix === '15') return 'NOTENOUGH'
  return 'SUCCESS'
}
const REFUND_SUMMARY = { SUCCESS: '退款成功', ABNORMAL: '退款异常', CLOSED: '退款关闭' } as const

function canonical(x: unknown): string {
  const sort = (v: unknown): unknown => Array.isArray(v) ? v.map(sort) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map(k => [k, sort((v as Record<string, unknown>)[k])])) : v
  return JSON.stringify(sort(x))
}

/**
 * WeChat Pay APIv3 simulator (direct merchant): signed requests in, signed answers out, encrypted and
 * signed callbacks with the real retry schedule, a trade bill, a pay page, and test controls under
 * `/__sandbox/wechatpay`. See test/sandbox/README.md "WeChat Pay".
 */
export function wechatpayRoutes(state: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>()
  const wx = state.wechatpay

  /** An answer signed like WeChat Pay's (errors too), with a Request-ID. */
  function signed(_c: Context<SandboxEnv>, status: number, body?: unknown): Response {
    const keys = wx.keys()
    const text = body === undefined ? '' : JSON.stringify(body)
    const ts = String(Math.floor(state.now().getTime() / 1000))
    const nonce = randomAlnum(32)
    const headers: Record<string, string> = {
      'Request-ID': randomUUID().replace(/-/g, '').toUpperCase(),
      'Wechatpay-Timestamp': ts,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Serial': keys.platformKeyId,
      'Wechatpay-Signature': signText(`${ts}\n${nonce}\n${text}\n`, keys.platformPrivateKey),
      'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json; charset=utf-8'
    return new Response(body === undefined ? null : text, { status, headers })
  }

  function error(c: Context<SandboxEnv>, status: number, code: string, message: string, detail?: unknown): Response {
    return signed(c, status, detail === undefined ? { code, message } : { code, message, detail })
  }

  function paramError(c: Context<SandboxEnv>, issues: z.core.$ZodIssue[]): Response {
    const first = issues[0]
    const field = `/body/${first?.path.join('/') ?? ''}`
    return error(c, 400, 'PARAM_ERROR', `输入源“${field}”校验失败：${first?.message ?? '参数错误'}`, { location: 'body', field })
  }

  async function jsonBody(c: Context<SandboxEnv>): Promise<unknown> {
    try {
      return JSON.parse(await c.req.text()) as unknown
    }
    catch {
      return undefined
    }
  }

  /** Closes unpaid orders whose time_expire (or the default 7 days) has passed. */
  function refresh(order: SimOrder): SimOrder {
    if (order.state === 'NOTPAY') {
      const expires = order.timeExpire?.getTime() ?? order.createdAt.getTime() + DEFAULT_ORDER_TTL_MS
      if (state.now().getTime() > expires) order.state = 'CLOSED'
    }
    return order
  }

  /** A query of a 付款码 order waiting for the password: after the configured number of queries it ends. */
  function progress(order: SimOrder): SimOrder {
    const u = order.userpaying
    if (order.state !== 'USERPAYING' || !u || u.then === 'NEVER') return order
    if (u.queriesLeft > 0) {
      u.queriesLeft -= 1
      return order
    }
    if (u.then === 'SUCCESS') pay(order, undefined)
    else fail(order)
    return order
  }

  /** The payer cancelled or mistyped the password: PAYERROR (the merchant should 撤销 the order). */
  function fail(order: SimOrder): void {
    order.state = 'PAYERROR'
    delete order.userpaying
  }

  function transactionJson(o: SimOrder): Record<string, unknown> {
    const paid = o.state === 'SUCCESS' || o.state === 'REFUND' || (o.state === 'REVOKED' && o.transactionId !== undefined)
    return {
      appid: o.appid,
      mchid: o.mchid,
      out_trade_no: o.outTradeNo,
      ...(paid ? { transaction_id: o.transactionId, trade_type: o.tradeType, bank_type: 'OTHERS', success_time: wechatTime(o.successTime!), payer: { openid: o.payerOpenid } } : {}),
      trade_state: o.state,
      trade_state_desc: TRADE_STATE_DESC[o.state],
      ...(o.attach === undefined ? {} : { attach: o.attach }),
      amount: paid ? { total: o.totalFen, payer_total: o.totalFen, currency: 'CNY', payer_currency: 'CNY' } : { total: o.totalFen, currency: 'CNY', payer_currency: 'CNY' },
      ...(paid ? { promotion_detail: [] } : {}),
    }
  }

  function refundJson(r: SimRefund): Record<string, unknown> {
    return {
      refund_id: r.refundId,
      out_refund_no: r.outRefundNo,
      transaction_id: r.transactionId,
      out_trade_no: r.outTradeNo,
      channel: 'ORIGINAL',
      user_received_account: '支付用户零钱',
      ...(r.successTime ? { success_time: wechatTime(r.successTime) } : {}),
      create_time: wechatTime(r.createTime),
      status: r.status,
      funds_account: 'AVAILABLE',
      amount: { total: r.totalFen, refund: r.refundFen, from: [], payer_total: r.totalFen, payer_refund: r.refundFen, settlement_refund: r.refundFen, settlement_total: r.totalFen, discount_refund: 0, currency: 'CNY', refund_fee: 0 },
      promotion_detail: [],
    }
  }

  /** Marks an order paid (idempotent) and emits TRANSACTION.SUCCESS. */
  function pay(order: SimOrder, payerOpenid: string | undefined, beatClose = false): { ok: true } | { ok: false, message: string } {
    refresh(order)
    if (order.state === 'SUCCESS' || order.state === 'REFUND') return { ok: true }
    if (order.state === 'CLOSED' && !beatClose) return { ok: false, message: '订单已关闭或已过期，请返回商户重新下单' }
    if (order.state === 'REVOKED' || order.state === 'PAYERROR') return { ok: false, message: '订单已撤销或支付失败，请重新出示付款码' }
    order.state = 'SUCCESS'
    order.transactionId = `4200${randomDigits(24)}`
    order.successTime = state.now()
    order.payerOpenid = order.openid ?? payerOpenid ?? `o${randomAlnum(27)}`
    delete order.userpaying
    // 付款码 payments have no callback: the merchant learns the outcome from the answer or a query.
    if (order.tradeType === 'MICROPAY') return { ok: true }
    const tx = transactionJson(order)
    delete tx.promotion_detail
    emitNotification(state, { eventType: 'TRANSACTION.SUCCESS', summary: '支付成功', originalType: 'transaction', payload: tx, notifyUrl: order.notifyUrl, outTradeNo: order.outTradeNo })
    return { ok: true }
  }

  function completeRefund(r: SimRefund, outcome: 'SUCCESS' | 'ABNORMAL' | 'CLOSED'): void {
    if (r.status !== 'PROCESSING') return
    r.status = outcome
    if (outcome === 'SUCCESS') {
      r.successTime = state.now()
      const order = wx.orders.get(r.outTradeNo)
      if (order) order.state = 'REFUND'
    }
    emitNotification(state, {
      eventType: `REFUND.${outcome}`,
      summary: REFUND_SUMMARY[outcome],
      originalType: 'refund',
      outTradeNo: r.outTradeNo,
      outRefundNo: r.outRefundNo,
      notifyUrl: r.notifyUrl,
      payload: {
        mchid: wx.keys().mchid,
        transaction_id: r.transactionId,
        out_trade_no: r.outTradeNo,
        refund_id: r.refundId,
        out_refund_no: r.outRefundNo,
        refund_status: r.status,
        ...(r.successTime ? { success_time: wechatTime(r.successTime) } : {}),
        user_received_account: '支付用户零钱',
        amount: { total: r.totalFen, refund: r.refundFen, payer_total: r.totalFen, payer_refund: r.refundFen },
      },
    })
  }

  // ---- every API call: the merchant's signature, then injected WeChat-style errors -------------------
  app.use('/v3/*', async (c, next) => {
    const keys = wx.keys()
    const raw = await c.req.text()
    const auth = readAuthorization(c.req.header('Authorization'))
    if (!auth) return error(c, 401, 'SIGN_ERROR', 'Authorization 缺失或格式错误，应为 WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"')
    if (auth.mchid !== keys.mchid) return error(c, 401, 'SIGN_ERROR', '商户号不存在或与签名不匹配')
    if (auth.serial_no !== keys.merchantSerial) return error(c, 401, 'SIGN_ERROR', '商户API证书序列号不正确（应为商户证书序列号，不是平台证书序列号）')
    if (!/^\d{10}$/.test(auth.timestamp) || Math.abs(Math.floor(state.now().getTime() / 1000) - Number(auth.timestamp)) > MAX_SKEW_S)
      return error(c, 401, 'SIGN_ERROR', '签名时间戳错误或已过期（单位为秒，误差不超过5分钟）')
    const url = new URL(c.req.url)
    const message = `${c.req.method}\n${url.pathname}${url.search}\n${auth.timestamp}\n${auth.nonce_str}\n${raw}\n`
    if (!verifyText(message, auth.signature, keys.merchantPublicKey)) return error(c, 401, 'SIGN_ERROR', '签名错误，请检查签名串（5行，每行以\\n结尾）')
    const injected = wx.config.failNext.findIndex(f => !f.path || url.pathname.startsWith(f.path))
    if (injected >= 0) {
      const [f] = wx.config.failNext.splice(injected, 1)
      const defaults: Record<string, string> = { SYSTEM_ERROR: '系统错误，请用相同参数重新调用', FREQUENCY_LIMITED: '频率超限，请降低请求频率' }
      return error(c, f!.status, f!.code, f!.message ?? defaults[f!.code] ?? '模拟错误')
    }
    await next()
  })

  async function prepay(c: Context<SandboxEnv>, tradeType: SimOrder['tradeType']): Promise<Response> {
    const keys = wx.keys()
    const parsed = PrepayBody.safeParse(await jsonBody(c))
    if (!parsed.success) return paramError(c, parsed.error.issues)
    const b = parsed.data
    if (b.mchid !== keys.mchid) return error(c, 400, 'MCH_NOT_EXISTS', '商户号不存在')
    if (b.appid !== keys.appid) return error(c, 400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配')
    if (tradeType === 'JSAPI' && !b.payer?.openid) return error(c, 400, 'PARAM_ERROR', '输入源“/body/payer/openid”映射到值字段“用户标识”必填性规则校验失败，此字段为必填项', { location: 'body', field: '/body/payer/openid' })
    let payerClientIp: string | undefined
    if (tradeType === 'MWEB') {
      const scene = H5SceneInfo.safeParse(b.scene_info)
      if (!scene.success)
        return paramError(c, scene.error.issues.map(i => ({ ...i, path: ['scene_info', ...i.path] })))
      payerClientIp = scene.data.payer_client_ip
    }
    const { time_expire: timeExpire, scene_info: _scene, ...rest } = b
    const paramsKey = canonical({ tradeType, ...rest, amount: { currency: 'CNY', ...rest.amount } })
    const now = state.now().getTime()
    const existing = wx.orders.get(b.out_trade_no)
    if (existing) {
      refresh(existing)
      if (existing.paramsKey !== paramsKey) return error(c, 403, 'OUT_TRADE_NO_USED', '商户订单号重复')
      if (existing.state === 'SUCCESS' || existing.state === 'REFUND') return error(c, 403, 'ORDERPAID', '该订单已支付')
      if (existing.state === 'CLOSED') return error(c, 400, 'ORDER_CLOSED', '订单已关闭')
      if (now - existing.prepayAt > (tradeType === 'MWEB' ? H5_URL_TTL_MS : PREPAY_TTL_MS)) issue(c, existing, now)
      if (payerClientIp) existing.payerClientIp = payerClientIp
      return signed(c, 200, prepayAnswer(existing))
    }
    let expires: Date | null = null
    if (timeExpire) {
      // WeChat Pay raises a time_expire less than a minute ahead to one minute.
      expires = new Date(Math.max(new Date(timeExpire).getTime(), now + 60_000))
    }
    const order: SimOrder = {
      outTradeNo: b.out_trade_no,
      tradeType,
      paramsKey,
      appid: b.appid,
      mchid: b.mchid,
      description: b.description,
      attach: b.attach,
      notifyUrl: b.notify_url,
      totalFen: b.amount.total,
      openid: b.payer?.openid,
      timeExpire: expires,
      prepayId: undefined,
      codeUrl: undefined,
      h5Url: undefined,
      pastH5Urls: [],
      payerClientIp,
      prepayAt: now,
      createdAt: state.now(),
      state: 'NOTPAY',
      transactionId: undefined,
      successTime: undefined,
      payerOpenid: undefined,
    }
    issue(c, order, now)
    wx.orders.set(order.outTradeNo, order)
    return signed(c, 200, prepayAnswer(order))
  }

  /** A new prepay_id, code_url or h5_url for the order (the first one, or after the last one expired). */
  function issue(c: Context<SandboxEnv>, order: SimOrder, now: number): void {
    order.prepayAt = now
    if (order.tradeType === 'NATIVE') {
      order.codeUrl = `weixin://wxpay/bizpayurl?pr=${randomAlnum(9)}`
      return
    }
    order.prepayId = `wx${compactTime(state.now())}${randomAlnum(20).toLowerCase()}`
    if (order.tradeType === 'MWEB') {
      if (order.h5Url) order.pastH5Urls.push(order.h5Url)
      // Shaped like https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=…&package=…, on the sandbox.
      const url = new URL(H5_PAGE, c.req.url)
      url.searchParams.set('prepay_id', order.prepayId)
      url.searchParams.set('package', randomDigits(10))
      order.h5Url = url.toString()
    }
  }

  function prepayAnswer(o: SimOrder): Record<string, string | undefined> {
    if (o.tradeType === 'JSAPI') return { prepay_id: o.prepayId }
    return o.tradeType === 'MWEB' ? { h5_url: o.h5Url } : { code_url: o.codeUrl }
  }

  app.post('/v3/pay/transactions/jsapi', c => prepay(c, 'JSAPI'))
  app.post('/v3/pay/transactions/native', c => prepay(c, 'NATIVE'))
  app.post('/v3/pay/transactions/h5', c => prepay(c, 'MWEB'))

  app.post('/v3/pay/transactions/codepay', async (c) => {
    const keys = wx.keys()
    const parsed = CodepayBody.safeParse(await jsonBody(c))
    if (!parsed.success) return paramError(c, parsed.error.issues)
    const b = parsed.data
    if (b.mchid !== keys.mchid) return error(c, 400, 'MCH_NOT_EXISTS', '商户号不存在')
    if (b.appid !== keys.appid) return error(c, 400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配')
    if (!AUTH_CODE.test(b.payer.auth_code))
      return error(c, 400, 'PARAM_ERROR', '付款码无效，请用户刷新付款码后重新扫码', { location: 'body', field: '/body/payer/auth_code' })
    const paramsKey = canonical({ tradeType: 'MICROPAY', ...b, scene_info: undefined, amount: { currency: 'CNY', ...b.amount } })
    const existing = wx.orders.get(b.out_trade_no)
    if (existing) {
      // The same order again (a retry after a lost answer): its current state; other parameters are refused.
      if (existing.paramsKey !== paramsKey) return error(c, 403, 'OUT_TRADE_NO_USED', '商户订单号重复')
      return codepayAnswer(c, existing)
    }
    const usedBy = [...wx.orders.values()].find(o => o.authCode === b.payer.auth_code)
    if (usedBy) return error(c, 400, 'INVALID_REQUEST', '付款码已使用，请用户刷新付款码后重新扫码')
    const behaviour = wx.config.codepayNext.shift() ?? codepayBehaviour(b.payer.auth_code)
    if (behaviour === 'NOTENOUGH') return error(c, 403, 'NOTENOUGH', '用户账户余额不足，请用户充值或更换支付卡后再支付')
    const order: SimOrder = {
      outTradeNo: b.out_trade_no,
      tradeType: 'MICROPAY',
      paramsKey,
      appid: b.appid,
      mchid: b.mchid,
      description: b.description,
      attach: b.attach,
      notifyUrl: '',
      totalFen: b.amount.total,
      openid: undefined,
      timeExpire: null,
      prepayId: undefined,
      codeUrl: undefined,
      h5Url: undefined,
      pastH5Urls: [],
      payerClientIp: b.scene_info.device_ip,
      prepayAt: state.now().getTime(),
      createdAt: state.now(),
      state: 'NOTPAY',
      authCode: b.payer.auth_code,
      transactionId: undefined,
      successTime: undefined,
      payerOpenid: undefined,
    }
    wx.orders.set(order.outTradeNo, order)
    if (behaviour.startsWith('USERPAYING_')) {
      order.state = 'USERPAYING'
      const then = behaviour === 'USERPAYING_SUCCESS' ? 'SUCCESS' : behaviour === 'USERPAYING_PAYERROR' ? 'PAYERROR' : 'NEVER'
      order.userpaying = { queriesLeft: wx.config.codepayUserpayingQueries, then }
      return codepayAnswer(c, order)
    }
    pay(order, undefined)
    if (behaviour === 'ANSWER_LOST') return error(c, 500, 'SYSTEM_ERROR', '系统错误，请用相同参数重新调用')
    if (behaviour === 'HANG') await new Promise<void>(resolve => later(wx, 60_000, resolve))
    return codepayAnswer(c, order)
  })

  /** A codepay answer: 200 with the paid transaction, 202 USERPAYING, or WeChat's error for a failed one. */
  function codepayAnswer(c: Context<SandboxEnv>, order: SimOrder): Response {
    if (order.state === 'SUCCESS') return signed(c, 200, transactionJson(order))
    if (order.state === 'USERPAYING') return signed(c, 202, { code: 'USERPAYING', message: '用户支付中，需要输入密码' })
    if (order.state === 'REVOKED') return error(c, 400, 'ORDER_REVOKED', '订单已撤销')
    return error(c, 403, 'TRADE_ERROR', '交易失败，请用户刷新付款码后重新支付')
  }

  /** 撤销 a 付款码 order: unpaid → REVOKED; paid → REVOKED and the money goes back to the payer. */
  app.post('/v3/pay/transactions/out-trade-no/:no/reverse', async (c) => {
    const body = await jsonBody(c) as { mchid?: unknown, appid?: unknown } | undefined
    if (typeof body?.mchid !== 'string') return error(c, 400, 'PARAM_ERROR', '输入源“/body/mchid”映射到值字段“直连商户号”必填性规则校验失败，此字段为必填项')
    if (typeof body.appid !== 'string') return error(c, 400, 'PARAM_ERROR', '输入源“/body/appid”映射到值字段“应用ID”必填性规则校验失败，此字段为必填项')
    if (body.mchid !== wx.keys().mchid) return error(c, 400, 'MCH_NOT_EXISTS', '商户号不存在')
    if (body.appid !== wx.keys().appid) return error(c, 400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配')
    const order = wx.orders.get(c.req.param('no'))
    if (!order) return error(c, 404, 'ORDER_NOT_EXIST', '订单不存在')
    if (order.tradeType !== 'MICROPAY') return error(c, 400, 'INVALID_REQUEST', '只有付款码支付的订单可以撤销，其他订单请关单或申请退款')
    if (state.now().getTime() - order.createdAt.getTime() > REVERSE_WINDOW_MS)
      return error(c, 400, 'INVALID_REQUEST', '订单已超过7天，不能撤销，请申请退款')
    if (order.state === 'REFUND') return error(c, 400, 'INVALID_REQUEST', '订单已发生退款，不能撤销')
    order.state = 'REVOKED'
    delete order.userpaying
    return signed(c, 200, { appid: order.appid, mchid: order.mchid, out_trade_no: order.outTradeNo })
  })

  app.get('/v3/pay/transactions/out-trade-no/:no', (c) => {
    const mchid = c.req.query('mchid')
    if (!mchid) return error(c, 400, 'PARAM_ERROR', '输入源“/query/mchid”映射到值字段“直连商户号”必填性规则校验失败，此字段为必填项')
    if (mchid !== wx.keys().mchid) return error(c, 400, 'MCH_NOT_EXISTS', '商户号不存在')
    const order = wx.orders.get(c.req.param('no'))
    if (!order) return error(c, 404, 'ORDER_NOT_EXIST', '订单不存在')
    return signed(c, 200, transactionJson(progress(refresh(order))))
  })

  app.get('/v3/pay/transactions/id/:id', (c) => {
    if (c.req.query('mchid') !== wx.keys().mchid) return error(c, 400, 'PARAM_ERROR', 'mchid 缺失或不正确')
    const order = [...wx.orders.values()].find(o => o.transactionId === c.req.param('id'))
    if (!order) return error(c, 404, 'ORDER_NOT_EXIST', '订单不存在')
    return signed(c, 200, transactionJson(refresh(order)))
  })

  app.post('/v3/pay/transactions/out-trade-no/:no/close', async (c) => {
    const body = await jsonBody(c) as { mchid?: unknown } | undefined
    if (typeof body?.mchid !== 'string') return error(c, 400, 'PARAM_ERROR', '输入源“/body/mchid”映射到值字段“直连商户号”必填性规则校验失败，此字段为必填项')
    if (body.mchid !== wx.keys().mchid) return error(c, 400, 'MCH_NOT_EXISTS', '商户号不存在')
    const order = wx.orders.get(c.req.param('no'))
    if (!order) return error(c, 404, 'ORDER_NOT_EXIST', '订单不存在')
    refresh(order)
    if (order.state === 'SUCCESS' || order.state === 'REFUND') return error(c, 400, 'ORDERPAID', '订单已支付，不能关闭，请发起退款')
    order.state = 'CLOSED'
    return signed(c, 204)
  })

  app.post('/v3/refund/domestic/refunds', async (c) => {
    const parsed = RefundBody.safeParse(await jsonBody(c))
    if (!parsed.success) return paramError(c, parsed.error.issues)
    const b = parsed.data
    if (!b.out_trade_no && !b.transaction_id) return error(c, 400, 'PARAM_ERROR', 'transaction_id 和 out_trade_no 必须二选一')
    const order = b.out_trade_no ? wx.orders.get(b.out_trade_no) : [...wx.orders.values()].find(o => o.transactionId === b.transaction_id)
    if (!order) return error(c, 404, 'RESOURCE_NOT_EXISTS', '订单不存在')
    const paramsKey = canonical({ ...b, out_trade_no: order.outTradeNo, transaction_id: undefined })
    const existing = wx.refunds.get(b.out_refund_no)
    if (existing) {
      if (existing.paramsKey !== paramsKey) return error(c, 400, 'INVALID_REQUEST', '商户退款单号已存在，但退款参数与原请求不一致')
      return signed(c, 200, refundJson(existing))
    }
    refresh(order)
    if (order.state !== 'SUCCESS' && order.state !== 'REFUND') return error(c, 400, 'INVALID_REQUEST', '订单未支付，不能退款')
    if (b.amount.total !== order.totalFen) return error(c, 400, 'PARAM_ERROR', '订单金额与原订单金额不一致')
    const others = [...wx.refunds.values()].filter(r => r.outTradeNo === order.outTradeNo && r.status !== 'CLOSED')
    if (others.length >= 50) return error(c, 400, 'INVALID_REQUEST', '退款次数超过限制（每笔订单最多50次）')
    if (others.reduce((s, r) => s + r.refundFen, 0) + b.amount.refund > order.totalFen) return error(c, 400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额')
    const refund: SimRefund = {
      refundId: `50${randomDigits(27)}`,
      outRefundNo: b.out_refund_no,
      outTradeNo: order.outTradeNo,
      transactionId: order.transactionId!,
      paramsKey,
      notifyUrl: b.notify_url ?? order.notifyUrl,
      refundFen: b.amount.refund,
      totalFen: order.totalFen,
      status: 'PROCESSING',
      createTime: state.now(),
      successTime: undefined,
    }
    wx.refunds.set(refund.outRefundNo, refund)
    later(wx, wx.config.refundProcessingMs, () => completeRefund(refund, wx.config.refundOutcome))
    return signed(c, 200, refundJson(refund))
  })

  app.get('/v3/refund/domestic/refunds/:no', (c) => {
    const refund = wx.refunds.get(c.req.param('no'))
    if (!refund) return error(c, 404, 'RESOURCE_NOT_EXISTS', '退款单不存在')
    return signed(c, 200, refundJson(refund))
  })

  app.get('/v3/bill/tradebill', (c) => {
    const date = c.req.query('bill_date') ?? ''
    const type = c.req.query('bill_type') ?? 'ALL'
    const tar = c.req.query('tar_type')
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(new Date(`${date}T00:00:00+08:00`).getTime())) return error(c, 400, 'PARAM_ERROR', '输入源“/query/bill_date”格式应为 yyyy-MM-dd')
    if (type !== 'ALL' && type !== 'SUCCESS' && type !== 'REFUND') return error(c, 400, 'PARAM_ERROR', 'bill_type 应为 ALL、SUCCESS 或 REFUND')
    if (tar !== undefined && tar !== 'GZIP') return error(c, 400, 'PARAM_ERROR', 'tar_type 只支持 GZIP')
    const today = shanghaiDate(state.now())
    if (date > today || (date === today && !wx.config.billsReadyToday)) return error(c, 400, 'NO_STATEMENT_EXIST', '账单尚未生成（次日生成前一日账单）')
    if (shanghaiDate(new Date(state.now().getTime() - 92 * 24 * 3600_000)) > date) return error(c, 400, 'NO_STATEMENT_EXIST', '只能下载三个月以内的账单')
    const csv = buildTradeBill(wx, date, type)
    if (csv === null) return error(c, 400, 'NO_STATEMENT_EXIST', '当日无交易，账单不存在')
    const bytes = Buffer.from(csv, 'utf8')
    const token = randomAlnum(64)
    wx.bills.set(token, tar === 'GZIP' ? gzipSync(bytes) : bytes)
    const download = new URL('/v3/billdownload/file', c.req.url)
    download.searchParams.set('token', token)
    return signed(c, 200, { hash_type: 'SHA1', hash_value: createHash('sha1').update(bytes).digest('hex'), download_url: download.toString() })
  })

  app.get('/v3/billdownload/file', (c) => {
    const file = wx.bills.get(c.req.query('token') ?? '')
    if (!file) return error(c, 400, 'INVALID_REQUEST', '下载链接无效或已过期')
    // The file answer is NOT signed: the caller checks the SHA1 from the tradebill answer.
    return c.body(new Uint8Array(file), 200, { 'Content-Type': 'application/octet-stream', 'Request-ID': randomUUID().replace(/-/g, '').toUpperCase() })
  })

  app.all('/v3/*', c => error(c, 404, 'NOT_FOUND', '请求的资源不存在'))

  // ---- the payer's side ------------------------------------------------------------------------------
  function findForPage(q: Record<string, string>): SimOrder | undefined {
    if (q.prepay_id) return [...wx.orders.values()].find(o => o.prepayId === q.prepay_id)
    if (q.code_url) return [...wx.orders.values()].find(o => o.codeUrl === q.code_url)
    if (q.out_trade_no) return wx.orders.get(q.out_trade_no)
    return undefined
  }

  function safeReturnUrl(value: string | undefined): string | undefined {
    if (!value) return undefined
    try {
      const url = new URL(value)
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined
    }
    catch {
      return undefined
    }
  }

  /** The "WeChat" screen where the payer confirms (the JSAPI sheet, or the phone that scanned the Native QR). */
  app.get('/__sandbox/wechatpay/pay', (c) => {
    c.header('Cache-Control', 'no-store')
    const order = findForPage(c.req.query())
    const returnUrl = safeReturnUrl(c.req.query('return_url'))
    if (!order) return c.html(payResultPage({ ok: false, title: '订单不存在', message: '没有找到这笔订单，请返回商户重新下单。', returnUrl }), 404)
    refresh(order)
    return c.html(payPage({ order, merchantName: wx.config.merchantName, mchid: order.mchid, returnUrl }))
  })

  app.post('/__sandbox/wechatpay/pay', async (c) => {
    c.header('Cache-Control', 'no-store')
    const form = await c.req.parseBody()
    const returnUrl = safeReturnUrl(typeof form.return_url === 'string' ? form.return_url : undefined)
    const order = wx.orders.get(typeof form.out_trade_no === 'string' ? form.out_trade_no : '')
    if (!order) return c.html(payResultPage({ ok: false, title: '订单不存在', message: '没有找到这笔订单，请返回商户重新下单。', returnUrl }), 404)
    const result = pay(order, getCookie(c, 'sandbox_wx_user'))
    if (!result.ok) return c.html(payResultPage({ ok: false, title: '支付失败', message: result.message, returnUrl }), 409)
    return c.html(payResultPage({ ok: true, title: '支付成功', message: `已向${wx.config.merchantName}支付 ${(order.totalFen / 100).toFixed(2)} 元`, returnUrl }))
  })

  // ---- H5: the page an h5_url opens (WeChat's cashier in the payer's phone) ------------------------------
  type Form = Record<string, string | File | (string | File)[]>
  const text = (v: Form[string] | undefined) => (typeof v === 'string' ? v : '')
  const linkKey = (url: string) => {
    const p = new URL(url).searchParams
    return `${p.get('prepay_id')}&${p.get('package')}`
  }

  /** The order of an h5_url's prepay_id and package, and whether the link is still usable (5 minutes). */
  function h5Link(q: Form): { order: SimOrder, live: boolean } | undefined {
    const wanted = `${text(q.prepay_id)}&${text(q.package)}`
    for (const order of wx.orders.values()) {
      if (order.tradeType !== 'MWEB') continue
      if (linkKey(order.h5Url!) === wanted)
        return { order, live: state.now().getTime() - order.prepayAt <= H5_URL_TTL_MS }
      if (order.pastH5Urls.some(u => linkKey(u) === wanted)) return { order, live: false }
    }
    return undefined
  }

  const H5_GONE = { title: '支付请求已失效，请重新发起支付', message: '支付链接生成后5分钟内有效，请返回商户重新发起支付。' }
  const H5_UNKNOWN = { title: '订单不存在', message: '没有找到这笔订单，请返回商户重新下单。' }
  const H5_NO_REFERER = {
    title: '商家参数格式有误，请联系商家解决',
    message: '演示用：H5支付须从商户的页面跳转打开（带有来源页面），且 redirect_url 须与该页面同一域名。',
  }

  /**
   * WeChat's H5 cashier: opened from the merchant's page with `&redirect_url=` appended. Like WeChat Pay it
   * refuses a visit without a Referer (商家参数格式有误: the link was typed or opened with no-referrer) and a
   * redirect_url on another domain than the page that opened it; after 5 minutes the link has expired.
   */
  app.get(H5_PAGE, (c) => {
    c.header('Cache-Control', 'no-store')
    const returnUrl = safeReturnUrl(c.req.query('redirect_url'))
    const link = h5Link(c.req.query())
    if (!link) return c.html(payResultPage({ ok: false, ...H5_UNKNOWN, returnUrl }), 404)
    const referer = safeReturnUrl(c.req.header('Referer'))
    if (!referer || (returnUrl && new URL(returnUrl).hostname !== new URL(referer).hostname))
      return c.html(payResultPage({ ok: false, ...H5_NO_REFERER, returnUrl: undefined }), 403)
    if (!link.live) return c.html(payResultPage({ ok: false, ...H5_GONE, returnUrl }), 410)
    const { order } = link
    refresh(order)
    return c.html(h5Page({ order, merchantName: wx.config.merchantName, mchid: order.mchid, returnUrl }))
  })

  /** 确认支付 pays as every other pay control does (TRANSACTION.SUCCESS follows), 取消 does not; both go back. */
  app.post(H5_PAGE, async (c) => {
    c.header('Cache-Control', 'no-store')
    const form = await c.req.parseBody()
    const returnUrl = safeReturnUrl(text(form.redirect_url) || undefined)
    const link = h5Link(form)
    if (!link) return c.html(payResultPage({ ok: false, ...H5_UNKNOWN, returnUrl }), 404)
    if (form.action === 'pay') {
      if (!link.live) return c.html(payResultPage({ ok: false, ...H5_GONE, returnUrl }), 410)
      const result = pay(link.order, getCookie(c, 'sandbox_wx_user'))
      if (!result.ok)
        return c.html(payResultPage({ ok: false, title: '支付失败', message: result.message, returnUrl }), 409)
      const message = `已向${wx.config.merchantName}支付 ${(link.order.totalFen / 100).toFixed(2)} 元`
      if (!returnUrl) return c.html(payResultPage({ ok: true, title: '支付成功', message, returnUrl }))
    }
    else if (!returnUrl) {
      return c.html(payResultPage({ ok: false, title: '已取消支付', message: '没有扣款。', returnUrl }))
    }
    return c.redirect(returnUrl!, 302)
  })

  // ---- test controls -----------------------------------------------------------------------------------
  const ctl = new Hono<SandboxEnv>()

  ctl.get('/config', c => c.json({ config: wx.config }))
  ctl.put('/config', async (c) => {
    const parsed = WechatPaySimConfigSchema.partial().safeParse(await c.req.json().catch(() => null))
    if (!parsed.success) return c.json({ ok: false, error: parsed.error.issues.map(i => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') }, 400)
    wx.config = { ...wx.config, ...parsed.data }
    return c.json({ ok: true, config: wx.config })
  })

  const view = (o: SimOrder) => ({
    ...transactionJson(refresh(o)),
    trade_type: o.tradeType,
    prepay_id: o.prepayId,
    code_url: o.codeUrl,
    h5_url: o.h5Url,
    payer_client_ip: o.payerClientIp,
    notify_url: o.notifyUrl,
  })
  ctl.get('/orders', c => c.json({ orders: [...wx.orders.values()].map(view) }))
  ctl.get('/orders/:no', (c) => {
    const o = wx.orders.get(c.req.param('no'))
    if (!o) return c.json({ ok: false, error: 'no such order' }, 404)
    return c.json(view(o))
  })

  /**
   * Pays an order without the page. Body (optional): `{ openid }` of the payer (Native), and
   * `beatClose: true` to pay an order already closed, as a payment that won the race with the close.
   */
  ctl.post('/orders/:no/pay', async (c) => {
    const o = wx.orders.get(c.req.param('no'))
    if (!o) return c.json({ ok: false, error: 'no such order' }, 404)
    const body = await c.req.json().catch(() => ({})) as { openid?: unknown, beatClose?: unknown }
    const result = pay(o, typeof body.openid === 'string' ? body.openid : undefined, body.beatClose === true)
    if (!result.ok) return c.json({ ok: false, error: result.message }, 409)
    return c.json({ ok: true, transaction: transactionJson(o) })
  })

  /** The payer of a USERPAYING 付款码 order cancels or mistypes the password: PAYERROR. */
  ctl.post('/orders/:no/fail', (c) => {
    const o = wx.orders.get(c.req.param('no'))
    if (!o) return c.json({ ok: false, error: 'no such order' }, 404)
    if (o.state !== 'USERPAYING') return c.json({ ok: false, error: `order is ${o.state}, not USERPAYING` }, 409)
    fail(o)
    return c.json({ ok: true, transaction: transactionJson(o) })
  })

  /**
   * Sends the order's latest callback once more, now: `{ variant?: 'genuine' | 'signtest' | 'tampered' |
   * 'stale' | 'unknown-serial' | 'reserialized', eventType? }` → `{ status }` of the BFF's answer.
   */
  ctl.post('/orders/:no/notify', async (c) => {
    const body = await c.req.json().catch(() => ({})) as { variant?: unknown, eventType?: unknown }
    const variant = body.variant ?? 'genuine'
    if (variant !== 'genuine' && !FORGERIES.includes(variant as never)) return c.json({ ok: false, error: `variant must be genuine or one of ${FORGERIES.join(', ')}` }, 400)
    const events = [...wx.events.values()].filter(e => e.outTradeNo === c.req.param('no') && (body.eventType === undefined || e.eventType === body.eventType))
    const event = events.at(-1)
    if (!event) return c.json({ ok: false, error: 'this order has no notification yet (pay it first)' }, 404)
    const status = await deliver(state, event, variant as 'genuine', event.attempts)
    return c.json({ ok: true, eventId: event.id, status })
  })

  /** Ends a PROCESSING refund now: `{ outcome?: 'SUCCESS' | 'ABNORMAL' | 'CLOSED' }`. */
  ctl.post('/refunds/:no/complete', async (c) => {
    const r = wx.refunds.get(c.req.param('no'))
    if (!r) return c.json({ ok: false, error: 'no such refund' }, 404)
    const body = await c.req.json().catch(() => ({})) as { outcome?: unknown }
    const outcome = body.outcome ?? 'SUCCESS'
    if (outcome !== 'SUCCESS' && outcome !== 'ABNORMAL' && outcome !== 'CLOSED') return c.json({ ok: false, error: 'outcome must be SUCCESS, ABNORMAL or CLOSED' }, 400)
    completeRefund(r, outcome)
    return c.json({ ok: true, refund: refundJson(r) })
  })

  /** Decrypted notifications emitted so far (tests compare them with what the BFF stored). */
  ctl.get('/notifications', (c) => {
    const no = c.req.query('out_trade_no')
    return c.json({ notifications: [...wx.events.values()].filter(e => !no || e.outTradeNo === no).map(e => ({ id: e.id, eventType: e.eventType, outTradeNo: e.outTradeNo, outRefundNo: e.outRefundNo, attempts: e.attempts, done: e.done, payload: e.payload })) })
  })

  ctl.get('/deliveries', (c) => {
    const no = c.req.query('out_trade_no')
    return c.json({ deliveries: wx.deliveries.filter(d => !no || d.outTradeNo === no) })
  })

  /** Delivers the callbacks queued while `callbacks` was `hold`: `{ order?: 'fifo' | 'reverse' }`. */
  ctl.post('/callbacks/release', async (c) => {
    const body = await c.req.json().catch(() => ({})) as { order?: unknown }
    const released = await releaseHeld(state, body.order === 'reverse' ? 'reverse' : 'fifo')
    return c.json({ ok: true, released })
  })

  /** Cancels every pending retry and refund timer. */
  ctl.delete('/callbacks', (c) => {
    stopWechatPay(wx)
    return c.json({ ok: true })
  })

  app.route('/__sandbox/wechatpay', ctl)
  return app
}
