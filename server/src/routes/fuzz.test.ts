import type { SessionKind } from '../storage/sessions'
import type { FuzzRequest, FuzzRoute, Samples } from '../testing/fuzz'
import process from 'node:process'
import { IdCardNoSchema, maskName, PersonNameSchema, UNRECOGNISED_TEXT } from '@yibao/shared'
import { PROPERTY_SEED } from '@yibao/shared/testing/seed'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { hashToken, newToken } from '../lib/pii'
import { SESSION_COOKIE, SESSION_POLICY } from '../lib/session'
import { upsertResident } from '../storage/residents'
import { insertSession } from '../storage/sessions'
import { exampleRequests, fuzzRoutes, replyProblem, requestOf } from '../testing/fuzz'
import { usePaymentStack } from '../testing/payment-stack'
import { createTestStaff } from '../testing/staff'
import { WECHATPAY_NOTIFY_PATH } from '../upstream/wechatpay/notify-path'

/**
 * Issue 10 item 6: no text a client can send makes the BFF answer 5xx, and every refusal is the error
 * envelope in Chinese. Every route of the real app — read from `app.routes` and the schemas of its
 * `validate()` middlewares, so a route is swept as soon as it is mounted — gets arbitrary Unicode (NUL,
 * lone surrogates, controls, RTL marks, emoji, very long strings) in each text field, path parameter,
 * query field and Idempotency-Key, from anonymous callers, a resident half-way through sign-in, a signed-in
 * resident and a help-desk admin, against the real stack (PGlite, or PostgreSQL with TEST_DATABASE_URL,
 * and the bureau sandbox). Each sweep starts from examples that put NUL and a lone surrogate in every text
 * field in turn, then draws random requests. CI runs a fixed seed; locally the seed is random, and fast-check
 * prints it with any failure (`FUZZ_SEED=<seed>` replays the run).
 */

const { ctx } = usePaymentStack()

const CALLERS = ['anonymous', 'pending', 'resident', 'staff'] as const
type CallerKind = typeof CALLERS[number]
/**
 * The seed of this file's run: each caller's sweep runs from it (plus the caller's index), so a failure
 * found after other callers changed the stack's state replays with `FUZZ_SEED=<seed>` on the whole file.
 */
const SEED = PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31)
/** Random requests per caller, after the examples (`FUZZ_RUNS=2000` hunts longer locally). */
const RUNS_PER_CALLER = Number(process.env.FUZZ_RUNS ?? 80)
/** Replies that stop a caller before the route reads its input. */
const GUARD_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'CSRF_REJECTED', 'MFA_REQUIRED', 'BINDING_REQUIRED'])

interface Seen {
  callers: Set<CallerKind>
  /** Some caller got past the route's guards (a reply other than 401/403 for want of a session or a role). */
  reached: boolean
  /** Fields whose hostile text was refused with UNRECOGNISED_TEXT (`reason`, `people.0.name`). */
  refused: Set<string>
}

const seen = new Map<string, Seen>()
const keyOf = (r: FuzzRoute) => `${r.method} ${r.path}`

let ipSeq = 0
/** A new client address per request (strings only: nothing is sent to them), so no per-IP limit stops the sweep. */
function nextClientIp(): string {
  ipSeq += 1
  return `127.${(ipSeq >> 16) & 255}.${(ipSeq >> 8) & 255}.${ipSeq & 255}`
}

interface Minted { token: string, csrf: string }

/** A browser of one kind of caller: its session is minted again whenever a reply ends or rotates it. */
class Caller {
  private session: Minted | null = null
  constructor(readonly kind: CallerKind, private readonly mint?: () => Promise<Minted>) {}

  /**
   * Sends `req`. A 429 (a limit per account, as on cross-region changes) moves the clock an hour on and
   * sends it again, so every example is read by its route.
   */
  async send(req: FuzzRequest): Promise<Response> {
    const res = await this.sendOnce(req)
    if (res.status !== 429) return res
    const problem = await replyProblem(res)
    if (problem) throw new Error(`${this.kind}: ${req.method} ${req.url}\n${problem}`)
    ctx.stack.clock.advance(3_600_000)
    this.session = null
    return this.sendOnce(req)
  }

  private async sendOnce(req: FuzzRequest): Promise<Response> {
    if (!this.session && this.mint) this.session = await this.mint()
    const headers: Record<string, string> = { 'origin': 'http://localhost', 'user-agent': 'fuzz' }
    if (this.session) {
      headers.cookie = `${SESSION_COOKIE}=${this.session.token}`
      headers['x-csrf-token'] = this.session.csrf
    }
    if (req.json !== undefined) headers['content-type'] = 'application/json'
    if (req.idempotencyKey !== undefined) headers['idempotency-key'] = req.idempotencyKey
    const init = { method: req.method, headers, ...(req.json !== undefined && { body: JSON.stringify(req.json) }) }
    // The socket's address is what the BFF takes as the client's (no proxy trusted in tests).
    const env = { incoming: { socket: { remoteAddress: nextClientIp() } } }
    const res = await ctx.stack.app.request(`http://localhost${req.url}`, init, env)
    if (res.headers.getSetCookie().some(c => c.startsWith(`${SESSION_COOKIE}=`))) this.session = null
    return res
  }
}

/** A session written the way sign-in writes it (the sign-in flows have tests of their own). */
async function mintSession(kind: SessionKind, accountId: string | null, data: Record<string, unknown> = {}) {
  const { storage, now } = ctx.stack.deps
  const token = newToken()
  const csrf = newToken()
  const policy = SESSION_POLICY[kind]
  await insertSession(storage.db, {
    id: hashToken(token),
    kind,
    accountId,
    data,
    csrfToken: csrf,
    idleTimeoutS: policy.idleS,
    expiresAt: new Date(now().getTime() + policy.absoluteS * 1000),
    now: now(),
  })
  return { token, csrf }
}

/** People the sandbox knows (region 370500, the staff member's): names and ID numbers that reach the handlers. */
function samplesFromSandbox(): Samples {
  const people = ctx.stack.sandbox.state.residents.listPersons({ policyRegion: '370500' }).slice(0, 20)
  const samples: Samples = new Map()
  samples.set(IdCardNoSchema, fc.constantFrom(...people.map(p => p.certNo)))
  samples.set(PersonNameSchema, fc.constantFrom(...people.map(p => p.name)))
  return samples
}

async function callers(): Promise<Record<CallerKind, Caller>> {
  const { deps } = ctx.stack
  const [person] = ctx.stack.sandbox.state.residents.listPersons({ policyRegion: '370500' })
  const account = await upsertResident(deps.storage.db, {
    certRef: deps.vault.ref(person!.certNo),
    certNoEnc: deps.vault.encrypt(person!.certNo),
    nameMasked: maskName(person!.name),
    regionCode: person!.certNo.slice(0, 6),
  })
  const { account: staff } = await createTestStaff(deps, { role: 'admin', regions: ['370500'] })
  const phone = '13900000001'
  const verifiedPhone = { phoneRef: deps.vault.ref(phone), phoneEnc: deps.vault.encrypt(phone) }
  return {
    anonymous: new Caller('anonymous'),
    pending: new Caller('pending', () => mintSession('pending', null, verifiedPhone)),
    resident: new Caller('resident', () => mintSession('resident', account.id)),
    staff: new Caller('staff', () => mintSession('staff', staff.id)),
  }
}

type ErrorBody = { error?: { code?: string, fields?: Record<string, string> } } | null

async function sweep(caller: Caller, routes: FuzzRoute[], samples: Samples, seed: number) {
  const examples = routes.flatMap(r => [
    ...exampleRequests(r, '\0', samples),
    ...exampleRequests(r, 'a\uD800b', samples),
    // An id of the right length and alphabet that is no UUID, in every path parameter.
    ...(r.segments.some(s => 'param' in s) ? exampleRequests(r, '-'.repeat(36), samples).slice(0, 1) : []),
  ]).map(e => [e] as [FuzzRequest])
  const requests = fc.constantFrom(...routes).chain(r => requestOf(r, samples))
  await fc.assert(fc.asyncProperty(requests, async (req) => {
    const logged = ctx.stack.logs.length
    const res = await caller.send(req)
    const body = res.status >= 400 && res.status < 500 ? await res.clone().json().catch(() => null) as ErrorBody : null
    const problem = await replyProblem(res, req.route.path === WECHATPAY_NOTIFY_PATH ? 'wechatpay' : 'ours')
    const s = seen.get(keyOf(req.route))!
    s.callers.add(caller.kind)
    if (!GUARD_CODES.has(body?.error?.code ?? '')) s.reached = true
    for (const [field, message] of Object.entries(body?.error?.fields ?? {})) {
      if (message === UNRECOGNISED_TEXT) s.refused.add(field)
    }
    if (problem) {
      // What the BFF logged as an error while answering (the stack trace of a 500).
      const errors = ctx.stack.logs.slice(logged).filter(l => /"level":50/.test(l)).map(l => l.slice(0, 1500))
      const replay = `replay: FUZZ_SEED=${SEED}`
      throw new Error(`${caller.kind}: ${req.method} ${req.url} (${replay})\n${problem}\n${errors.join('\n')}`)
    }
  }), { seed, numRuns: examples.length + RUNS_PER_CALLER, examples })
}

describe('fuzz: arbitrary Unicode in every text field of every route', () => {
  let routes: FuzzRoute[] = []
  let samples: Samples
  let byKind: Record<CallerKind, Caller>

  beforeAll(async () => {
    routes = fuzzRoutes(ctx.stack.app as never)
    samples = samplesFromSandbox()
    byKind = await callers()
    for (const r of routes) seen.set(keyOf(r), { callers: new Set(), reached: false, refused: new Set() })
  })

  it('derives the routes and their text fields from the app', () => {
    const keys = routes.map(keyOf)
    expect(keys).toEqual(expect.arrayContaining(['POST /api/v1/desk/unmask', 'GET /api/v1/payments/orders/:id']))
    expect(routes.find(r => r.path === '/api/v1/desk/unmask')!.textFields)
      .toEqual(expect.arrayContaining(['json:reason', 'json:certNo', 'json:subject']))
    expect(routes.find(r => r.path === '/api/v1/payments/orders' && r.method === 'POST')!.textFields)
      .toEqual(expect.arrayContaining(['json:people.0.memberId', 'json:people.0.name', 'json:people.0.certNo']))
  })

  for (const [i, kind] of CALLERS.entries()) {
    it(`answers ${kind} callers without a 5xx, refusing in Chinese in the error envelope`, async () => {
      await sweep(byKind[kind], routes, samples, SEED + i)
    }, 180_000)
  }

  it('swept every route for every caller, and got past the guards of each', () => {
    const notSwept = [...seen].filter(([, s]) => s.callers.size < CALLERS.length).map(([k]) => k)
    expect(notSwept, 'routes some caller never sent').toEqual([])
    const guarded = [...seen].filter(([, s]) => !s.reached).map(([k]) => k)
    expect(guarded, 'routes no caller got past the guards of (not covered: give the sweep a caller that can)').toEqual([])
  })

  // Hostile text in a path parameter is refused before any route reads it (404 from `cleanPathSegments`).
  it('refused hostile text in each text field of the body and query with 含有无法识别的字符', () => {
    const missed = routes.flatMap(r => r.textFields
      .filter(f => !f.startsWith('param:'))
      .map(f => f.slice(f.indexOf(':') + 1))
      .filter(f => !seen.get(keyOf(r))!.refused.has(f))
      .map(f => `${keyOf(r)} ${f}`))
    expect(missed).toEqual([])
  })
})
