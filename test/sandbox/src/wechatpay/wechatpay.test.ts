import type { AddressInfo } from 'node:net'
import type { WechatPaySimConfig } from './state'
import { createDecipheriv, createHash, sign, verify } from 'node:crypto'
import { createServer } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createSandbox } from '../app'
import { generateWechatPayKeys } from './keys'
import { stopWechatPay } from './state'

// One key set for the file (RSA generation is the slow part); each test gets a fresh sandbox.
const keys = generateWechatPayKeys('1900000109', 'wx8888888888888888')
let clock = new Date('2026-06-15T10:00:00+08:00')
const now = () => clock

function sandbox(config: Partial<WechatPaySimConfig> = {}) {
  const sb = createSandbox({ now, wechatpay: keys, wechatpayConfig: config })
  created.push(sb)
  return sb
}
const created: ReturnType<typeof createSandbox>[] = []

/** A merchant request signed with the test merchant key (independent of the BFF adapter). */
async function call(app: ReturnType<typeof createSandbox>['app'], method: 'GET' | 'POST', path: string, body?: unknown, tweak: { serial?: string, ts?: number, resign?: string } = {}) {
  const text = body === undefined ? '' : JSON.stringify(body)
  const ts = tweak.ts ?? Math.floor(clock.getTime() / 1000)
  const nonce = 'N0NCE1234567890abcdefghijklmnopq'
  const signature = sign('sha256', Buffer.from(tweak.resign ?? `${method}\n${path}\n${ts}\n${nonce}\n${text}\n`), keys.merchantPrivateKey).toString('base64')
  const auth = `WECHATPAY2-SHA256-RSA2048 serial_no="${tweak.serial ?? keys.merchantSerial}",timestamp="${ts}",mchid="${keys.mchid}",signature="${signature}",nonce_str="${nonce}"`
  const res = await app.request(path, { method, headers: { 'Authorization': auth, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : text })
  const raw = await res.text()
  return { status: res.status, headers: res.headers, raw, json: raw ? JSON.parse(raw) as Record<string, unknown> : undefined }
}

/** Checks a Wechatpay-* signature with the platform public key. */
function platformSigned(headers: Headers | Record<string, string>, raw: string): boolean {
  const h = (n: string) => headers instanceof Headers ? headers.get(n) : headers[n]
  return h('Wechatpay-Serial') === keys.platformKeyId && verify('sha256', Buffer.from(`${h('Wechatpay-Timestamp')}\n${h('Wechatpay-Nonce')}\n${raw}\n`), keys.platformPublicKey, Buffer.from(h('Wechatpay-Signature') ?? '', 'base64'))
}

function decrypt(resource: { ciphertext: string, nonce: string, associated_data: string }): Record<string, unknown> {
  const data = Buffer.from(resource.ciphertext, 'base64')
  const d = createDecipheriv('aes-256-gcm', Buffer.from(keys.apiV3Key), Buffer.from(resource.nonce))
  d.setAAD(Buffer.from(resource.associated_data))
  d.setAuthTag(data.subarray(-16))
  return JSON.parse(Buffer.concat([d.update(data.subarray(0, -16)), d.final()]).toString('utf8')) as Record<string, unknown>
}

// A stand-in for the BFF's notify endpoint: records every callback, answers from a script.
const received: { headers: Record<string, string>, body: string }[] = []
let answers: number[] = []
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    received.push({ headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body: Buffer.concat(chunks).toString('utf8') })
    res.statusCode = answers.shift() ?? 204
    res.end()
  })
})
let notifyUrl = ''

beforeAll(async () => {
  await new Promise<void>(r => receiver.listen(0, '127.0.0.1', r))
  notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/v1/payments/wechat/notify`
})
afterAll(() => new Promise<void>(r => receiver.close(() => r())))
afterEach(() => {
  for (const sb of created.splice(0)) stopWechatPay(sb.state.wechatpay)
  received.length = 0
  answers = []
  clock = new Date('2026-06-15T10:00:00+08:00')
})

function jsapiOrder(no: string, total = 38000) {
  return { appid: keys.appid, mchid: keys.mchid, description: '2027年度城乡居民医保缴费', out_trade_no: no, time_expire: '2026-06-15T12:00:00+08:00', attach: 'order:1', notify_url: notifyUrl, amount: { total, currency: 'CNY' }, payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } }
}

async function until<T>(probe: () => T | undefined, ms = 3000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = probe()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise(r => setTimeout(r, 10))
  }
}

describe('request signatures', () => {
  it('answers 401 SIGN_ERROR, itself signed, to a bad signature, a platform serial, a stale timestamp or no Authorization', async () => {
    const { app } = sandbox()
    const path = '/v3/pay/transactions/out-trade-no/NOPE000001?mchid=1900000109'
    for (const tweak of [{ resign: `GET\n${path}\n1\nx\n\n` }, { serial: keys.platformKeyId }, { ts: Math.floor(clock.getTime() / 1000) - 301 }]) {
      const res = await call(app, 'GET', path, undefined, tweak)
      expect(res.status).toBe(401)
      expect(res.json).toMatchObject({ code: 'SIGN_ERROR' })
      expect(platformSigned(res.headers, res.raw)).toBe(true)
    }
    const bare = await app.request(path)
    expect(bare.status).toBe(401)
    // A correct signature in any field order gets through (here: 404, the order does not exist).
    expect((await call(app, 'GET', path)).json).toMatchObject({ code: 'ORDER_NOT_EXIST' })
  })
})

describe('prepay', () => {
  it('returns the same prepay_id for the same params, OUT_TRADE_NO_USED for different ones, PARAM_ERROR for bad ones', async () => {
    const { app } = sandbox()
    const first = await call(app, 'POST', '/v3/pay/transactions/jsapi', jsapiOrder('YB2026061500001'))
    expect(first.status).toBe(200)
    expect(first.json!.prepay_id).toMatch(/^wx20260615100000[0-9a-z]{20}$/)
    expect(platformSigned(first.headers, first.raw)).toBe(true)
    expect(first.headers.get('Request-ID')).toMatch(/^[0-9A-F]{32}$/)
    expect((await call(app, 'POST', '/v3/pay/transactions/jsapi', jsapiOrder('YB2026061500001'))).json).toEqual(first.json)
    const changed = await call(app, 'POST', '/v3/pay/transactions/jsapi', jsapiOrder('YB2026061500001', 38001))
    expect([changed.status, changed.json!.code]).toEqual([403, 'OUT_TRADE_NO_USED'])
    const native = await call(app, 'POST', '/v3/pay/transactions/native', { ...jsapiOrder('YB2026061500001'), payer: undefined })
    expect([native.status, native.json!.code]).toEqual([403, 'OUT_TRADE_NO_USED'])
    const zero = await call(app, 'POST', '/v3/pay/transactions/jsapi', jsapiOrder('YB2026061500002', 0))
    expect([zero.status, zero.json!.code]).toEqual([400, 'PARAM_ERROR'])
    const noPayer = await call(app, 'POST', '/v3/pay/transactions/jsapi', { ...jsapiOrder('YB2026061500003'), payer: undefined })
    expect([noPayer.status, noPayer.json!.code]).toEqual([400, 'PARAM_ERROR'])
    const otherApp = await call(app, 'POST', '/v3/pay/transactions/jsapi', { ...jsapiOrder('YB2026061500004'), appid: 'wx0000000000000000' })
    expect([otherApp.status, otherApp.json!.code]).toEqual([400, 'APPID_MCHID_NOT_MATCH'])
  })

  it('gives a Native code_url', async () => {
    const { app } = sandbox()
    const res = await call(app, 'POST', '/v3/pay/transactions/native', { ...jsapiOrder('YB2026061500010'), payer: undefined })
    expect(res.json!.code_url).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=[0-9A-Za-z]{9}$/)
  })
})

describe('query, pay, close', () => {
  it('goes NOTPAY → SUCCESS; a paid order cannot be closed or prepaid again; an unpaid one closes with a signed 204', async () => {
    const { app } = sandbox({ callbacks: 'drop' })
    await call(app, 'POST', '/v3/pay/transactions/jsapi', jsapiOrder('YB2026061500020'))
    const q = '/v3/pay/transactions/out-trade-no/YB2026061500020?mchid=1900000109'
    expect((await call(app, 'GET', q)).json).toEqual({ appid: keys.appid, mchid: keys.mchid, out_trade_no: 'YB2026061500020', trade_state: 'NOTPAY', trade_state_desc: '订单未支付', attach: 'order:1', amount: { total: 38000, currency: 'CNY', payer_currency: 'CNY' } })
    expect((await app.request('/__sandbox/wechatpay/orders/YB2026061500020/pay', { method: 'POST' })).status).toBe(200)
    const paid = (await call(app, 'GET', q)).json!
    expect(paid).toMatchObject({ trade_state: 'SUCCESS', trade_type: 'JSAPI', success_time: '2026-06-15T10:00:00+08:00', payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' }, amount: { total: 38000, payer_total: 38000 } })
    expect(paid.transaction_id).toMatch(/^4200\d{24}$/)
    expect((await call(app, 'POST', '/v3/pay/transactions/out-trade-no/YB2026061500020/close', { mchid: keys.mchid })).json).toMatchObject({ code: 'ORDERPAID' })
    expect((await call(app, 'POST', '/v3/pay/transactions/jsapi', jsapiOrder('YB2026061500020'))).json).toMatchObject({ code: 'ORDERPAID' })

    await call(app, 'POST', '/v3/pay/transactions/jsapi', jsapiOrder('YB2026061500021'))
    const closed = await call(app, 'POST', '/v3/pay/transactions/out-trade-no/YB2026061500021/close', { mchid: keys.mchid })
    expect([closed.status, closed.raw]).toEqual([204, ''])
    expect(platformSigned(closed.headers, '')).toBe(true)
    expect((await call(app, 'GET', '/v3/pay/transactions/out-trade-no/YB2026061500021?mchid=1900000109')).json).toMatchObject({ trade_state: 'CLOSED' })
    expect((await call(app, 'POST', '/v3/pay/transactions/jsapi', jsapiOrder('YB2026061500021'))).json).toMatchObject({ code: 'ORDER_CLOSED' })
  })

  it('closes an unpaid order after its time_expire', async () => {
    const { app } = sandbox()
    await call(app, 'POST', '/v3/pay/transactions/jsapi', jsapiOrder('YB2026061500030'))
    clock = new Date('2026-06-15T12:00:01+08:00')
    expect((await call(app, 'GET', '/v3/pay/transactions/out-trade-no/YB2026061500030?mchid=1900000109')).json).toMatchObject({ trade_state: 'CLOSED' })
    expect((await app.request('/__sandbox/wechatpay/orders/YB2026061500030/pay', { method: 'POST' })).status).toBe(409)
  })
})

describe('callbacks', () => {
  it('sends a signed, encrypted TRANSACTION.SUCCESS and retries on the (scaled) schedule until 2xx', async () => {
    const { app, state } = sandbox({ callbackScheduleScale: 0.001 })
    answers = [500, 503]
    await call(app, 'POST', '/v3/pay/transactions/jsapi', jsapiOrder('YB2026061500040'))
    await app.request('/__sandbox/wechatpay/orders/YB2026061500040/pay', { method: 'POST' })
    await until(() => state.wechatpay.deliveries.find(d => d.status === 204))
    expect(state.wechatpay.deliveries.map(d => [d.kind, d.attempt, d.status])).toEqual([['genuine', 1, 500], ['genuine', 2, 503], ['genuine', 3, 204]])
    expect(received).toHaveLength(3)
    expect(new Set(received.map(r => r.body)).size).toBe(1) // the same notification bytes every time
    const last = received[2]!
    expect(platformSigned({ 'Wechatpay-Serial': last.headers['wechatpay-serial']!, 'Wechatpay-Timestamp': last.headers['wechatpay-timestamp']!, 'Wechatpay-Nonce': last.headers['wechatpay-nonce']!, 'Wechatpay-Signature': last.headers['wechatpay-signature']! }, last.body)).toBe(true)
    const envelope = JSON.parse(last.body) as { event_type: string, resource_type: string, resource: { original_type: string, algorithm: string, ciphertext: string, nonce: string, associated_data: string } }
    expect(envelope).toMatchObject({ event_type: 'TRANSACTION.SUCCESS', resource_type: 'encrypt-resource', resource: { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', associated_data: 'transaction' } })
    expect(decrypt(envelope.resource)).toMatchObject({ out_trade_no: 'YB2026061500040', trade_state: 'SUCCESS', amount: { total: 38000, payer_total: 38000, currency: 'CNY' }, payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } })
  })

  it('sends forgeries first and duplicates after, and can drop callbacks entirely', async () => {
    const { app, state } = sandbox({ forgeries: ['signtest', 'tampered', 'stale', 'unknown-serial', 'reserialized'], duplicates: 2 })
    answers = [401, 401, 401, 401, 401, 204, 204, 204]
    await call(app, 'POST', '/v3/pay/transactions/jsapi', jsapiOrder('YB2026061500050'))
    await app.request('/__sandbox/wechatpay/orders/YB2026061500050/pay', { method: 'POST' })
    await until(() => state.wechatpay.deliveries.length === 8 ? true : undefined)
    expect(state.wechatpay.deliveries.map(d => d.kind)).toEqual(['signtest', 'tampered', 'stale', 'unknown-serial', 'reserialized', 'genuine', 'duplicate', 'duplicate'])
    const check = (r: typeof received[number]) => platformSigned({ 'Wechatpay-Serial': r.headers['wechatpay-serial']!, 'Wechatpay-Timestamp': r.headers['wechatpay-timestamp']!, 'Wechatpay-Nonce': r.headers['wechatpay-nonce']!, 'Wechatpay-Signature': r.headers['wechatpay-signature']! }, r.body)
    expect(received.map(check)).toEqual([false, false, true, false, false, true, true, true])
    expect(received[0]!.headers['wechatpay-signature']).toMatch(/^WECHATPAY\/SIGNTEST\//)
    expect(Number(received[2]!.headers['wechatpay-timestamp'])).toBe(Math.floor(clock.getTime() / 1000) - 600)
    expect(received[4]!.body).toContain('\\u652f') // 支 escaped, keys sorted
    expect(JSON.parse(received[4]!.body)).toEqual(JSON.parse(received[5]!.body))

    const dropped = sandbox({ callbacks: 'drop' })
    await call(dropped.app, 'POST', '/v3/pay/transactions/jsapi', jsapiOrder('YB2026061500051'))
    await dropped.app.request('/__sandbox/wechatpay/orders/YB2026061500051/pay', { method: 'POST' })
    await new Promise(r => setTimeout(r, 50))
    expect(dropped.state.wechatpay.deliveries).toEqual([])
    // …but a test can still push it (or a forged variant) by hand.
    const pushed = await dropped.app.request('/__sandbox/wechatpay/orders/YB2026061500051/notify', { method: 'POST', body: JSON.stringify({ variant: 'signtest' }) })
    expect(await pushed.json()).toMatchObject({ ok: true, status: 204 })
  })

  it('holds callbacks and releases them in reverse order (refund before payment)', async () => {
    const { app, state } = sandbox({ callbacks: 'hold', refundProcessingMs: 0 })
    await call(app, 'POST', '/v3/pay/transactions/jsapi', jsapiOrder('YB2026061500060'))
    await app.request('/__sandbox/wechatpay/orders/YB2026061500060/pay', { method: 'POST' })
    const refund = await call(app, 'POST', '/v3/refund/domestic/refunds', { out_trade_no: 'YB2026061500060', out_refund_no: 'RF2026061500060', reason: '重复缴费', amount: { refund: 38000, total: 38000, currency: 'CNY' } })
    expect(refund.json).toMatchObject({ status: 'PROCESSING', out_refund_no: 'RF2026061500060', amount: { refund: 38000, total: 38000 } })
    await until(() => state.wechatpay.held.length === 2 ? true : undefined)
    expect(received).toEqual([])
    await app.request('/__sandbox/wechatpay/callbacks/release', { method: 'POST', body: JSON.stringify({ order: 'reverse' }) })
    expect(received.map(r => (JSON.parse(r.body) as { event_type: string }).event_type)).toEqual(['REFUND.SUCCESS', 'TRANSACTION.SUCCESS'])
    const refundPayload = decrypt((JSON.parse(received[0]!.body) as { resource: { ciphertext: string, nonce: string, associated_data: string } }).resource)
    expect(refundPayload).toMatchObject({ refund_status: 'SUCCESS', out_refund_no: 'RF2026061500060', amount: { total: 38000, refund: 38000, payer_total: 38000, payer_refund: 38000 } })
    expect(refundPayload).not.toHaveProperty('status')
  })
})

describe('refunds', () => {
  it('PROCESSING → SUCCESS shortly after; the API calls it status; over-refund and changed params are refused', async () => {
    const { app } = sandbox({ callbacks: 'drop', refundProcessingMs: 30 })
    await call(app, 'POST', '/v3/pay/transactions/jsapi', jsapiOrder('YB2026061500070'))
    const early = await call(app, 'POST', '/v3/refund/domestic/refunds', { out_trade_no: 'YB2026061500070', out_refund_no: 'RF2026061500070', amount: { refund: 100, total: 38000, currency: 'CNY' } })
    expect(early.json).toMatchObject({ code: 'INVALID_REQUEST' })
    await app.request('/__sandbox/wechatpay/orders/YB2026061500070/pay', { method: 'POST' })
    const body = { out_trade_no: 'YB2026061500070', out_refund_no: 'RF2026061500071', amount: { refund: 30000, total: 38000, currency: 'CNY' } }
    const created = await call(app, 'POST', '/v3/refund/domestic/refunds', body)
    expect(created.json).toMatchObject({ status: 'PROCESSING', channel: 'ORIGINAL', create_time: '2026-06-15T10:00:00+08:00' })
    expect(created.json!.refund_id).toMatch(/^50\d{27}$/)
    expect((await call(app, 'POST', '/v3/refund/domestic/refunds', body)).json).toEqual(created.json)
    expect((await call(app, 'POST', '/v3/refund/domestic/refunds', { ...body, amount: { ...body.amount, refund: 100 } })).json).toMatchObject({ code: 'INVALID_REQUEST' })
    expect((await call(app, 'POST', '/v3/refund/domestic/refunds', { ...body, out_refund_no: 'RF2026061500072', amount: { ...body.amount, refund: 8001 } })).json).toMatchObject({ code: 'INVALID_REQUEST', message: '申请退款金额超过订单可退金额' })
    await new Promise(r => setTimeout(r, 60))
    expect((await call(app, 'GET', '/v3/refund/domestic/refunds/RF2026061500071')).json).toMatchObject({ status: 'SUCCESS', success_time: '2026-06-15T10:00:00+08:00' })
    expect((await call(app, 'GET', '/v3/pay/transactions/out-trade-no/YB2026061500070?mchid=1900000109')).json).toMatchObject({ trade_state: 'REFUND', trade_state_desc: '转入退款' })
    expect((await call(app, 'GET', '/v3/refund/domestic/refunds/RF0000000000')).json).toMatchObject({ code: 'RESOURCE_NOT_EXISTS' })
  })
})

describe('trade bill', () => {
  it('is ready the next day: gzip CSV with BOM, backticks, yuan amounts, CRLF and a summary; the file is unsigned, its SHA1 matches', async () => {
    const { app } = sandbox({ callbacks: 'drop', refundProcessingMs: 0 })
    await call(app, 'POST', '/v3/pay/transactions/jsapi', jsapiOrder('YB2026061500080', 38000))
    await call(app, 'POST', '/v3/pay/transactions/native', { ...jsapiOrder('YB2026061500081', 12345), payer: undefined })
    await app.request('/__sandbox/wechatpay/orders/YB2026061500080/pay', { method: 'POST' })
    await app.request('/__sandbox/wechatpay/orders/YB2026061500081/pay', { method: 'POST', body: JSON.stringify({ openid: 'oNativePayer000000000000000' }) })
    await call(app, 'POST', '/v3/refund/domestic/refunds', { out_trade_no: 'YB2026061500081', out_refund_no: 'RF2026061500081', amount: { refund: 345, total: 12345, currency: 'CNY' } })
    await new Promise(r => setTimeout(r, 20))
    expect((await call(app, 'GET', '/v3/bill/tradebill?bill_date=2026-06-15&bill_type=ALL&tar_type=GZIP')).json).toMatchObject({ code: 'NO_STATEMENT_EXIST' })
    clock = new Date('2026-06-16T10:00:00+08:00')
    const ticket = await call(app, 'GET', '/v3/bill/tradebill?bill_date=2026-06-15&bill_type=ALL&tar_type=GZIP')
    expect(ticket.json).toMatchObject({ hash_type: 'SHA1' })
    const url = new URL(ticket.json!.download_url as string)
    expect(url.pathname).toBe('/v3/billdownload/file')
    const file = await app.request(`${url.pathname}${url.search}`, { headers: { Authorization: 'x' } })
    expect(file.status).toBe(401) // the download request must be signed
    const signedFile = await (async () => {
      const ts = Math.floor(clock.getTime() / 1000)
      const sig = sign('sha256', Buffer.from(`GET\n${url.pathname}${url.search}\n${ts}\nabc\n\n`), keys.merchantPrivateKey).toString('base64')
      return app.request(`${url.pathname}${url.search}`, { headers: { Authorization: `WECHATPAY2-SHA256-RSA2048 mchid="${keys.mchid}",nonce_str="abc",signature="${sig}",timestamp="${ts}",serial_no="${keys.merchantSerial}"` } })
    })()
    expect(signedFile.headers.get('Wechatpay-Signature')).toBeNull()
    const csv = gunzipSync(Buffer.from(await signedFile.arrayBuffer()))
    expect(createHash('sha1').update(csv).digest('hex')).toBe(ticket.json!.hash_value)
    const text = csv.toString('utf8')
    expect(text.startsWith('\uFEFF交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,')).toBe(true)
    const lines = text.slice(1).split('\r\n')
    expect(lines.at(-1)).toBe('')
    expect(lines).toHaveLength(7)
    expect(lines[1]!.split(',`')).toHaveLength(27)
    expect(lines[1]).toMatch(/^`2026-06-15 10:00:00,`wx8888888888888888,`1900000109,`0,`,`4200\d{24},`YB2026061500080,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`SUCCESS,`OTHERS,`CNY,`380\.00,`0\.00,`0,`0,`0\.00,`0\.00,`,`,`2027年度城乡居民医保缴费,`order:1,`2\.28000,`0\.60%,`380\.00,`0\.00,`$/)
    expect(lines[3]).toMatch(/,`REFUND,`OTHERS,`CNY,`0\.00,`0\.00,`50\d{27},`RF2026061500081,`3\.45,`0\.00,`ORIGINAL,`SUCCESS,.*,`-0\.02070,`0\.60%,`123\.45,`3\.45,`$/)
    expect(lines[4]).toBe('总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额')
    expect(lines[5]).toBe('`3,`503.45,`3.45,`0.00,`3.00000,`626.90,`3.45')
  })
})

describe('WeChat-style errors and generic faults', () => {
  it('failNext answers a signed 500 SYSTEM_ERROR / 429 FREQUENCY_LIMITED once; X-Sandbox-Fault stays generic', async () => {
    const { app } = sandbox({ failNext: [{ status: 500, code: 'SYSTEM_ERROR' }, { path: '/v3/pay/transactions/native', status: 429, code: 'FREQUENCY_LIMITED' }] })
    const sys = await call(app, 'POST', '/v3/pay/transactions/jsapi', jsapiOrder('YB2026061500090'))
    expect([sys.status, sys.json]).toEqual([500, { code: 'SYSTEM_ERROR', message: '系统错误，请用相同参数重新调用' }])
    expect(platformSigned(sys.headers, sys.raw)).toBe(true)
    expect((await call(app, 'POST', '/v3/pay/transactions/jsapi', jsapiOrder('YB2026061500090'))).status).toBe(200)
    expect((await call(app, 'POST', '/v3/pay/transactions/native', { ...jsapiOrder('YB2026061500091'), payer: undefined })).status).toBe(429)
    const faulted = await app.request('/v3/pay/transactions/jsapi', { method: 'POST', headers: { 'X-Sandbox-Fault': 'status=503' } })
    expect([faulted.status, faulted.headers.get('content-type')]).toEqual([503, 'text/html'])
    const config = await app.request('/__sandbox/wechatpay/config', { method: 'PUT', body: JSON.stringify({ callbackScheduleScale: 2 }) })
    expect(config.status).toBe(400)
  })
})

describe('pay page', () => {
  it('shows payee, description and amount in 元, and pays on 确认支付', async () => {
    const { app, state } = sandbox({ callbacks: 'drop' })
    const prepay = await call(app, 'POST', '/v3/pay/transactions/jsapi', jsapiOrder('YB2026061500100', 38050))
    const page = await app.request(`/__sandbox/wechatpay/pay?prepay_id=${prepay.json!.prepay_id as string}&return_url=${encodeURIComponent('http://127.0.0.1:8787/pay/result')}`)
    const html = await page.text()
    expect(page.status).toBe(200)
    expect(html).toContain('<html lang="zh-CN">')
    expect(html).toContain('<title>微信支付（沙箱）</title>')
    expect(html).toContain('医保自助服务平台（商户号 1900000109）')
    expect(html).toContain('2027年度城乡居民医保缴费')
    expect(html).toContain('380.50 元')
    expect(html).toContain('<button type="submit">确认支付</button>')
    const form = new URLSearchParams({ out_trade_no: 'YB2026061500100', return_url: 'http://127.0.0.1:8787/pay/result' })
    const done = await app.request('/__sandbox/wechatpay/pay', { method: 'POST', body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Cookie': 'sandbox_wx_user=oCookieUser' } })
    expect(done.status).toBe(200)
    expect(await done.text()).toContain('支付成功')
    expect(state.wechatpay.orders.get('YB2026061500100')!.state).toBe('SUCCESS')
    expect(await (await app.request(`/__sandbox/wechatpay/pay?prepay_id=${prepay.json!.prepay_id as string}`)).text()).toContain('该订单已支付')
    expect((await app.request('/__sandbox/wechatpay/pay?code_url=weixin%3A%2F%2Fwxpay%2Fbizpayurl%3Fpr%3Dnope')).status).toBe(404)
    const evil = await (await app.request(`/__sandbox/wechatpay/pay?prepay_id=${prepay.json!.prepay_id as string}&return_url=javascript:alert(1)`)).text()
    expect(evil).not.toContain('javascript:')
  })
})

describe('H5', () => {
  type App = ReturnType<typeof createSandbox>['app']
  const BACK = 'http://127.0.0.1:8787/pay/orders/42?from=h5'
  const MERCHANT_PAGE = 'http://127.0.0.1:8787/'
  const Q = (no: string) => `/v3/pay/transactions/out-trade-no/${no}?mchid=1900000109`
  function h5Order(no: string, ip = '203.0.113.7') {
    const { payer: _payer, ...order } = jsapiOrder(no)
    return { ...order, scene_info: { payer_client_ip: ip, h5_info: { type: 'Wap' } } }
  }
  async function h5Url(app: App, no: string): Promise<string> {
    return (await call(app, 'POST', '/v3/pay/transactions/h5', h5Order(no))).json!.h5_url as string
  }
  /** What the merchant's page does: opens h5_url + redirect_url, with its own origin as the Referer. */
  function open(app: App, url: string, referer: string | null = MERCHANT_PAGE, back = BACK) {
    const target = new URL(`${url}&redirect_url=${encodeURIComponent(back)}`)
    return app.request(`${target.pathname}${target.search}`, { headers: referer ? { Referer: referer } : {} })
  }
  function submit(app: App, url: string, action: 'pay' | 'cancel', back: string | null = BACK) {
    const link = new URL(url).searchParams
    const form = new URLSearchParams({
      prepay_id: link.get('prepay_id')!,
      package: link.get('package')!,
      action,
      ...(back ? { redirect_url: back } : {}),
    })
    const headers = { 'Content-Type': 'application/x-www-form-urlencoded' }
    return app.request('/__sandbox/wechatpay/h5', { method: 'POST', body: form, headers })
  }

  it('gives an h5_url for scene_info with the payer\'s IP (needed), the same for 5 minutes, then a new one', async () => {
    const { app, state } = sandbox({ callbacks: 'drop' })
    const first = await call(app, 'POST', '/v3/pay/transactions/h5', h5Order('YB2026061500200'))
    expect(first.status).toBe(200)
    expect(platformSigned(first.headers, first.raw)).toBe(true)
    const url = first.json!.h5_url as string
    expect(url).toMatch(
      /^http:\/\/localhost\/__sandbox\/wechatpay\/h5\?prepay_id=wx20260615100000[0-9a-z]{20}&package=\d{10}$/,
    )
    const sim = () => state.wechatpay.orders.get('YB2026061500200')!
    expect(sim()).toMatchObject({ tradeType: 'MWEB', payerClientIp: '203.0.113.7' })
    // Another address on the next attempt is the same order (the payer's network changed), not OUT_TRADE_NO_USED.
    clock = new Date('2026-06-15T10:04:59+08:00')
    const again = await call(app, 'POST', '/v3/pay/transactions/h5', h5Order('YB2026061500200', '2001:db8::1'))
    expect(again.json).toEqual({ h5_url: url })
    expect(sim().payerClientIp).toBe('2001:db8::1')
    clock = new Date('2026-06-15T10:05:01+08:00')
    const renewed = await h5Url(app, 'YB2026061500200')
    expect(renewed).not.toBe(url)
    expect((await open(app, url)).status).toBe(410)
    expect((await open(app, renewed)).status).toBe(200)

    const scenes = [
      undefined,
      { h5_info: { type: 'Wap' } },
      { payer_client_ip: 'not-an-ip', h5_info: { type: 'Wap' } },
      { payer_client_ip: '203.0.113.7' },
    ]
    for (const scene of scenes) {
      const body = { ...h5Order('YB2026061500201'), scene_info: scene }
      const bad = await call(app, 'POST', '/v3/pay/transactions/h5', body)
      expect([bad.status, bad.json!.code]).toEqual([400, 'PARAM_ERROR'])
      expect((bad.json!.detail as { field: string }).field).toMatch(/^\/body\/scene_info/)
    }
    const native = await call(app, 'POST', '/v3/pay/transactions/native', h5Order('YB2026061500200'))
    expect([native.status, native.json!.code]).toEqual([403, 'OUT_TRADE_NO_USED'])
  })

  it('the h5_url page: 确认支付 pays (TRANSACTION.SUCCESS, trade_type MWEB) and goes back to redirect_url', async () => {
    const { app, state } = sandbox({ callbackScheduleScale: 0.001 })
    const url = await h5Url(app, 'YB2026061500210')
    const page = await open(app, url)
    const html = await page.text()
    expect(page.status).toBe(200)
    expect(html).toContain('<html lang="zh-CN">')
    expect(html).toContain('<title>微信支付（沙箱）</title>')
    expect(html).toContain('380.00 元')
    expect(html).toContain('H5支付（手机浏览器）')
    expect(html).toContain('<button type="submit" name="action" value="pay">确认支付</button>')
    expect(html).toContain('<button type="submit" name="action" value="cancel" class="plain">取消</button>')
    expect(html).toContain(`name="redirect_url" value="${BACK.replace('&', '&amp;')}"`)

    const done = await submit(app, url, 'pay')
    expect([done.status, done.headers.get('Location')]).toEqual([302, BACK])
    expect(state.wechatpay.orders.get('YB2026061500210')!.state).toBe('SUCCESS')
    await until(() => state.wechatpay.deliveries.find(d => d.status === 204))
    const envelope = JSON.parse(received[0]!.body) as {
      event_type: string
      resource: { ciphertext: string, nonce: string, associated_data: string }
    }
    expect(envelope.event_type).toBe('TRANSACTION.SUCCESS')
    expect(decrypt(envelope.resource))
      .toMatchObject({ out_trade_no: 'YB2026061500210', trade_state: 'SUCCESS', trade_type: 'MWEB' })
    expect((await call(app, 'GET', Q('YB2026061500210'))).json)
      .toMatchObject({ trade_state: 'SUCCESS', trade_type: 'MWEB' })
    // Opened again: already paid, back to the merchant; paying twice changes nothing.
    expect(await (await open(app, url)).text()).toContain('该订单已支付')
    expect((await submit(app, url, 'pay')).status).toBe(302)
    expect([...state.wechatpay.events.values()]).toHaveLength(1)
  })

  it('取消 goes back unpaid; no Referer, a foreign redirect_url, an unknown or expired link are refused', async () => {
    const { app, state } = sandbox({ callbacks: 'drop' })
    const url = await h5Url(app, 'YB2026061500220')
    const cancelled = await submit(app, url, 'cancel')
    expect([cancelled.status, cancelled.headers.get('Location')]).toEqual([302, BACK])
    expect(state.wechatpay.orders.get('YB2026061500220')!.state).toBe('NOTPAY')
    expect(state.wechatpay.events.size).toBe(0)

    const typed = await open(app, url, null)
    expect(typed.status).toBe(403)
    expect(await typed.text()).toContain('商家参数格式有误，请联系商家解决')
    expect((await open(app, url, 'https://evil.example.com/')).status).toBe(403)
    const evil = await open(app, url, MERCHANT_PAGE, 'javascript:alert(1)')
    expect(evil.status).toBe(200)
    expect(await evil.text()).not.toContain('javascript:')
    expect((await open(app, url.replace(/package=\d+/, 'package=0000000000'))).status).toBe(404)

    clock = new Date('2026-06-15T10:05:01+08:00')
    const gone = await open(app, url)
    expect(gone.status).toBe(410)
    expect(await gone.text()).toContain('支付请求已失效，请重新发起支付')
    expect((await submit(app, url, 'pay')).status).toBe(410)
    expect(state.wechatpay.orders.get('YB2026061500220')!.state).toBe('NOTPAY')
  })
})
