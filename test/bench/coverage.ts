import type { Request } from 'autocannon'
import { record } from './goals'
import { load, table } from './load'
import { NHSA_PATH, nhsaEnvelope, startBff, startSandbox, withServers } from './processes'
import { sessionOn, signInResident } from './sign-in'

const TAX_PATH = '/tax/api/contribution/query'

/**
 * `GET /api/v1/coverage` makes four upstream calls (1101 and the tax query together, then 5206 and 5301
 * together). "Upstream alone" drives the sandbox with the same four requests in turn, so one coverage
 * answer is worth four upstream answers; the goal is ≥ 80 % of that. The BFF reuses a person's reads for
 * 30 s, so a second BFF with PERSON_READ_CACHE=false shows the cost when every request asks the bureau.
 */
export async function coverageFigures(opts: { connections: number, durationS: number }) {
  await withServers(async (start) => {
    const sandbox = await start(startSandbox())
    const bff = await start(startBff(sandbox.url))
    const uncached = await start(startBff(sandbox.url, { PERSON_READ_CACHE: 'false' }))
    const { DEMO_RESIDENT_CERT_NO } = await import('@yibao/sandbox')
    const residents = await (await fetch(`${sandbox.url}/__sandbox/residents?tag=demo`)).json() as { residents: { name: string, certNo: string, psnNo: string, region: { countyCode: string } }[] }
    const person = residents.residents.find(r => r.certNo === DEMO_RESIDENT_CERT_NO)!
    const admdvs = person.region.countyCode
    const year = '202611'
    const json = { 'content-type': 'application/json' }
    const sequence: Request[] = [
      { method: 'POST', path: NHSA_PATH, headers: json, body: nhsaEnvelope('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: person.certNo, card_sn: '', begntime: '', psn_cert_type: '01', certno: person.certNo, psn_name: '' } }) },
      { method: 'POST', path: TAX_PATH, headers: json, body: JSON.stringify({ sfzjlx: '201', sfzjhm: person.certNo }) },
      { method: 'POST', path: NHSA_PATH, headers: json, body: nhsaEnvelope('5206', { data: { psn_no: person.psnNo, cum_ym: year } }, admdvs) },
      { method: 'POST', path: NHSA_PATH, headers: json, body: nhsaEnvelope('5301', { data: { psn_no: person.psnNo } }, admdvs) },
    ]
    const cookie = await signInResident(bff.url, sandbox.url, person)
    const cookieUncached = await sessionOn(uncached.url, sandbox.url, person, cookie)
    for (const [url, c] of [[bff.url, cookie], [uncached.url, cookieUncached]] as const) {
      const check = await fetch(`${url}/api/v1/coverage`, { headers: { cookie: c } })
      if (!check.ok) throw new Error(`coverage route answered ${check.status}`)
    }

    const upstream = await load({ label: 'sandbox 1101+tax+5206+5301 alone (upstream)', url: sandbox.url, requests: sequence, connections: opts.connections, durationS: opts.durationS })
    const perCoverage = { ...upstream, label: '  = coverage answers/s upstream alone (÷4)', rps: upstream.rps / 4 }
    const route = await load({ label: 'BFF GET /api/v1/coverage (30 s per-person reuse)', url: `${bff.url}/api/v1/coverage`, headers: { cookie }, connections: opts.connections, durationS: opts.durationS })
    const cold = await load({ label: 'BFF GET /api/v1/coverage (PERSON_READ_CACHE=false)', url: `${uncached.url}/api/v1/coverage`, headers: { cookie: cookieUncached }, connections: opts.connections, durationS: opts.durationS })
    record('coverage.upstream', perCoverage.rps)
    record('coverage.rps', route.rps)
    record('coverage.cold', cold.rps)
    console.log(`\n## Coverage route (${opts.connections} connections, ${opts.durationS} s each; signed in by phone + SMS)\n`)
    console.log(table([upstream, perCoverage, route, cold]))
    console.log(`\nGET /api/v1/coverage: ${route.rps.toFixed(0)} req/s, p99 ${route.p99.toFixed(1)} ms; ${(route.rps / perCoverage.rps * 100).toFixed(0)} % of upstream-alone throughput for the same four calls (goal ≥ 80 %)`)
    console.log(`  every request to the bureau (cache off): ${cold.rps.toFixed(0)} req/s, p99 ${cold.p99.toFixed(1)} ms (${(cold.rps / perCoverage.rps * 100).toFixed(0)} %)`)
  })
}
