// `pnpm bench`: figures, not pass/fail. Every server runs in its own process on this machine.
import type { Request } from 'autocannon'
import type { LoadResult } from './load'
import process from 'node:process'
import { benchEngine } from '@yibao/shared'
import { ceilingFigures } from './ceilings'
import { coverageFigures } from './coverage'
import { figures, goalTable, writeJson } from './goals'
import { lighthouseFigures } from './lighthouse'
import { load, table } from './load'
import { record } from './goals'
import { integrityFigures } from './integrity'
import { paymentFigures } from './payments'
import { sessionOn, signInResident } from './sign-in'
import { slipFigures } from './slips'
import { NHSA_PATH, nhsaEnvelope, startBff, startHello, startSandbox, withServers } from './processes'

const durationS = Number(process.env.BENCH_DURATION ?? 10)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10)

/** One 50 000 元 Dongying stay of a 低保 resident at a level-3 hospital (fen), as the estimator page sends it. */
const ESTIMATE_BODY = JSON.stringify({ policy: 'dongying-2020', statuses: ['minimum_living'], hospitalLevel: 3, referred: true, total: 5_000_000, outOfList: 500_000 })

/**
 * The estimate route is limited to 120 requests a minute per client IP; the BFF runs with TRUST_PROXY and
 * every 100 requests come from a new X-Forwarded-For address, so the figure includes the limiter's
 * database write on every request but no 429.
 */
function rotatingClientIps(): Request[] {
  let n = 0
  return [{
    method: 'POST',
    path: '/api/v1/estimates',
    setupRequest: (req: Request) => {
      const i = Math.floor(n++ / 100)
      return { ...req, headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` } }
    },
  }]
}

/** In-process estimates per second on this thread (goal ≥ 50 000/s on one core): best of three rounds. */
function engineFigures() {
  const rounds = [benchEngine(200_000), benchEngine(200_000), benchEngine(200_000)].map(r => r.opsPerSec)
  console.log('\n## Policy engine (in-process, one thread, 200 000 varied estimates per round)\n')
  console.log(`engine estimates/s: ${Math.max(...rounds).toLocaleString('en-US')} (best of 3; rounds ${rounds.map(r => r.toLocaleString('en-US')).join(', ')}; goal ≥ 50,000)`)
}

/** The public estimate API on a running BFF, next to a read of the same engine's data that touches no database. */
async function estimateRoute(bffUrl: string) {
  const rows = [
    await load({ label: 'BFF GET /api/v1/policies/:id (no DB)', url: `${bffUrl}/api/v1/policies/dongying-2020`, connections, durationS }),
    await load({ label: 'BFF POST /api/v1/estimates', url: bffUrl, method: 'POST', body: ESTIMATE_BODY, requests: rotatingClientIps(), connections, durationS }),
  ]
  const e = rows[1] as LoadResult
  console.log(`\n## Estimate route (${connections} connections, ${durationS} s each)\n`)
  console.log(table(rows))
  console.log(`\nPOST /api/v1/estimates: ${e.rps.toFixed(0)} req/s, p99 ${e.p99.toFixed(1)} ms (each request also does the rate limiter's database upsert)`)
}

async function profileRoute() {
  await withServers(async (start) => {
    const hello = await start(startHello())
    const sandbox = await start(startSandbox())
    const bff = await start(startBff(sandbox.url, { TRUST_PROXY: 'true' }))
    const uncached = await start(startBff(sandbox.url, { PERSON_READ_CACHE: 'false' }))
    const { DEMO_RESIDENT_CERT_NO } = await import('@yibao/sandbox')
    const person = { name: '张秀英', certNo: DEMO_RESIDENT_CERT_NO }
    const cookie = await signInResident(bff.url, sandbox.url, person)
    const cookieUncached = await sessionOn(uncached.url, sandbox.url, person, cookie)
    const envelope = nhsaEnvelope('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: DEMO_RESIDENT_CERT_NO, card_sn: '', begntime: '', psn_cert_type: '01', certno: DEMO_RESIDENT_CERT_NO, psn_name: '' } })
    const rows = [
      await load({ label: 'node:http hello-world', url: hello.url, connections, durationS }),
      await load({ label: 'sandbox 1101 alone (upstream)', url: `${sandbox.url}${NHSA_PATH}`, method: 'POST', body: envelope, headers: { 'content-type': 'application/json' }, connections, durationS }),
      await load({ label: 'BFF GET /api/v1/me/profile', url: `${bff.url}/api/v1/me/profile`, headers: { cookie }, connections, durationS }),
      await load({ label: 'BFF GET /api/v1/me/profile (PERSON_READ_CACHE=false)', url: `${uncached.url}/api/v1/me/profile`, headers: { cookie: cookieUncached }, connections, durationS }),
      // Session cost alone: the same route answers signed-out callers without touching the database.
      await load({ label: 'BFF GET /api/v1/session (no cookie)', url: `${bff.url}/api/v1/session`, connections, durationS }),
      await load({ label: 'BFF GET /api/v1/session (signed in)', url: `${bff.url}/api/v1/session`, headers: { cookie }, connections, durationS }),
    ]
    console.log(`\n## Profile route and session checks (${connections} connections, ${durationS} s each)\n`)
    console.log(table(rows))
    const [h, s, b, cold, anon, auth] = rows as [LoadResult, LoadResult, LoadResult, LoadResult, LoadResult, LoadResult]
    record('profile.upstream', s.rps)
    record('profile.cached', b.rps)
    record('profile.rps', cold.rps)
    console.log(`\nratios: BFF/upstream throughput ${(b.rps / s.rps * 100).toFixed(0)} %, BFF/hello-world ${(b.rps / h.rps * 100).toFixed(0)} %, upstream/hello-world ${(s.rps / h.rps * 100).toFixed(0)} %`)
    console.log(`every profile read asking the bureau (cache off): ${(cold.rps / s.rps * 100).toFixed(0)} % of the upstream alone`)
    console.log(`added p99 latency of the BFF over the upstream: ${(b.p99 - s.p99).toFixed(1)} ms; p50: ${(b.p50 - s.p50).toFixed(1)} ms`)
    console.log(`session checks: ${auth.rps.toFixed(0)} req/s signed in vs ${anon.rps.toFixed(0)} without a session (${(auth.rps / anon.rps * 100).toFixed(0)} %; goal ≥ 80 %)`)

    // The same BFF process answers the public estimate API (policy engine, no bureau call).
    await estimateRoute(bff.url)
  })
}

/** Staff sign-in cost: one argon2id verification with the production parameters (goal 50–250 ms). */
async function passwordFigures() {
  const { benchPasswordHash } = await import('@yibao/server/password')
  const r = await benchPasswordHash(10)
  const p = r.params
  console.log('\n## Staff password verification (argon2id, in-process)\n')
  console.log(`argon2id verify: median ${r.medianMs.toFixed(1)} ms of ${r.samples} (min ${r.minMs.toFixed(1)}, max ${r.maxMs.toFixed(1)}); m=${p.memoryCost} KiB, t=${p.timeCost}, p=${p.parallelism}; goal 50–250 ms`)
}

const sections: Record<string, () => unknown> = {
  ceilings: ceilingFigures,
  engine: engineFigures,
  password: passwordFigures,
  profile: profileRoute,
  coverage: () => coverageFigures({ connections, durationS }),
  slips: () => slipFigures({ connections, durationS }),
  payments: async () => integrityFigures(await paymentFigures({ connections })),
  lighthouse: lighthouseFigures,
}
// `pnpm bench coverage slips` runs just those sections; no names runs them all. `--json FILE` also writes
// the figures and the goals' outcome to FILE.
const args = process.argv.slice(2)
const jsonAt = args.indexOf('--json')
const jsonFile = jsonAt >= 0 ? args.splice(jsonAt, 2)[1] : undefined
if (jsonAt >= 0 && !jsonFile) throw new Error('--json takes a file name')
const chosen = args
const unknown = chosen.filter(name => !(name in sections))
if (unknown.length) throw new Error(`unknown bench section(s) ${unknown.join(', ')}; choose from ${Object.keys(sections).join(', ')}`)
for (const [name, section] of Object.entries(sections)) {
  if (chosen.length === 0 || chosen.includes(name)) await section()
}

const onPostgres = Boolean(process.env.DATABASE_URL)
console.log(`\n## Goals of issue 14 (${onPostgres ? 'PostgreSQL' : 'PGlite'}; a section that did not run shows "not run")\n`)
console.log(goalTable(onPostgres))
if (jsonFile) {
  writeJson(jsonFile, onPostgres)
  console.log(`\nfigures (${Object.keys(figures).length}) written to ${jsonFile}`)
}
