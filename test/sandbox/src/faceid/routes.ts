import type { SandboxEnv } from '../state'
import type { FaceIdState, SimFaceCheck, SimFaceOutcome } from './state'
import { createHash, createHmac, randomUUID } from 'node:crypto'
import { Hono } from 'hono'
import { z } from 'zod'
import { faceMessagePage, facePage } from './pages'
import { createFaceIdState, OUTCOME_WIRE } from './state'

const GONE = { title: '核身链接已失效', message: '请返回原页面重新发起人脸识别。' }

/** Where the provider API answers on the sandbox (FACEID_BASE_URL = <sandbox>/faceid/). */
export const FACEID_API_PATH = '/faceid/'

const DetectAuthBody = z.object({
  RuleId: z.string().min(1),
  IdCard: z.string().regex(/^\d{17}[\dX]$/),
  Name: z.string().min(1).max(60),
  RedirectUrl: z.string().url(),
  Extra: z.string().optional(),
})
const DetectInfoBody = z.object({
  BizToken: z.string().min(1),
  RuleId: z.string().min(1),
  InfoType: z.string().optional(),
})

const AUTHORIZATION = new RegExp('^TC3-HMAC-SHA256 Credential=([^/]+)/(\\d{4}-\\d{2}-\\d{2})/faceid/tc3_request, '
  + 'SignedHeaders=content-type;host;x-tc-action, Signature=([0-9a-f]{64})$')

/** TC3-HMAC-SHA256 as the provider checks it (content-type;host;x-tc-action signed). */
function signatureOk(state: FaceIdState, headers: Headers, url: URL, body: string): boolean {
  const { host, pathname: path } = url
  const auth = headers.get('authorization') ?? ''
  const m = AUTHORIZATION.exec(auth)
  if (!m || m[1] !== state.secretId) return false
  const date = m[2]!
  const sha256 = (t: string) => createHash('sha256').update(t).digest('hex')
  const action = (headers.get('x-tc-action') ?? '').toLowerCase()
  const signed = `content-type:${headers.get('content-type') ?? ''}\nhost:${host}\nx-tc-action:${action}\n`
  const canonical = ['POST', path, '', signed,
    'content-type;host;x-tc-action', sha256(body)].join('\n')
  const scope = `${date}/faceid/tc3_request`
  const toSign = ['TC3-HMAC-SHA256', headers.get('x-tc-timestamp') ?? '', scope, sha256(canonical)].join('\n')
  const hmac = (key: string | Buffer, t: string) => createHmac('sha256', key).update(t).digest()
  const signing = hmac(hmac(hmac(`TC3${state.secretKey}`, date), 'faceid'), 'tc3_request')
  return createHmac('sha256', signing).update(toSign).digest('hex') === m[3]
}

/**
 * 人脸核身 simulator in the shape of Tencent Cloud 慧眼 (API 3.0, 2018-03-01): `DetectAuth` and
 * `GetDetectInfoEnhanced` at `/faceid/` (action in `X-TC-Action`, TC3 signature checked), and the H5 page
 * the user is sent to, `/__sandbox/faceid/h5?token=`, with 通过 / 活体检测未通过 / 非本人 / 超时（不返回）.
 * Test controls: `GET /__sandbox/faceid/checks`, `POST /__sandbox/faceid/complete` {token, outcome}.
 */
export function faceidRoutes(fs: FaceIdState, now: () => Date): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>()
  const reply = (body: Record<string, unknown>) => ({ Response: { ...body, RequestId: randomUUID() } })
  const error = (code: string, message: string) => reply({ Error: { Code: code, Message: message } })
  const live = (token: string): SimFaceCheck | undefined => {
    const check = fs.checks.get(token)
    return check && now().getTime() - check.createdAt.getTime() <= fs.tokenTtlMs ? check : undefined
  }

  app.post(FACEID_API_PATH, async (c) => {
    const text = await c.req.text()
    if (!signatureOk(fs, c.req.raw.headers, new URL(c.req.url), text))
      return c.json(error('AuthFailure.SignatureFailure', 'The provided credentials could not be validated.'))
    let json: unknown
    try {
      json = JSON.parse(text)
    }
    catch {
      return c.json(error('InvalidParameter', 'JSON body expected'))
    }
    const action = c.req.header('x-tc-action')
    if (action === 'DetectAuth') {
      const body = DetectAuthBody.safeParse(json)
      if (!body.success) return c.json(error('InvalidParameter', body.error.issues[0]?.message ?? 'invalid'))
      const bizToken = randomUUID().toUpperCase()
      fs.checks.set(bizToken, {
        bizToken,
        ruleId: body.data.RuleId,
        name: body.data.Name,
        certNo: body.data.IdCard,
        redirectUrl: body.data.RedirectUrl,
        createdAt: now(),
        outcome: null,
        finishedAt: null,
      })
      const url = new URL('/__sandbox/faceid/h5', c.req.url)
      url.searchParams.set('token', bizToken)
      return c.json(reply({ Url: url.toString(), BizToken: bizToken }))
    }
    if (action === 'GetDetectInfoEnhanced') {
      const body = DetectInfoBody.safeParse(json)
      if (!body.success) return c.json(error('InvalidParameter', 'BizToken required'))
      if (!fs.checks.has(body.data.BizToken))
        return c.json(error('InvalidParameterValue.BizTokenIllegal', 'BizToken illegal.'))
      const check = live(body.data.BizToken)
      if (!check) return c.json(error('InvalidParameterValue.BizTokenExpired', 'BizToken expired.'))
      const finished = check.outcome && check.outcome !== 'timeout' ? OUTCOME_WIRE[check.outcome] : null
      return c.json(reply({
        Text: finished
          ? { ...finished, IdCard: check.certNo, Name: check.name, LivenessMode: 2 }
          : { ErrCode: null, ErrMsg: null, IdCard: null, Name: null, LiveStatus: null, Comparestatus: null },
      }))
    }
    return c.json(error('InvalidAction', `unknown action ${action ?? ''}`))
  })

  app.get('/__sandbox/faceid/h5', (c) => {
    c.header('Cache-Control', 'no-store')
    const check = live(c.req.query('token') ?? '')
    if (!check) return c.html(faceMessagePage(GONE), 404)
    if (check.outcome) {
      return c.html(faceMessagePage({ title: '本次核身已结束', message: '请返回原页面查看结果。', returnUrl: back(check) }))
    }
    return c.html(facePage(check))
  })

  app.post('/__sandbox/faceid/h5', async (c) => {
    c.header('Cache-Control', 'no-store')
    const form = await c.req.parseBody()
    const check = live(typeof form.token === 'string' ? form.token : '')
    const outcome = z.enum(['pass', 'live_fail', 'not_same', 'timeout']).safeParse(form.outcome)
    if (!check || !outcome.success) return c.html(faceMessagePage(GONE), 404)
    if (!check.outcome) finish(check, outcome.data)
    if (check.outcome === 'timeout') {
      return c.html(faceMessagePage({
        title: '模拟超时：核身结果未返回',
        message: '演示用：服务商一直没有给出结果（查询结果始终为“未完成”）。',
        returnUrl: back(check),
      }))
    }
    return c.redirect(back(check), 302)
  })

  function finish(check: SimFaceCheck, outcome: SimFaceOutcome) {
    check.outcome = outcome
    check.finishedAt = now()
  }
  /** The merchant's RedirectUrl with the token, as the real page appends it (never to be trusted). */
  function back(check: SimFaceCheck): string {
    const url = new URL(check.redirectUrl)
    url.searchParams.set('token', check.bizToken)
    return url.toString()
  }

  app.get('/__sandbox/faceid/checks', c => c.json({
    checks: [...fs.checks.values()]
      .map(k => ({ bizToken: k.bizToken, certNo: k.certNo, outcome: k.outcome, createdAt: k.createdAt.toISOString() })),
  }))
  app.post('/__sandbox/faceid/complete', async (c) => {
    const body = z.object({ token: z.string(), outcome: z.enum(['pass', 'live_fail', 'not_same', 'timeout']) })
      .safeParse(await c.req.json().catch(() => null))
    const check = body.success ? fs.checks.get(body.data.token) : undefined
    if (!body.success || !check) return c.json({ ok: false }, 404)
    finish(check, body.data.outcome)
    return c.json({ ok: true, redirectUrl: back(check) })
  })
  return app
}

/** A stand-alone simulator (BFF tests answer the adapter with it through MSW). */
export function createFaceIdSimulator(opts: { now?: () => Date } = {}) {
  const state = createFaceIdState()
  const app = faceidRoutes(state, opts.now ?? (() => new Date()))
  return { app, state }
}
