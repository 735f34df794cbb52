import type { Logger } from '../../lib/logger'
import { z } from 'zod'
import { UpstreamError } from '../../lib/errors'
import { callJson } from '../http'

/**
 * WeChat web authorisation (网页授权) for 公众号 H5: `/connect/oauth2/authorize` → `code` →
 * `/sns/oauth2/access_token` → `openid`. We only need the openid (scope snsapi_base).
 */
const AccessTokenReplyWire = z.union([
  z.object({ access_token: z.string(), expires_in: z.number(), openid: z.string().min(1), scope: z.string().optional(), refresh_token: z.string().optional() }),
  z.object({ errcode: z.number(), errmsg: z.string().optional() }),
])

export interface WechatOAuthOptions {
  /** Where the user's browser is sent to authorise (open.weixin.qq.com in production). */
  authorizeBaseUrl: string
  /** Server-to-server API (api.weixin.qq.com in production). */
  apiBaseUrl: string
  appid: string
  secret: string
  timeoutMs: number
  logger: Logger
}

export function createWechatOAuth(opts: WechatOAuthOptions) {
  return {
    authorizeUrl(redirectUri: string, state: string): string {
      const url = new URL('/connect/oauth2/authorize', opts.authorizeBaseUrl)
      url.search = new URLSearchParams({ appid: opts.appid, redirect_uri: redirectUri, response_type: 'code', scope: 'snsapi_base', state }).toString()
      return `${url.toString()}#wechat_redirect`
    },

    /** Exchanges a one-time `code` for the user's openid. */
    async openidForCode(code: string, logger: Logger = opts.logger): Promise<string> {
      const url = new URL('/sns/oauth2/access_token', opts.apiBaseUrl)
      url.search = new URLSearchParams({ appid: opts.appid, secret: opts.secret, code, grant_type: 'authorization_code' }).toString()
      const raw = await callJson({ system: 'wechat', url: url.toString(), operation: 'sns/oauth2/access_token', timeoutMs: opts.timeoutMs, logger })
      const reply = AccessTokenReplyWire.safeParse(raw)
      if (!reply.success) throw new UpstreamError('wechat', 'bad_response', { cause: reply.error })
      if ('errcode' in reply.data) throw new UpstreamError('wechat', 'rejected', { upstreamCode: String(reply.data.errcode), upstreamMessage: reply.data.errmsg })
      return reply.data.openid
    },
  }
}

export type WechatOAuth = ReturnType<typeof createWechatOAuth>
