import type { Request } from 'autocannon'
import { record } from './goals'
import { load, table } from './load'
import { NHSA_PATH, nhsaEnvelope, startBff, startSandbox, withServers } from './processes'
import { sessionOn, signInResident } from './sign-in'

/**
 * Settlement slips: `GET /api/v1/slips/:setlId` makes two upstream calls in turn (1101 for the person's
 * psn_no, then 5203), so it is shown next to the sandbox answering 5203 alone and the same 1101 + 5203
 * pair. The explanation (1101, 5203, 5260, 5203 per earlier slip of the year) and the PDF (1101, 5203,
 * a pdfkit render with a subset CJK font) are measured too. The slip is 韦秀珍's second 2025 stay (one
 * earlier slip that year).
 */
export async function slipFigures(opts: { connections: number, durationS: number }) {
  await withServers(async (start) => {
    const sandbox = await start(startSandbox())
    const bff = await start(startBff(sandbox.url))
    const uncached = await start(startBff(sandbox.url, { PERSON_READ_CACHE: 'false' }))
    const { generateSeed, generateSettlements } = await import('@yibao/sandbox')
    const slip = generateSettlements(generateSeed()).find(s => s.scriptKey === 'weixiuzhen-2025-b')!
    const residents = await (await fetch(`${sandbox.url}/__sandbox/residents?county=522732`)).json() as { residents: { name: string, certNo: string, psnNo: string }[] }
    const person = residents.residents.find(r => r.psnNo === slip.psnNo)!
    const json = { 'content-type': 'application/json' }
    const info5203 = nhsaEnvelope('5203', { data: { psn_no: person.psnNo, setl_id: slip.setlId, mdtrt_id: '' } }, slip.admdvs)
    const pair: Request[] = [
      { method: 'POST', path: NHSA_PATH, headers: json, body: nhsaEnvelope('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: person.certNo, card_sn: '', begntime: '', psn_cert_type: '01', certno: person.certNo, psn_name: '' } }) },
      { method: 'POST', path: NHSA_PATH, headers: json, body: info5203 },
    ]
    const cookie = await signInResident(bff.url, sandbox.url, person)
    const cookieUncached = await sessionOn(uncached.url, sandbox.url, person, cookie)
    for (const path of ['', '/explanation', '/pdf']) {
      const check = await fetch(`${bff.url}/api/v1/slips/${slip.setlId}${path}`, { headers: { cookie } })
      if (!check.ok) throw new Error(`slip route ${path || '/'} answered ${check.status}`)
      await check.arrayBuffer()
    }

    const alone = await load({ label: 'sandbox 5203 alone (upstream)', url: `${sandbox.url}${NHSA_PATH}`, method: 'POST', body: info5203, headers: json, connections: opts.connections, durationS: opts.durationS })
    const both = await load({ label: 'sandbox 1101+5203 alone (upstream)', url: sandbox.url, requests: pair, connections: opts.connections, durationS: opts.durationS })
    const perSlip = { ...both, label: '  = slip answers/s upstream alone (÷2)', rps: both.rps / 2 }
    const detail = await load({ label: 'BFF GET /api/v1/slips/:setlId (per-person reuse)', url: `${bff.url}/api/v1/slips/${slip.setlId}`, headers: { cookie }, connections: opts.connections, durationS: opts.durationS })
    const cold = await load({ label: 'BFF GET /api/v1/slips/:setlId (cache off)', url: `${uncached.url}/api/v1/slips/${slip.setlId}`, headers: { cookie: cookieUncached }, connections: opts.connections, durationS: opts.durationS })
    const explanation = await load({ label: 'BFF GET …/:setlId/explanation', url: `${bff.url}/api/v1/slips/${slip.setlId}/explanation`, headers: { cookie }, connections: opts.connections, durationS: opts.durationS })
    const pdf = await load({ label: 'BFF GET …/:setlId/pdf', url: `${bff.url}/api/v1/slips/${slip.setlId}/pdf`, headers: { cookie }, connections: opts.connections, durationS: opts.durationS })
    record('slip.upstream', perSlip.rps)
    record('slip.rps', detail.rps)
    record('slip.cold', cold.rps)
    record('pdf.rps', pdf.rps)
    record('pdf.p99', pdf.p99)
    console.log(`\n## Settlement slips (${opts.connections} connections, ${opts.durationS} s each; signed in by phone + SMS)\n`)
    console.log(table([alone, both, perSlip, detail, cold, explanation, pdf]))
    console.log(`\nGET /api/v1/slips/:setlId: ${detail.rps.toFixed(0)} req/s, p99 ${detail.p99.toFixed(1)} ms; ${(detail.rps / perSlip.rps * 100).toFixed(0)} % of upstream-alone throughput for the same two calls (goal ≥ 80 %); sandbox 5203 alone ${alone.rps.toFixed(0)} req/s, p99 ${alone.p99.toFixed(1)} ms`)
    console.log(`  every request to the bureau (cache off): ${cold.rps.toFixed(0)} req/s, p99 ${cold.p99.toFixed(1)} ms (${(cold.rps / perSlip.rps * 100).toFixed(0)} %)`)
  })
}
