// Signs a seeded resident in on a running BFF over HTTP, exactly as the app does: SMS code (read back
// from the sandbox's gateway), phone sign-in, then 实名认证 binding with a passed 人脸核身. Shared by the benchmarks.
import process from 'node:process'

const SESSION_COOKIE = 'yb_sid'
let phoneSeq = 0

/** A phone number unique to this process (the BFF limits codes per phone). */
function benchPhone(): string {
  phoneSeq += 1
  return `137${String(process.pid % 100_000).padStart(5, '0')}${String(phoneSeq).padStart(3, '0')}`
}

/** The `yb_sid` value a response sets, if any. */
function sessionFrom(res: Response): string | null {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';')
    const [name, ...value] = pair!.split('=')
    if (name!.trim() === SESSION_COOKIE && value.join('=')) return value.join('=')
  }
  return null
}

async function expectOk(res: Response, step: string): Promise<Response> {
  if (!res.ok) throw new Error(`sign-in ${step}: HTTP ${res.status} ${await res.text()}`)
  return res
}

/**
 * Phone + SMS sign-in and binding of `person` on the BFF at `bffUrl`, with the SMS code read from the
 * sandbox at `sandboxUrl`. Returns the cookie header (`yb_sid=…`).
 *
 * @example
 * const cookie = await signInResident(bff.url, sandbox.url, { name: '张秀英', certNo: DEMO_RESIDENT_CERT_NO })
 * await load({ url: `${bff.url}/api/v1/coverage`, headers: { cookie } })
 */
export async function signInResident(bffUrl: string, sandboxUrl: string, person: { name: string, certNo: string }, phone = benchPhone()): Promise<string> {
  const json = { 'content-type': 'application/json' }
  await expectOk(await fetch(`${bffUrl}/api/v1/auth/sms-codes`, { method: 'POST', headers: json, body: JSON.stringify({ phone }) }), 'sms-codes')
  const inbox = await expectOk(await fetch(`${sandboxUrl}/__sandbox/sms?phone=${phone}`), 'sandbox inbox')
  const { messages } = await inbox.json() as { messages: { params: { code?: string } }[] }
  const code = messages.find(m => m.params.code)?.params.code
  if (!code) throw new Error(`sign-in: the sandbox sent no code to ${phone}`)

  const login = await expectOk(await fetch(`${bffUrl}/api/v1/auth/phone-login`, { method: 'POST', headers: json, body: JSON.stringify({ phone, code }) }), 'phone-login')
  let sid = sessionFrom(login)
  if (!sid) throw new Error('sign-in: phone-login set no session')
  const { status } = await login.json() as { status: 'signed_in' | 'needs_binding' }
  if (status === 'signed_in') return agreeToConsent(bffUrl, sid)

  // A request carrying a session must echo its CSRF token.
  const session = await expectOk(await fetch(`${bffUrl}/api/v1/session`, { headers: { cookie: `${SESSION_COOKIE}=${sid}` } }), 'session')
  const { csrfToken } = await session.json() as { csrfToken: string }
  const headers = { ...json, 'cookie': `${SESSION_COOKIE}=${sid}`, 'x-csrf-token': csrfToken }
  // A first binding needs the person's 人脸核身: started here, passed on the sandbox simulator, then the
  // browser's return to the BFF (which asks the provider for the result).
  const started = await expectOk(await fetch(`${bffUrl}/api/v1/face-checks`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ purpose: 'bind', name: person.name, certNo: person.certNo }),
  }), 'face check')
  const face = await started.json() as { id: string, url: string }
  await expectOk(await fetch(`${sandboxUrl}/__sandbox/faceid/complete`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ token: new URL(face.url).searchParams.get('token'), outcome: 'pass' }),
  }), 'face simulator')
  await fetch(`${bffUrl}/api/v1/face-checks/${face.id}/return`, { headers, redirect: 'manual' })
  const bind = await expectOk(await fetch(`${bffUrl}/api/v1/auth/bind`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: person.name, certNo: person.certNo }),
  }), 'bind')
  sid = sessionFrom(bind)
  if (!sid) throw new Error('sign-in: bind set no session')
  return agreeToConsent(bffUrl, sid)
}

/**
 * The 用户协议 and 隐私政策 agreed to (sensitive information included) when the session's resident has not yet,
 * as the app asks right after signing in. Returns the cookie header.
 */
async function agreeToConsent(bffUrl: string, sid: string): Promise<string> {
  const cookie = `${SESSION_COOKIE}=${sid}`
  const session = await expectOk(await fetch(`${bffUrl}/api/v1/session`, { headers: { cookie } }), 'session')
  const { csrfToken } = await session.json() as { csrfToken: string }
  const state = await expectOk(await fetch(`${bffUrl}/api/v1/me/consent`, { headers: { cookie } }), 'consent')
  const { version, required } = await state.json() as { version: string, required: boolean }
  if (required) {
    const headers = { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken }
    const body = JSON.stringify({ version, general: true, sensitive: true })
    await expectOk(await fetch(`${bffUrl}/api/v1/me/consent`, { method: 'POST', headers, body }), 'consent')
  }
  return cookie
}

/**
 * A session on a second BFF for the same person: instances sharing one PostgreSQL (DATABASE_URL set)
 * already share the session; with PGlite each has its own database, so sign in again there.
 */
export async function sessionOn(bffUrl: string, sandboxUrl: string, person: { name: string, certNo: string }, cookie: string): Promise<string> {
  const res = await fetch(`${bffUrl}/api/v1/session`, { headers: { cookie } })
  const view = await res.json() as { authenticated: boolean }
  return view.authenticated ? cookie : signInResident(bffUrl, sandboxUrl, person)
}
