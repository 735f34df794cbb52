import type { WechatPayKeys } from '../upstream/wechatpay/keys'
import { createPrivateKey, createPublicKey } from 'node:crypto'
import { http, HttpResponse } from 'msw'
import { parseAuthorization, requestMessage, rsaVerify, sealNotification, signedHeaders, unixSeconds, wechatTime } from '../upstream/wechatpay/crypto'
import vectors from '../upstream/wechatpay/fixtures/vectors.json' with { type: 'json' }

/**
 * MSW stand-in for WeChat Pay in BFF route tests: minimal, but real on the wire — it verifies our request
 * signatures and signs its answers with fixed public TEST keys (the WeChat Pay doc sample key for the
 * merchant, the wechatpay-go test key for the platform). For flows that need callbacks, retries, bills
 * or the pay page, run the real simulator instead (`createSandbox` on a port; see the adapter README).
 */

/** Base URL the tests point the WeChat Pay adapter at (`WXPAY_BASE_URL`). */
export const WECHATPAY_TEST_URL = 'http://wechatpay.test'

const merchantPrivateKey = createPrivateKey(vectors.officialSample.privateKeyPkcs8)
const platformPrivateKey = createPrivateKey(vectors.wechatpayGo.privateKeyPkcs8)
const platformKeyId = 'PUB_KEY_ID_0114190000010920260615000000TEST'

/** Fixed test merchant: pass to `createDeps(…, { wechatpayKeys })` (public sample keys, protect nothing). */
export const WECHATPAY_TEST_KEYS: WechatPayKeys & { platformKeyId: string, platformPrivateKey: typeof platformPrivateKey } = {
  mchid: '1900000109',
  appid: 'wx0000000000sandbox',
  merchantSerial: '408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB',
  merchantPrivateKey,
  merchantPublicKey: createPublicKey(merchantPrivateKey),
  platformPublicKeys: { [platformKeyId]: createPublicKey(platformPrivateKey) },
  platformKeyId,
  platformPrivateKey,
  apiV3Key: 'yibaoTestApiV3Key000000000000032',
  generated: false,
}

/** An order the fake WeChat Pay knows (wire fields). */
export interface TestWechatPayOrder {
  out_trade_no: string
  trade_type: 'JSAPI' | 'NATIVE' | 'MWEB'
  trade_state: 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND'
  description: string
  attach?: string
  total: number
  openid?: string
  prepay_id?: string
  code_url?: string
  h5_url?: string
  /** H5: the payer's IP address as the last prepay sent it. */
  payer_client_ip?: string
  transaction_id?: string
  success_time?: string
  /** Canonical params for the OUT_TRADE_NO_USED check. */
  params: string
}

/** Orders and refunds of this test file (reset with `resetWechatPayTest`). */
export const wechatpayTestOrders = new Map<string, TestWechatPayOrder>()
export const wechatpayTestRefunds = new Map<string, Record<string, unknown>>()

/** Clears the fake's orders and refunds. */
export function resetWechatPayTest(): void {
  wechatpayTestOrders.clear()
  wechatpayTestRefunds.clear()
}

/** The clock the fake signs with (tests with a fake clock set it; default real time). */
export const wechatpayTestClock = { now: () => new Date() }

function reply(status: number, body?: unknown): HttpResponse<string> {
  const text = body === undefined ? '' : JSON.stringify(body)
  const headers = { ...signedHeaders({ body: text, privateKey: platformPrivateKey, keyId: platformKeyId, now: wechatpayTestClock.now() }), 'Request-ID': 'TEST-REQUEST-ID', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) }
  return new HttpResponse(body === undefined ? null : text, { status, headers })
}

/** Our request must carry a valid merchant signature, as WeChat Pay requires. */
async function checkSignature(request: Request): Promise<{ ok: true, body: string } | { ok: false, res: HttpResponse<string> }> {
  const body = request.method === 'GET' ? '' : await request.text()
  const auth = parseAuthorization(request.headers.get('authorization'))
  const url = new URL(request.url)
  if (!auth || auth.mchid !== WECHATPAY_TEST_KEYS.mchid || auth.serial_no !== WECHATPAY_TEST_KEYS.merchantSerial
    || !rsaVerify(requestMessage(request.method, `${url.pathname}${url.search}`, auth.timestamp, auth.nonce_str, body), auth.signature, WECHATPAY_TEST_KEYS.merchantPublicKey))
    return { ok: false, res: reply(401, { code: 'SIGN_ERROR', message: '签名错误' }) }
  return { ok: true, body }
}

function transaction(o: TestWechatPayOrder): Record<string, unknown> {
  const paid = o.trade_state === 'SUCCESS' || o.trade_state === 'REFUND'
  return {
    appid: WECHATPAY_TEST_KEYS.appid,
    mchid: WECHATPAY_TEST_KEYS.mchid,
    out_trade_no: o.out_trade_no,
    trade_state: o.trade_state,
    trade_state_desc: { NOTPAY: '订单未支付', SUCCESS: '支付成功', CLOSED: '订单已关闭', REFUND: '转入退款' }[o.trade_state],
    ...(o.attach ? { attach: o.attach } : {}),
    ...(paid ? { transaction_id: o.transaction_id, trade_type: o.trade_type, bank_type: 'OTHERS', success_time: o.success_time, payer: { openid: o.openid ?? 'oTestNativePayer0000000000000' } } : {}),
    amount: paid ? { total: o.total, payer_total: o.total, currency: 'CNY', payer_currency: 'CNY' } : { total: o.total, currency: 'CNY', payer_currency: 'CNY' },
  }
}

/** Marks a test order paid (as if the payer confirmed); returns the decrypted TRANSACTION.SUCCESS payload. */
export function payTestOrder(outTradeNo: string): Record<string, unknown> {
  const o = wechatpayTestOrders.get(outTradeNo)
  if (!o) throw new Error(`no test order ${outTradeNo}`)
  o.trade_state = 'SUCCESS'
  o.transaction_id = `4200000000${String(wechatpayTestOrders.size).padStart(18, '0')}`
  o.success_time = wechatTime(wechatpayTestClock.now())
  return transaction(o)
}

/**
 * A callback exactly as WeChat Pay would POST it (signed with the test platform key, resource encrypted
 * with the test APIv3 key), for notify-route tests. `tamper` breaks it the ways an attacker or a proxy would.
 */
export function testNotification(opts: { eventType: string, payload: Record<string, unknown>, tamper?: 'signtest' | 'signature' | 'stale' | 'reserialized' }): { headers: Record<string, string>, body: string } {
  const refund = opts.eventType.startsWith('REFUND.')
  const at = opts.tamper === 'stale' ? new Date(wechatpayTestClock.now().getTime() - 301_000) : wechatpayTestClock.now()
  const sealed = sealNotification({ platformPrivateKey, platformKeyId, apiV3Key: WECHATPAY_TEST_KEYS.apiV3Key, eventType: opts.eventType, summary: refund ? '退款成功' : '支付成功', originalType: refund ? 'refund' : 'transaction', payload: opts.payload, now: at })
  if (opts.tamper === 'signtest') sealed.headers['Wechatpay-Signature'] = `WECHATPAY/SIGNTEST/${sealed.headers['Wechatpay-Signature']}`
  if (opts.tamper === 'signature') {
    const sig = sealed.headers['Wechatpay-Signature']!
    sealed.headers['Wechatpay-Signature'] = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`
  }
  if (opts.tamper === 'reserialized') sealed.body = JSON.stringify(JSON.parse(sealed.body), null, 1)
  return sealed
}

/** Happy paths of prepay, query, close, refund; add error cases per test with `mswServer.use`. */
export const wechatpayHandlers = [
  ...(['jsapi', 'native', 'h5'] as const).map(kind => http.post(`${WECHATPAY_TEST_URL}/v3/pay/transactions/${kind}`, async ({ request }) => {
    const checked = await checkSignature(request)
    if (!checked.ok) return checked.res
    const b = JSON.parse(checked.body) as { out_trade_no: string, description: string, attach?: string, amount: { total: number }, payer?: { openid: string }, appid: string, mchid: string, notify_url: string, scene_info?: { payer_client_ip?: string, h5_info?: { type?: string } } }
    if (b.appid !== WECHATPAY_TEST_KEYS.appid || b.mchid !== WECHATPAY_TEST_KEYS.mchid) return reply(400, { code: 'APPID_MCHID_NOT_MATCH', message: 'appid和mch_id不匹配' })
    if (!Number.isInteger(b.amount?.total) || b.amount.total < 1 || (kind === 'jsapi' && !b.payer?.openid)) return reply(400, { code: 'PARAM_ERROR', message: '参数错误' })
    if (kind === 'h5' && (!b.scene_info?.payer_client_ip || b.scene_info.h5_info?.type !== 'Wap')) return reply(400, { code: 'PARAM_ERROR', message: '参数错误' })
    const params = JSON.stringify([kind, b.description, b.attach, b.amount.total, b.payer?.openid, b.notify_url])
    const existing = wechatpayTestOrders.get(b.out_trade_no)
    if (existing && existing.params !== params) return reply(403, { code: 'OUT_TRADE_NO_USED', message: '商户订单号重复' })
    if (existing && existing.trade_state !== 'NOTPAY') return reply(existing.trade_state === 'CLOSED' ? 400 : 403, { code: existing.trade_state === 'CLOSED' ? 'ORDER_CLOSED' : 'ORDERPAID', message: '订单状态不允许' })
    const order: TestWechatPayOrder = existing ?? {
      out_trade_no: b.out_trade_no,
      trade_type: kind === 'jsapi' ? 'JSAPI' : kind === 'h5' ? 'MWEB' : 'NATIVE',
      trade_state: 'NOTPAY',
      description: b.description,
      attach: b.attach,
      total: b.amount.total,
      openid: b.payer?.openid,
      prepay_id: kind === 'jsapi' ? `wx${unixSeconds(wechatpayTestClock.now())}${b.out_trade_no}`.slice(0, 36) : undefined,
      code_url: kind === 'native' ? `weixin://wxpay/bizpayurl?pr=T${wechatpayTestOrders.size}` : undefined,
      h5_url: kind === 'h5' ? `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wxT${wechatpayTestOrders.size}&package=1405458241` : undefined,
      params,
    }
    order.payer_client_ip = b.scene_info?.payer_client_ip
    wechatpayTestOrders.set(order.out_trade_no, order)
    return reply(200, kind === 'jsapi' ? { prepay_id: order.prepay_id } : kind === 'h5' ? { h5_url: order.h5_url } : { code_url: order.code_url })
  })),
  http.get(`${WECHATPAY_TEST_URL}/v3/pay/transactions/out-trade-no/:no`, async ({ request, params }) => {
    const checked = await checkSignature(request)
    if (!checked.ok) return checked.res
    const o = wechatpayTestOrders.get(String(params.no))
    return o ? reply(200, transaction(o)) : reply(404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' })
  }),
  http.post(`${WECHATPAY_TEST_URL}/v3/pay/transactions/out-trade-no/:no/close`, async ({ request, params }) => {
    const checked = await checkSignature(request)
    if (!checked.ok) return checked.res
    const o = wechatpayTestOrders.get(String(params.no))
    if (!o) return reply(404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' })
    if (o.trade_state === 'SUCCESS' || o.trade_state === 'REFUND') return reply(400, { code: 'ORDERPAID', message: '订单已支付' })
    o.trade_state = 'CLOSED'
    return reply(204)
  }),
  http.post(`${WECHATPAY_TEST_URL}/v3/refund/domestic/refunds`, async ({ request }) => {
    const checked = await checkSignature(request)
    if (!checked.ok) return checked.res
    const b = JSON.parse(checked.body) as { out_trade_no: string, out_refund_no: string, amount: { refund: number, total: number } }
    const o = wechatpayTestOrders.get(b.out_trade_no)
    if (!o) return reply(404, { code: 'RESOURCE_NOT_EXISTS', message: '订单不存在' })
    if (o.trade_state !== 'SUCCESS' && o.trade_state !== 'REFUND') return reply(400, { code: 'INVALID_REQUEST', message: '订单未支付' })
    const refund = wechatpayTestRefunds.get(b.out_refund_no) ?? {
      refund_id: `5030000000${String(wechatpayTestRefunds.size).padStart(19, '0')}`,
      out_refund_no: b.out_refund_no,
      transaction_id: o.transaction_id,
      out_trade_no: o.out_trade_no,
      channel: 'ORIGINAL',
      user_received_account: '支付用户零钱',
      create_time: wechatTime(wechatpayTestClock.now()),
      status: 'PROCESSING',
      funds_account: 'AVAILABLE',
      amount: { total: o.total, refund: b.amount.refund, payer_total: o.total, payer_refund: b.amount.refund, currency: 'CNY' },
    }
    wechatpayTestRefunds.set(b.out_refund_no, refund)
    return reply(200, refund)
  }),
  http.get(`${WECHATPAY_TEST_URL}/v3/refund/domestic/refunds/:no`, async ({ request, params }) => {
    const checked = await checkSignature(request)
    if (!checked.ok) return checked.res
    const r = wechatpayTestRefunds.get(String(params.no))
    return r ? reply(200, r) : reply(404, { code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' })
  }),
]
