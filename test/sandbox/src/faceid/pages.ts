import type { HtmlEscapedString } from 'hono/utils/html'
import type { SimFaceCheck } from './state'
import { maskIdCard, maskName } from '@yibao/shared'
import { html } from 'hono/html'

const STYLE = `body{font:18px/1.6 system-ui,sans-serif;margin:0;color:#1f2023;background:#f2f2f2}
main{max-width:420px;margin:0 auto;padding:24px 16px}
h1{font-size:20px;text-align:center;margin:0 0 4px}
.note{font-size:14px;color:#4a4a4a;text-align:center;margin:0 0 24px}
.face{width:160px;height:160px;margin:8px auto 24px;border-radius:50%;border:4px solid #07794a;background:#fff;
display:flex;align-items:center;justify-content:center;font-size:16px;color:#4a4a4a}
dl{background:#fff;border-radius:8px;padding:12px 16px;margin:0 0 24px}
dt{font-size:14px;color:#4a4a4a}dd{margin:0 0 8px}
form{margin:0 0 12px}
button,a.btn{display:block;box-sizing:border-box;width:100%;padding:14px;border:0;border-radius:8px;background:#07794a;
color:#fff;font-size:20px;text-align:center;text-decoration:none;cursor:pointer}
button.warn{background:#a52a1a}button.plain{background:#fff;color:#1f2023;border:2px solid #1f2023}
button:focus-visible,a:focus-visible{outline:3px solid #1f2023;outline-offset:2px}
a.secondary{display:block;text-align:center;margin-top:16px;color:#1f2023}
.status{text-align:center;font-size:24px;margin:24px 0 8px}`

function page(title: string, body: HtmlEscapedString | Promise<HtmlEscapedString>) {
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`
}

const ACTION = '/__sandbox/faceid/h5'

/** The provider's H5 page, simulated: who is being verified, and what the "camera" decides. */
export function facePage(check: SimFaceCheck) {
  const button = (outcome: string, label: string, cls = '') =>
    html`<form method="post" action="${ACTION}"><input type="hidden" name="token" value="${check.bizToken}">
<input type="hidden" name="outcome" value="${outcome}"><button type="submit" class="${cls}">${label}</button></form>`
  return page('人脸核身（沙箱）', html`<h1>人脸核身（沙箱）</h1>
<p class="note">演示用：真实环境中这里会打开摄像头，做活体检测并与公安部门的证件照比对。</p>
<div class="face" aria-hidden="true">请正对屏幕</div>
<dl><dt>姓名</dt><dd>${maskName(check.name)}</dd><dt>身份证号</dt><dd>${maskIdCard(check.certNo)}</dd></dl>
<h2 class="note">选择模拟结果</h2>
${button('pass', '通过')}
${button('live_fail', '活体检测未通过', 'warn')}
${button('not_same', '非本人', 'warn')}
${button('timeout', '超时（不返回）', 'plain')}`)
}

/** Shown for an unknown or expired token, and after 超时（不返回）: the check stays unfinished. */
export function faceMessagePage(opts: { title: string, message: string, returnUrl?: string }) {
  return page(`${opts.title} - 人脸核身（沙箱）`, html`<h1>人脸核身（沙箱）</h1>
<p class="status" role="status">${opts.title}</p>
<p class="note">${opts.message}</p>
${opts.returnUrl ? html`<a class="secondary" href="${opts.returnUrl}">返回原页面</a>` : ''}`)
}
