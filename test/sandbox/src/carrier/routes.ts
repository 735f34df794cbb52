import type { SandboxEnv, SandboxState } from '../state'
import { createHash, createHmac } from 'node:crypto'
import { Hono } from 'hono'
import { z } from 'zod'
import { errorPage } from '../faults/middleware'

/**
 * 运营商三要素核验 stand-in, in the shape of Alibaba Cloud 号码百科 `ThreeElementsVerification` (dytnsapi
 * 2020-02-17): a signed RPC POST (form body, HMAC-SHA1 signature version 1.0) at `/dytns/`, answered
 * with `{ Code, Message, RequestId, Data: { IsConsistent, BasicCarrier } }`.
 *
 * Deterministic: every name + ID number + phone matches (IsConsistent 1) unless a test set another
 * verdict for that phone with `PUT /__sandbox/carrier/verdicts` `{ phone, verdict }`:
 * `mismatch` (0, 不一致), `unregistered` (2, 查无记录 = 手机号未实名), `throttled` (RequestFrequencyLimit),
 * `timeout` (never answers: held until the caller gives up), `error` (HTTP 500).
 * `GET /__sandbox/carrier/checks` lists what was asked (hashes only, as received).
 */
export const CARRIER_API_PATH = '/dytns/'

/** The AccessKey pairs the stand-in knows (the BFF's sandbox defaults). */
const ACCESS_KEYS: Record<string, string> = { 'sandbox-carrier-key': 'sandbox-carrier-secret' }
const AUTH_CODES = new Set(['sandbox-auth-code'])
const REQUIRED_PARAMS = ['AccessKeyId', 'Action', 'SignatureMethod', 'SignatureNonce', 'SignatureVersion', 'Timestamp',
  'Version', 'Signature']
/** How far the signed Timestamp may be from the sandbox clock (Alibaba Cloud: 15 minutes). */
const MAX_SKEW_MS = 15 * 60_000

export const CARRIER_VERDICTS = ['match', 'mismatch', 'unregistered', 'throttled', 'timeout', 'error'] as const
export type CarrierSimVerdict = typeof CARRIER_VERDICTS[number]

/** One check as the stand-in received it (the three elements only as sent: hashed unless Mask=NORMAL). */
export interface SimCarrierCheck {
  at: string
  mask: string
  inputNumber: string
  verdict: CarrierSimVerdict
}

const VerdictBody = z.object({
  phone: z.string().regex(/^1[3-9]\d{9}$/),
  verdict: z.enum(CARRIER_VERDICTS),
})

function encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, ch => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** Signature version 1.0 of the received parameters, computed independently of the BFF's signer. */
function expectedSignature(params: Map<string, string>, secret: string): string {
  const canonical = [...params.entries()]
    .filter(([k]) => k !== 'Signature')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')
  return createHmac('sha1', `${secret}&`).update(`POST&${encode('/')}&${encode(canonical)}`).digest('base64')
}

function hashed(mask: string, value: string): string {
  if (mask === 'MD5') return createHash('md5').update(value, 'utf8').digest('hex')
  if (mask === 'SHA256') return createHash('sha256').update(value, 'utf8').digest('hex')
  return value
}

/** 基础运营商 by number segment (携号转网 aside), as the real API names them. */
function basicCarrier(phone: string | undefined): string {
  const p3 = phone?.slice(0, 3) ?? ''
  if (/^(13[4-9]|147|15[0-27-9]|178|18[2-478]|198)$/.test(p3)) return '中国移动'
  if (/^(13[0-2]|145|15[56]|166|17[56]|18[56]|196)$/.test(p3)) return '中国联通'
  if (/^(133|149|153|17[37]|18[019]|19[0139])$/.test(p3)) return '中国电信'
  return '中国移动'
}

function requestId(): string {
  return crypto.randomUUID().toUpperCase()
}

export function carrierRoutes(state: SandboxState): Hono<SandboxEnv> {
  const verdicts = new Map<string, CarrierSimVerdict>()
  const checks: SimCarrierCheck[] = []
  const nonces = new Map<string, number>()
  const app = new Hono<SandboxEnv>()

  const fail = (status: 400 | 403 | 404, Code: string, Message: string) =>
    ({ status, body: { Code, Message, RequestId: requestId() } })

  app.post(CARRIER_API_PATH, async (c) => {
    const params = new Map(new URLSearchParams(await c.req.text()))
    const get = (k: string) => params.get(k)
    const now = state.now().getTime()
    const refuse = (r: ReturnType<typeof fail>) => c.json(r.body, r.status)
    for (const k of REQUIRED_PARAMS) {
      if (!get(k)) return refuse(fail(400, 'MissingParameter', `${k} is mandatory for this action.`))
    }
    const secret = ACCESS_KEYS[get('AccessKeyId')!]
    if (!secret) return refuse(fail(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.'))
    if (get('SignatureMethod') !== 'HMAC-SHA1' || get('SignatureVersion') !== '1.0')
      return refuse(fail(400, 'InvalidParameter', 'Specified signature method or version is not valid.'))
    if (get('Signature') !== expectedSignature(params, secret))
      return refuse(fail(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.'))
    const ts = Date.parse(get('Timestamp')!)
    const wellFormed = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(get('Timestamp')!)
    if (!wellFormed || Number.isNaN(ts) || Math.abs(ts - now) > MAX_SKEW_MS)
      return refuse(fail(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.'))
    for (const [n, at] of nonces) if (at < now - MAX_SKEW_MS) nonces.delete(n)
    if (nonces.has(get('SignatureNonce')!))
      return refuse(fail(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.'))
    nonces.set(get('SignatureNonce')!, now)
    if (get('Action') !== 'ThreeElementsVerification' || get('Version') !== '2020-02-17')
      return refuse(fail(404,
        'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.'))
    const mask = get('Mask') ?? 'NORMAL'
    const [input, cert, name] = [get('InputNumber'), get('CertCode'), get('Name')]
    if (!['NORMAL', 'MD5', 'SHA256'].includes(mask) || !input || !cert || !name)
      return c.json({ Code: 'isv.InvalidParameter', Message: '参数不合法', RequestId: requestId() })
    if (!AUTH_CODES.has(get('AuthCode') ?? ''))
      return c.json({ Code: 'isv.InvalidAuthCode', Message: '授权码不存在或未审批通过', RequestId: requestId() })

    const phone = [...verdicts.keys()].find(p => hashed(mask, p) === input.toLowerCase())
      ?? (mask === 'NORMAL' ? input : undefined)
    const verdict = (phone && verdicts.get(phone)) || 'match'
    checks.push({ at: state.now().toISOString(), mask, inputNumber: input, verdict })
    if (checks.length > 200) checks.splice(0, checks.length - 200)

    if (verdict === 'error') return errorPage(500)
    if (verdict === 'timeout') {
      state.heldRequests++
      try {
        const signal = c.req.raw.signal
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, state.timeoutHoldMs)
          signal.addEventListener('abort', () => {
            clearTimeout(timer)
            resolve()
          }, { once: true })
        })
        return signal.aborted ? new Response(null, { status: 499 }) : errorPage(504)
      }
      finally {
        state.heldRequests--
      }
    }
    if (verdict === 'throttled')
      return c.json({ Code: 'RequestFrequencyLimit', Message: '同一号码短时间内重复查询，请稍后再试', RequestId: requestId() })
    const IsConsistent = verdict === 'match' ? 1 : verdict === 'mismatch' ? 0 : 2
    const Data = { IsConsistent, BasicCarrier: basicCarrier(phone) }
    return c.json({ Code: 'OK', Message: 'OK', RequestId: requestId(), Data })
  })

  /** Test control: the verdict for one phone (`match` puts it back to the default). */
  app.put('/__sandbox/carrier/verdicts', async (c) => {
    const parsed = VerdictBody.safeParse(await c.req.json().catch(() => null))
    if (!parsed.success)
      return c.json({ ok: false, error: `expected { phone, verdict: ${CARRIER_VERDICTS.join(' | ')} }` }, 400)
    if (parsed.data.verdict === 'match') verdicts.delete(parsed.data.phone)
    else verdicts.set(parsed.data.phone, parsed.data.verdict)
    return c.json({ ok: true, verdicts: Object.fromEntries(verdicts) })
  })

  /** Test control: every phone back to the default (match). */
  app.delete('/__sandbox/carrier/verdicts', (c) => {
    verdicts.clear()
    return c.json({ ok: true, verdicts: {} })
  })

  /** The checks received so far, newest last (hashes as sent; never a plain number unless Mask=NORMAL). */
  app.get('/__sandbox/carrier/checks', c => c.json({ checks }))
  return app
}
