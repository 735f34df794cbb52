import type { WechatPayState } from './state'
import { fenToYuanString, shanghaiDate } from '@yibao/shared'
import { billTime, yuan5 } from './wire'

/** The 27 columns of a trade bill (交易账单). */
export const TRADE_BILL_HEADER = '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注'
/** The summary header that follows the rows. */
export const TRADE_BILL_SUMMARY_HEADER = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额'

/** The sandbox merchant's fee rate: 0.60 % (in hundred-thousandths of a yuan per fen: fen × 6). */
const FEE_UNITS_PER_FEN = 6

/**
 * Builds the trade bill of a Shanghai calendar day like WeChat Pay's: UTF-8 BOM, the header, one row per
 * payment that succeeded that day and per refund that succeeded that day (bill_type ALL/SUCCESS/REFUND),
 * every cell prefixed with a backtick, amounts in yuan (fees with 5 decimals), CRLF line ends, then the
 * summary header and values. `null` when the day has no rows (WeChat Pay answers NO_STATEMENT_EXIST).
 */
export function buildTradeBill(wx: WechatPayState, billDate: string, billType: 'ALL' | 'SUCCESS' | 'REFUND'): string | null {
  const rows: string[][] = []
  let settlement = 0
  let refunds = 0
  let fees = 0
  let orders = 0
  let requested = 0
  if (billType !== 'REFUND') {
    for (const o of wx.orders.values()) {
      if (!o.successTime || shanghaiDate(o.successTime) !== billDate) continue
      const fee = o.totalFen * FEE_UNITS_PER_FEN
      settlement += o.totalFen
      fees += fee
      orders += o.totalFen
      rows.push([billTime(o.successTime), o.appid, o.mchid, '0', '', o.transactionId ?? '', o.outTradeNo, o.payerOpenid ?? '', o.tradeType, o.state === 'REVOKED' ? 'REVOKED' : 'SUCCESS', 'OTHERS', 'CNY', fenToYuanString(o.totalFen), '0.00', '0', '0', '0.00', '0.00', '', '', o.description, o.attach ?? '', yuan5(fee), '0.60%', fenToYuanString(o.totalFen), '0.00', ''])
    }
  }
  if (billType !== 'SUCCESS') {
    for (const r of wx.refunds.values()) {
      if (r.status !== 'SUCCESS' || !r.successTime || shanghaiDate(r.successTime) !== billDate) continue
      const o = wx.orders.get(r.outTradeNo)!
      const fee = -r.refundFen * FEE_UNITS_PER_FEN
      refunds += r.refundFen
      fees += fee
      orders += o.totalFen
      requested += r.refundFen
      rows.push([billTime(r.successTime), o.appid, o.mchid, '0', '', r.transactionId, r.outTradeNo, o.payerOpenid ?? '', o.tradeType, 'REFUND', 'OTHERS', 'CNY', '0.00', '0.00', r.refundId, r.outRefundNo, fenToYuanString(r.refundFen), '0.00', 'ORIGINAL', 'SUCCESS', o.description, o.attach ?? '', yuan5(fee), '0.60%', fenToYuanString(o.totalFen), fenToYuanString(r.refundFen), ''])
    }
  }
  if (!rows.length) return null
  rows.sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0))
  const line = (cells: string[]) => cells.map(c => `\`${c}`).join(',')
  const summary = [String(rows.length), fenToYuanString(settlement), fenToYuanString(refunds), '0.00', yuan5(fees), fenToYuanString(orders), fenToYuanString(requested)]
  return `\uFEFF${TRADE_BILL_HEADER}\r\n${rows.map(line).join('\r\n')}\r\n${TRADE_BILL_SUMMARY_HEADER}\r\n${line(summary)}\r\n`
}
