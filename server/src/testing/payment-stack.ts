import type { ServerType } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import type { PremiumOrder } from '../storage/payments'
import type { Storage } from '../storage/types'
import type { TestClock } from './clock'
import type { SandboxPerson } from '@yibao/sandbox'
import { randomUUID } from 'node:crypto'
import { Writable } from 'node:stream'
import { serve } from '@hono/node-server'
import { createSandbox } from '@yibao/sandbox'
import { eq } from 'drizzle-orm'
import { http, passthrough } from 'msw'
import { afterAll, beforeAll, beforeEach, expect } from 'vitest'
import { createApp } from '../app'
import { contractChecked } from './contract'
import { createDeps, upstreamUrls } from '../deps'
import { parseEnv } from '../env'
import { createLogger } from '../lib/logger'
import { findOrderBy, orderLines } from '../storage/payments'
import { outbox } from '../storage/schema'
import { createAndPrepay } from '../payments/service'
import { MAX_JOB_ATTEMPTS, startPaymentWorker } from '../payments/worker'
import { generateSandboxWechatPayKeys } from '../upstream/wechatpay/keys'
import { WECHATPAY_NOTIFY_PATH } from '../upstream/wechatpay/notify-path'
import { TestBrowser } from './auth'
import { createTestClock, TEST_YEAR } from './clock'
import { json, waitFor } from './http'
import { mswServer } from './msw'
import { createTestStorage } from './storage'

function listen(fetch: (req: Request) => Response | Promise<Response>): Promise<{ server: ServerType, url: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }))
  })
}

/** Lets the stack's loopback traffic past MSW (call in `beforeEach`: handlers reset after each test). */
export function allowLoopback() {
  mswServer.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\/.*/, () => passthrough()))
}

/**
 * The real payment stack for integration tests: the bureau sandbox (with the WeChat Pay simulator and
 * the tax bureau) and a BFF, each on a random loopback port, sharing one generated merchant — the BFF
 * receives the simulator's callbacks over HTTP. The outbox worker does not tick on its own: tests call
 * `worker.tick()` (or create a second BFF on the same storage).
 *
 * Both read one test clock (`clock`, default: a new one at `TEST_NOW`, running in real time), never the
 * machine's: the tax sandbox's collection window and the BFF's benefit-year rules see the same day
 * whatever the date of the run. Tests move it with `stack.clock.set(...)`.
 */
export async function startPaymentStack(
  storage: Storage,
  options: { clock?: TestClock, callbackScheduleScale?: number } = {},
) {
  const clock = options.clock ?? createTestClock()
  const keys = generateSandboxWechatPayKeys({ mchid: '1900000109', appid: 'wx0000000000sandbox' })
  const wechatpayConfig = { callbackScheduleScale: options.callbackScheduleScale ?? 0.001, callbackTimeoutMs: 2000 }
  const sandbox = createSandbox({ wechatpay: keys, wechatpayConfig, now: clock.now })
  const sb = await listen(sandbox.app.fetch)
  const logs: string[] = []
  const logger = createLogger('info', new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk))
      cb()
    },
  }))
  const instances: { server: ServerType }[] = []
  /** `env` adds to the instance's environment; `storage`: its own connection to the same database. */
  async function bff(opts: { env?: Record<string, string>, storage?: Storage } = {}) {
    // Each BFF instance gets its own port; the notify URL is fixed to the first one's.
    const { server, url } = await listen(req => app.fetch(req))
    const env = parseEnv({
      NODE_ENV: 'test',
      SANDBOX: 'external',
      NHSA_BASE_URL: sb.url,
      SMS_BASE_URL: sb.url,
      WECHAT_AUTHORIZE_BASE_URL: sb.url,
      WECHAT_API_BASE_URL: sb.url,
      TAX_BASE_URL: sb.url,
      WXPAY_BASE_URL: sb.url,
      WXPAY_NOTIFY_URL: `${notifyBase ?? url}${WECHATPAY_NOTIFY_PATH}`,
      NHSA_TIMEOUT_MS: '2000',
      LOG_LEVEL: 'info',
      ...opts.env,
    })
    notifyBase ??= url
    const deps = createDeps(env, logger, opts.storage ?? storage, {
      urls: upstreamUrls(env),
      wechatpayKeys: keys,
      now: clock.now,
    })
    const app = contractChecked(createApp(deps))
    instances.push({ server })
    return { app, deps, url, worker: startPaymentWorker(deps, { autostart: false }) }
  }
  let notifyBase: string | undefined
  const first = await bff()
  return {
    /** The clock of the sandbox and of every BFF instance of this stack. */
    clock,
    sandbox,
    sandboxUrl: sb.url,
    keys,
    logs,
    ...first,
    /** Another BFF instance on the same database (two instances behind one load balancer). */
    another: bff,
    async control(path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') {
      const res = await fetch(`${sb.url}/__sandbox/wechatpay${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } })
      return res.json() as Promise<Record<string, unknown>>
    },
    /** Calls one of the sandbox's own controls, e.g. `sandboxCall('/__sandbox/faults', 'PUT', { status: 503 })`. */
    sandboxCall(path: string, method: string, body?: unknown) {
      return fetch(`${sb.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      })
    },
    async stop() {
      for (const i of instances) i.server.close()
      sb.server.close()
    },
  }
}

export type PaymentStack = Awaited<ReturnType<typeof startPaymentStack>>

/**
 * Fails a line's report job until it is out of attempts (every bureau system down), moving the stack's
 * clock past each back-off; the clock is put back afterwards. Returns the job as it ended.
 */
export async function exhaustReport(ctx: { storage: Storage, stack: PaymentStack }, lineId: string) {
  const job = async () =>
    (await ctx.storage.db.select().from(outbox).where(eq(outbox.dedupeKey, `report_line:${lineId}`)))[0]!
  const start = ctx.stack.clock.now().getTime()
  await ctx.stack.sandboxCall('/__sandbox/faults', 'PUT', { status: 503 })
  try {
    for (let i = 0; i < 10 * MAX_JOB_ATTEMPTS && !(await job()).doneAt; i++) {
      const due = Math.max(ctx.stack.clock.now().getTime(), (await job()).availableAt.getTime()) + 1
      ctx.stack.clock.set(new Date(due), { frozen: true })
      await ctx.stack.worker.tick()
    }
  }
  finally {
    await ctx.stack.sandboxCall('/__sandbox/faults', 'DELETE')
    ctx.stack.clock.set(new Date(start))
  }
  return job()
}

/**
 * One payment stack per test file (a fresh database, the sandbox and a BFF on loopback ports), with the
 * hooks that start and stop it, and seeded people whose coming year is still payable. The stack's clock
 * starts at `start` (default `TEST_NOW`, when `TEST_YEAR` is payable) and is `ctx.stack.clock`.
 */
export function usePaymentStack(options: { start?: Date | string } = {}) {
  const ctx = {} as { storage: Storage, stack: PaymentStack }
  beforeAll(async () => {
    ctx.storage = await createTestStorage()
    allowLoopback()
    ctx.stack = await startPaymentStack(ctx.storage, { clock: createTestClock(options.start) })
  })
  afterAll(async () => {
    await ctx.stack?.stop()
    await ctx.storage?.close()
  })
  beforeEach(() => allowLoopback())

  const used = new Set<string>()
  /**
   * A seeded person of a region whose premium for `year` is payable (the tax stand-in decides), once per file;
   * `where` narrows the choice (e.g. no special status, so the premium is paid in full).
   */
  async function payablePerson(
    year: number,
    policyRegion: '370500' | '520000' = '370500',
    where: (p: SandboxPerson) => boolean = () => true,
  ): Promise<{ name: string, certNo: string }> {
    for (const p of ctx.stack.sandbox.state.residents.listPersons({ policyRegion })) {
      if (used.has(p.certNo) || p.deathDate || !where(p)) continue
      const due = await ctx.stack.deps.premiums.quote(p.certNo, p.name, year)
      if (due?.status === 'payable') {
        used.add(p.certNo)
        return { name: p.name, certNo: p.certNo }
      }
    }
    throw new Error(`no payable person left in ${policyRegion}`)
  }
  /** A payable resident who has paid `year` for themselves, reported to the tax bureau: browser, order view, line. */
  async function paidResident(
    year: number,
    opts: { policyRegion?: '370500' | '520000', where?: (p: SandboxPerson) => boolean } = {},
  ) {
    const person = await payablePerson(year, opts.policyRegion, opts.where)
    const browser = new TestBrowser(ctx.stack.app)
    await browser.signInDirect(ctx.stack.deps, person)
    const view = await payForSelf(browser, year)
    const line = view.lines[0] as { id: string, amountFen: number, receiptCode: string }
    return { person, browser, order: view, line }
  }
  /**
   * The signed-in `browser` pays `year` for themselves in the app (Native, paid on the WeChat Pay simulator) at the
   * stack's time; waits until the tax bureau holds it. The order as the app shows it.
   */
  async function payForSelf(browser: TestBrowser, year: number) {
    const body = { year, channel: 'native', people: [{ kind: 'self' }] }
    const headers = { 'idempotency-key': randomUUID() }
    const placed = await browser.request('/api/v1/payments/orders', { method: 'POST', json: body, headers })
    expect(placed.status).toBe(201)
    const order = await json(placed)
    await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
    await waitFor('paid', () => findOrderBy(ctx.storage.db, 'id', order.id), o => o?.status === 'paid')
    await waitFor('reported', async () => {
      await ctx.stack.worker.tick()
      return orderLines(ctx.storage.db, order.id)
    }, ls => ls.every(l => l.status === 'reported'))
    return json(await browser.request(`/api/v1/payments/orders/${order.id}`))
  }
  /** A 窗口代缴 Native order of `staff` for a payable Dongying resident (TEST_YEAR), paid by the resident when `pay`. */
  async function deskOrder(staff: { id: string }, pay = true): Promise<PremiumOrder> {
    const person = await payablePerson(TEST_YEAR, '370500')
    const payer = { principal: `staff:${staff.id}`, resident: null, logger: ctx.stack.deps.logger }
    const { order } = await createAndPrepay(ctx.stack.deps, payer, {
      year: TEST_YEAR,
      channel: 'native',
      people: [{ kind: 'other', name: person.name, certNo: person.certNo }],
      idempotency: null,
    })
    if (!pay) return order
    await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
    return waitFor('paid', async () => (await findOrderBy(ctx.storage.db, 'id', order.id))!, o => o.status === 'paid')
  }
  return { ctx, payablePerson, paidResident, payForSelf, deskOrder }
}
