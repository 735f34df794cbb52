import type { WechatPayClientOptions } from './client'
import { createHash } from 'node:crypto'
import { Writable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { http, HttpResponse } from 'msw'
import { beforeEach, describe, expect, it } from 'vitest'
import { ZodError } from 'zod'
import { UpstreamError } from '../../lib/errors'
import { createLogger } from '../../lib/logger'
import { mswServer } from '../../testing/msw'
import {
  payTestOrder,
  resetWechatPayTest,
  testNotification,
  WECHATPAY_TEST_KEYS,
  WECHATPAY_TEST_URL,
  wechatpayTestClock,
} from '../../testing/wechatpay-handlers'
import { createWechatPayClient, WechatPayNotificationError } from './client'
import { encryptResource, parseAuthorization, requestMessage, rsaVerify, signedHeaders } from './crypto'

// The adapter's own checks, against the MSW stand-in for WeChat Pay (it verifies our signatures and signs
// its answers with the public test keys). Answers the stand-in never gives (another merchant's order, bad
// JSON, a bill) are served per test, signed the same way: the adapter under test is never replaced.
const K = WECHATPAY_TEST_KEYS
const NOTIFY_URL = 'https://yibao.example.cn/api/v1/payments/wechat/notify'
const clock = new Date('2026-06-15T10:00:00+08:00')

/** Log lines the adapter wrote (pino JSON), for the tests that check what operators see. */
let logLines: Record<string, unknown>[] = []
const logStream = new Writable({
  write(chunk: Buffer, _enc, done) {
    logLines.push(
      ...chunk
        .toString('utf8')
        .trim()
        .split('\n')
        .map(l => JSON.parse(l) as Record<string, unknown>),
    )
    done()
  },
})
const logger = createLogger('debug', logStream)
const logged = (msg: string) => logLines.filter(l => l.msg === msg)

function options(overrides: Partial<WechatPayClientOptions> = {}): WechatPayClientOptions {
  return {
    baseUrl: WECHATPAY_TEST_URL,
    mchid: K.mchid,
    appid: K.appid,
    merchantSerial: K.merchantSerial,
    merchantPrivateKey: K.merchantPrivateKey,
    platformPublicKeys: K.platformPublicKeys,
    apiV3Key: K.apiV3Key,
    notifyUrl: NOTIFY_URL,
    timeoutMs: 2000,
    logger,
    now: () => clock,
    ...overrides,
  }
}
const client = (overrides: Partial<WechatPayClientOptions> = {}) => createWechatPayClient(options(overrides))

/** A 2xx answer signed by the test platform key, as WeChat Pay signs it. */
function signed(body: string, status = 200, headers: Record<string, string> = {}): HttpResponse<string> {
  const sig = signedHeaders({ body, privateKey: K.platformPrivateKey, keyId: K.platformKeyId, now: clock })
  return new HttpResponse(body, {
    status,
    headers: { ...sig, 'Content-Type': 'application/json', 'Request-ID': 'R-1', ...headers },
  })
}

interface Seen {
  method: string
  url: URL
  headers: Headers
  body: string
}
/** Records every request to the stand-in, then lets the handlers answer it. */
function recordRequests(): Seen[] {
  const seen: Seen[] = []
  mswServer.use(
    http.all(`${WECHATPAY_TEST_URL}/*`, async ({ request }) => {
      seen.push({
        method: request.method,
        url: new URL(request.url),
        headers: request.headers,
        body: await request.clone().text(),
      })
      return undefined
    }),
  )
  return seen
}

async function rejection(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(UpstreamError)
  expect((error as UpstreamError).system).toBe('wechatpay')
  return error as UpstreamError
}

const order = (no: string, extra: Record<string, unknown> = {}) => ({
  outTradeNo: no,
  description: '2027年度城乡居民医保缴费',
  amountFen: 38000,
  expiresAt: new Date('2026-06-15T12:00:00+08:00'),
  ...extra,
})
const OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o'

beforeEach(() => {
  resetWechatPayTest()
  wechatpayTestClock.now = () => clock
  logLines = []
})

describe('createWechatPayClient refuses unusable settings', () => {
  it('needs a 32-byte APIv3 key and at least one platform key', () => {
    expect(() => client({ apiV3Key: 'k'.repeat(31) })).toThrow(new TypeError('WeChat Pay APIv3 key must be 32 bytes'))
    expect(() => client({ apiV3Key: 'k'.repeat(33) })).toThrow(TypeError)
    expect(() => client({ apiV3Key: '密'.repeat(11) })).toThrow(TypeError) // 11 characters, 33 bytes
    expect(() => client({ platformPublicKeys: {} })).toThrow(
      new TypeError('at least one WeChat Pay platform public key is needed'),
    )
    expect(() => client()).not.toThrow()
  })
})

describe('what goes on the wire', () => {
  it('signs as our merchant and names the PUB_KEY_ID key it expects, with a User-Agent', async () => {
    const seen = recordRequests()
    const certSerial = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1'
    await client({
      platformPublicKeys: { [certSerial]: K.platformPublicKeys[K.platformKeyId]!, ...K.platformPublicKeys },
    }).prepayNative(order('YB2026061500001'))
    const [req] = seen
    expect(req!.headers.get('wechatpay-serial')).toBe(K.platformKeyId)
    expect(req!.headers.get('user-agent')).toMatch(/^yibao-bff\/1\.0 /)
    expect(parseAuthorization(req!.headers.get('authorization'))).toMatchObject({
      mchid: K.mchid,
      serial_no: K.merchantSerial,
      timestamp: String(clock.getTime() / 1000),
    })
  })

  it('sends no Wechatpay-Serial when only platform certificates are configured', async () => {
    const seen = recordRequests()
    const error = await rejection(
      client({
        platformPublicKeys: { '5157F09EFDC096DE15EBE81A47057A7232F1B8E1': K.platformPublicKeys[K.platformKeyId]! },
      }).queryByOutTradeNo('YB2026061500002'),
    )
    expect(error.detail.upstreamCode).toBe('ORDER_NOT_EXIST')
    expect(seen[0]!.headers.has('wechatpay-serial')).toBe(false)
  })

  it('JSAPI prepay body: merchant, RFC 3339 expiry, attach if given, default notify_url, CNY, payer', async () => {
    const seen = recordRequests()
    await client().prepayJsapi({ ...order('YB2026061500003', { attach: 'yb:7' }), openid: OPENID })
    await client().prepayNative(
      order('YB2026061500004', { notifyUrl: 'https://other.example.cn/api/v1/payments/wechat/notify' }),
    )
    expect(seen.map(s => [s.method, s.url.pathname])).toEqual([
      ['POST', '/v3/pay/transactions/jsapi'],
      ['POST', '/v3/pay/transactions/native'],
    ])
    expect(JSON.parse(seen[0]!.body)).toEqual({
      appid: K.appid,
      mchid: K.mchid,
      description: '2027年度城乡居民医保缴费',
      out_trade_no: 'YB2026061500003',
      time_expire: '2026-06-15T12:00:00+08:00',
      attach: 'yb:7',
      notify_url: NOTIFY_URL,
      amount: { total: 38000, currency: 'CNY' },
      payer: { openid: OPENID },
    })
    const native = JSON.parse(seen[1]!.body) as Record<string, unknown>
    expect(native).not.toHaveProperty('attach')
    expect(native).not.toHaveProperty('payer')
    expect(native.notify_url).toBe('https://other.example.cn/api/v1/payments/wechat/notify')
  })

  it('H5 prepay body: the order as for Native plus scene_info (payer_client_ip, h5_info Wap); answer h5_url', async () => {
    const seen = recordRequests()
    const { h5Url } = await client().prepayH5({ ...order('YB2026061500046', { attach: 'year=2027' }), payerClientIp: '203.0.113.7' })
    expect(h5Url).toMatch(/^https:\/\/wx\.tenpay\.com\/cgi-bin\/mmpayweb-bin\/checkmweb\?prepay_id=wx\w+&package=\d+$/)
    await client().prepayH5({ ...order('YB2026061500047'), payerClientIp: '2001:db8::7', appName: '医保自助', appUrl: 'https://yibao.example.cn' })
    expect(seen.map(s => [s.method, s.url.pathname])).toEqual([
      ['POST', '/v3/pay/transactions/h5'],
      ['POST', '/v3/pay/transactions/h5'],
    ])
    expect(JSON.parse(seen[0]!.body)).toEqual({
      appid: K.appid,
      mchid: K.mchid,
      description: '2027年度城乡居民医保缴费',
      out_trade_no: 'YB2026061500046',
      time_expire: '2026-06-15T12:00:00+08:00',
      attach: 'year=2027',
      notify_url: NOTIFY_URL,
      amount: { total: 38000, currency: 'CNY' },
      scene_info: { payer_client_ip: '203.0.113.7', h5_info: { type: 'Wap' } },
    })
    expect(JSON.parse(seen[1]!.body).scene_info).toEqual({
      payer_client_ip: '2001:db8::7',
      h5_info: { type: 'Wap', app_name: '医保自助', app_url: 'https://yibao.example.cn' },
    })
  })

  it('H5 prepay: an answer without a usable h5_url is bad_response prepay-h5; a payer address must be an IP', async () => {
    const h5Path = `${WECHATPAY_TEST_URL}/v3/pay/transactions/h5`
    for (const body of ['{}', '{"h5_url":""}', '{"h5_url":"not a url"}', '{"code_url":"weixin://wxpay/bizpayurl?pr=x"}']) {
      mswServer.use(http.post(h5Path, () => signed(body)))
      const error = await rejection(client().prepayH5({ ...order('YB2026061500048'), payerClientIp: '203.0.113.7' }))
      expect([error.kind, error.detail.upstreamCode]).toEqual(['bad_response', 'prepay-h5'])
    }
    const seen = recordRequests()
    for (const ip of ['', 'localhost', '203.0.113.7, 10.0.0.1', '203.0.113.256']) {
      await expect(client().prepayH5({ ...order('YB2026061500049'), payerClientIp: ip }))
        .rejects.toThrow(new TypeError('payerClientIp must be an IPv4 or IPv6 address'))
    }
    expect(seen).toEqual([])
  })

  it('query, close and refund: paths, the mchid, and the refund body', async () => {
    await client().prepayNative(order('YB2026061500005'))
    payTestOrder('YB2026061500005')
    await client().prepayNative(order('YB2026061500006'))
    const seen = recordRequests()
    await client().queryByOutTradeNo('YB2026061500005')
    await client().close('YB2026061500006')
    await client().refund({
      outRefundNo: 'RF2026061500005',
      outTradeNo: 'YB2026061500005',
      refundFen: 100,
      totalFen: 38000,
      reason: '重复参保',
    })
    await client().refund({
      outRefundNo: 'RF2026061500015',
      outTradeNo: 'YB2026061500005',
      refundFen: 200,
      totalFen: 38000,
      reason: '',
      notifyUrl: 'https://other.example.cn/n',
    })
    await client().queryRefund('RF2026061500005')
    expect(seen.map(s => `${s.method} ${s.url.pathname}${s.url.search}`)).toEqual([
      `GET /v3/pay/transactions/out-trade-no/YB2026061500005?mchid=${K.mchid}`,
      'POST /v3/pay/transactions/out-trade-no/YB2026061500006/close',
      'POST /v3/refund/domestic/refunds',
      'POST /v3/refund/domestic/refunds',
      'GET /v3/refund/domestic/refunds/RF2026061500005',
    ])
    expect(seen[0]!.body).toBe('')
    expect(JSON.parse(seen[1]!.body)).toEqual({ mchid: K.mchid })
    expect(JSON.parse(seen[2]!.body)).toEqual({
      out_trade_no: 'YB2026061500005',
      out_refund_no: 'RF2026061500005',
      reason: '重复参保',
      notify_url: NOTIFY_URL,
      amount: { refund: 100, total: 38000, currency: 'CNY' },
    })
    expect(JSON.parse(seen[3]!.body)).toEqual({
      out_trade_no: 'YB2026061500005',
      out_refund_no: 'RF2026061500015',
      notify_url: 'https://other.example.cn/n',
      amount: { refund: 200, total: 38000, currency: 'CNY' },
    })
  })

  it('JSAPI bridge parameters carry our appid and the clock in seconds', () => {
    expect(client().jsapiParams('wx1')).toMatchObject({
      appId: K.appid,
      timeStamp: String(clock.getTime() / 1000),
      package: 'prepay_id=wx1',
    })
  })
})

describe('arguments are checked before anything is sent', () => {
  const seenNothing = () => {
    const seen = recordRequests()
    return () => expect(seen).toEqual([])
  }

  it.each([
    ['a 5-character out_trade_no', { outTradeNo: 'YB123' }],
    ['a 33-character out_trade_no', { outTradeNo: 'Y'.repeat(33) }],
    ['a space in out_trade_no', { outTradeNo: 'YB 2026061500' }],
    ['a slash in out_trade_no', { outTradeNo: 'YB/2026061500' }],
    ['a bad first character', { outTradeNo: '#YB2026061500' }],
    ['a bad last character', { outTradeNo: 'YB2026061500#' }],
    ['0 fen', { amountFen: 0 }],
    ['negative fen', { amountFen: -100 }],
    ['fractional fen', { amountFen: 380.5 }],
    ['an unsafe integer', { amountFen: 2 ** 53 }],
    ['an empty description', { description: '' }],
    ['a 128-character description', { description: '缴'.repeat(128) }],
    ['a 129-character attach', { attach: 'a'.repeat(129) }],
  ])('prepay refuses %s', async (_label, change) => {
    const nothingSent = seenNothing()
    await expect(client().prepayNative(order('YB2026061500010', change))).rejects.toThrow(TypeError)
    nothingSent()
  })

  it('prepay accepts the limits: 6 and 32 characters of [0-9A-Za-z_-|*], 1 fen, 127/128 characters', async () => {
    await expect(client().prepayNative(order('Ab-|*_'))).resolves.toHaveProperty('codeUrl')
    await expect(
      client().prepayNative(
        order('A'.repeat(32), { amountFen: 1, description: '缴'.repeat(127), attach: 'a'.repeat(128) }),
      ),
    ).resolves.toHaveProperty('codeUrl')
  })

  it('JSAPI needs an openid', async () => {
    const nothingSent = seenNothing()
    await expect(client().prepayJsapi({ ...order('YB2026061500011'), openid: '' })).rejects.toThrow(
      new TypeError('openid is required for JSAPI'),
    )
    nothingSent()
  })

  it('query, close, refund and bill numbers are checked', async () => {
    const nothingSent = seenNothing()
    await expect(client().queryByOutTradeNo('YB1')).rejects.toThrow(TypeError)
    await expect(client().close('YB 2026061500')).rejects.toThrow(TypeError)
    await expect(client().queryRefund('RF1')).rejects.toThrow(TypeError)
    const refund = { outRefundNo: 'RF2026061500012', outTradeNo: 'YB2026061500012', refundFen: 100, totalFen: 38000 }
    await expect(client().refund({ ...refund, outRefundNo: 'RF1' })).rejects.toThrow(TypeError)
    await expect(client().refund({ ...refund, outTradeNo: 'YB1' })).rejects.toThrow(TypeError)
    await expect(client().refund({ ...refund, refundFen: 0 })).rejects.toThrow(TypeError)
    await expect(client().refund({ ...refund, refundFen: 1.5 })).rejects.toThrow(TypeError)
    await expect(client().refund({ ...refund, refundFen: 38001 })).rejects.toThrow(
      new TypeError('refundFen must be a positive integer ≤ totalFen'),
    )
    await expect(client().refund({ ...refund, totalFen: 38000.5 })).rejects.toThrow(TypeError)
    await expect(client().tradeBill('2026-6-15')).rejects.toThrow(new TypeError('billDate must be YYYY-MM-DD'))
    await expect(client().tradeBill('x2026-06-15')).rejects.toThrow(TypeError)
    await expect(client().tradeBill('2026-06-15x')).rejects.toThrow(TypeError)
    nothingSent()
  })

  it('a refund of the whole amount is allowed', async () => {
    await client().prepayNative(order('YB2026061500013'))
    payTestOrder('YB2026061500013')
    await expect(
      client().refund({
        outRefundNo: 'RF2026061500013',
        outTradeNo: 'YB2026061500013',
        refundFen: 38000,
        totalFen: 38000,
      }),
    ).resolves.toMatchObject({ refundFen: 38000 })
  })
})

describe('answers that cannot be trusted', () => {
  const queryPath = `${WECHATPAY_TEST_URL}/v3/pay/transactions/out-trade-no/:no`
  const transaction = (extra: Record<string, unknown> = {}) => ({
    appid: K.appid,
    mchid: K.mchid,
    out_trade_no: 'YB2026061500020',
    trade_state: 'NOTPAY',
    amount: { total: 38000 },
    ...extra,
  })

  it('refuses another merchant\'s or another appid\'s order (bad_response …:FOREIGN_MERCHANT)', async () => {
    mswServer.use(http.get(queryPath, () => signed(JSON.stringify(transaction({ mchid: '1900000999' })))))
    const mchid = await rejection(client().queryByOutTradeNo('YB2026061500020'))
    expect([mchid.kind, mchid.detail.upstreamCode]).toEqual(['bad_response', 'query-order:FOREIGN_MERCHANT'])
    mswServer.use(http.get(queryPath, () => signed(JSON.stringify(transaction({ appid: 'wx0000000000other' })))))
    expect((await rejection(client().queryByOutTradeNo('YB2026061500020'))).detail.upstreamCode).toBe(
      'query-order:FOREIGN_MERCHANT',
    )
    mswServer.use(http.get(queryPath, () => signed(JSON.stringify(transaction()))))
    expect(await client().queryByOutTradeNo('YB2026061500020')).toMatchObject({
      outTradeNo: 'YB2026061500020',
      tradeState: 'NOTPAY',
      totalFen: 38000,
    })
  })

  it('a signed answer that is not JSON or not the documented shape: bad_response named after the call', async () => {
    mswServer.use(http.get(queryPath, () => signed('<html>oops</html>')))
    const notJson = await rejection(client().queryByOutTradeNo('YB2026061500021'))
    expect([notJson.kind, notJson.detail.upstreamCode, notJson.detail.status]).toEqual([
      'bad_response',
      'query-order',
      200,
    ])
    expect(notJson.detail.cause).toBeInstanceOf(SyntaxError)
    mswServer.use(http.get(queryPath, () => signed(JSON.stringify(transaction({ amount: { total: -1 } })))))
    const shape = await rejection(client().queryByOutTradeNo('YB2026061500021'))
    expect([shape.kind, shape.detail.upstreamCode]).toEqual(['bad_response', 'query-order'])
    // Operators see where the answer went wrong (at most 5 issues), never the values.
    mswServer.use(http.get(`${WECHATPAY_TEST_URL}/v3/refund/domestic/refunds/:no`, () => signed('{}')))
    expect((await rejection(client().queryRefund('RF2026061500021'))).detail.upstreamCode).toBe('query-refund')
    expect(logged('wechatpay answer failed validation').map(l => [l.level, l.operation, l.issues])).toEqual([
      [40, 'query-order', [{ path: 'amount.total', code: 'too_small' }]],
      [
        40,
        'query-refund',
        [
          ...['refund_id', 'out_refund_no', 'transaction_id', 'out_trade_no'].map(path => ({
            path,
            code: 'invalid_type',
          })),
          { path: 'status', code: 'invalid_value' },
        ],
      ],
    ])
  })

  it('logs error answers (404 at info, others at warn) and unverifiable answers at error', async () => {
    await rejection(client().queryByOutTradeNo('YB2026061500022'))
    await rejection(client({ merchantSerial: 'WRONG' }).queryByOutTradeNo('YB2026061500022'))
    expect(
      logged('wechatpay answered with an error').map(l => [l.level, l.operation, l.status, l.code, l.requestId]),
    ).toEqual([
      [30, 'query-order', 404, 'ORDER_NOT_EXIST', 'TEST-REQUEST-ID'],
      [40, 'query-order', 401, 'SIGN_ERROR', 'TEST-REQUEST-ID'],
    ])
    mswServer.use(
      http.get(queryPath, () => signed(JSON.stringify(transaction()), 200, { 'Wechatpay-Signature': 'AAAA' })),
    )
    const forged = await rejection(client().queryByOutTradeNo('YB2026061500022'))
    expect([forged.kind, forged.detail.upstreamCode, forged.detail.status]).toEqual([
      'bad_response',
      'UNVERIFIED_BAD_SIGNATURE',
      200,
    ])
    expect(logged('wechatpay answer failed verification')).toEqual([
      expect.objectContaining({
        level: 50,
        operation: 'query-order',
        reason: 'bad_signature',
        serial: K.platformKeyId,
        requestId: 'R-1',
      }),
    ])
  })

  it('takes 200–299 as success: a 300 is an error answer, a 299 is parsed', async () => {
    mswServer.use(http.get(queryPath, () => signed(JSON.stringify({ code: 'MOVED', message: 'x' }), 300)))
    expect((await rejection(client().queryByOutTradeNo('YB2026061500023'))).detail).toMatchObject({
      upstreamCode: 'MOVED',
      status: 300,
    })
    mswServer.use(http.get(queryPath, () => signed(JSON.stringify(transaction()), 299)))
    expect((await client().queryByOutTradeNo('YB2026061500023')).tradeState).toBe('NOTPAY')
  })
})

describe('trade bills', () => {
  const csv = '交易时间,公众账号ID\r\n`2026-06-15 09:41:07,`wx\r\n'
  const sha1 = (b: Buffer | string) => createHash('sha1').update(b).digest('hex')
  const billUrl = `${WECHATPAY_TEST_URL}/v3/billdownload/file?token=T1`

  /** WeChat Pay checks our signature on bill requests too (method, path and query included). */
  function signedByUs(request: Request): boolean {
    const auth = parseAuthorization(request.headers.get('authorization'))
    const url = new URL(request.url)
    const pathWithQuery = `${url.pathname}${url.search}`
    const message = auth && requestMessage(request.method, pathWithQuery, auth.timestamp, auth.nonce_str)
    return Boolean(auth && message && rsaVerify(message, auth.signature, K.merchantPublicKey))
  }
  function serveTicket(): { requests: URL[] } {
    const requests: URL[] = []
    mswServer.use(
      http.get(`${WECHATPAY_TEST_URL}/v3/bill/tradebill`, ({ request }) => {
        if (!signedByUs(request)) return HttpResponse.json({ code: 'SIGN_ERROR' }, { status: 401 })
        requests.push(new URL(request.url))
        return signed(JSON.stringify({ hash_type: 'SHA1', hash_value: sha1(csv).toUpperCase(), download_url: billUrl }))
      }),
    )
    return { requests }
  }
  function serveFile(body: Buffer, delayMs = 0): void {
    mswServer.use(
      http.get(`${WECHATPAY_TEST_URL}/v3/billdownload/file`, async ({ request }) => {
        if (!signedByUs(request)) return HttpResponse.json({ code: 'SIGN_ERROR' }, { status: 401 })
        await new Promise(r => setTimeout(r, delayMs))
        return new HttpResponse(body, { status: 200 }) // unsigned, as WeChat Pay serves bills
      }),
    )
  }

  it('asks for the day\'s bill (ALL, GZIP) and accepts an upper-case SHA1 of the gunzipped file', async () => {
    const { requests } = serveTicket()
    serveFile(gzipSync(csv))
    const ticket = await client().tradeBill('2026-06-15')
    await client().tradeBill('2026-06-15', 'REFUND')
    expect(requests.map(u => u.search)).toEqual([
      '?bill_date=2026-06-15&bill_type=ALL&tar_type=GZIP',
      '?bill_date=2026-06-15&bill_type=REFUND&tar_type=GZIP',
    ])
    expect(await client().downloadBill(ticket)).toBe(csv)
  })

  it('takes an uncompressed file as it is, but not one that only looks gzipped', async () => {
    serveFile(Buffer.from(csv))
    expect(await client().downloadBill({ hash_type: 'SHA1', hash_value: sha1(csv), download_url: billUrl })).toBe(csv)
    const secondByte = Buffer.concat([Buffer.from([0x20, 0x8b]), Buffer.from(csv)])
    serveFile(secondByte)
    const secondTicket = { hash_type: 'SHA1' as const, hash_value: sha1(secondByte), download_url: billUrl }
    expect(await client().downloadBill(secondTicket)).toBe(secondByte.toString('utf8'))
    const almost = Buffer.concat([Buffer.from([0x1f, 0x20]), Buffer.from(csv)])
    serveFile(almost)
    expect(await client().downloadBill({ hash_type: 'SHA1', hash_value: sha1(almost), download_url: billUrl })).toBe(
      almost.toString('utf8'),
    )
    const broken = Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from(csv)])
    serveFile(broken)
    const error = await rejection(
      client().downloadBill({ hash_type: 'SHA1', hash_value: sha1(broken), download_url: billUrl }),
    )
    expect([error.kind, error.detail.upstreamCode]).toEqual(['bad_response', 'BILL_NOT_GZIP'])
  })

  it('refuses a file whose SHA1 differs (logged), and a download URL on another host', async () => {
    serveFile(gzipSync(csv))
    const mismatch = await rejection(
      client().downloadBill({ hash_type: 'SHA1', hash_value: sha1('other'), download_url: billUrl }),
    )
    expect([mismatch.kind, mismatch.detail.upstreamCode]).toEqual(['bad_response', 'BILL_HASH_MISMATCH'])
    expect(logged('trade bill SHA1 mismatch')).toEqual([
      expect.objectContaining({ level: 50, operation: 'download-bill', bytes: Buffer.byteLength(csv) }),
    ])
    const foreign = await rejection(
      client().downloadBill({
        hash_type: 'SHA1',
        hash_value: sha1(csv),
        download_url: 'http://wechatpay.test.evil.example/v3/billdownload/file',
      }),
    )
    expect([foreign.kind, foreign.detail.upstreamCode]).toEqual(['bad_response', 'BILL_URL_FOREIGN_HOST'])
  })

  it('gives a download 30 s by default, not the API deadline; downloadTimeoutMs overrides it', async () => {
    serveFile(gzipSync(csv), 300)
    const ticket = { hash_type: 'SHA1' as const, hash_value: sha1(csv), download_url: billUrl }
    expect(await client({ timeoutMs: 100 }).downloadBill(ticket)).toBe(csv)
    expect((await rejection(client({ downloadTimeoutMs: 100 }).downloadBill(ticket))).kind).toBe('timeout')
  })
})

describe('parseNotification', () => {
  const paid = (extra: Record<string, unknown> = {}) => ({
    appid: K.appid,
    mchid: K.mchid,
    out_trade_no: 'YB2026061500030',
    transaction_id: '4200000000000000000000000030',
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    success_time: '2026-06-15T10:00:00+08:00',
    payer: { openid: OPENID },
    amount: { total: 38000, payer_total: 38000, currency: 'CNY' },
    ...extra,
  })
  const refunded = (extra: Record<string, unknown> = {}) => ({
    mchid: K.mchid,
    transaction_id: '4200000000000000000000000030',
    out_trade_no: 'YB2026061500030',
    refund_id: '50300000000000000000000000030',
    out_refund_no: 'RF2026061500030',
    refund_status: 'SUCCESS',
    amount: { total: 38000, refund: 38000, payer_total: 38000, payer_refund: 38000 },
    ...extra,
  })
  const parse = (n: { headers: Record<string, string>, body: string }) => client().parseNotification(n.headers, n.body)
  const refusal = (n: { headers: Record<string, string>, body: string }): WechatPayNotificationError => {
    try {
      parse(n)
    }
    catch (error) {
      expect(error).toBeInstanceOf(WechatPayNotificationError)
      return error as WechatPayNotificationError
    }
    throw new Error('accepted')
  }
  /** A signed callback with any envelope and any (encrypted) plaintext. */
  function raw(
    envelope: Record<string, unknown>,
    plaintext: string,
  ): { headers: Record<string, string>, body: string } {
    const body = JSON.stringify({
      ...envelope,
      resource: { original_type: 'transaction', ...encryptResource(K.apiV3Key, plaintext, 'transaction') },
    })
    return {
      headers: signedHeaders({ body, privateKey: K.platformPrivateKey, keyId: K.platformKeyId, now: clock }),
      body,
    }
  }

  it('a payment and a refund of ours', () => {
    const payment = parse(testNotification({ eventType: 'TRANSACTION.SUCCESS', payload: paid() }))
    expect(payment).toMatchObject({
      kind: 'transaction',
      eventType: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      createTime: clock,
      serial: K.platformKeyId,
      transaction: { outTradeNo: 'YB2026061500030', totalFen: 38000 },
    })
    const refund = parse(testNotification({ eventType: 'REFUND.SUCCESS', payload: refunded() }))
    expect(refund).toMatchObject({
      kind: 'refund',
      eventType: 'REFUND.SUCCESS',
      refund: { outRefundNo: 'RF2026061500030', status: 'SUCCESS', refundFen: 38000 },
    })
  })

  it('refuses another merchant\'s or another appid\'s payment, and another merchant\'s refund (400)', () => {
    for (const foreign of [{ mchid: '1900000999' }, { appid: 'wx0000000000other' }]) {
      const error = refusal(testNotification({ eventType: 'TRANSACTION.SUCCESS', payload: paid(foreign) }))
      expect([error.reason, error.httpStatus]).toEqual(['foreign_merchant', 400])
    }
    expect(
      refusal(testNotification({ eventType: 'REFUND.SUCCESS', payload: refunded({ mchid: '1900000999' }) })).reason,
    ).toBe('foreign_merchant')
  })

  it('refuses a payload that is not JSON or not a paid transaction / refund (400 bad_payload)', () => {
    const notJson = refusal(raw({ id: 'N1', event_type: 'TRANSACTION.SUCCESS' }, 'not json'))
    expect([notJson.reason, notJson.httpStatus]).toEqual(['bad_payload', 400])
    expect(notJson.cause).toBeInstanceOf(SyntaxError)
    const { transaction_id: _t, ...unpaid } = paid()
    const incomplete = refusal(testNotification({ eventType: 'TRANSACTION.SUCCESS', payload: unpaid }))
    expect([incomplete.reason, incomplete.cause]).toEqual(['bad_payload', expect.any(ZodError)])
    const lostPayload = refunded({ refund_status: 'LOST' })
    const lost = refusal(testNotification({ eventType: 'REFUND.ABNORMAL', payload: lostPayload }))
    expect([lost.reason, lost.cause]).toEqual(['bad_payload', expect.any(ZodError)])
  })

  it('refuses an envelope that is verified but not the documented shape (400 bad_envelope)', () => {
    const error = refusal(raw({ id: '', event_type: 'TRANSACTION.SUCCESS' }, JSON.stringify(paid())))
    expect(error.cause).toBeInstanceOf(ZodError)
    expect([error.reason, error.httpStatus, error.message]).toEqual([
      'bad_envelope',
      400,
      'wechatpay notification rejected: bad_envelope',
    ])
    expect(
      refusal(raw({ id: 'N2', event_type: 'TRANSACTION.SUCCESS', create_time: 'yesterday' }, JSON.stringify(paid())))
        .reason,
    ).toBe('bad_envelope')
  })

  it('answers 401 for signature problems and 500 when it cannot decrypt (key not deployed yet)', () => {
    for (const tamper of ['signtest', 'signature', 'stale'] as const) {
      const error = refusal(testNotification({ eventType: 'TRANSACTION.SUCCESS', payload: paid(), tamper }))
      expect(error.httpStatus).toBe(401)
    }
    const n = testNotification({ eventType: 'TRANSACTION.SUCCESS', payload: paid() })
    let error: unknown
    try {
      client({ apiV3Key: 'W'.repeat(32) }).parseNotification(n.headers, n.body)
    }
    catch (e) {
      error = e
    }
    expect(error).toMatchObject({ name: 'WechatPayNotificationError', reason: 'decrypt_failed', httpStatus: 500 })
  })

  it('hands another product\'s event back as it is, and leaves absent envelope fields null', () => {
    const other = parse(raw({ id: 'N3', event_type: 'PAYSCORE.USER_OPEN_SERVICE' }, '{"a":1}'))
    expect(other).toEqual({
      id: 'N3',
      eventType: 'PAYSCORE.USER_OPEN_SERVICE',
      createTime: null,
      summary: null,
      serial: K.platformKeyId,
      kind: 'other',
      originalType: 'transaction',
      plaintext: '{"a":1}',
    })
    const body = JSON.stringify({
      id: 'N4',
      event_type: 'MARKETING.X',
      resource: encryptResource(K.apiV3Key, '{"b":2}', ''),
    })
    const bare = parse({
      headers: signedHeaders({ body, privateKey: K.platformPrivateKey, keyId: K.platformKeyId, now: clock }),
      body,
    })
    expect(bare).toMatchObject({ kind: 'other', originalType: null, plaintext: '{"b":2}' })
  })

  it('events are told apart by their prefix only', () => {
    expect(parse(raw({ id: 'N5', event_type: 'XTRANSACTION.SUCCESS' }, JSON.stringify(paid()))).kind).toBe('other')
    expect(parse(raw({ id: 'N6', event_type: 'XREFUND.SUCCESS' }, JSON.stringify(refunded()))).kind).toBe('other')
  })
})

describe('what operators and callers can tell apart', () => {
  const notJson = () => signed('not json')

  it('names each call in a malformed answer\'s error code and in its log lines', async () => {
    await client().prepayNative(order('YB2026061500040'))
    payTestOrder('YB2026061500040')
    mswServer.use(
      http.post(`${WECHATPAY_TEST_URL}/v3/pay/transactions/:kind`, notJson),
      http.post(`${WECHATPAY_TEST_URL}/v3/refund/domestic/refunds`, notJson),
      http.get(`${WECHATPAY_TEST_URL}/v3/refund/domestic/refunds/:no`, notJson),
      http.get(`${WECHATPAY_TEST_URL}/v3/bill/tradebill`, notJson),
    )
    const refund = { outRefundNo: 'RF2026061500040', outTradeNo: 'YB2026061500040', refundFen: 1, totalFen: 38000 }
    const calls: [string, Promise<unknown>][] = [
      ['prepay-jsapi', client().prepayJsapi({ ...order('YB2026061500041'), openid: OPENID })],
      ['prepay-native', client().prepayNative(order('YB2026061500042'))],
      ['refund', client().refund(refund)],
      ['query-refund', client().queryRefund('RF2026061500040')],
      ['trade-bill', client().tradeBill('2026-06-15')],
    ]
    for (const [operation, call] of calls) expect((await rejection(call)).detail.upstreamCode).toBe(operation)
    await rejection(client().close('YB2026061500099'))
    const operations = (msg: string) => logged(msg).map(l => [l.system, l.operation])
    expect(operations('wechatpay answered with an error')).toEqual([['wechatpay', 'close-order']])
    // The five calls above ran concurrently: compare without order.
    expect(operations('upstream call').map(([system, operation]) => `${system} ${operation}`).sort()).toEqual([
      'wechatpay close-order',
      'wechatpay prepay-jsapi',
      'wechatpay prepay-native',
      'wechatpay prepay-native',
      'wechatpay query-refund',
      'wechatpay refund',
      'wechatpay trade-bill',
    ])
  })

  it('logs unverifiable answers, malformed answers and bill mismatches under the wechatpay system', async () => {
    const queryPath = `${WECHATPAY_TEST_URL}/v3/pay/transactions/out-trade-no/:no`
    mswServer.use(http.get(queryPath, () => signed('{}', 200, { 'Wechatpay-Signature': 'AAAA' })))
    await rejection(client().queryByOutTradeNo('YB2026061500043'))
    mswServer.use(http.get(queryPath, () => signed('{}')))
    await rejection(client().queryByOutTradeNo('YB2026061500043'))
    mswServer.use(http.get(`${WECHATPAY_TEST_URL}/v3/billdownload/file`, () => new HttpResponse('x', { status: 200 })))
    const downloadUrl = `${WECHATPAY_TEST_URL}/v3/billdownload/file`
    const ticket = { hash_type: 'SHA1' as const, hash_value: '0'.repeat(40), download_url: downloadUrl }
    await rejection(client().downloadBill(ticket))
    const messages = [
      'wechatpay answer failed verification',
      'wechatpay answer failed validation',
      'trade bill SHA1 mismatch',
    ]
    for (const msg of messages) expect(logged(msg).map(l => l.system)).toEqual(['wechatpay'])
    expect(logged('upstream call').at(-1)).toMatchObject({ system: 'wechatpay', operation: 'download-bill' })
  })

  it('hands back the prepay_id of a JSAPI prepay', async () => {
    const { prepayId } = await client().prepayJsapi({ ...order('YB2026061500044'), openid: OPENID })
    expect(prepayId).toMatch(/^wx\d+YB2026061500044/)
  })

  it('says which argument is wrong', async () => {
    const outNo = 'outTradeNo must be 6–32 of [0-9A-Za-z_-|*]'
    await expect(client().prepayNative(order('YB1'))).rejects.toThrow(outNo)
    await expect(client().prepayNative(order('YB2026061500045', { amountFen: 0 })))
      .rejects.toThrow('amountFen must be a positive integer (fen)')
    await expect(client().prepayNative(order('YB2026061500045', { description: '' })))
      .rejects.toThrow('description must be 1–127 characters')
    await expect(client().prepayNative(order('YB2026061500045', { attach: 'a'.repeat(129) })))
      .rejects.toThrow('attach must be ≤ 128 characters')
    await expect(client().queryByOutTradeNo('YB1')).rejects.toThrow(outNo)
    await expect(client().close('YB1')).rejects.toThrow(outNo)
    await expect(client().queryRefund('RF1')).rejects.toThrow('outRefundNo must be 6–32 of [0-9A-Za-z_-|*]')
    const refund = { outRefundNo: 'RF1', outTradeNo: 'YB2026061500045', refundFen: 1, totalFen: 1 }
    await expect(client().refund(refund)).rejects.toThrow('outRefundNo/outTradeNo must be 6–32 of [0-9A-Za-z_-|*]')
  })

  it('uses the real clock when none is given', () => {
    const { now: _now, ...rest } = options()
    const seconds = Number(createWechatPayClient(rest).jsapiParams('wx1').timeStamp)
    expect(Math.abs(seconds - Date.now() / 1000)).toBeLessThan(5)
  })
})

describe('付款码 payments (codepay) and 撤销 (reverse)', () => {
  const codepayPath = `${WECHATPAY_TEST_URL}/v3/pay/transactions/codepay`
  const reversePath = `${WECHATPAY_TEST_URL}/v3/pay/transactions/out-trade-no/:no/reverse`
  const AUTH_CODE = '134567890123456789'
  const input = (extra: Record<string, unknown> = {}) => ({
    outTradeNo: 'YB2026061500040',
    description: '2027年度城乡居民医保缴费',
    amountFen: 38000,
    authCode: AUTH_CODE,
    storeId: 'HALL-370502',
    ...extra,
  })
  const paid = (extra: Record<string, unknown> = {}) => ({
    appid: K.appid,
    mchid: K.mchid,
    out_trade_no: 'YB2026061500040',
    transaction_id: '4200000000202606150040',
    trade_state: 'SUCCESS',
    amount: { total: 38000 },
    ...extra,
  })

  it.each([
    ['a bad out_trade_no', { outTradeNo: 'YB1' }],
    ['0 fen', { amountFen: 0 }],
    ['fractional fen', { amountFen: 0.5 }],
    ['an empty description', { description: '' }],
    ['a 128-character description', { description: '缴'.repeat(128) }],
    ['a payment code of 17 digits', { authCode: AUTH_CODE.slice(1) }],
    ['a payment code that is not WeChat\'s (16…)', { authCode: `16${AUTH_CODE.slice(2)}` }],
    ['no store', { storeId: '' }],
    ['a 33-character store', { storeId: 'S'.repeat(33) }],
    ['a till address that is not an IP', { deviceIp: 'till-7' }],
  ])('refuses %s before sending anything', async (_label, change) => {
    const seen = recordRequests()
    await expect(client().codepay(input(change))).rejects.toThrow(TypeError)
    expect(seen).toEqual([])
  })

  it('sends the payer\'s code, our store and till, and only the optional fields given', async () => {
    mswServer.use(http.post(codepayPath, () => signed(JSON.stringify(paid()))))
    // Registered after the answer, so it sees each request first.
    const seen = recordRequests()
    const full = { attach: 'a1', storeName: '东营区医保服务大厅', deviceId: 'TILL-07', deviceIp: '2001:db8::7' }
    await client().codepay(input({ ...full, description: '缴'.repeat(127), storeId: 'S'.repeat(32) }))
    await client().codepay(input())
    expect(seen.map(s => `${s.method} ${s.url.pathname}`)).toEqual([
      'POST /v3/pay/transactions/codepay',
      'POST /v3/pay/transactions/codepay',
    ])
    expect(JSON.parse(seen[0]!.body)).toEqual({
      appid: K.appid,
      mchid: K.mchid,
      description: '缴'.repeat(127),
      out_trade_no: 'YB2026061500040',
      attach: 'a1',
      payer: { auth_code: AUTH_CODE },
      amount: { total: 38000, currency: 'CNY' },
      scene_info: {
        device_id: 'TILL-07',
        device_ip: '2001:db8::7',
        store_info: { out_id: 'S'.repeat(32), name: '东营区医保服务大厅' },
      },
    })
    expect(JSON.parse(seen[1]!.body)).toEqual({
      appid: K.appid,
      mchid: K.mchid,
      description: '2027年度城乡居民医保缴费',
      out_trade_no: 'YB2026061500040',
      payer: { auth_code: AUTH_CODE },
      amount: { total: 38000, currency: 'CNY' },
      scene_info: { store_info: { out_id: 'HALL-370502' } },
    })
  })

  it('tells paid, still paying (202, an USERPAYING error or state) and refused apart', async () => {
    mswServer.use(http.post(codepayPath, () => signed(JSON.stringify(paid()))))
    expect(await client().codepay(input())).toMatchObject({
      state: 'SUCCESS',
      transaction: { outTradeNo: 'YB2026061500040', tradeState: 'SUCCESS', totalFen: 38000 },
    })
    mswServer.use(http.post(codepayPath, () => signed('', 202)))
    expect(await client().codepay(input())).toEqual({ state: 'USERPAYING' })
    const userPaying = JSON.stringify({ code: 'USERPAYING', message: '需要用户输入支付密码' })
    mswServer.use(http.post(codepayPath, () => signed(userPaying, 403)))
    expect(await client().codepay(input())).toEqual({ state: 'USERPAYING' })
    mswServer.use(http.post(codepayPath, () => signed(JSON.stringify(paid({ trade_state: 'USERPAYING' })))))
    expect(await client().codepay(input())).toEqual({ state: 'USERPAYING' })

    mswServer.use(http.post(codepayPath, () => signed(JSON.stringify(paid({ trade_state: 'PAYERROR' })))))
    const failed = await rejection(client().codepay(input()))
    expect([failed.kind, failed.detail.upstreamCode, failed.detail.status]).toEqual(['rejected', 'PAYERROR', 200])
    const poor = JSON.stringify({ code: 'NOTENOUGH', message: '用户余额不足' })
    mswServer.use(http.post(codepayPath, () => signed(poor, 403)))
    const refused = await rejection(client().codepay(input()))
    expect([refused.kind, refused.detail.upstreamCode]).toEqual(['rejected', 'NOTENOUGH'])
    mswServer.use(http.post(codepayPath, () => signed(JSON.stringify(paid({ out_trade_no: 'YB2026061500041' })))))
    const other = await rejection(client().codepay(input()))
    expect([other.kind, other.detail.upstreamCode]).toEqual(['bad_response', 'codepay:OTHER_ORDER'])
    mswServer.use(http.post(codepayPath, () => signed(JSON.stringify(paid({ mchid: '1900000999' })))))
    expect((await rejection(client().codepay(input()))).detail.upstreamCode).toBe('codepay:FOREIGN_MERCHANT')
  })

  it('reverses by out_trade_no as our merchant, and refuses an answer about another order', async () => {
    const answer = { appid: K.appid, mchid: K.mchid, out_trade_no: 'YB2026061500042' }
    mswServer.use(http.post(reversePath, () => signed(JSON.stringify(answer))))
    const seen = recordRequests()
    await expect(client().reverse('YB2026061500042')).resolves.toBeUndefined()
    expect(seen.map(s => `${s.method} ${s.url.pathname}`)).toEqual([
      'POST /v3/pay/transactions/out-trade-no/YB2026061500042/reverse',
    ])
    expect(JSON.parse(seen[0]!.body)).toEqual({ appid: K.appid, mchid: K.mchid })
    for (const wrong of [{ out_trade_no: 'YB2026061500043' }, { mchid: '1900000999' }]) {
      mswServer.use(http.post(reversePath, () => signed(JSON.stringify({ ...answer, ...wrong }))))
      const error = await rejection(client().reverse('YB2026061500042'))
      expect([error.kind, error.detail.upstreamCode]).toEqual(['bad_response', 'reverse-order:OTHER_ORDER'])
    }
    await expect(client().reverse('YB1')).rejects.toThrow(TypeError)
  })
})
