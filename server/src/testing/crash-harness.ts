import type { ServerType } from '@hono/node-server'
import type { ChildProcess } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import type { Sandbox } from '@yibao/sandbox'
import type { CrashPoint } from '../lib/crash-points'
import type { Storage } from '../storage/types'
import type { TestClock } from './clock'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import process from 'node:process'
import { serve } from '@hono/node-server'
import { createSandbox, loadWechatPayKeys } from '@yibao/sandbox'
import postgres from 'postgres'
import { createStorage } from '../storage'
import { generateSandboxWechatPayKeys, writeWechatPayKeyFiles } from '../upstream/wechatpay/keys'
import { WECHATPAY_NOTIFY_PATH } from '../upstream/wechatpay/notify-path'
import { createTestClock } from './clock'

const ROOT = resolve(import.meta.dirname, '../../..')
/** The tax bureau's collection endpoint (test/sandbox/src/tax/premiums.ts). */
const COLLECT_PATH = '/tax/api/premium/collect'

/** One collect request the tax bureau answered: `fresh` when it recorded a payment (not an idempotent repeat). */
export interface CollectRecord { ddh: string, people: string[], fresh: boolean, fhdm: string }

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo
      srv.close(() => ok(port))
    }).on('error', fail)
  })
}

function sleep(ms: number) {
  return new Promise(r => setTimeout(r, ms))
}

/** Polls `probe` until it returns something other than `undefined`/`false`, or fails after `ms`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await probe()
    if (v !== undefined && v !== false) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

/** One request of `HttpResident`: a JSON body is sent as such. */
export interface RequestOptions { method?: string, json?: unknown, headers?: Record<string, string> }

/**
 * A resident's browser over real HTTP: a cookie jar, the CSRF token, and the same-origin header the BFF
 * asks of every state-changing request.
 */
export class HttpResident {
  private readonly cookies = new Map<string, string>()
  private csrfToken: string | null = null
  constructor(private readonly harness: { bffUrl: string }) {}

  async request(path: string, init: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers }
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    if (init.json !== undefined) headers['content-type'] = 'application/json'
    if (init.method && init.method !== 'GET') {
      headers.origin = this.harness.bffUrl
      if (this.csrfToken) headers['x-csrf-token'] = this.csrfToken
    }
    const body = init.json === undefined ? undefined : JSON.stringify(init.json)
    const res = await fetch(`${this.harness.bffUrl}${path}`, { method: init.method ?? 'GET', headers, body })
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';')
      const [name, ...rest] = pair!.split('=')
      const value = rest.join('=')
      if (value === '' || attrs.some(a => /max-age=0/i.test(a.trim()))) this.cookies.delete(name!.trim())
      else this.cookies.set(name!.trim(), value)
    }
    return res
  }

  /** `request` that must answer 2xx; resolves to the JSON body. */
  async ok<T = unknown>(path: string, init: RequestOptions = {}): Promise<T> {
    const res = await this.request(path, init)
    const text = await res.text()
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${text}`)
    return (text ? JSON.parse(text) : null) as T
  }

  /** The phone sign-in with the code from the sandbox's SMS inbox, then 实名认证 as `person`. */
  async signIn(sandboxUrl: string, phone: string, person: { name: string, certNo: string }): Promise<void> {
    await this.ok('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } })
    const inbox = await fetch(`${sandboxUrl}/__sandbox/sms?phone=${phone}`)
    const code = (await inbox.json() as { messages: { params: { code: string } }[] }).messages[0]?.params.code
    if (!code) throw new Error(`the sandbox sent no code to ${phone}`)
    const login = { method: 'POST', json: { phone, code } }
    const { status } = await this.ok<{ status: string }>('/api/v1/auth/phone-login', login)
    await this.refreshSession()
    if (status === 'needs_binding') {
      // A first binding needs the person's 人脸核身: passed on the sandbox's simulator (the bind asks the result).
      const start = { method: 'POST', json: { purpose: 'bind', ...person } }
      const face = await this.ok<{ url: string }>('/api/v1/face-checks', start)
      const token = new URL(face.url).searchParams.get('token')
      const done = await fetch(`${sandboxUrl}/__sandbox/faceid/complete`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, outcome: 'pass' }),
      })
      if (!done.ok) throw new Error(`the face simulator answered ${done.status}`)
      await this.ok('/api/v1/auth/bind', { method: 'POST', json: person })
      await this.refreshSession()
    }
    // The 用户协议 and 隐私政策 (sensitive information included), as the app asks before anything else.
    const consent = await this.ok<{ version: string, required: boolean }>('/api/v1/me/consent')
    if (consent.required) {
      const json = { version: consent.version, general: true, sensitive: true }
      await this.ok('/api/v1/me/consent', { method: 'POST', json })
    }
  }

  async refreshSession(): Promise<void> {
    this.csrfToken = (await this.ok<{ csrfToken: string }>('/api/v1/session')).csrfToken
  }
}

/** How a BFF child process ended. */
export interface ChildExit { code: number | null, signal: NodeJS.Signals | null }

/**
 * Crash tests against the real BFF process (issue 9 "Proof"). The bureau sandbox (WeChat Pay simulator,
 * tax bureau) runs in the test process on a loopback port, so its state — money taken, refunds made,
 * collections recorded — survives every crash of the BFF; the BFF runs as a child process
 * (`node --import tsx server/src/main.ts`, `SANDBOX=external`, the simulator's keys in files, a fixed
 * `PORT` that WeChat Pay calls back) on its own database: a fresh PostgreSQL database when
 * `TEST_DATABASE_URL` is set, else a PGlite `DATA_DIR` in a temporary directory. `start({ crashAt })`
 * sets `CRASH_AT`, so the child kills itself with SIGKILL at that step; `crashed(point)` waits for it.
 *
 * The sandbox and every child share one clock (`clock`): each start passes `SANDBOX_CLOCK`, so moving
 * the clock and restarting is how a test lets the worker's timed jobs come due (checks at 1 minute,
 * leases of a dead worker running out, a stale Idempotency-Key lock).
 */
export async function startCrashHarness(options: { clock?: TestClock } = {}) {
  const clock = options.clock ?? createTestClock()
  const dir = mkdtempSync(join(tmpdir(), 'yibao-crash-'))
  const keys = generateSandboxWechatPayKeys({ mchid: '1900000109', appid: 'wx0000000000sandbox' })
  const wxpayEnv = writeWechatPayKeyFiles(keys, join(dir, 'wechatpay'))
  const sandbox: Sandbox = createSandbox({
    wechatpay: loadWechatPayKeys(join(dir, 'wechatpay')),
    // Callback retries within seconds (WeChat Pay's schedule × 0.001), refunds settled after 0.3 s.
    wechatpayConfig: { callbackScheduleScale: 0.001, callbackTimeoutMs: 2000, refundProcessingMs: 300 },
    now: clock.now,
  })
  const collects: CollectRecord[] = []
  const sandboxServer = await new Promise<ServerType>((ok) => {
    const s = serve({ fetch: req => recordCollects(req), port: 0, hostname: '127.0.0.1' }, () => ok(s))
  })
  const sandboxUrl = `http://127.0.0.1:${(sandboxServer.address() as AddressInfo).port}`

  /** Counts at the tax bureau what the BFF collects (the sandbox's collect is idempotent on order + person-year). */
  async function recordCollects(req: Request): Promise<Response> {
    if (req.method !== 'POST' || new URL(req.url).pathname !== COLLECT_PATH) return sandbox.app.fetch(req)
    type Collect = { ddh?: string, mx?: { sfzjhm: string, jfnd: unknown }[] }
    const body = await req.clone().json().catch(() => null) as Collect | null
    const res = await sandbox.app.fetch(req)
    const answer = await res.clone().json().catch(() => null) as { fhdm?: string, fhxx?: string } | null
    const people = (body?.mx ?? []).map(l => `${l.sfzjhm}:${l.jfnd}`)
    collects.push({ ddh: body?.ddh ?? '', people, fresh: answer?.fhxx === '缴费成功', fhdm: answer?.fhdm ?? '' })
    return res
  }

  const port = await freePort()
  const bffUrl = `http://127.0.0.1:${port}`
  const pgUrl = process.env.TEST_DATABASE_URL || undefined
  const database = pgUrl ? `crash_${randomBytes(6).toString('hex')}` : undefined
  let databaseUrl: string | undefined
  if (pgUrl && database) {
    // DATABASE_URL takes no schema (migrations keep their journal in `drizzle`): a database of our own.
    const admin = postgres(pgUrl, { max: 1, onnotice: () => {} })
    await admin.unsafe(`create database "${database}"`)
    await admin.end()
    const url = new URL(pgUrl)
    url.pathname = `/${database}`
    databaseUrl = url.toString()
  }
  const dataDir = join(dir, 'pglite')

  let child: ChildProcess | undefined
  let exited: Promise<ChildExit> | undefined
  let armed: CrashPoint | undefined
  let output = ''

  function spawnBff(crashAt?: CrashPoint): void {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      ...(process.env.HOME && { HOME: process.env.HOME }),
      ...(process.env.TMPDIR && { TMPDIR: process.env.TMPDIR }),
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
      SANDBOX: 'external',
      NHSA_BASE_URL: sandboxUrl,
      SMS_BASE_URL: sandboxUrl,
      WECHAT_AUTHORIZE_BASE_URL: sandboxUrl,
      WECHAT_API_BASE_URL: sandboxUrl,
      ...wxpayEnv,
      WXPAY_NOTIFY_URL: `${bffUrl}${WECHATPAY_NOTIFY_PATH}`,
      SANDBOX_CLOCK: clock.now().toISOString(),
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir }),
      ...(crashAt && { CRASH_AT: crashAt }),
    }
    const main = join(ROOT, 'server/src/main.ts')
    const proc = spawn(process.execPath, ['--import', 'tsx', main], { cwd: ROOT, env, stdio: 'pipe' })
    const keep = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.length > 400_000) output = output.slice(-200_000)
    }
    proc.stdout!.on('data', keep)
    proc.stderr!.on('data', keep)
    output += `--- start${crashAt ? ` CRASH_AT=${crashAt}` : ''} at ${clock.now().toISOString()}\n`
    child = proc
    armed = crashAt
    exited = new Promise(ok => proc.once('exit', (code, signal) => ok({ code, signal })))
  }

  async function waitReady(): Promise<void> {
    const deadline = Date.now() + 60_000
    for (;;) {
      if (!running()) throw new Error(`the BFF exited while starting:\n${tail()}`)
      try {
        const res = await fetch(`${bffUrl}/healthz`)
        await res.body?.cancel()
        if (res.ok) return
      }
      catch {}
      if (Date.now() > deadline) throw new Error(`the BFF did not start:\n${tail()}`)
      await sleep(100)
    }
  }

  function running(): boolean {
    return child !== undefined && child.exitCode === null && child.signalCode === null
  }

  function tail(lines = 60): string {
    return output.split('\n').slice(-lines).join('\n')
  }

  const harness = {
    /** The clock of the sandbox; each BFF start begins at its time (`SANDBOX_CLOCK`). */
    clock,
    sandbox,
    sandboxUrl,
    bffUrl,
    storage: databaseUrl ? 'postgres' as const : 'pglite' as const,
    /** Every collect the tax bureau answered, in order. */
    collects,
    /** The child's stdout and stderr (pino lines), for failure messages. */
    tail,
    /** Whether the BFF process is alive. */
    running,
    /** The step the running (or last) BFF was armed to die at. */
    get armed(): CrashPoint | undefined {
      return armed
    },

    /**
     * Starts the BFF (it must not be running), on the clock's time now; with `crashAt`, armed to die at
     * that step. After a kill -9 the PGlite directory lock is left behind: its holder is gone (we saw it
     * die), so it is broken here rather than waiting out the 15 s staleness.
     */
    async start(opts: { crashAt?: CrashPoint } = {}): Promise<void> {
      if (running()) throw new Error('the BFF is already running')
      if (!databaseUrl && (await exited)?.signal === 'SIGKILL')
        rmSync(`${dataDir}.lock`, { recursive: true, force: true })
      spawnBff(opts.crashAt)
      await waitReady()
    },

    /** Waits until the BFF died of SIGKILL at `point` (and nowhere else). */
    async crashed(point: CrashPoint, ms = 20_000): Promise<void> {
      const exit = await Promise.race([exited!, sleep(ms).then(() => null)])
      if (!exit) throw new Error(`the BFF did not crash at ${point} within ${ms} ms:\n${tail()}`)
      if (exit.signal !== 'SIGKILL' || !output.includes(`crash point reached: ${point}`))
        throw new Error(`the BFF ended with ${JSON.stringify(exit)}, not SIGKILL at ${point}:\n${tail()}`)
    },

    /** Stops the BFF gracefully (SIGTERM: the worker stops, storage closes). */
    async stop(): Promise<void> {
      if (!running()) return
      child!.kill('SIGTERM')
      const exit = await Promise.race([exited!, sleep(15_000).then(() => null)])
      if (!exit) {
        child!.kill('SIGKILL')
        await exited
      }
    },

    /** The WeChat Pay simulator's test controls (`/__sandbox/wechatpay…`). */
    async control<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> {
      const init = body === undefined
        ? { method: 'GET' }
        : { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
      const res = await sandbox.app.request(`/__sandbox/wechatpay${path}`, init)
      return res.json() as Promise<T>
    },

    /**
     * Opens the BFF's database in this process for checks. PGlite admits one process: call it while the
     * BFF is stopped.
     */
    async withStorage<T>(fn: (storage: Storage) => Promise<T>): Promise<T> {
      if (!databaseUrl && running()) throw new Error('stop the BFF before opening its PGlite directory')
      const storage = databaseUrl
        ? await createStorage({ driver: 'postgres', url: databaseUrl, max: 2 })
        : await createStorage({ driver: 'pglite', dataDir })
      try {
        return await fn(storage)
      }
      finally {
        await storage.close()
      }
    },

    async close(): Promise<void> {
      await harness.stop()
      sandboxServer.close()
      // Pending callback retries and refund timers must not outlive the test file.
      await sandbox.app.request('/__sandbox/wechatpay/callbacks', { method: 'DELETE' })
      if (pgUrl && database) {
        const admin = postgres(pgUrl, { max: 1, onnotice: () => {} })
        await admin.unsafe(`drop database if exists "${database}" with (force)`)
        await admin.end()
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return harness
}

export type CrashHarness = Awaited<ReturnType<typeof startCrashHarness>>
