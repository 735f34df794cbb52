import type { SimFaceOutcome } from '@yibao/sandbox'
import type { ConsentState, FaceCheckStart, FaceCheckStarted, SessionView } from '@yibao/shared'
import type { Hono } from 'hono'
import type { AppEnv } from '../lib/types'
import type { AppDeps } from '../lib/types'
import { maskName } from '@yibao/shared'
import { consentVersion } from '../lib/consent'
import { hashToken, newToken } from '../lib/pii'
import { SESSION_COOKIE, SESSION_POLICY } from '../lib/session'
import { recordConsent } from '../storage/consents'
import { upsertResident } from '../storage/residents'
import { insertSession } from '../storage/sessions'
import { bizTokenOf, completeFaceCheck } from './faceid-handlers'
import { lastCodeFor } from './sms-wechat-handlers'

/** A minimal cookie jar + CSRF header for driving the app like a browser would. */
export class TestBrowser {
  private cookies = new Map<string, string>()
  csrfToken: string | null = null
  constructor(readonly app: Hono<AppEnv>, readonly origin = 'http://localhost') {}

  async request(
    path: string,
    init: { method?: string, json?: unknown, body?: string, headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...init.headers }
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    if (init.json !== undefined) headers['content-type'] = 'application/json'
    if (init.method && init.method !== 'GET') {
      headers.origin ??= this.origin
      if (this.csrfToken) headers['x-csrf-token'] ??= this.csrfToken
    }
    const body = init.json === undefined ? init.body : JSON.stringify(init.json)
    const res = await this.app.request(`${this.origin}${path}`, { method: init.method ?? 'GET', headers, body })
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';')
      const [name, ...rest] = pair!.split('=')
      const value = rest.join('=')
      const expired = attrs.some(a => /max-age=0/i.test(a.trim())) || value === ''
      if (expired) this.cookies.delete(name!.trim())
      else this.cookies.set(name!.trim(), value)
    }
    return res
  }

  /** The same browser (cookie jar and CSRF token) talking to another app instance. */
  on(app: Hono<AppEnv>): TestBrowser {
    const twin = new TestBrowser(app, this.origin)
    twin.cookies = this.cookies
    twin.csrfToken = this.csrfToken
    return twin
  }

  /** Another browser holding a copy of this one's cookies now (a stolen or second device's cookie). */
  copyTo(app: Hono<AppEnv>): TestBrowser {
    const copy = new TestBrowser(app, this.origin)
    copy.cookies = new Map(this.cookies)
    copy.csrfToken = this.csrfToken
    return copy
  }

  /** Refreshes the CSRF token from `GET /api/v1/session`. */
  async refreshSession() {
    const res = await this.request('/api/v1/session')
    const body = await res.json() as SessionView
    this.csrfToken = body.csrfToken
    return body
  }

  /**
   * Signs in as a resident without the SMS round trip (for tests of other features): the account and
   * a session are written the way the sign-in flow writes them, and (unless `consent: false`) the resident's
   * agreement to the current 用户协议 and 隐私政策, as the consent page records it.
   */
  async signInDirect(
    deps: AppDeps,
    person: { name: string, certNo: string, regionCode?: string, phone?: string },
    { consent = true }: { consent?: boolean } = {},
  ) {
    const { vault, storage, now } = deps
    const account = await upsertResident(storage.db, {
      certRef: vault.ref(person.certNo),
      certNoEnc: vault.encrypt(person.certNo),
      nameMasked: maskName(person.name),
      regionCode: person.regionCode ?? person.certNo.slice(0, 6),
      ...(person.phone && { phoneRef: vault.ref(person.phone), phoneEnc: vault.encrypt(person.phone) }),
    })
    const token = newToken()
    await insertSession(storage.db, { id: hashToken(token), kind: 'resident', accountId: account.id, csrfToken: newToken(), idleTimeoutS: SESSION_POLICY.resident.idleS, expiresAt: new Date(now().getTime() + SESSION_POLICY.resident.absoluteS * 1000), now: now() })
    if (consent) {
      const version = consentVersion(deps)
      const agreement = { action: 'agree', version, general: true, sensitive: true, channel: 'phone' } as const
      await recordConsent(storage.db, { ...agreement, accountId: account.id, at: now() })
      deps.consentCache.delete(account.id)
    }
    this.cookies.set(SESSION_COOKIE, token)
    await this.refreshSession()
    return account
  }

  /** Agrees to the current 用户协议 and 隐私政策 (sensitive information included) as the consent page does. */
  async agreeToConsent() {
    const state = await this.request('/api/v1/me/consent')
    if (state.status !== 200) throw new Error(`HTTP ${state.status} reading the consent`)
    const { version, required } = await state.json() as ConsentState
    if (!required) return
    const json = { version, general: true, sensitive: true }
    expectOk(await this.request('/api/v1/me/consent', { method: 'POST', json }))
  }

  /**
   * The full phone sign-in + 实名绑定 flow; resolves once signed in as a resident who (unless `consent: false`)
   * has agreed to the current 用户协议 and 隐私政策, as the app asks right after signing in.
   */
  async signInByPhone(
    phone: string,
    person?: { name: string, certNo: string },
    { consent = true }: { consent?: boolean } = {},
  ) {
    expectOk(await this.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } }))
    const login = await this.request('/api/v1/auth/phone-login', { method: 'POST', json: { phone, code: lastCodeFor(phone) } })
    expectOk(login)
    const { status } = await login.json() as { status: string }
    await this.refreshSession()
    if (status === 'needs_binding') {
      if (!person) throw new Error('phone not bound and no person given')
      await this.bindWithFace(person, { consent: false })
    }
    if (consent) await this.agreeToConsent()
  }

  /**
   * `/auth/bind` as the app does it: a first binding answers 403 FACE_VERIFICATION_REQUIRED, so the person
   * passes a 人脸核身 (the sandbox simulator) and the bind is sent again; then (unless `consent: false`) the
   * 用户协议 and 隐私政策 are agreed to. Resolves to the bind's response.
   */
  async bindWithFace(
    person: { name: string, certNo: string, phone?: string, code?: string },
    { consent = true }: { consent?: boolean } = {},
  ) {
    let res = await this.request('/api/v1/auth/bind', { method: 'POST', json: person })
    const code = res.status === 403 ? (await res.clone().json() as { error: { code: string } }).error.code : null
    if (code === 'FACE_VERIFICATION_REQUIRED') {
      await this.faceCheck({ purpose: 'bind', name: person.name, certNo: person.certNo })
      res = await this.request('/api/v1/auth/bind', { method: 'POST', json: person })
    }
    expectOk(res)
    await this.refreshSession()
    if (consent) await this.agreeToConsent()
    return res
  }

  /**
   * Starts a face check, plays `outcome` on the simulator's page and comes back through the return URL, as
   * the browser does. Resolves to the check's id and where the return URL sent the browser.
   */
  async faceCheck(input: FaceCheckStart, outcome: SimFaceOutcome = 'pass') {
    const res = await this.request('/api/v1/face-checks', { method: 'POST', json: input })
    if (res.status !== 201) throw new Error(`HTTP ${res.status} starting a face check: ${await res.text()}`)
    const started = await res.json() as FaceCheckStarted
    await completeFaceCheck(started.url, outcome)
    const back = await this.request(`/api/v1/face-checks/${started.id}/return?token=${bizTokenOf(started.url)}`)
    return { id: started.id, url: started.url, location: back.headers.get('location') }
  }
}

function expectOk(res: Response) {
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${res.url}`)
}
