import type { ChildProcess } from 'node:child_process'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import process from 'node:process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * Production runs the BFF as compiled JavaScript under plain `node` (issue 14): `pnpm start` builds
 * server/dist/main.mjs with server/scripts/build.mjs and then execs `node server/dist/main.mjs`. This builds the
 * bundle the same way, starts it exactly so on PGlite with the embedded sandbox, and looks at what runs.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const BUNDLE = join(ROOT, 'server/dist/main.mjs')
const WORKER = join(ROOT, 'server/dist/pdf-worker.mjs')

let bff: ChildProcess
let dataDir: string
let origin: string
let output = ''

/** Resolves with the BFF's URL once it logs that it listens; rejects if it exits first. */
function listening(child: ChildProcess): Promise<string> {
  return new Promise((ok, fail) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString()
      for (const line of output.split('\n')) {
        if (!line.startsWith('{')) continue
        const entry = JSON.parse(line) as { msg?: string, url?: string }
        if (entry.msg === 'yibao BFF listening' && entry.url) ok(entry.url)
      }
    }
    child.stdout!.on('data', read)
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.once('exit', code => fail(new Error(`the BFF exited (${code}) before listening:\n${output}`)))
  })
}

/** Direct children of `pid`, from /proc (the BFF may have threads, never other processes). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc').filter(d => /^\d+$/.test(d)).filter((d) => {
    try {
      // Field 4 of /proc/PID/stat, after the command name in parentheses, is the parent's pid.
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid
    }
    catch {
      return false // the process ended meanwhile
    }
  }).map(Number)
}

beforeAll(async () => {
  const build = spawnSync(process.execPath, [join(ROOT, 'server/scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8' })
  expect(build.status, build.stderr).toBe(0)
  dataDir = mkdtempSync(join(tmpdir(), 'yibao-prod-start-'))
  // A clean environment: nothing inherited (no NODE_OPTIONS, no loader), as a service manager would start it.
  bff = spawn(process.execPath, [BUNDLE], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, PORT: '0', SANDBOX_PORT: '0', DATA_DIR: join(dataDir, 'pglite'), LOG_LEVEL: 'info' },
  })
  origin = await listening(bff)
}, 120_000)

afterAll(async () => {
  if (bff?.exitCode === null) {
    const exited = new Promise(ok => bff.once('exit', ok))
    bff.kill('SIGTERM')
    await exited
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
}, 30_000)

describe('the production BFF: server/dist/main.mjs under plain node', () => {
  it('answers the probes: PGlite migrated from the migrations beside the bundle, the sandbox bundled', async () => {
    const live = await fetch(`${origin}/healthz`)
    expect(await live.json()).toEqual({ status: 'ok' })
    const ready = await fetch(`${origin}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok', nhsa: 'ok' } })
  })

  it('is one node process running the bundle: no tsx, no loader, no launcher, no child process', () => {
    const pid = bff.pid!
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
    expect(argv).toEqual([process.execPath, BUNDLE])
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')
    expect(environ.filter(v => v.startsWith('NODE_OPTIONS='))).toEqual([])
    expect(childrenOf(pid)).toEqual([])
    // Nothing in the bundle loads TypeScript at run time: not tsx, not our packages' .ts sources (bundled in).
    const bundle = readFileSync(BUNDLE, 'utf8')
    expect(bundle).not.toMatch(/(?:from\s*|import\s*\(\s*|require\s*\(\s*)["'](?:tsx|@yibao\/)/)
    expect(readFileSync(WORKER, 'utf8')).not.toMatch(/(?:from\s*|import\s*\(\s*|require\s*\(\s*)["'](?:tsx|@yibao\/)/)
  })

  it('renders PDFs on a worker thread from pdf-worker.mjs beside the bundle, under plain node', () => {
    expect(readFileSync(BUNDLE, 'utf8')).toContain('"./pdf-worker.mjs"')
    const job = {
      kind: 'certificate',
      certificate: {
        name: '王桂兰',
        certNoMasked: '370502********2021',
        regionCode: '370502',
        years: [{ year: 2026, categoryLabel: null, statusLabel: '正常参保', paid: true, fullyFunded: false }],
        code: 'ABCD-EFGH-JKMN',
        issuedAt: new Date('2026-11-22T04:00:00Z'),
        validUntil: '2026-12-22',
      },
      origin: 'https://yibao.example.gov.cn',
    }
    // As lib/pdf-pool.ts runs it in the bundle: a piscina thread on the compiled worker, no loader.
    const script = `
      const { Piscina } = await import('piscina')
      const job = JSON.parse(process.argv[1], (k, v) => k === 'issuedAt' ? new Date(v) : v)
      const pool = new Piscina({ filename: ${JSON.stringify(pathToFileURL(WORKER).href)}, maxThreads: 1 })
      const bytes = await pool.run({ job, fontSetting: undefined })
      await pool.destroy()
      process.stdout.write(Buffer.from(bytes).subarray(0, 5).toString('latin1') + ' ' + bytes.length)
    `
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(job)], {
      cwd: join(ROOT, 'server'),
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    })
    expect(run.stderr).toBe('')
    const [magic, size] = run.stdout.split(' ')
    expect(magic).toBe('%PDF-')
    expect(Number(size)).toBeGreaterThan(10_000)
  })
})
