import type { SessionKind } from '../storage/sessions'
import type { Storage } from '../storage/types'
import type { AppDeps, AppEnv } from './types'
import { eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessions } from '../storage/schema'
import { insertSession, revokeSession } from '../storage/sessions'
import { createTestStorage } from '../testing/storage'
import { createTestApp } from '../testing/test-app'
import { AppError } from './errors'
import { hashToken, newToken } from './pii'
import {
  addToSession,
  anonymousActorId,
  endSession,
  phoneActorId,
  requireResident,
  SESSION_CACHE_MS,
  SESSION_COOKIE,
  SESSION_POLICY,
  sessionMiddleware,
  sessionToken,
  startSession,
} from './session'

describe('session cookie', () => {
  const token = newToken()
  it('finds our token wherever the cookie sits in the header', () => {
    expect(token).toMatch(/^[\w-]{43}$/)
    expect(sessionToken(`yb_sid=${token}`)).toBe(token)
    expect(sessionToken(`a=1; yb_sid=${token}; b=2`)).toBe(token)
    expect(sessionToken(`a=1;yb_sid=${token}`)).toBe(token)
  })

  it('ignores look-alike names, wrong lengths, other characters and missing headers', () => {
    expect(sessionToken(undefined)).toBeUndefined()
    expect(sessionToken('')).toBeUndefined()
    expect(sessionToken(`xyb_sid=${token}`)).toBeUndefined()
    expect(sessionToken(`yb_sid=${token}x`)).toBeUndefined()
    expect(sessionToken(`yb_sid=${token.slice(1)}`)).toBeUndefined()
    expect(sessionToken(`yb_sid=${token.slice(1)}%`)).toBeUndefined()
    expect(sessionToken('yb_sid=')).toBeUndefined()
  })
})

describe('session middleware: the per-instance cache, idle and absolute limits, touches and cookies', () => {
  const statements: string[] = []
  let storage: Storage
  let clock = 0
  let app: Hono<AppEnv>
  let deps: AppDeps
  const t0 = Date.parse('2026-11-22T02:00:00Z')

  beforeAll(async () => {
    storage = await createTestStorage({ observeStatement: family => statements.push(family) })
    deps = createTestApp({ storage, now: () => new Date(clock) }).deps
    app = new Hono<AppEnv>()
    app.use(async (c, next) => {
      c.set('deps', deps)
      c.set('logger', deps.logger)
      await next()
    })
    app.use(sessionMiddleware())
    app.get('/who', c => c.json({ id: c.get('session')?.id ?? null }))
    app.post('/start/:kind', async (c) => {
      const s = await startSession(c, c.req.param('kind') as SessionKind, null)
      // What the rest of the request sees is the new session.
      return c.json({ id: s.id, seen: c.get('session')?.id ?? null })
    })
    app.post('/end', async (c) => {
      await endSession(c)
      return c.json({ ok: true, seen: c.get('session') })
    })
    app.post('/prove', async (c) => {
      await addToSession(c, { phoneRef: 'proved-ref' })
      return c.json({ seen: c.get('session')?.data ?? null })
    })
    app.get('/actor', c => c.json({ actor: anonymousActorId(c) }))
    app.get('/resident', c => c.json({ id: requireResident(c).id }))
    app.onError((error, c) => error instanceof AppError
      ? c.json({ code: error.code }, error.status)
      : c.json({ code: 'CRASH', message: error.message }, 500))
  })
  afterAll(async () => { await storage.close() })

  /** A session written straight into the database (as another instance would), `lastSeen` ms before now. */
  async function sessionInDb(opts: {
    idleS: number
    expiresInMs: number
    lastSeenAgoMs?: number
    kind?: SessionKind
    accountId?: string
    data?: Record<string, unknown>
  }) {
    const token = newToken()
    const id = hashToken(token)
    await insertSession(storage.db, {
      id,
      kind: opts.kind ?? 'resident',
      accountId: opts.accountId ?? null,
      data: opts.data,
      csrfToken: newToken(),
      idleTimeoutS: opts.idleS,
      expiresAt: new Date(clock + opts.expiresInMs),
      now: new Date(clock - (opts.lastSeenAgoMs ?? 0)),
    })
    return { token, id }
  }

  /** GET /who at `at` with the cookie; what it answered and which session statements it ran. */
  async function who(token: string, at: number) {
    clock = at
    statements.length = 0
    const res = await app.request('/who', { headers: { cookie: `${SESSION_COOKIE}=${token}` } })
    const body = await res.json() as { id: string | null }
    const count = (family: string) => statements.filter(s => s === family).length
    return {
      id: body.id,
      setCookie: res.headers.get('set-cookie'),
      reads: count('select sessions'),
      touches: count('update sessions'),
    }
  }

  async function lastSeenInDb(id: string): Promise<number> {
    const rows = await storage.db.select({ lastSeenAt: sessions.lastSeenAt }).from(sessions).where(eq(sessions.id, id))
    return rows[0]!.lastSeenAt.getTime()
  }

  it('reads a session from the database once, then serves it from the cache for SESSION_CACHE_MS only', async () => {
    clock = t0
    const { token, id } = await sessionInDb({ idleS: 1800, expiresInMs: 3_600_000 })
    expect(await who(token, t0)).toMatchObject({ id, reads: 1, touches: 0, setCookie: null })
    expect(await who(token, t0 + 1_000)).toMatchObject({ id, reads: 0 })
    // A hit does not extend the cached copy: it was cached at t0, so at t0 + SESSION_CACHE_MS it is read again.
    expect(await who(token, t0 + SESSION_CACHE_MS - 1)).toMatchObject({ id, reads: 0 })
    expect(await who(token, t0 + SESSION_CACHE_MS)).toMatchObject({ id, reads: 1 })
    expect(deps.sessionCache.get(token, clock)).toMatchObject({ id })
  })

  it('refuses a session revoked on another instance once this instance\'s copy is SESSION_CACHE_MS old', async () => {
    clock = t0 + 3_600_000
    const start = clock
    const { token, id } = await sessionInDb({ idleS: 1800, expiresInMs: 3_600_000 })
    expect((await who(token, start)).id).toBe(id)
    await revokeSession(storage.db, id, new Date(start + 500))
    // The documented bound: another instance's revocation is seen here within SESSION_CACHE_MS.
    expect((await who(token, start + 2_000)).id).toBe(id)
    const refused = await who(token, start + SESSION_CACHE_MS + 500)
    expect(refused).toMatchObject({ id: null, reads: 1 })
    // The cookie is cleared and the copy dropped.
    expect(refused.setCookie).toMatch(/^yb_sid=; Max-Age=0; Path=\/$/)
    expect(deps.sessionCache.get(token, clock)).toBeUndefined()
  })

  it('refuses a cached copy that has since gone idle, and drops it from the cache', async () => {
    clock = t0 + 2 * 3_600_000
    const start = clock
    const { token, id } = await sessionInDb({ idleS: 2, expiresInMs: 3_600_000 })
    expect((await who(token, start)).id).toBe(id)
    // Exactly the idle limit is still live, from the cache.
    expect(await who(token, start + 2_000)).toMatchObject({ id, reads: 0 })
    // Past it, although the cached copy is younger than SESSION_CACHE_MS.
    const refused = await who(token, start + 2_001)
    expect(refused).toMatchObject({ id: null, reads: 1 })
    expect(refused.setCookie).toMatch(/^yb_sid=; Max-Age=0/)
    expect(deps.sessionCache.get(token, clock)).toBeUndefined()
  })

  it('refuses a cached copy at its absolute expiry', async () => {
    clock = t0 + 3 * 3_600_000
    const start = clock
    const { token, id } = await sessionInDb({ idleS: 1800, expiresInMs: 2_000 })
    expect((await who(token, start)).id).toBe(id)
    expect(await who(token, start + 1_999)).toMatchObject({ id, reads: 0 })
    expect(await who(token, start + 2_000)).toMatchObject({ id: null, reads: 1 })
    expect(deps.sessionCache.get(token, clock)).toBeUndefined()
  })

  it('writes last_seen only when it is more than a minute old, and caches the touched copy', async () => {
    clock = t0 + 4 * 3_600_000
    const start = clock
    // Last seen 60 s ago: not touched yet.
    const a = await sessionInDb({ idleS: 62, expiresInMs: 3_600_000, lastSeenAgoMs: 60_000 })
    expect(await who(a.token, start)).toMatchObject({ id: a.id, reads: 1, touches: 0 })
    expect(await lastSeenInDb(a.id)).toBe(start - 60_000)
    // 61 s ago: touched now, and the cache holds the touched copy (it is not idle 1.5 s later).
    const b = await sessionInDb({ idleS: 62, expiresInMs: 3_600_000, lastSeenAgoMs: 61_000 })
    expect(await who(b.token, start)).toMatchObject({ id: b.id, reads: 1, touches: 1 })
    expect(await lastSeenInDb(b.id)).toBe(start)
    expect(await who(b.token, start + 1_500)).toMatchObject({ id: b.id, reads: 0, touches: 0 })
  })

  it('answers no session, and clears nothing, without a cookie of ours', async () => {
    clock = t0 + 5 * 3_600_000
    statements.length = 0
    const res = await app.request('/who', { headers: { cookie: 'other=1' } })
    expect(await res.json()).toEqual({ id: null })
    expect(res.headers.get('set-cookie')).toBeNull()
    expect(statements).toEqual([])
    const unknown = await who(newToken(), clock)
    expect(unknown).toMatchObject({ id: null, reads: 1 })
    expect(unknown.setCookie).toMatch(/^yb_sid=; Max-Age=0; Path=\/$/)
  })

  it('sets a host-only, HttpOnly, Secure, SameSite=Lax cookie living as long as the session may', async () => {
    clock = t0 + 6 * 3_600_000
    for (const kind of ['resident', 'staff', 'pending'] as const) {
      const res = await app.request(`/start/${kind}`, { method: 'POST' })
      const cookie = res.headers.get('set-cookie')!
      const token = sessionToken(cookie)!
      const { idleS, absoluteS } = SESSION_POLICY[kind]
      expect(cookie).toBe(`yb_sid=${token}; Max-Age=${absoluteS}; Path=/; HttpOnly; Secure; SameSite=Lax`)
      const { id } = await res.json() as { id: string }
      expect(id).toBe(hashToken(token))
      const [row] = await storage.db.select().from(sessions).where(eq(sessions.id, id))
      expect(row).toMatchObject({ kind, idleTimeoutS: idleS, expiresAt: new Date(clock + absoluteS * 1000) })
    }
    expect(SESSION_POLICY).toEqual({
      resident: { idleS: 30 * 60, absoluteS: 30 * 24 * 3600 },
      staff: { idleS: 15 * 60, absoluteS: 12 * 3600 },
      pending: { idleS: 15 * 60, absoluteS: 30 * 60 },
    })
  })

  it('signing out revokes the session, forgets this instance\'s copy at once and clears the cookie', async () => {
    clock = t0 + 7 * 3_600_000
    const { token, id } = await sessionInDb({ idleS: 1800, expiresInMs: 3_600_000 })
    expect((await who(token, clock)).id).toBe(id)
    const res = await app.request('/end', { method: 'POST', headers: { cookie: `${SESSION_COOKIE}=${token}` } })
    expect(res.headers.get('set-cookie')).toBe('yb_sid=; Max-Age=0; Path=/; Secure')
    expect(deps.sessionCache.get(token, clock)).toBeUndefined()
    const [row] = await storage.db.select({ revokedAt: sessions.revokedAt }).from(sessions).where(eq(sessions.id, id))
    expect(row!.revokedAt).toEqual(new Date(clock))
    // Within what would have been the cache window, the session is already gone here.
    expect((await who(token, clock + 100)).id).toBeNull()
  })
  const post = (path: string, token?: string) =>
    app.request(path, { method: 'POST', headers: token ? { cookie: `${SESSION_COOKIE}=${token}` } : {} })
  const get = (path: string, token?: string) =>
    app.request(path, { headers: token ? { cookie: `${SESSION_COOKIE}=${token}` } : {} })

  it('a new session is the one the rest of its request sees', async () => {
    clock = t0 + 8 * 3_600_000
    const body = await (await post('/start/resident')).json() as { id: string, seen: string }
    expect(body.seen).toBe(body.id)
  })

  it('signing out forgets only that session\'s cached copy; without a session it only clears the cookie', async () => {
    clock = t0 + 9 * 3_600_000
    const mine = await sessionInDb({ idleS: 1800, expiresInMs: 3_600_000 })
    const other = await sessionInDb({ idleS: 1800, expiresInMs: 3_600_000 })
    await who(mine.token, clock)
    await who(other.token, clock)
    const ended = await post('/end', mine.token)
    expect(await ended.json()).toEqual({ ok: true, seen: null })
    expect(await who(other.token, clock + 100)).toMatchObject({ id: other.id, reads: 0 })
    const nobody = await post('/end')
    expect(nobody.status).toBe(200)
    expect(await nobody.json()).toEqual({ ok: true, seen: null })
    expect(nobody.headers.get('set-cookie')).toBe('yb_sid=; Max-Age=0; Path=/; Secure')
  })

  it('a pending step ended by a racing request is refused, not turned into a second session', async () => {
    clock = t0 + 10 * 3_600_000
    for (const [data, code] of [[{}, 'BINDING_REQUIRED'], [{ staffId: 'staff-1' }, 'UNAUTHENTICATED']] as const) {
      const pending = await sessionInDb({ idleS: 900, expiresInMs: 1_800_000, kind: 'pending', data })
      await who(pending.token, clock)
      // The other request ended it first (on another instance: this one still holds its copy).
      await revokeSession(storage.db, pending.id, new Date(clock))
      const res = await post('/start/resident', pending.token)
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({ code })
    }
    // A resident session ended elsewhere in the meantime does not stop a new sign-in.
    const resident = await sessionInDb({ idleS: 1800, expiresInMs: 3_600_000 })
    await who(resident.token, clock)
    await revokeSession(storage.db, resident.id, new Date(clock))
    expect((await post('/start/resident', resident.token)).status).toBe(200)
  })

  it('adds what a session proved to it, seen by the rest of its request; without a session, nothing', async () => {
    clock = t0 + 11 * 3_600_000
    const pending = await sessionInDb({ idleS: 900, expiresInMs: 1_800_000, kind: 'pending', data: { openid: 'o-1' } })
    await who(pending.token, clock)
    const proved = await post('/prove', pending.token)
    expect(await proved.json()).toEqual({ seen: { openid: 'o-1', phoneRef: 'proved-ref' } })
    const [row] = await storage.db.select({ data: sessions.data }).from(sessions).where(eq(sessions.id, pending.id))
    expect(row!.data).toEqual({ openid: 'o-1', phoneRef: 'proved-ref' })
    // The cached copy without it is gone: the next request reads the proved data.
    expect(await who(pending.token, clock + 100)).toMatchObject({ id: pending.id, reads: 1 })
    const none = await post('/prove')
    expect(none.status).toBe(200)
    expect(await none.json()).toEqual({ seen: null })
  })

  it('names someone not signed in by the phone their sign-in proved, else anonymous', async () => {
    clock = t0 + 12 * 3_600_000
    expect(phoneActorId('ref-9')).toBe('phone:ref-9')
    const pendingWith = (data: Record<string, unknown>) =>
      sessionInDb({ idleS: 900, expiresInMs: 1_800_000, kind: 'pending', data })
    const proved = await pendingWith({ phoneRef: 'ref-9' })
    expect(await (await get('/actor', proved.token)).json()).toEqual({ actor: 'phone:ref-9' })
    const wechatOnly = await pendingWith({ openid: 'o' })
    expect(await (await get('/actor', wechatOnly.token)).json()).toEqual({ actor: 'anonymous' })
    expect(await (await get('/actor')).json()).toEqual({ actor: 'anonymous' })
  })

  it('lets only a signed-in resident through requireResident', async () => {
    clock = t0 + 13 * 3_600_000
    const resident = await sessionInDb({ idleS: 1800, expiresInMs: 3_600_000, accountId: 'acct-1' })
    expect(await (await get('/resident', resident.token)).json()).toEqual({ id: resident.id })
    const staff = await sessionInDb({ idleS: 900, expiresInMs: 3_600_000, kind: 'staff', accountId: 'staff-1' })
    const pending = await sessionInDb({ idleS: 900, expiresInMs: 1_800_000, kind: 'pending' })
    const noAccount = await sessionInDb({ idleS: 1800, expiresInMs: 3_600_000 })
    for (const token of [staff.token, pending.token, noAccount.token, undefined]) {
      const res = await get('/resident', token)
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({ code: 'UNAUTHENTICATED' })
    }
  })
})
