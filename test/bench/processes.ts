import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import process from 'node:process'
import postgres from 'postgres'

export const ROOT = resolve(import.meta.dirname, '../..')
const TSX = join(ROOT, 'node_modules/.bin/tsx')

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => ok(port))
    }).on('error', fail)
  })
}

async function waitFor(url: string, child: ChildProcess, init?: RequestInit) {
  const deadline = Date.now() + 90_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`)
    try {
      const res = await fetch(url, init)
      await res.body?.cancel()
      if (res.status < 500) return
    }
    catch {}
    if (Date.now() > deadline) throw new Error(`${url} did not start`)
    await new Promise(r => setTimeout(r, 200))
  }
}

export interface Running {
  url: string
  stop: () => Promise<void>
  /** Resident set size of the process now, in MiB (Linux /proc). */
  rssMiB: () => number
}

function rssOf(child: ChildProcess): () => number {
  return () => {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
    const kib = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1])
    if (!Number.isFinite(kib)) throw new Error(`no VmRSS for process ${child.pid}`)
    return kib / 1024
  }
}

function stopper(child: ChildProcess, cleanup?: () => void) {
  return async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await new Promise(r => child.once('exit', r))
    }
    cleanup?.()
  }
}

/** Each server runs in its own process so the load generator does not share its event loop. */
export async function startHello(): Promise<Running> {
  const port = await freePort()
  const child = spawn(process.execPath, [join(import.meta.dirname, 'hello.mjs')], { env: { ...process.env, PORT: String(port) }, stdio: 'inherit' })
  const url = `http://127.0.0.1:${port}/`
  await waitFor(url, child)
  return { url, stop: stopper(child), rssMiB: rssOf(child) }
}

/** `env` e.g. `SANDBOX_WXPAY_KEYS_DIR` (WeChat Pay keys shared with the BFF). */
export async function startSandbox(env: Record<string, string> = {}): Promise<Running> {
  const port = await freePort()
  const child = spawn(TSX, [join(ROOT, 'test/sandbox/src/main.ts')], { env: { ...process.env, SANDBOX_PORT: String(port), ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
  const url = `http://127.0.0.1:${port}`
  await waitFor(`${url}/__sandbox/health`, child)
  return { url, stop: stopper(child), rssMiB: rssOf(child) }
}

/** The database of the running section when the bench runs on PostgreSQL (`DATABASE_URL`); see `withServers`. */
let sectionDatabaseUrl: string | undefined

export async function startBff(sandboxUrl: string, env: Record<string, string> = {}): Promise<Running> {
  const port = await freePort()
  const database: Record<string, string> = sectionDatabaseUrl ? { DATABASE_URL: sectionDatabaseUrl } : {}
  const dir = mkdtempSync(join(tmpdir(), 'yibao-bench-'))
  const url = `http://127.0.0.1:${port}`
  // Built by `pnpm bench` (scripts/bench.mjs): the compiled BFF under plain node, as `pnpm start` runs it.
  // BENCH_CPU_PROFILE_DIR=/some/dir: the BFF writes a V8 CPU profile there when it stops (open it in Chrome's
  // DevTools or speedscope), to see where a section's time goes.
  const profileDir = process.env.BENCH_CPU_PROFILE_DIR
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []
  const child = spawn(process.execPath, [...profile, join(ROOT, 'server/dist-bench/main.mjs')], {
    // Production requires PUBLIC_ORIGIN: the bench's own loopback address.
    env: { ...process.env, NODE_ENV: 'production', PUBLIC_ORIGIN: url, PII_HASH_KEY: 'bench-only-key-0123456789abcdef0123456789', PORT: String(port), SANDBOX: 'external', NHSA_BASE_URL: sandboxUrl, SMS_BASE_URL: sandboxUrl, WECHAT_AUTHORIZE_BASE_URL: sandboxUrl, WECHAT_API_BASE_URL: sandboxUrl, DATA_DIR: join(dir, 'pglite'), LOG_LEVEL: 'warn', ...database, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  await waitFor(`${url}/readyz`, child)
  return { url, stop: stopper(child, () => rmSync(dir, { recursive: true, force: true })), rssMiB: rssOf(child) }
}

/** The national platform's single entry point. */
export const NHSA_PATH = '/fsi/api/rsfComIfsService/callService'

/** A national-platform envelope as the BFF sends it (`insuplc_admdvs` routes psn_no-keyed calls). */
export function nhsaEnvelope(infno: string, input: unknown, admdvs = ''): string {
  return JSON.stringify({
    infno,
    msgid: 'H37050200001202611221200000001',
    mdtrtarea_admvs: admdvs || '370500',
    insuplc_admdvs: admdvs,
    recer_sys_code: 'YBXT',
    infver: 'V1.0',
    opter_type: '3',
    opter: 'bench',
    opter_name: 'bench',
    inf_time: '2026-11-22 12:00:00',
    fixmedins_code: 'H37050200001',
    fixmedins_name: 'bench',
    sign_no: '',
    input,
  })
}

/**
 * On PostgreSQL (`DATABASE_URL`) each section gets a database of its own, created empty and dropped at the
 * end, so `DATABASE_URL=… pnpm bench` can be rerun any number of times on one server: lines, phone bindings
 * and sessions of an earlier run never meet the next one. Returns the URL and the drop.
 */
export async function freshDatabase(baseUrl: string): Promise<{ url: string, drop: () => Promise<void> }> {
  const name = `yibao_bench_${process.pid}_${Date.now().toString(36)}`
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`CREATE DATABASE "${name}"`)
  }
  finally {
    await admin.end()
  }
  const url = new URL(baseUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const again = postgres(baseUrl, { max: 1, onnotice: () => {} })
      try {
        await again.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      }
      finally {
        await again.end()
      }
    },
  }
}

/**
 * Starts servers for one bench section and stops them all at the end, even when a later start fails
 * (a leaked child keeps the terminal's pipe open). With `DATABASE_URL` the section's BFFs share one fresh
 * database (two instances on one PostgreSQL, as in production), dropped when the section ends.
 */
export async function withServers<T>(run: (start: (p: Promise<Running>) => Promise<Running>) => Promise<T>): Promise<T> {
  const started: Running[] = []
  const start = async (p: Promise<Running>) => {
    const r = await p
    started.unshift(r)
    return r
  }
  const fresh = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL) : undefined
  sectionDatabaseUrl = fresh?.url
  try {
    return await run(start)
  }
  finally {
    for (const r of started) await r.stop()
    sectionDatabaseUrl = undefined
    await fresh?.drop()
  }
}
