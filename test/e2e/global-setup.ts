import type { TestProject } from 'vitest/node'
import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import process from 'node:process'

const ROOT = resolve(import.meta.dirname, '../..')

/**
 * Seeded help-desk accounts: a Dongying (370500) clerk and supervisor (staff.spec), a Guizhou (520000)
 * supervisor (staff.spec's 异常处理), a clerk for pay.spec's desk QR, and a Fengxiang (610322) clerk for
 * desk-identity.spec's 换绑手机, and a Dongying admin for staff-admin.spec's 人员管理; e2e-console (Fengxiang) serves
 * desk-console.spec's resident at the 1280 px console.
 */
const E2E_STAFF = 'e2e-clerk:clerk:370500,e2e-supervisor:supervisor:370500,e2e-anomalies:supervisor:520000,'
  + 'e2e-cashier:clerk:370500,e2e-identity:clerk:610322,e2e-admin:admin:370500,'
  + 'e2e-certificate:clerk:610322,e2e-console:clerk:610322'

/**
 * The day the journeys run on, whatever the machine's date (SANDBOX_CLOCK: the app and its embedded
 * sandbox start their clock here and it runs on in real time; the browser contexts follow, see
 * `appNow` in browser.ts): inside the collection window of benefit year 2027 (1 Sep 2026 – 30 Jun 2027).
 */
const APP_CLOCK_START = '2026-11-15T10:00:00+08:00'

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => ok(port))
    }).on('error', fail)
  })
}

/** A running app (BFF + built web app + embedded sandbox) and how to stop it. */
export interface LaunchedApp {
  baseURL: string
  sandboxURL: string
  /** The app's clock: `start` (SANDBOX_CLOCK) at about `launchedAt` (machine ms; only differences count). */
  clock: { start: string, launchedAt: number }
  stop: () => Promise<void>
}

/**
 * Starts the app as a user would run it (built web app served by the BFF, embedded bureau sandbox, a fresh
 * PGlite data directory) on ports of its own, its clock starting at `clock` (SANDBOX_CLOCK) and `env` added.
 * The journeys' shared app comes from here (setup below); a journey that needs another date launches its own.
 */
export async function launchApp(clock: string, env: Record<string, string> = {}): Promise<LaunchedApp> {
  // E2E_WEB_DIST: another build of the web app (e.g. one journey run beside another that uses web/dist).
  const webDist = process.env.E2E_WEB_DIST ?? join(ROOT, 'web/dist')
  const dist = join(webDist, 'index.html')
  if (!existsSync(dist)) throw new Error(`${webDist} is missing: run \`pnpm build\` before the e2e journeys (pnpm test does).`)
  const dataDir = await mkdtemp(join(tmpdir(), 'yibao-e2e-'))
  const [port, sandboxPort] = [await freePort(), await freePort()]
  const launchedAt = Date.now()
  const child: ChildProcess = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['server/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      SANDBOX_PORT: String(sandboxPort),
      DATA_DIR: join(dataDir, 'pglite'),
      WEB_DIST_DIR: webDist,
      LOG_LEVEL: 'warn',
      TRUST_PROXY: 'true',
      SANDBOX_CLOCK: clock,
      // The PDFs render on a worker thread, as in production (NODE_ENV=test alone renders on the event loop).
      PDF_THREADS: '1',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await new Promise(r => child.once('exit', r))
    }
    await rm(dataDir, { recursive: true, force: true })
  }
  const baseURL = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 90_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode} before it was ready`)
    if (await fetch(`${baseURL}/readyz`).then(r => r.ok, () => false)) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error('the app did not become ready within 90 s')
    }
    await new Promise(r => setTimeout(r, 300))
  }
  return { baseURL, sandboxURL: `http://127.0.0.1:${sandboxPort}`, clock: { start: clock, launchedAt }, stop }
}

/** Starts the app the journeys share (launchApp) and shares its URLs, staff password and clock with them. */
export default async function setup(project: TestProject) {
  // Help-desk accounts for staff.spec.ts, created by the app at start-up (sandbox modes only; see
  // SEED_DEMO_STAFF in server/src/env.ts). The password is new every run.
  const staffPassword = `e2e-${randomBytes(12).toString('base64url')}`
  const app = await launchApp(APP_CLOCK_START, {
    SEED_DEMO_STAFF: E2E_STAFF,
    SEED_DEMO_STAFF_PASSWORD: staffPassword,
    EVOUCHER_TTL_S: '12',
  })
  project.provide('baseURL', app.baseURL)
  project.provide('sandboxURL', app.sandboxURL)
  project.provide('staffPassword', staffPassword)
  project.provide('appClock', app.clock)
  return app.stop
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string
    sandboxURL: string
    /** Password of the seeded help-desk accounts (E2E_STAFF). */
    staffPassword: string
    /** The app's clock: `start` (SANDBOX_CLOCK) at about `launchedAt` (machine ms; only differences count). */
    appClock: { start: string, launchedAt: number }
  }
}
