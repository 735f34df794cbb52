import type { SandboxEnv, SandboxState } from '../state'
import { Hono } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { html } from 'hono/html'

const USER_COOKIE = 'sandbox_wx_user'
const CODE_TTL_MS = 5 * 60 * 1000

function newOpenid(): string {
  return `o${crypto.randomUUID().replace(/-/g, '').slice(0, 27)}`
}

/**
 * WeChat 公众号 web authorisation (网页授权) simulator: `/connect/oauth2/authorize` shows a consent page
 * for the sandbox WeChat user of this browser (a cookie), `允许` redirects back with a one-time `code`,
 * and `/sns/oauth2/access_token` exchanges it for the openid — the same wire shapes as WeChat.
 */
export function wechatRoutes(state: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>()
  app.get('/connect/oauth2/authorize', (c) => {
    const q = c.req.query()
    if (!q.appid || !q.redirect_uri || q.response_type !== 'code' || !q.scope) return c.text('参数错误 (10003 redirect_uri 参数错误)', 400)
    let user = getCookie(c, USER_COOKIE)
    if (!user || c.req.query('switch_user') === '1') {
      user = newOpenid()
      setCookie(c, USER_COOKIE, user, { path: '/', httpOnly: true, sameSite: 'Lax' })
    }
    const approve = new URL('/connect/oauth2/approve', c.req.url)
    approve.search = new URLSearchParams({ appid: q.appid, redirect_uri: q.redirect_uri, state: q.state ?? '' }).toString()
    return c.html(html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>微信授权（沙箱）</title>
<style>body{font:18px/1.6 sans-serif;margin:24px;color:#1f2023;text-align:center}a.btn{display:block;margin:24px auto;padding:14px;max-width:320px;background:#07794a;color:#fff;border-radius:8px;text-decoration:none;font-size:20px}</style></head>
<body><h1>微信授权（沙箱）</h1><p>“医保自助”申请使用你的微信身份登录</p><p>沙箱微信用户：${user.slice(0, 8)}…</p>
<a class="btn" href="${approve.toString()}">允许</a></body></html>`)
  })
  app.get('/connect/oauth2/approve', (c) => {
    const user = getCookie(c, USER_COOKIE)
    const redirect = c.req.query('redirect_uri')
    if (!user || !redirect) return c.text('授权已失效，请重新进入', 400)
    const code = crypto.randomUUID().replace(/-/g, '')
    state.oauthCodes.set(code, { openid: user, appid: c.req.query('appid') ?? '', expiresAt: state.now().getTime() + CODE_TTL_MS })
    const target = new URL(redirect)
    target.searchParams.set('code', code)
    target.searchParams.set('state', c.req.query('state') ?? '')
    return c.redirect(target.toString(), 302)
  })
  app.get('/sns/oauth2/access_token', (c) => {
    const q = c.req.query()
    if (q.grant_type !== 'authorization_code') return c.json({ errcode: 40002, errmsg: 'invalid grant_type' })
    const entry = state.oauthCodes.get(q.code ?? '')
    if (!entry || entry.expiresAt < state.now().getTime()) return c.json({ errcode: 40029, errmsg: 'invalid code' })
    if (entry.appid !== q.appid || !q.secret) return c.json({ errcode: 40125, errmsg: 'invalid appsecret' })
    state.oauthCodes.delete(q.code!)
    return c.json({ access_token: crypto.randomUUID(), expires_in: 7200, refresh_token: crypto.randomUUID(), openid: entry.openid, scope: 'snsapi_base' })
  })
  /** Sandbox-only: sign a test's browser in as a given WeChat user (e2e). */
  app.get('/__sandbox/wechat/login-as', (c) => {
    setCookie(c, USER_COOKIE, c.req.query('openid') ?? newOpenid(), { path: '/', httpOnly: true, sameSite: 'Lax' })
    return c.json({ ok: true })
  })
  return app
}
