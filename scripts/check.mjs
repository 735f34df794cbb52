// The test command (README): lint, type-check, unit + route + component tests, storage tests on
// PGlite and on PostgreSQL, the web build and its size budget, then the browser journeys.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import process from 'node:process'
import { bin, ensureInstalled, pnpm, ROOT, run, runOrExit } from './lib.mjs'

const CI = process.env.CI === 'true' || process.env.CI === '1'
// The PostgreSQL run is given TEST_DATABASE_URL explicitly; every other child (above all the PGlite run)
// must not inherit it, or the server suite would run twice on PostgreSQL and never on PGlite.
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined
delete process.env.TEST_DATABASE_URL
const REPORTS = join(ROOT, 'test-results/reports')
mkdirSync(REPORTS, { recursive: true })
const totals = { passed: 0, failed: 0, skipped: 0 }

/** Runs vitest; `mustPass` names tests (full-name substrings) that must have run and passed, not been skipped. */
function vitest(label, args, env = {}, mustPass = []) {
  const report = join(REPORTS, `${label.replace(/\W+/g, '-')}.json`)
  rmSync(report, { force: true })
  console.log(`\n▶ ${label}`)
  const status = run(bin('vitest'), ['run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], { env })
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'))
    totals.passed += r.numPassedTests
    totals.failed += r.numFailedTests
    totals.skipped += r.numPendingTests + (r.numTodoTests ?? 0)
    const results = r.testResults.flatMap(f => f.assertionResults)
    for (const name of mustPass) {
      const found = results.filter(t => t.fullName.includes(name))
      if (!found.length || found.some(t => t.status !== 'passed'))
        finish(1, `${label}: "${name}" must run and pass (${found.map(t => t.status).join(', ') || 'not found'})`)
    }
  }
  if (status !== 0) finish(status, `${label} failed`)
}

function finish(code, why) {
  console.log(`\nTests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
  if (why) console.error(`✗ ${why}`)
  process.exit(code)
}

function reachable(host, port) {
  return new Promise((ok) => {
    const s = connect({ host, port, timeout: 1500 }, () => { s.end(); ok(true) })
    s.on('error', () => ok(false)).on('timeout', () => { s.destroy(); ok(false) })
  })
}

async function postgresUrl() {
  const url = TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
  const { hostname, port } = new URL(url)
  if (await reachable(hostname, Number(port || 5432))) return url
  // Debian's cluster, as on the CI machines.
  if (spawnSync('sh', ['-c', 'command -v pg_ctlcluster'], { stdio: 'ignore' }).status === 0) {
    spawnSync('sh', ['-c', 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | tail -1) main start'], { stdio: 'inherit' })
    if (await reachable(hostname, Number(port || 5432))) return url
  }
  return null
}

function ensureChromium() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (existsSync(path)) return
  if (process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0) {
    runOrExit('installing Debian chromium and a CJK font (apt-get)', 'sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei'])
    return
  }
  finish(1, `Chromium not found at ${path}. Install Debian's chromium (apt-get install chromium fonts-wqy-microhei) or set CHROMIUM_PATH.`)
}

/** The CJK font the PDFs embed (server/src/lib/pdf.ts); their route tests need it. */
function ensureCjkFont() {
  const fonts = ['/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc']
  if (process.env.SLIP_PDF_FONT || fonts.some(f => existsSync(f))) return
  if (process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0) {
    runOrExit('installing a CJK font for slip PDFs (apt-get fonts-wqy-microhei)', 'sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei'])
    return
  }
  console.warn('\n! No CJK font found: the slip PDF tests will fail. Install fonts-wqy-microhei or set SLIP_PDF_FONT.')
}

ensureInstalled()
ensureCjkFont()
runOrExit('lint (eslint)', bin('eslint'), ['--cache', '.'])
runOrExit('type-check (vue-tsc -b)', bin('vue-tsc'), ['-b'])
// The published contract (issue 11): written from the routes, then linted with Redocly's strict rules.
const OPENAPI = join(ROOT, 'test-results/openapi.json')
runOrExit('OpenAPI document (pnpm openapi)', bin('tsx'), [join(ROOT, 'server/scripts/openapi.ts'), OPENAPI])
runOrExit('OpenAPI lint (redocly lint, recommended-strict)', bin('redocly'), ['lint', OPENAPI], {
  env: { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
})
// Each storage run states its driver; server/src/storage/driver.test.ts fails if the storage is another.
console.log('\n  storage driver: pglite (TEST_DATABASE_URL removed from the environment)')
// The route fuzz (issue 10): every route swept with arbitrary Unicode, on each driver; never skipped.
const FUZZ = ['callers without a 5xx, refusing in Chinese', 'refused hostile text in each text field']
const pgliteMustPass = ['PGlite data directory', 'the test database driver', ...FUZZ]
vitest('unit, route, component and storage tests (PGlite)', [], { EXPECT_DB_DRIVER: 'pglite' }, pgliteMustPass)
// The crash tests spawn the real BFF and kill -9 it at each payment step (their own project: heavy, no MSW).
const crashMustPass = ['kill -9 at each step', 'after every crash']
vitest('crash tests (PGlite)', ['-c', 'server/vitest.crash.config.ts'], { EXPECT_DB_DRIVER: 'pglite' }, crashMustPass)

const pg = await postgresUrl()
if (pg) {
  console.log(`\n  storage driver: postgres (TEST_DATABASE_URL=${pg.replace(/\/\/[^@/]*@/, '//…@')})`)
  const mustPass = ['several BFF instances on one PostgreSQL', 'the test database driver', ...FUZZ]
  const env = { TEST_DATABASE_URL: pg, EXPECT_DB_DRIVER: 'postgres' }
  vitest('storage and route tests on PostgreSQL', ['--project', 'server'], env, mustPass)
  vitest('crash tests on PostgreSQL', ['-c', 'server/vitest.crash.config.ts'], env, crashMustPass)
}
else if (CI) finish(1, 'PostgreSQL is not reachable: CI must run the storage tests on it')
else console.warn('\n! PostgreSQL not reachable: skipped the PostgreSQL storage run (set TEST_DATABASE_URL)')

pnpm('web build', ['--filter', '@yibao/web', 'build'])
runOrExit('bundle budget', process.execPath, [join(ROOT, 'scripts/bundle-budget.mjs')])
ensureChromium()
vitest('browser journeys (Playwright + Chromium, 375 px)', ['-c', 'test/vitest.e2e.config.ts'])
finish(totals.failed > 0 ? 1 : 0)
