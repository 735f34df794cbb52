import { http, HttpResponse } from 'msw'

export const SMS_TEST_URL = 'http://sms.test'
export const WECHAT_OPEN_TEST_URL = 'http://open.wechat.test'
export const WECHAT_API_TEST_URL = 'http://api.wechat.test'

/** SMS messages the gateway "sent" in this test file, newest last (`code` only in sign-in codes). */
export const sentSms: { phone: string, code: string, template?: string, params?: Record<string, string> }[] = []

/** The code most recently sent to a phone. */
export function lastCodeFor(phone: string): string {
  const found = sentSms.findLast(m => m.phone === phone && m.code)
  if (!found) throw new Error(`no SMS was sent to ${phone}`)
  return found.code
}

/** openid the fake WeChat returns for each code (tests register them). */
export const wechatCodes = new Map<string, string>()

export const smsWechatHandlers = [
  http.post(`${SMS_TEST_URL}/sms/send`, async ({ request }) => {
    type SendSms = { PhoneNumbers?: string, TemplateParam?: string, SignName?: string, TemplateCode?: string }
    const body = await request.json() as SendSms
    if (!body.PhoneNumbers || !body.TemplateParam || !body.SignName)
      return HttpResponse.json({ Code: 'isv.MISSING_PARAMETER', Message: 'missing parameter' })
    const params = JSON.parse(body.TemplateParam) as Record<string, string>
    sentSms.push({ phone: body.PhoneNumbers, code: params.code ?? '', template: body.TemplateCode, params })
    return HttpResponse.json({ Code: 'OK', Message: 'OK', BizId: '900619746936498440^0', RequestId: 'F655A8D5-B967-440B-8683-DAD6FF8DE990' })
  }),
  http.get(`${WECHAT_API_TEST_URL}/sns/oauth2/access_token`, ({ request }) => {
    const q = new URL(request.url).searchParams
    if (q.get('grant_type') !== 'authorization_code' || !q.get('appid') || !q.get('secret')) return HttpResponse.json({ errcode: 40013, errmsg: 'invalid appid' })
    const openid = wechatCodes.get(q.get('code') ?? '')
    if (!openid) return HttpResponse.json({ errcode: 40029, errmsg: 'invalid code' })
    wechatCodes.delete(q.get('code')!)
    return HttpResponse.json({ access_token: 'ACCESS_TOKEN', expires_in: 7200, refresh_token: 'REFRESH', openid, scope: 'snsapi_base' })
  }),
]
