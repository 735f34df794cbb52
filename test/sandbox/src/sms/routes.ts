import type { SandboxEnv, SandboxState } from '../state'
import { Hono } from 'hono'
import { html } from 'hono/html'
import { z } from 'zod'

/** One message the sandbox SMS gateway "sent". */
export interface SandboxSms {
  phone: string
  template: string
  params: Record<string, string>
  text: string
  at: string
}

const SendSmsBody = z.object({
  PhoneNumbers: z.string().regex(/^1[3-9]\d{9}$/),
  SignName: z.string().min(1),
  TemplateCode: z.string().min(1),
  TemplateParam: z.string(),
})

/** The message a template renders to (the real gateway's approved templates). */
function smsText(sign: string, template: string, params: Record<string, string>): string {
  switch (template) {
    case 'SMS_YIBAO_ACCOUNT_MOVED_AWAY':
      return `【${sign}】您的医保账号已通过${params.via ?? ''}改绑到尾号${params.tail ?? ''}的手机，本机已解绑并退出登录。如非本人操作，请携带身份证到医保窗口办理。`
    case 'SMS_YIBAO_ACCOUNT_MOVED_HERE':
      return `【${sign}】您已通过${params.via ?? ''}将医保账号绑定到本机，原手机（尾号${params.tail ?? ''}）已解绑。如非本人操作，请携带身份证到医保窗口办理。`
    default:
      return `【${sign}】您的验证码是${params.code ?? ''}，5分钟内有效。请勿泄露给他人。`
  }
}

/**
 * SMS gateway in the shape of Aliyun Dysms `SendSms`, plus sandbox-only read-back: tests fetch the code
 * from `/__sandbox/sms?phone=`, demo users read it on `/__sandbox/sms/inbox`.
 */
export function smsRoutes(state: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>()
  app.post('/sms/send', async (c) => {
    const parsed = SendSmsBody.safeParse(await c.req.json().catch(() => null))
    if (!parsed.success) return c.json({ Code: 'isv.INVALID_PARAMETERS', Message: '参数格式不正确', RequestId: crypto.randomUUID() })
    let params: Record<string, string>
    try {
      params = z.record(z.string(), z.string()).parse(JSON.parse(parsed.data.TemplateParam))
    }
    catch {
      return c.json({ Code: 'isv.INVALID_JSON_PARAM', Message: 'JSON参数不合法', RequestId: crypto.randomUUID() })
    }
    const text = smsText(parsed.data.SignName, parsed.data.TemplateCode, params)
    state.sms.push({ phone: parsed.data.PhoneNumbers, template: parsed.data.TemplateCode, params, text, at: state.now().toISOString() })
    if (state.sms.length > 500) state.sms.splice(0, state.sms.length - 500)
    return c.json({ Code: 'OK', Message: 'OK', BizId: `${Date.now()}^0`, RequestId: crypto.randomUUID() })
  })
  app.get('/__sandbox/sms', (c) => {
    const phone = c.req.query('phone')
    return c.json({ messages: state.sms.filter(m => !phone || m.phone === phone).slice(-20).reverse() })
  })
  app.get('/__sandbox/sms/inbox', (c) => {
    c.header('Cache-Control', 'no-store')
    const rows = state.sms.slice(-20).reverse()
    return c.html(html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>沙箱短信收件箱</title>
<style>body{font:18px/1.6 sans-serif;margin:16px;color:#1f2023}li{margin:8px 0;padding:8px;border:1px solid #ccc;border-radius:8px;list-style:none}b{font-size:24px;letter-spacing:4px}</style></head>
<body><h1>沙箱短信收件箱</h1><p>演示用：这里显示沙箱“发送”的短信，真实环境中短信会发到用户手机。</p>
<ul>${rows.length ? rows.map(m => html`<li>${m.phone.slice(0, 3)}****${m.phone.slice(-4)} · ${m.at}<br>${m.text}<br>${m.params.code ? html`验证码 <b>${m.params.code}</b>` : ''}</li>`) : html`<li>暂无短信</li>`}</ul></body></html>`)
  })
  return app
}
