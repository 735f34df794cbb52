import type { ServerType } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import type { WechatPayClientOptions, WechatPayNotification } from './client'
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { serve } from '@hono/node-server'
import { createSandbox } from '@yibao/sandbox'
import { Hono } from 'hono'
import { http, passthrough } from 'msw'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { UpstreamError } from '../../lib/errors'
import { createLogger } from '../../lib/logger'
import { mswServer } from '../../testing/msw'
import { payTestOrder, resetWechatPayTest, WECHATPAY_TEST_KEYS, WECHATPAY_TEST_URL, wechatpayTestClock } from '../../testing/wechatpay-handlers'
import { createWechatPayClient, WechatPayNotificationError } from './client'
import { rsaVerify } from './crypto'
import { generateSandboxWechatPayKeys } from './keys'
import { isRetryable, isWechatPayCode, parseTradeBill } from './mapper'

// The adapter (node:http) against the real WeChat Pay simulator on a random port, sharing one generated
// merchant, exactly as `pnpm start` wires them. MSW lets loopback traffic through.
const keys = generateSandboxWechatPayKeys({ mchid: '1900000109', appid: 'wx8888888888888888' })
const logger = createLogger('silent')
let clock = new Date('2026-06-15T10:00:00+08:00')
const now = () => clock
let sandbox: ReturnType<typeof createSandbox>
let sandboxServer: ServerType
let bffServer: ServerType
let base = ''
let notifyUrl = ''

/** What our stand-in notify route saw: parsed notifications, and refusals with their reason. */
const notifications: WechatPayNotification[] = []
/** Settings of the receiving BFF that differ from the sandbox's merchant (e.g. a wrong APIv3 key). */
let receiverOverrides: Partial<WechatPayClientOptions> = {}
const refusals: string[] = []

function clientOptions(overrides: Partial<WechatPayClientOptions> = {}): WechatPayClientOptions {
  return { baseUrl: base, mchid: keys.mchid, appid: keys.appid, merchantSerial: keys.merchantSerial, merchantPrivateKey: keys.merchantPrivateKey, platformPublicKeys: keys.platformPublicKeys, apiV3Key: keys.apiV3Key, notifyUrl, timeoutMs: 2000, logger, now, ...overrides }
}
const client = () => createWechatPayClient(clientOptions())

async function control(path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/__sandbox/wechatpay${path}`, { method: body === undefined ? 'GET' : path === '/config' ? 'PUT' : 'POST', body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } })
  return await res.json() as Record<string, unknown>
}

async function rejection(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(() => null, (e: unknown) => e)
  expect(error).toBeInstanceOf(UpstreamError)
  return error as UpstreamError
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

const order = (no: string, amountFen = 38000) => ({ outTradeNo: no, description: '2027年度城乡居民医保缴费', amountFen, expiresAt: new Date('2026-06-15T12:00:00+08:00'), attach: 'yb:1' })
const OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o'

beforeAll(async () => {
  // The notify endpoint a BFF route would have: raw body first, then parseNotification.
  const bff = new Hono().post('/notify', async (c) => {
    const raw = await c.req.text()
    try {
      notifications.push(createWechatPayClient(clientOptions(receiverOverrides)).parseNotification(c.req.raw.headers, raw))
      return c.body(null, 204)
    }
    catch (error) {
      if (!(error instanceof WechatPayNotificationError)) throw error
      refusals.push(error.reason)
      return c.json({ code: 'FAIL', message: '失败' }, error.httpStatus)
    }
  })
  bffServer = serve({ fetch: bff.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise(r => bffServer.once('listening', r))
  notifyUrl = `http://127.0.0.1:${(bffServer.address() as AddressInfo).port}/notify`
  sandbox = createSandbox({ now, wechatpay: keys, wechatpayConfig: { callbacks: 'drop', refundProcessingMs: 600_000 } })
  sandboxServer = serve({ fetch: sandbox.app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise(r => sandboxServer.once('listening', r))
  base = `http://127.0.0.1:${(sandboxServer.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise(r => sandboxServer.close(r))
  await new Promise(r => bffServer.close(r))
})

beforeEach(() => {
  mswServer.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()))
})

afterEach(async () => {
  await fetch(`${base}/__sandbox/wechatpay/callbacks`, { method: 'DELETE' })
  await control('/config', { callbacks: 'drop', forgeries: [], duplicates: 0, failNext: [], refundProcessingMs: 600_000, callbackScheduleScale: 1 })
  sandbox.state.faults.run = null
  notifications.length = 0
  refusals.length = 0
  receiverOverrides = {}
  clock = new Date('2026-06-15T10:00:00+08:00')
})

describe('prepay', () => {
  it('JSAPI: prepay_id, the same one again for the same params, and signed bridge parameters', async () => {
    const first = await client().prepayJsapi({ ...order('YB2026061510001'), openid: OPENID })
    expect(first.prepayId).toMatch(/^wx20260615100000[0-9a-z]{20}$/)
    expect(await client().prepayJsapi({ ...order('YB2026061510001'), openid: OPENID })).toEqual(first)
    const params = client().jsapiParams(first.prepayId)
    expect(params).toMatchObject({ appId: keys.appid, timeStamp: String(clock.getTime() / 1000), package: `prepay_id=${first.prepayId}`, signType: 'RSA' })
    expect(rsaVerify(`${params.appId}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`, params.paySign, keys.merchantPublicKey)).toBe(true)
  })

  it('Native: a weixin:// code_url', async () => {
    expect((await client().prepayNative(order('YB2026061510002'))).codeUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/)
  })

  it('H5: an h5_url for the payer\'s address, the same one again for the same order, MWEB once paid', async () => {
    const first = await client().prepayH5({ ...order('YB2026061510013'), payerClientIp: '203.0.113.7' })
    expect(new URL(first.h5Url).pathname).toBe('/__sandbox/wechatpay/h5')
    expect(await client().prepayH5({ ...order('YB2026061510013'), payerClientIp: '203.0.113.8' })).toEqual(first)
    expect(await control('/orders/YB2026061510013'))
      .toMatchObject({ trade_type: 'MWEB', payer_client_ip: '203.0.113.8' })
    await control('/orders/YB2026061510013/pay', {})
    expect(await client().queryByOutTradeNo('YB2026061510013'))
      .toMatchObject({ tradeState: 'SUCCESS', tradeType: 'MWEB' })
  })

  it('the same out_trade_no with other params is rejected OUT_TRADE_NO_USED (not retryable)', async () => {
    await client().prepayNative(order('YB2026061510003'))
    const error = await rejection(client().prepayNative(order('YB2026061510003', 38001)))
    expect([error.kind, error.detail.upstreamCode, error.detail.status]).toEqual(['rejected', 'OUT_TRADE_NO_USED', 403])
    expect(isWechatPayCode(error, 'OUT_TRADE_NO_USED')).toBe(true)
    expect(isRetryable(error)).toBe(false)
  })

  it('maps PARAM_ERROR, SIGN_ERROR, SYSTEM_ERROR, FREQUENCY_LIMITED, gateway pages and timeouts', async () => {
    const param = await rejection(client().prepayNative({ ...order('YB2026061510004'), notifyUrl: 'https://yibao.example.cn/notify?x=1' }))
    expect([param.kind, param.detail.upstreamCode]).toEqual(['rejected', 'PARAM_ERROR'])
    const otherMerchantKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    const sign = await rejection(createWechatPayClient(clientOptions({ merchantPrivateKey: otherMerchantKey })).prepayNative(order('YB2026061510004')))
    expect([sign.kind, sign.detail.upstreamCode, sign.detail.status]).toEqual(['rejected', 'SIGN_ERROR', 401])
    await control('/config', { failNext: [{ status: 500, code: 'SYSTEM_ERROR' }, { status: 429, code: 'FREQUENCY_LIMITED' }] })
    const system = await rejection(client().prepayNative(order('YB2026061510004')))
    expect([system.kind, system.detail.upstreamCode, isRetryable(system)]).toEqual(['unavailable', 'SYSTEM_ERROR', true])
    const limited = await rejection(client().prepayNative(order('YB2026061510004')))
    expect([limited.kind, limited.detail.upstreamCode]).toEqual(['unavailable', 'FREQUENCY_LIMITED'])
    // …and the retry with the same parameters then succeeds.
    expect((await client().prepayNative(order('YB2026061510004'))).codeUrl).toBeTruthy()
    sandbox.state.faults.run = { status: 502 }
    const gateway = await rejection(client().prepayNative(order('YB2026061510004')))
    expect([gateway.kind, gateway.detail.upstreamCode]).toEqual(['unavailable', 'HTTP_502'])
    sandbox.state.faults.run = { timeout: true }
    const timeout = await rejection(createWechatPayClient(clientOptions({ timeoutMs: 150 })).prepayNative(order('YB2026061510004')))
    expect(timeout.kind).toBe('timeout')
  })
})

describe('answers are verified before they are trusted', () => {
  it('rejects an answer signed by another key under the expected id, or under an unknown id', async () => {
    const impostor = createPublicKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)
    const [id] = Object.keys(keys.platformPublicKeys)
    const wrongKey = await rejection(createWechatPayClient(clientOptions({ platformPublicKeys: { [id!]: impostor } })).prepayNative(order('YB2026061510010')))
    expect([wrongKey.kind, wrongKey.detail.upstreamCode]).toEqual(['bad_response', 'UNVERIFIED_BAD_SIGNATURE'])
    const unknown = await rejection(createWechatPayClient(clientOptions({ platformPublicKeys: { PUB_KEY_ID_OTHER: keys.platformPublicKeys[id!]! } })).prepayNative(order('YB2026061510010')))
    expect(unknown.detail.upstreamCode).toBe('UNVERIFIED_UNKNOWN_SERIAL')
  })

  it('rejects a tampered body (the sandbox\'s malformed / bad-shape faults change bytes after signing)', async () => {
    sandbox.state.faults.run = { badShape: true }
    expect((await rejection(client().prepayNative(order('YB2026061510011')))).detail.upstreamCode).toBe('UNVERIFIED_BAD_SIGNATURE')
    sandbox.state.faults.run = { malformed: true }
    expect((await rejection(client().prepayNative(order('YB2026061510011')))).detail.upstreamCode).toBe('UNVERIFIED_BAD_SIGNATURE')
  })

  it('rejects a stale answer: the clock moves 301 s between signing the request and checking the answer', async () => {
    let calls = 0
    const jumpy = () => (calls++ === 0 ? clock : new Date(clock.getTime() + 301_000))
    const stale = await rejection(createWechatPayClient(clientOptions({ now: jumpy })).prepayNative(order('YB2026061510012')))
    expect([stale.kind, stale.detail.upstreamCode]).toEqual(['bad_response', 'UNVERIFIED_STALE_TIMESTAMP'])
    calls = 0
    const ok = () => (calls++ === 0 ? clock : new Date(clock.getTime() + 300_000))
    expect((await createWechatPayClient(clientOptions({ now: ok })).prepayNative(order('YB2026061510012'))).codeUrl).toBeTruthy()
  })
})

describe('query, close, refund', () => {
  it('queries before and after payment, with amounts in fen and times as Dates', async () => {
    await client().prepayJsapi({ ...order('YB2026061510020', 38050), openid: OPENID })
    expect(await client().queryByOutTradeNo('YB2026061510020')).toMatchObject({ tradeState: 'NOTPAY', transactionId: null, totalFen: 38050, successTime: null, attach: 'yb:1' })
    await control('/orders/YB2026061510020/pay', {})
    const paid = await client().queryByOutTradeNo('YB2026061510020')
    expect(paid).toMatchObject({ tradeState: 'SUCCESS', tradeType: 'JSAPI', openid: OPENID, totalFen: 38050, payerTotalFen: 38050, currency: 'CNY', successTime: new Date('2026-06-15T10:00:00+08:00') })
    expect(paid.transactionId).toMatch(/^4200\d{24}$/)
    const missing = await rejection(client().queryByOutTradeNo('YB_NOT_THERE'))
    expect([missing.kind, missing.detail.upstreamCode]).toEqual(['rejected', 'ORDER_NOT_EXIST'])
  })

  it('closes an unpaid order (signed 204), refuses to close a paid one', async () => {
    await client().prepayNative(order('YB2026061510021'))
    await expect(client().close('YB2026061510021')).resolves.toBeUndefined()
    expect((await client().queryByOutTradeNo('YB2026061510021')).tradeState).toBe('CLOSED')
    await client().prepayNative(order('YB2026061510022'))
    await control('/orders/YB2026061510022/pay', {})
    expect((await rejection(client().close('YB2026061510022'))).detail.upstreamCode).toBe('ORDERPAID')
  })

  it('refunds: accepted PROCESSING, then SUCCESS by query; a retry with the same out_refund_no is the same refund', async () => {
    await client().prepayNative(order('YB2026061510023'))
    await control('/orders/YB2026061510023/pay', {})
    const input = { outRefundNo: 'RF2026061510023', outTradeNo: 'YB2026061510023', refundFen: 38000, totalFen: 38000, reason: '重复缴费' }
    const accepted = await client().refund(input)
    expect(accepted).toMatchObject({ outRefundNo: 'RF2026061510023', status: 'PROCESSING', refundFen: 38000, totalFen: 38000, successTime: null, createTime: new Date('2026-06-15T10:00:00+08:00') })
    expect(await client().refund(input)).toEqual(accepted)
    await control('/refunds/RF2026061510023/complete', { outcome: 'SUCCESS' })
    expect(await client().queryRefund('RF2026061510023')).toMatchObject({ status: 'SUCCESS', refundId: accepted.refundId, userReceivedAccount: '支付用户零钱' })
    expect((await client().queryByOutTradeNo('YB2026061510023')).tradeState).toBe('REFUND')
  })
})

describe('trade bill', () => {
  it('downloads the T+1 bill (signed request, unsigned gzip answer, SHA1 checked) and parses it to fen', async () => {
    await client().prepayJsapi({ ...order('YB2026061510030', 38050), openid: OPENID })
    await client().prepayNative(order('YB2026061510031', 12345))
    await control('/orders/YB2026061510030/pay', {})
    await control('/orders/YB2026061510031/pay', {})
    await client().refund({ outRefundNo: 'RF2026061510031', outTradeNo: 'YB2026061510031', refundFen: 345, totalFen: 12345 })
    await control('/refunds/RF2026061510031/complete', {})
    clock = new Date('2026-06-16T10:30:00+08:00')
    const ticket = await client().tradeBill('2026-06-15')
    expect(ticket.hash_type).toBe('SHA1')
    const { rows, summary } = parseTradeBill(await client().downloadBill(ticket))
    const mine = rows.filter(r => r.outTradeNo === 'YB2026061510030' || r.outTradeNo === 'YB2026061510031')
    expect(mine.map(r => [r.outTradeNo, r.tradeState, r.settlementTotalFen, r.refundFen, r.totalFen, r.outRefundNo])).toEqual([
      ['YB2026061510030', 'SUCCESS', 38050, 0, 38050, null],
      ['YB2026061510031', 'SUCCESS', 12345, 0, 12345, null],
      ['YB2026061510031', 'REFUND', 0, 345, 12345, 'RF2026061510031'],
    ])
    expect(mine[0]).toMatchObject({ tradeType: 'JSAPI', openid: OPENID, description: '2027年度城乡居民医保缴费', attach: 'yb:1', feeYuan: '2.28300', tradeTime: new Date('2026-06-15T10:00:00+08:00') })
    expect(summary.count).toBe(rows.length)
    expect(summary.refundTotalFen).toBe(rows.reduce((s, r) => s + r.refundFen, 0))

    const mismatch = await rejection(client().downloadBill({ ...ticket, hash_value: '0'.repeat(40) }))
    expect(mismatch.detail.upstreamCode).toBe('BILL_HASH_MISMATCH')
    const foreign = await rejection(client().downloadBill({ ...ticket, download_url: 'https://evil.example.com/v3/billdownload/file?token=x' }))
    expect(foreign.detail.upstreamCode).toBe('BILL_URL_FOREIGN_HOST')
    expect((await rejection(client().tradeBill('2026-06-16'))).detail.upstreamCode).toBe('NO_STATEMENT_EXIST')
  })
})

describe('callbacks through parseNotification', () => {
  it('verifies and decrypts the simulator\'s TRANSACTION.SUCCESS and REFUND.SUCCESS', async () => {
    await control('/config', { callbacks: 'deliver' })
    await client().prepayJsapi({ ...order('YB2026061510040'), openid: OPENID, notifyUrl })
    await control('/orders/YB2026061510040/pay', {})
    const paid = await until(() => notifications.find(n => n.kind === 'transaction'))
    expect(paid).toMatchObject({ kind: 'transaction', eventType: 'TRANSACTION.SUCCESS', summary: '支付成功', serial: Object.keys(keys.platformPublicKeys)[0], transaction: { outTradeNo: 'YB2026061510040', tradeState: 'SUCCESS', tradeType: 'JSAPI', totalFen: 38000, payerTotalFen: 38000, openid: OPENID, appid: keys.appid, mchid: keys.mchid } })
    await client().refund({ outRefundNo: 'RF2026061510040', outTradeNo: 'YB2026061510040', refundFen: 100, totalFen: 38000, notifyUrl })
    await control('/refunds/RF2026061510040/complete', { outcome: 'ABNORMAL' })
    const refund = await until(() => notifications.find(n => n.kind === 'refund'))
    expect(refund).toMatchObject({ eventType: 'REFUND.ABNORMAL', refund: { outRefundNo: 'RF2026061510040', status: 'ABNORMAL', refundFen: 100, totalFen: 38000 } })
    expect(refusals).toEqual([])
  })

  it('refuses a SIGNTEST probe, a tampered signature, a stale timestamp, an unknown serial and a re-serialized body; the genuine one passes', async () => {
    await control('/config', { callbacks: 'deliver', forgeries: ['signtest', 'tampered', 'stale', 'unknown-serial', 'reserialized'], duplicates: 1 })
    await client().prepayNative({ ...order('YB2026061510041'), notifyUrl })
    await control('/orders/YB2026061510041/pay', {})
    await until(() => (notifications.length === 2 ? true : undefined))
    expect(refusals).toEqual(['signtest_probe', 'bad_signature', 'stale_timestamp', 'unknown_serial', 'bad_signature'])
    const deliveries = (await control('/deliveries?out_trade_no=YB2026061510041')).deliveries as { kind: string, status: number }[]
    expect(deliveries.map(d => [d.kind, d.status])).toEqual([['signtest', 401], ['tampered', 401], ['stale', 401], ['unknown-serial', 401], ['reserialized', 401], ['genuine', 204], ['duplicate', 204]])
    expect(notifications[0]!.id).toBe(notifications[1]!.id) // a duplicate is the same notification: dedupe on id
  })

  it('a BFF with the wrong APIv3 key answers 500 (decrypt_failed); WeChat Pay retries on the scaled schedule until it is fixed', async () => {
    await control('/config', { callbacks: 'deliver', callbackScheduleScale: 0.001 })
    receiverOverrides = { apiV3Key: 'W'.repeat(32) }
    await client().prepayNative({ ...order('YB2026061510042'), notifyUrl })
    await control('/orders/YB2026061510042/pay', {})
    await until(() => (refusals.length >= 2 ? true : undefined))
    receiverOverrides = {}
    await until(() => notifications.find(n => n.kind === 'transaction' && n.transaction.outTradeNo === 'YB2026061510042'))
    expect(new Set(refusals)).toEqual(new Set(['decrypt_failed']))
    const deliveries = (await control('/deliveries?out_trade_no=YB2026061510042')).deliveries as { attempt: number, status: number }[]
    expect(deliveries.map(d => d.status)).toEqual([...refusals.map(() => 500), 204])
    expect(deliveries.map(d => d.attempt)).toEqual(deliveries.map((_, i) => i + 1))
  })
})

describe('MSW handlers (for BFF route tests)', () => {
  const msw = () => createWechatPayClient({ ...clientOptions(), baseUrl: WECHATPAY_TEST_URL, mchid: WECHATPAY_TEST_KEYS.mchid, appid: WECHATPAY_TEST_KEYS.appid, merchantSerial: WECHATPAY_TEST_KEYS.merchantSerial, merchantPrivateKey: WECHATPAY_TEST_KEYS.merchantPrivateKey, platformPublicKeys: WECHATPAY_TEST_KEYS.platformPublicKeys, apiV3Key: WECHATPAY_TEST_KEYS.apiV3Key })
  beforeEach(() => {
    resetWechatPayTest()
    wechatpayTestClock.now = now
  })

  it('speak the signed wire format: prepay, query, pay, refund, close', async () => {
    const { prepayId } = await msw().prepayJsapi({ ...order('YB2026061510050'), openid: OPENID })
    expect(prepayId).toMatch(/^wx/)
    expect((await msw().queryByOutTradeNo('YB2026061510050')).tradeState).toBe('NOTPAY')
    payTestOrder('YB2026061510050')
    expect((await msw().queryByOutTradeNo('YB2026061510050')).tradeState).toBe('SUCCESS')
    expect((await msw().refund({ outRefundNo: 'RF2026061510050', outTradeNo: 'YB2026061510050', refundFen: 38000, totalFen: 38000 })).status).toBe('PROCESSING')
    expect((await rejection(msw().close('YB2026061510050'))).detail.upstreamCode).toBe('ORDERPAID')
    expect((await rejection(msw().prepayJsapi({ ...order('YB2026061510050', 1), openid: OPENID }))).detail.upstreamCode).toBe('OUT_TRADE_NO_USED')
    const unsigned = await rejection(createWechatPayClient({ ...clientOptions(), baseUrl: WECHATPAY_TEST_URL, merchantSerial: WECHATPAY_TEST_KEYS.merchantSerial, mchid: WECHATPAY_TEST_KEYS.mchid, appid: WECHATPAY_TEST_KEYS.appid, platformPublicKeys: WECHATPAY_TEST_KEYS.platformPublicKeys }).prepayNative(order('YB2026061510051')))
    expect(unsigned.detail.upstreamCode).toBe('SIGN_ERROR')
  })
})
