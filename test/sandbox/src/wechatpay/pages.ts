import type { HtmlEscapedString } from 'hono/utils/html'
import type { SimOrder } from './state'
import { fenToYuanString } from '@yibao/shared'
import { html } from 'hono/html'

const STYLE = `body{font:18px/1.6 system-ui,sans-serif;margin:0;color:#1f2023;background:#f2f2f2}
main{max-width:420px;margin:0 auto;padding:24px 16px}
h1{font-size:20px;text-align:center;margin:0 0 4px}
.note{font-size:14px;color:#4a4a4a;text-align:center;margin:0 0 24px}
.amount{font-size:40px;font-weight:600;text-align:center;margin:8px 0 24px}
dl{background:#fff;border-radius:8px;padding:12px 16px;margin:0 0 24px}
dt{font-size:14px;color:#4a4a4a}dd{margin:0 0 8px}
button,a.btn{display:block;box-sizing:border-box;width:100%;padding:14px;border:0;border-radius:8px;background:#07794a;color:#fff;font-size:20px;text-align:center;text-decoration:none;cursor:pointer}
button.plain{margin-top:12px;background:#fff;color:#1f2023;border:2px solid #1f2023}
button:focus-visible,a:focus-visible{outline:3px solid #1f2023;outline-offset:2px}
a.secondary{display:block;text-align:center;margin-top:16px;color:#1f2023}
.status{text-align:center;font-size:28px;margin:24px 0 8px}`

function page(title: string, body: HtmlEscapedString | Promise<HtmlEscapedString>) {
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`
}

const STATE_TEXT = {
  NOTPAY: '',
  USERPAYING: '',
  SUCCESS: '该订单已支付',
  REFUND: '该订单已支付（已退款）',
  CLOSED: '订单已关闭或已过期，请返回商户重新下单',
  PAYERROR: '支付失败，请重新出示付款码',
  REVOKED: '订单已撤销',
} as const

const TRADE_TYPE_TEXT = { JSAPI: '公众号支付（JSAPI）', NATIVE: '扫码支付（Native）', MWEB: 'H5支付（手机浏览器）', MICROPAY: '付款码支付' } as const

/** The payer's confirmation screen: payee, description, amount in 元, 确认支付. */
export function payPage(opts: { order: SimOrder, merchantName: string, mchid: string, returnUrl: string | undefined }) {
  const o = opts.order
  // A 付款码 payment waiting for the password (USERPAYING) is confirmed here too, like entering it.
  const payable = o.state === 'NOTPAY' || o.state === 'USERPAYING'
  return page('微信支付（沙箱）', html`<h1>微信支付（沙箱）</h1>
<p class="note">演示用：真实环境中由付款人在微信里确认支付（扫码或支付弹窗）。</p>
<p class="amount" aria-label="金额 ${fenToYuanString(o.totalFen)} 元">¥${fenToYuanString(o.totalFen)}</p>
<dl><dt>收款方</dt><dd>${opts.merchantName}（商户号 ${opts.mchid}）</dd><dt>商品</dt><dd>${o.description}</dd>
<dt>金额</dt><dd>${fenToYuanString(o.totalFen)} 元</dd><dt>支付方式</dt><dd>${TRADE_TYPE_TEXT[o.tradeType]}</dd></dl>
${payable
  ? html`<form method="post" action="/__sandbox/wechatpay/pay"><input type="hidden" name="out_trade_no" value="${o.outTradeNo}">${opts.returnUrl ? html`<input type="hidden" name="return_url" value="${opts.returnUrl}">` : ''}<button type="submit">确认支付</button></form>`
  : html`<p class="status" role="status">${STATE_TEXT[o.state]}</p>`}
${opts.returnUrl ? html`<a class="secondary" href="${opts.returnUrl}">${payable ? '取消，返回商户' : '返回商户'}</a>` : ''}`)
}

/** After 确认支付 (or a failure). */
export function payResultPage(opts: { ok: boolean, title: string, message: string, returnUrl: string | undefined }) {
  return page(`${opts.title} - 微信支付（沙箱）`, html`<h1>微信支付（沙箱）</h1>
<p class="status" role="status">${opts.ok ? '✓ ' : ''}${opts.title}</p>
<p class="note">${opts.message}</p>
${opts.returnUrl ? html`<a class="btn" href="${opts.returnUrl}">${opts.ok ? '完成，返回商户' : '返回商户'}</a>` : ''}`)
}

/**
 * WeChat's H5 cashier (the page an h5_url opens): payee, description, amount in 元, then 确认支付 or 取消; both
 * go back to the merchant's redirect_url (paid or not), as WeChat does.
 */
export function h5Page(opts: { order: SimOrder, merchantName: string, mchid: string, returnUrl: string | undefined }) {
  const o = opts.order
  const yuan = fenToYuanString(o.totalFen)
  const back = opts.returnUrl
  const hidden = html`<input type="hidden" name="prepay_id" value="${o.prepayId}">
<input type="hidden" name="package" value="${new URL(o.h5Url!).searchParams.get('package')}">
${back ? html`<input type="hidden" name="redirect_url" value="${back}">` : ''}`
  const actions = o.state === 'NOTPAY'
    ? html`<form method="post" action="/__sandbox/wechatpay/h5">${hidden}
<button type="submit" name="action" value="pay">确认支付</button>
<button type="submit" name="action" value="cancel" class="plain">取消</button></form>`
    : html`<p class="status" role="status">${STATE_TEXT[o.state]}</p>
${back ? html`<a class="secondary" href="${back}">返回商户</a>` : ''}`
  return page('微信支付（沙箱）', html`<h1>微信支付（沙箱）</h1>
<p class="note">演示用：真实环境中这里会打开微信，由付款人在微信里确认支付，然后回到商户页面。</p>
<p class="amount" aria-label="金额 ${yuan} 元">¥${yuan}</p>
<dl><dt>收款方</dt><dd>${opts.merchantName}（商户号 ${opts.mchid}）</dd><dt>商品</dt><dd>${o.description}</dd>
<dt>金额</dt><dd>${yuan} 元</dd><dt>支付方式</dt><dd>${TRADE_TYPE_TEXT[o.tradeType]}</dd></dl>
${actions}`)
}
