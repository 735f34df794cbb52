import { createHash, createHmac, randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createSandbox } from '../app'

const NOW = new Date('2026-11-15T02:00:00Z')
const PERSON = { name: '张秀英', certNo: '370502198603150420', phone: '13800138000' }

const enc = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/** A signed ThreeElementsVerification form, as an Alibaba Cloud RPC client sends it. */
function form(overrides: Record<string, string> = {}, mask: 'NORMAL' | 'SHA256' = 'SHA256', secret = 'sandbox-carrier-secret') {
  const h = (v: string) => mask === 'SHA256' ? createHash('sha256').update(v).digest('hex') : v
  const params: Record<string, string> = {
    AccessKeyId: 'sandbox-carrier-key',
    Action: 'ThreeElementsVerification',
    Format: 'JSON',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: randomUUID(),
    SignatureVersion: '1.0',
    Timestamp: '2026-11-15T02:00:00Z',
    Version: '2020-02-17',
    AuthCode: 'sandbox-auth-code',
    Mask: mask,
    InputNumber: h(PERSON.phone),
    CertCode: h(PERSON.certNo),
    Name: h(PERSON.name),
    ...overrides,
  }
  const canonical = Object.keys(params).sort().map(k => `${enc(k)}=${enc(params[k]!)}`).join('&')
  params.Signature = createHmac('sha1', `${secret}&`).update(`POST&%2F&${enc(canonical)}`).digest('base64')
  return new URLSearchParams(params).toString()
}

function post(app: ReturnType<typeof createSandbox>['app'], body: string) {
  return app.request('/dytns/', { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
}

function control(app: ReturnType<typeof createSandbox>['app'], method: string, body?: unknown) {
  const init = { method, headers: { 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) }
  return app.request('/__sandbox/carrier/verdicts', init)
}

describe('运营商三要素 stand-in (/dytns/)', () => {
  it('answers 一致 by default, with the number segment\'s carrier', async () => {
    const { app } = createSandbox({ now: () => NOW })
    const res = await post(app, form())
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ Code: 'OK', Data: { IsConsistent: 1, BasicCarrier: '中国移动' } })
  })

  it('answers the verdict set for a phone, hashed or plain, until it is cleared', async () => {
    const { app } = createSandbox({ now: () => NOW })
    expect((await control(app, 'PUT', { phone: PERSON.phone, verdict: 'unregistered' })).status).toBe(200)
    expect(await (await post(app, form())).json()).toMatchObject({ Data: { IsConsistent: 2 } })
    expect(await (await post(app, form({}, 'NORMAL'))).json()).toMatchObject({ Data: { IsConsistent: 2 } })
    await control(app, 'PUT', { phone: PERSON.phone, verdict: 'throttled' })
    expect(await (await post(app, form())).json()).toMatchObject({ Code: 'RequestFrequencyLimit' })
    await control(app, 'DELETE')
    expect(await (await post(app, form())).json()).toMatchObject({ Data: { IsConsistent: 1 } })
  })

  it('refuses a control it does not understand with 400', async () => {
    const { app } = createSandbox({ now: () => NOW })
    expect((await control(app, 'PUT', { phone: PERSON.phone, verdict: 'maybe' })).status).toBe(400)
    expect((await control(app, 'PUT', { phone: '123', verdict: 'mismatch' })).status).toBe(400)
  })

  it('refuses a replayed nonce, a bad signature, a missing parameter and an unknown auth code', async () => {
    const { app } = createSandbox({ now: () => NOW })
    const once = form()
    expect((await post(app, once)).status).toBe(200)
    const replay = await post(app, once)
    expect(replay.status).toBe(400)
    expect(await replay.json()).toMatchObject({ Code: 'SignatureNonceUsed' })
    expect(await (await post(app, form({}, 'SHA256', 'other-secret'))).json()).toMatchObject({ Code: 'SignatureDoesNotMatch' })
    const noVersion = new URLSearchParams(form())
    noVersion.delete('Version')
    expect(await (await post(app, noVersion.toString())).json()).toMatchObject({ Code: 'MissingParameter' })
    expect(await (await post(app, form({ AuthCode: 'x' }))).json()).toMatchObject({ Code: 'isv.InvalidAuthCode' })
  })
})
