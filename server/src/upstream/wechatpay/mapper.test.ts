import { describe, expect, it } from 'vitest'
import { errorFromReply, parseTradeBill, toRefund, TradeBillFormatError } from './mapper'
import { RefundNotificationWire, RefundWire } from './schemas'

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
