import { describe, expect, it } from 'vitest'
import { UpstreamError } from '../../lib/errors'
import {
  errorFromReply,
  isRetryable,
  isWechatPayCode,
  parseTradeBill,
  toRefund,
  toTransaction,
  TRADE_BILL_COLUMNS,
  TradeBillFormatError,
} from './mapper'
import {
  ErrorReplyWire,
  JsapiPrepayReplyWire,
  NativePrepayReplyWire,
  NotificationEnvelopeWire,
  RefundNotificationWire,
  RefundWire,
  RfcTimeWire,
  TradeBillReplyWire,
  TransactionNotificationWire,
  TransactionWire,
} from './schemas'

const HEADER = '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注'
const SUMMARY = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额'
// Hand-written in the documented shape: a payment, a payment whose description has a comma, its refund.
const PAY = '`2026-06-15 09:41:07,`wx8888888888888888,`1900000109,`0,`,`4200002026061500000000000001,`YB2026061500001,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`SUCCESS,`OTHERS,`CNY,`1299.02,`0.00,`0,`0,`0.00,`0.00,`,`,`2027年度城乡居民医保缴费,`yb:1,`7.79412,`0.60%,`1299.02,`0.00,`'
const PAY2 = '`2026-06-15 23:59:59,`wx8888888888888888,`1900000109,`0,`,`4200002026061500000000000002,`YB2026061500002,`oOther,`NATIVE,`SUCCESS,`OTHERS,`CNY,`0.01,`0.00,`0,`0,`0.00,`0.00,`,`,`缴费,张**,`,`0.00000,`0.60%,`0.01,`0.00,`'
const REFUND = '`2026-06-15 23:59:59,`wx8888888888888888,`1900000109,`0,`,`4200002026061500000000000002,`YB2026061500002,`oOther,`NATIVE,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`50300000000000000000000000001,`RF2026061500002,`0.01,`0.00,`ORIGINAL,`SUCCESS,`缴费,张**,`,`-0.00006,`0.60%,`0.01,`0.01,`'
const TOTALS = '`3,`1299.03,`0.01,`0.00,`7.79406,`1299.04,`0.01'

function bill(rows: string[], totals = TOTALS, eol = '\r\n', bom = '\uFEFF'): string {
  return `${bom}${[HEADER, ...rows, SUMMARY, totals].join(eol)}${eol}`
}

describe('parseTradeBill', () => {
  it('reads BOM, backtick cells and yuan amounts into integer fen', () => {
    const { rows, summary } = parseTradeBill(bill([PAY, PAY2, REFUND]))
    expect(rows).toHaveLength(3)
    expect(rows[0]).toEqual({
      tradeTime: new Date('2026-06-15T01:41:07Z'),
      appid: 'wx8888888888888888',
      mchid: '1900000109',
      subMchid: '0',
      deviceInfo: '',
      transactionId: '4200002026061500000000000001',
      outTradeNo: 'YB2026061500001',
      openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
      tradeType: 'JSAPI',
      tradeState: 'SUCCESS',
      bankType: 'OTHERS',
      currency: 'CNY',
      settlementTotalFen: 129902,
      couponFen: 0,
      refundId: null,
      outRefundNo: null,
      refundFen: 0,
      rechargeCouponRefundFen: 0,
      refundType: '',
      refundStatus: '',
      description: '2027年度城乡居民医保缴费',
      attach: 'yb:1',
      feeYuan: '7.79412',
      feeRate: '0.60%',
      totalFen: 129902,
      requestedRefundFen: 0,
      feeRateNote: '',
    })
    expect(rows[1]).toMatchObject({ description: '缴费,张**', settlementTotalFen: 1, tradeTime: new Date('2026-06-15T15:59:59Z') })
    expect(rows[2]).toMatchObject({ tradeState: 'REFUND', refundId: '50300000000000000000000000001', outRefundNo: 'RF2026061500002', refundFen: 1, requestedRefundFen: 1, settlementTotalFen: 0, feeYuan: '-0.00006', refundStatus: 'SUCCESS' })
    expect(summary).toEqual({ count: 3, settlementTotalFen: 129903, refundTotalFen: 1, rechargeCouponRefundTotalFen: 0, feeTotalYuan: '7.79406', orderTotalFen: 129904, requestedRefundTotalFen: 1 })
  })

  it('accepts LF line ends and no BOM; an empty day has only the summary', () => {
    expect(parseTradeBill(bill([PAY], '`1,`1299.02,`0.00,`0.00,`7.79412,`1299.02,`0.00', '\n', '')).rows[0]!.totalFen).toBe(129902)
    expect(parseTradeBill(bill([], '`0,`0.00,`0.00,`0.00,`0.00000,`0.00,`0.00')).rows).toEqual([])
  })

  it.each([
    ['another header', `\uFEFF${HEADER.replace('商户订单号', '订单号')}\r\n${SUMMARY}\r\n\`0,\`0.00,\`0.00,\`0.00,\`0.00000,\`0.00,\`0.00\r\n`, /header/],
    ['a count that does not match', bill([PAY]), /summary says 3 rows/],
    ['a 3-decimal amount', bill([PAY.replace('`1299.02,`0.00,`0,', '`1299.021,`0.00,`0,'), PAY2, REFUND]), /应结订单金额 is not a 2-decimal yuan amount/],
    ['a missing cell', bill([PAY.replace(',`0.60%', ''), PAY2, REFUND]), /expected 27 cells/],
    ['cells without backticks', bill([PAY.replaceAll('`', ''), PAY2, REFUND]), /backtick/],
    ['no summary', `${HEADER}\r\n${PAY}\r\n`, /summary/],
    ['a bad time', bill([PAY.replace('2026-06-15 09:41:07', '2026/06/15 09:41'), PAY2, REFUND]), /交易时间/],
  ])('refuses %s', (_label, text, message) => {
    expect(() => parseTradeBill(text)).toThrow(TradeBillFormatError)
    expect(() => parseTradeBill(text)).toThrow(message)
  })
})

describe('errorFromReply', () => {
  it.each([
    [400, '{"code":"PARAM_ERROR","message":"参数错误","detail":{"location":"body"}}', 'rejected', 'PARAM_ERROR'],
    [401, '{"code":"SIGN_ERROR","message":"签名错误"}', 'rejected', 'SIGN_ERROR'],
    [403, '{"code":"OUT_TRADE_NO_USED","message":"商户订单号重复"}', 'rejected', 'OUT_TRADE_NO_USED'],
    [404, '{"code":"ORDER_NOT_EXIST","message":"订单不存在"}', 'rejected', 'ORDER_NOT_EXIST'],
    [429, '{"code":"FREQUENCY_LIMITED","message":"频率超限"}', 'unavailable', 'FREQUENCY_LIMITED'],
    [500, '{"code":"SYSTEM_ERROR","message":"系统错误"}', 'unavailable', 'SYSTEM_ERROR'],
    [502, '<html><center><h1>502 Bad Gateway</h1></center></html>', 'unavailable', 'HTTP_502'],
    [400, '', 'rejected', 'HTTP_400'],
  ])('%i %s → %s %s', (status, body, kind, code) => {
    const error = errorFromReply(status, body)
    expect([error.system, error.kind, error.detail.upstreamCode, error.detail.status]).toEqual(['wechatpay', kind, code, status])
  })
})

describe('toRefund', () => {
  const amount = { total: 38000, refund: 100, payer_total: 38000, payer_refund: 100 }
  const common = { refund_id: '50300000000000000000000000001', out_refund_no: 'RF2026061500001', transaction_id: '4200002026061500000000000001', out_trade_no: 'YB2026061500001' }

  it('reads the state from `status` (API) and from `refund_status` (callback) alike', () => {
    const api = toRefund(RefundWire.parse({ ...common, status: 'PROCESSING', create_time: '2026-06-15T10:00:00+08:00', amount: { ...amount, currency: 'CNY' } }))
    const callback = toRefund(RefundNotificationWire.parse({ ...common, mchid: '1900000109', refund_status: 'SUCCESS', success_time: '2026-06-15T10:00:02+08:00', user_received_account: '支付用户零钱', amount }))
    expect(api).toMatchObject({ status: 'PROCESSING', refundFen: 100, totalFen: 38000, createTime: new Date('2026-06-15T02:00:00Z'), successTime: null })
    expect(callback).toMatchObject({ status: 'SUCCESS', refundFen: 100, successTime: new Date('2026-06-15T02:00:02Z'), createTime: null, userReceivedAccount: '支付用户零钱' })
    expect(RefundWire.safeParse({ ...common, refund_status: 'SUCCESS', amount }).success).toBe(false)
  })
})

describe('toTransaction', () => {
  it('turns empty and absent fields into null (an unpaid order has no transaction id or payer yet)', () => {
    const unpaid = toTransaction(
      TransactionWire.parse({
        appid: 'wx1',
        mchid: '1900000109',
        out_trade_no: 'YB2026061500001',
        trade_state: 'NOTPAY',
        transaction_id: '',
        payer: { openid: '' },
      }),
    )
    expect(unpaid).toEqual({
      appid: 'wx1',
      mchid: '1900000109',
      outTradeNo: 'YB2026061500001',
      transactionId: null,
      tradeType: null,
      tradeState: 'NOTPAY',
      tradeStateDesc: null,
      successTime: null,
      openid: null,
      attach: null,
      bankType: null,
      totalFen: null,
      payerTotalFen: null,
      currency: null,
    })
    const paid = toTransaction(
      TransactionWire.parse({
        appid: 'wx1',
        mchid: '1900000109',
        out_trade_no: 'YB2026061500001',
        trade_state: 'SUCCESS',
        trade_state_desc: '支付成功',
        transaction_id: '4200',
        trade_type: 'NATIVE',
        bank_type: 'CMC',
        attach: 'yb:1',
        success_time: '2026-06-15T10:00:00+08:00',
        payer: { openid: 'o1' },
        amount: { total: 100, payer_total: 90, currency: 'CNY' },
      }),
    )
    expect(paid).toEqual({
      appid: 'wx1',
      mchid: '1900000109',
      outTradeNo: 'YB2026061500001',
      transactionId: '4200',
      tradeType: 'NATIVE',
      tradeState: 'SUCCESS',
      tradeStateDesc: '支付成功',
      successTime: new Date('2026-06-15T02:00:00Z'),
      openid: 'o1',
      attach: 'yb:1',
      bankType: 'CMC',
      totalFen: 100,
      payerTotalFen: 90,
      currency: 'CNY',
    })
  })
})

describe('errorFromReply, isWechatPayCode, isRetryable', () => {
  it('keeps WeChat Pay\'s message, or the first 200 characters of a page that is not its JSON', () => {
    expect(errorFromReply(400, '{"code":"PARAM_ERROR","message":"参数错误"}').detail.upstreamMessage).toBe('参数错误')
    expect(errorFromReply(403, '{"code":"NO_AUTH"}').detail).toMatchObject({
      upstreamCode: 'NO_AUTH',
      upstreamMessage: '{"code":"NO_AUTH"}',
    })
    const page = `<html>${'x'.repeat(300)}</html>`
    expect(errorFromReply(502, page).detail.upstreamMessage).toBe(page.slice(0, 200))
    expect(errorFromReply(400, '{"code":""}').detail.upstreamCode).toBe('HTTP_400')
    expect(errorFromReply(400, '{"message":"no code"}').detail.upstreamCode).toBe('HTTP_400')
  })

  it('5xx and 429 are unavailable; 499 and 428 are rejected', () => {
    expect([499, 428, 430, 500, 429].map(s => errorFromReply(s, '').kind)).toEqual([
      'rejected',
      'rejected',
      'rejected',
      'unavailable',
      'unavailable',
    ])
  })

  it('matches a code only on a WeChat Pay error', () => {
    const e = errorFromReply(404, '{"code":"ORDER_NOT_EXIST"}')
    expect(isWechatPayCode(e, 'ORDER_NOT_EXIST')).toBe(true)
    expect(isWechatPayCode(e, 'ORDERPAID')).toBe(false)
    expect(
      isWechatPayCode(new UpstreamError('tax', 'rejected', { upstreamCode: 'ORDER_NOT_EXIST' }), 'ORDER_NOT_EXIST'),
    ).toBe(false)
    expect(isWechatPayCode(new Error('ORDER_NOT_EXIST'), 'ORDER_NOT_EXIST')).toBe(false)
  })

  it('retries timeouts and unavailability only', () => {
    expect(
      ['timeout', 'unavailable', 'rejected', 'bad_response'].map(k =>
        isRetryable(new UpstreamError('wechatpay', k as 'timeout')),
      ),
    ).toEqual([true, true, false, false])
    expect(isRetryable(new Error('timeout'))).toBe(false)
  })
})

describe('parseTradeBill edges', () => {
  const EMPTY = '`0,`0.00,`0.00,`0.00,`0.00000,`0.00,`0.00'

  it('ignores any number of trailing empty lines, but nothing may follow the summary line', () => {
    expect(parseTradeBill(`${HEADER}\n${SUMMARY}\n${EMPTY}\n\n\n`).rows).toEqual([])
    expect(() => parseTradeBill(`${HEADER}\n${SUMMARY}\n${EMPTY}\n${EMPTY}\n`)).toThrow(
      /summary header and one summary line/,
    )
    expect(() => parseTradeBill(`${HEADER}\n${SUMMARY}\n`)).toThrow(/summary header and one summary line/)
    expect(() => parseTradeBill(`\uFEFF\uFEFF${HEADER}\n${SUMMARY}\n${EMPTY}\n`)).toThrow(/header/)
  })

  it('a 0 or empty refund number on a payment row is null; a refund row keeps its numbers', () => {
    const { rows } = parseTradeBill(bill([PAY.replace(',`0,`0,`0.00,', ',`,`0,`0.00,'), PAY2, REFUND]))
    expect(rows.map(r => [r.refundId, r.outRefundNo])).toEqual([
      [null, null],
      [null, null],
      ['50300000000000000000000000001', 'RF2026061500002'],
    ])
  })

  it.each([
    ['a count with a sign', '`+3,`1299.03,`0.01,`0.00,`7.79406,`1299.04,`0.01'],
    ['a decimal count', '`3.0,`1299.03,`0.01,`0.00,`7.79406,`1299.04,`0.01'],
    ['a count in exponent form', '`3e0,`1299.03,`0.01,`0.00,`7.79406,`1299.04,`0.01'],
    ['an empty count', '`,`1299.03,`0.01,`0.00,`7.79406,`1299.04,`0.01'],
  ])('refuses %s', (_label, totals) => {
    expect(() => parseTradeBill(bill([PAY, PAY2, REFUND], totals))).toThrow(/总交易单数 is not a whole number/)
  })

  it.each([
    ['应结订单总金额', '`3,`1299.031,`0.01,`0.00,`7.79406,`1299.04,`0.01'],
    ['退款总金额', '`3,`1299.03,`x,`0.00,`7.79406,`1299.04,`0.01'],
    ['充值券退款总金额', '`3,`1299.03,`0.01,`,`7.79406,`1299.04,`0.01'],
    ['订单总金额', '`3,`1299.03,`0.01,`0.00,`7.79406,`1299.041,`0.01'],
    ['申请退款总金额', '`3,`1299.03,`0.01,`0.00,`7.79406,`1299.04,`0.0x'],
  ])('names a bad summary amount: %s', (column, totals) => {
    expect(() => parseTradeBill(bill([PAY, PAY2, REFUND], totals))).toThrow(
      new RegExp(`line 6: ${column} is not a 2-decimal yuan amount`),
    )
  })

  it('refuses a summary line of the wrong width, or without backticks', () => {
    expect(() => parseTradeBill(bill([PAY, PAY2, REFUND], TOTALS.replace(',`0.01', '')))).toThrow(
      /line 6: expected 7 cells, got 6/,
    )
    expect(() => parseTradeBill(bill([PAY, PAY2, REFUND], TOTALS.slice(1)))).toThrow(
      /line 6: cells must start with a backtick/,
    )
  })

  it('refuses a time with trailing text or a missing second, and names the line', () => {
    expect(() => parseTradeBill(bill([PAY, PAY2.replace('23:59:59', '23:59:59x'), REFUND]))).toThrow(/line 3: 交易时间/)
    expect(() =>
      parseTradeBill(bill([PAY, PAY2, REFUND.replace('2026-06-15 23:59:59', 'x2026-06-15 23:59:59')])),
    ).toThrow(/line 4: 交易时间/)
    expect(() => parseTradeBill(bill([PAY.replace('09:41:07', '09:41'), PAY2, REFUND]))).toThrow(/line 2: 交易时间/)
  })

  it('names every amount column it refuses', () => {
    const amounts = ['应结订单金额', '代金券金额', '退款金额', '充值券退款金额', '订单金额', '申请退款金额'] as const
    for (const column of amounts) {
      const cells = PAY.slice(1).split(',`')
      cells[TRADE_BILL_COLUMNS.indexOf(column)] = '1.234'
      expect(() => parseTradeBill(bill([`\`${cells.join(',`')}`, PAY2, REFUND]))).toThrow(
        new RegExp(`line 2: ${column} is not`),
      )
    }
  })
})

describe('wire schemas', () => {
  it('RFC 3339 times: offset or Z, optional fraction; anything else is refused', () => {
    expect(RfcTimeWire.parse('2026-06-15T10:00:00+08:00')).toEqual(new Date('2026-06-15T02:00:00Z'))
    expect(RfcTimeWire.parse('2026-06-15T02:00:00.250Z')).toEqual(new Date('2026-06-15T02:00:00.250Z'))
    expect(RfcTimeWire.parse('2026-06-15T10:00:00-01:00')).toEqual(new Date('2026-06-15T11:00:00Z'))
    for (const bad of [
      '2026-06-15 10:00:00+08:00',
      '2026-06-15T10:00:00',
      'x2026-06-15T10:00:00Z',
      '2026-06-15T10:00:00Zx',
      '2026-06-15T10:00:00+0800',
      '2026-06-15T10:00:00.Z',
    ])
      expect(RfcTimeWire.safeParse(bad).success).toBe(false)
    const impossible = RfcTimeWire.safeParse('2026-13-45T10:00:00+08:00')
    expect(impossible.success).toBe(false)
    expect(impossible.error!.issues).toEqual([
      expect.objectContaining({ code: 'custom', message: 'not a date-time: 2026-13-45T10:00:00+08:00' }),
    ])
  })

  it('prepay answers need a non-empty id / URL', () => {
    expect(JsapiPrepayReplyWire.safeParse({ prepay_id: '' }).success).toBe(false)
    expect(NativePrepayReplyWire.safeParse({ code_url: '' }).success).toBe(false)
    expect(NativePrepayReplyWire.parse({ code_url: 'weixin://wxpay/bizpayurl?pr=x' })).toEqual({
      code_url: 'weixin://wxpay/bizpayurl?pr=x',
    })
  })

  it('amounts are whole fen ≥ 0; states are the documented ones', () => {
    const base = { appid: 'wx1', mchid: '1', out_trade_no: 'YB2026061500001', trade_state: 'SUCCESS' }
    expect(TransactionWire.safeParse({ ...base, amount: { total: 0 } }).success).toBe(true)
    expect(TransactionWire.safeParse({ ...base, amount: { total: -1 } }).success).toBe(false)
    expect(TransactionWire.safeParse({ ...base, amount: { total: 1.5 } }).success).toBe(false)
    expect(TransactionWire.safeParse({ ...base, amount: { payer_total: '1' } }).success).toBe(false)
    expect(TransactionWire.safeParse({ ...base, trade_state: 'PAID' }).success).toBe(false)
    expect(TransactionWire.safeParse({ ...base, trade_type: 'WEB' }).success).toBe(false)
    for (const field of ['appid', 'mchid', 'out_trade_no', 'trade_state']) {
      const { [field]: _gone, ...rest } = base as Record<string, unknown>
      expect(TransactionWire.safeParse(rest).success).toBe(false)
    }
  })

  it('a TRANSACTION.SUCCESS payload must be a complete, paid transaction', () => {
    const paid = {
      appid: 'wx1',
      mchid: '1',
      out_trade_no: 'YB2026061500001',
      trade_state: 'SUCCESS',
      transaction_id: '4200',
      trade_type: 'JSAPI',
      success_time: '2026-06-15T10:00:00+08:00',
      payer: { openid: 'o1' },
      amount: { total: 1, payer_total: 1, currency: 'CNY' },
    }
    expect(TransactionNotificationWire.safeParse(paid).success).toBe(true)
    for (const change of [
      { transaction_id: '' },
      { trade_type: undefined },
      { success_time: undefined },
      { payer: { openid: '' } },
      { amount: { total: 1, payer_total: 1 } },
      { amount: { total: 1, currency: 'CNY' } },
      { amount: { payer_total: 1, currency: 'CNY' } },
    ])
      expect(TransactionNotificationWire.safeParse({ ...paid, ...change }).success).toBe(false)
  })

  it('refunds: every amount and number is required, the state from the documented list', () => {
    const amount = { total: 100, refund: 100, payer_total: 100, payer_refund: 100 }
    const refund = {
      refund_id: '5030',
      out_refund_no: 'RF2026061500001',
      transaction_id: '4200',
      out_trade_no: 'YB2026061500001',
      status: 'SUCCESS',
      amount,
    }
    expect(RefundWire.safeParse(refund).success).toBe(true)
    expect(RefundWire.safeParse({ ...refund, channel: 'ORIGINAL' }).success).toBe(true)
    expect(RefundWire.safeParse({ ...refund, channel: 'CASH' }).success).toBe(false)
    expect(RefundWire.safeParse({ ...refund, status: 'DONE' }).success).toBe(false)
    for (const field of ['refund_id', 'out_refund_no', 'transaction_id', 'out_trade_no', 'amount']) {
      const { [field]: _gone, ...rest } = refund as Record<string, unknown>
      expect(RefundWire.safeParse(rest).success).toBe(false)
    }
    for (const field of Object.keys(amount)) {
      const { [field]: _gone, ...rest } = amount as Record<string, unknown>
      expect(RefundWire.safeParse({ ...refund, amount: rest }).success).toBe(false)
      expect(
        RefundNotificationWire.safeParse({
          ...refund,
          status: undefined,
          refund_status: 'SUCCESS',
          mchid: '1',
          amount: rest,
        }).success,
      ).toBe(false)
    }
    const callback = {
      mchid: '1',
      refund_id: '5030',
      out_refund_no: 'RF2026061500001',
      transaction_id: '4200',
      out_trade_no: 'YB2026061500001',
      refund_status: 'ABNORMAL',
      amount,
    }
    expect(RefundNotificationWire.safeParse(callback).success).toBe(true)
    for (const field of ['mchid', 'refund_id', 'out_refund_no', 'transaction_id', 'out_trade_no', 'refund_status']) {
      const { [field]: _gone, ...rest } = callback as Record<string, unknown>
      expect(RefundNotificationWire.safeParse(rest).success).toBe(false)
    }
  })

  it('a trade bill ticket: SHA1 of 40 hex digits and a URL', () => {
    const ticket = {
      hash_type: 'SHA1',
      hash_value: 'A'.repeat(40),
      download_url: 'https://api.mch.weixin.qq.com/v3/billdownload/file?token=x',
    }
    expect(TradeBillReplyWire.safeParse(ticket).success).toBe(true)
    for (const change of [
      { hash_type: 'MD5' },
      { hash_value: 'a'.repeat(39) },
      { hash_value: 'a'.repeat(41) },
      { hash_value: `g${'a'.repeat(39)}` },
      { download_url: 'not a url' },
    ])
      expect(TradeBillReplyWire.safeParse({ ...ticket, ...change }).success).toBe(false)
  })

  it('a callback envelope needs an id, an event type and an AEAD_AES_256_GCM resource', () => {
    const envelope = {
      id: 'N1',
      event_type: 'TRANSACTION.SUCCESS',
      resource: { algorithm: 'AEAD_AES_256_GCM', ciphertext: 'x', nonce: 'n' },
    }
    expect(NotificationEnvelopeWire.safeParse(envelope).success).toBe(true)
    for (const change of [
      { id: '' },
      { event_type: '' },
      { resource: { ...envelope.resource, algorithm: 'AES' } },
      { resource: { algorithm: 'AEAD_AES_256_GCM', nonce: 'n' } },
      { resource: { algorithm: 'AEAD_AES_256_GCM', ciphertext: 'x' } },
    ])
      expect(NotificationEnvelopeWire.safeParse({ ...envelope, ...change }).success).toBe(false)
  })

  it('an error answer needs a non-empty code', () => {
    expect(ErrorReplyWire.safeParse({ code: '' }).success).toBe(false)
    expect(ErrorReplyWire.parse({ code: 'X', detail: { field: 'a' } })).toEqual({ code: 'X', detail: { field: 'a' } })
  })
})

describe('parseTradeBill, more edges', () => {
  it('strips only a leading BOM: one inside a cell is data', () => {
    const { rows } = parseTradeBill(bill([PAY.replace('`yb:1,', '`yb:\uFEFF1,'), PAY2, REFUND], TOTALS, '\n', ''))
    expect(rows[0]!.attach).toBe('yb:\uFEFF1')
  })

  it('refuses a file that is only the header, naming the problem', () => {
    const error = (() => {
      try {
        parseTradeBill(`${HEADER}\n`)
      }
      catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(TradeBillFormatError)
    expect(error).toMatchObject({ name: 'TradeBillFormatError', message: expect.stringMatching(/summary header/) })
  })

  it('names the line of a row of the wrong width', () => {
    const narrow = PAY2.replace(',`0.60%', '')
    expect(() => parseTradeBill(bill([PAY, narrow, REFUND]))).toThrow(/line 3: expected 27 cells, got 26/)
  })

  it('reads a count of two or more digits', () => {
    const totals = '`12,`0.12,`0.00,`0.00,`0.00000,`0.12,`0.00'
    expect(parseTradeBill(bill(Array.from({ length: 12 }, () => PAY2), totals)).summary.count).toBe(12)
  })
})
