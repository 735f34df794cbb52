import type { Context, MiddlewareHandler } from 'hono'
import type { SessionKind, SessionRecord } from '../storage/sessions'
import type { AppEnv } from './types'
import { deleteCookie, setCookie } from 'hono/cookie'
import { RESIDENT_IDLE_S } from '@yibao/shared'
import { findLiveSession, insertSession, revokeSession, touchSession, updateSessionData } from '../storage/sessions'
import { AppError } from './errors'
import { hashToken, newToken, secretsEqual } from './pii'

export const SESSION_COOKIE = 'yb_sid'

/** Idle and absolute lifetimes per kind (issue 4: residents 30 min idle; staff 15 min idle, 12 h absolute). */
export const SESSION_POLICY: Record<SessionKind, { idleS: number, absoluteS: number }> = {
  resident: { idleS: RESIDENT_IDLE_S, absoluteS: 30 * 24 * 3600 },
  staff: { idleS: 15 * 60, absoluteS: 12 * 3600 },
  pending: { idleS: 15 * 60, absoluteS: 30 * 60 },
}

// Writing last_seen on every request would make every read a write; a minute's slack is enough.
const TOUCH_EVERY_MS = 60_000
/**
 * How long an instance trusts its cached copy of a session. A session revoked on THIS instance is
 * dropped at once; one revoked on another instance is refused here after at most this long.
 */
export const SESSION_CACHE_MS = 3_000

// Our tokens are 43 base64url characters; anything else in `yb_sid` is not a session of ours.
const SESSION_TOKEN = /(?:^|;\s*)yb_sid=([\w-]{43})(?:;|\s|$)/

/** The session token in a Cookie header (read on every API request, so without a general parser). */
export function sessionToken(cookieHeader: string | undefined): string | undefined {
  return cookieHeader ? SESSION_TOKEN.exec(cookieHeader)?.[1] : undefined
}

/** Loads the session named by the cookie (or none) into `c.get('session')`. */
export function sessionMiddleware(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = sessionToken(c.req.header('cookie'))
    let session: SessionRecord | null = null
    if (token) {
      const { storage, now, sessionCache } = c.get('deps')
      const at = now()
      // Keyed by the cookie value itself so a hit skips hashing; the database only ever sees the hash.
      const cached = sessionCache.get(token, at.getTime())
      // A cached copy still obeys the idle and absolute limits against the current clock.
      session = cached && cached.expiresAt > at && at.getTime() - cached.lastSeenAt.getTime() <= cached.idleTimeoutS * 1000
        ? cached
        : await findLiveSession(storage.db, hashToken(token), at)
      if (session && at.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
        await touchSession(storage.db, session.id, at)
        session = { ...session, lastSeenAt: at }
      }
      if (session) {
        if (session !== cached) sessionCache.set(token, session, at.getTime())
      }
      else {
        sessionCache.delete(token)
      }
      if (!session) deleteCookie(c, SESSION_COOKIE, { path: '/' })
    }
    c.set('session', session)
    await next()
  }
}

/** Drops this instance's cached copy of a session (the cache is keyed by cookie value, not id). */
function forgetSession(c: Context<AppEnv>, id: string) {
  c.get('deps').sessionCache.deleteWhere(s => s.id === id)
}

/** Starts a new session (a new token every time: no fixation) and sets the cookie. */
export async function startSession(c: Context<AppEnv>, kind: SessionKind, accountId: string | null, data: Record<string, unknown> = {}): Promise<SessionRecord> {
  const { storage, now } = c.get('deps')
  const previous = c.get('session')
  if (previous) {
    const ended = await revokeSession(storage.db, previous.id, now())
    forgetSession(c, previous.id)
    // A pending step turns into one session only: of two requests racing on it (a double-submitted bind or
    // 动态码), the one that ended it first goes on, the other is told to start again.
    if (!ended && previous.kind === 'pending')
      throw new AppError(typeof previous.data.staffId === 'string' ? 'UNAUTHENTICATED' : 'BINDING_REQUIRED', 401)
  }
  const token = newToken()
  const policy = SESSION_POLICY[kind]
  const at = now()
  const record = {
    id: hashToken(token),
    kind,
    accountId,
    data,
    csrfToken: newToken(),
    idleTimeoutS: policy.idleS,
    expiresAt: new Date(at.getTime() + policy.absoluteS * 1000),
  }
  await insertSession(storage.db, { ...record, userAgent: c.req.header('user-agent'), now: at })
  setCookie(c, SESSION_COOKIE, token, { path: '/', httpOnly: true, secure: true, sameSite: 'Lax', maxAge: policy.absoluteS })
  const session = { ...record, createdAt: at, lastSeenAt: at }
  c.set('session', session)
  return session
}

/**
 * Adds to the current session what this very session has just proved (e.g. the phone whose SMS code a bind
 * checked), so a retry after a further step (人脸核身) does not ask for it again. Nothing from elsewhere.
 */
export async function addToSession(c: Context<AppEnv>, proved: Record<string, unknown>): Promise<void> {
  const session = c.get('session')
  if (!session) return
  const data = { ...session.data, ...proved }
  await updateSessionData(c.get('deps').storage.db, session.id, data)
  forgetSession(c, session.id)
  c.set('session', { ...session, data })
}

export async function endSession(c: Context<AppEnv>): Promise<void> {
  const session = c.get('session')
  if (session) {
    await revokeSession(c.get('deps').storage.db, session.id, c.get('deps').now())
    forgetSession(c, session.id)
  }
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true })
  c.set('session', null)
}

/**
 * The audit actor id of someone not signed in who proved a phone by SMS in this sign-in (`phone:<keyed hash>`):
 * their steps before an account exists (a refused 实名认证, a failed 人脸核身) are theirs in the 访问记录 of the
 * account that phone is bound to, and another phone's attempts on the same person are not.
 */
export function phoneActorId(phoneRef: string): string {
  return `phone:${phoneRef}`
}

/** The audit actor id of a request not signed in: its proved phone (see `phoneActorId`), else `anonymous`. */
export function anonymousActorId(c: Context<AppEnv>): string {
  const phoneRef = c.get('session')?.data.phoneRef
  return typeof phoneRef === 'string' ? phoneActorId(phoneRef) : 'anonymous'
}

/** The signed-in resident's session, or 401. */
export function requireResident(c: Context<AppEnv>): SessionRecord & { accountId: string } {
  const s = c.get('session')
  if (!s || s.kind !== 'resident' || !s.accountId) throw new AppError('UNAUTHENTICATED', 401)
  return s as SessionRecord & { accountId: string }
}

/** Methods that change nothing and carry no body (no CSRF check, no body-size check). */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * CSRF defence for state-changing API requests: the Origin (or Referer) must be our own origin, and a
 * request carrying a session must echo its CSRF token in `X-CSRF-Token`. Paths in `exempt` are
 * server-to-server callbacks verified by their own signatures.
 */
export function csrfProtection(exempt: string[] = []): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || exempt.includes(c.req.path)) return next()
    const expected = c.get('deps').env.PUBLIC_ORIGIN ?? new URL(c.req.url).origin
    const origin = c.req.header('origin') ?? refererOrigin(c.req.header('referer'))
    // Browsers always send Origin on cross-site POSTs; a request with neither header is not a browser form.
    if (origin !== undefined && origin !== expected) throw new AppError('CSRF_REJECTED', 403)
    const session = c.get('session')
    if (session && !secretsEqual(c.req.header('x-csrf-token') ?? '', session.csrfToken))
      throw new AppError('CSRF_REJECTED', 403)
    return next()
  }
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined
  try {
    return new URL(referer).origin
  }
  catch {
    return 'invalid'
  }
}
