import type { AddressInfo } from 'node:net'
import type { NhsaResponse } from '../nhsa/envelope'
import type { PersonInfoOutput } from '../nhsa/transactions/1101-person-info'
import { serve } from '@hono/node-server'
import { afterEach, describe, expect, it } from 'vitest'
import { createSandbox } from '../app'
import { NHSA_CALL_SERVICE_PATH } from '../nhsa/envelope'
import { DEMO_RESIDENT_CERT_NO } from '../seed/fixtures'
import { buildNhsaRequest, postNhsa } from '../testing'
import { FAULT_APPLIED_HEADER, parseFaultHeader } from './config'

const NOW = new Date('2026-06-15T10:00:00+08:00')
const request1101 = buildNhsaRequest('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: DEMO_RESIDENT_CERT_NO, certno: DEMO_RESIDENT_CERT_NO, psn_cert_type: '01' } })

function sandbox(options: Parameters<typeof createSandbox>[0] = {}) {
  return createSandbox({ now: () => NOW, ...options })
}

/** What a bad-shape 1101 output may look like. */
interface LooseOutput {
  baseinfo: Record<string, unknown>
  insuinfo: unknown
  idetinfo?: unknown
}

function withFault(value: string): RequestInit {
  return { headers: { 'X-Sandbox-Fault': value } }
}

describe('parseFaultHeader', () => {
  it('parses combined faults', () => {
    expect(parseFaultHeader('latency=20, status=503 ,timeout,malformed,bad-shape')).toEqual({
      ok: true,
      plan: { latencyMs: 20, status: 503, timeout: true, malformed: true, badShape: true },
    })
  })

  it.each(['latency', 'latency=-1', 'latency=70000', 'status=200', 'status=abc', 'timeout=5', 'explode'])('rejects %s', (value) => {
    expect(parseFaultHeader(value).ok).toBe(false)
  })
})

describe('per-request faults (X-Sandbox-Fault)', () => {
  it('rejects an unparseable header with 400 so test mistakes are loud', async () => {
    const res = await postNhsa(sandbox().app, request1101, withFault('explode'))
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('unknown fault')
  })

  it('latency delays the real answer by at least the given ms', async () => {
    const started = performance.now()
    const res = await postNhsa(sandbox().app, request1101, withFault('latency=120'))
    const elapsed = performance.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(115)
    expect(res.status).toBe(200)
    expect(((await res.json()) as NhsaResponse).infcode).toBe(0)
    expect(res.headers.get(FAULT_APPLIED_HEADER)).toBe('latency=120')
  })

  it('status=500 answers a plain-text body', async () => {
    const res = await postNhsa(sandbox().app, request1101, withFault('status=500'))
    expect(res.status).toBe(500)
    expect(res.headers.get('content-type')).toContain('text/plain')
    expect(await res.text()).toBe('500 Internal Server Error')
  })

  it('status=503 answers nginx HTML', async () => {
    const res = await postNhsa(sandbox().app, request1101, withFault('status=503'))
    expect(res.status).toBe(503)
    expect(res.headers.get('content-type')).toContain('text/html')
    expect(await res.text()).toContain('<title>503 Service Temporarily Unavailable</title>')
  })

  it('malformed answers 200 with JSON cut in half', async () => {
    const res = await postNhsa(sandbox().app, request1101, withFault('malformed'))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('application/json')
    const text = await res.text()
    expect(text.startsWith('{"infcode":0')).toBe(true)
    expect(() => JSON.parse(text)).toThrow()
  })

  it('bad-shape answers a valid envelope whose 1101 output lacks fields and has wrong types', async () => {
    const res = await postNhsa(sandbox().app, request1101, withFault('bad-shape'))
    expect(res.status).toBe(200)
    const body = (await res.json()) as NhsaResponse<LooseOutput>
    expect(body.infcode).toBe(0)
    expect(body.output?.baseinfo).not.toHaveProperty('psn_no')
    expect(body.output?.baseinfo).not.toHaveProperty('certno')
    expect(typeof body.output?.baseinfo.age).toBe('string')
    expect(typeof body.output?.baseinfo.gend).toBe('number')
    expect(Array.isArray(body.output?.insuinfo)).toBe(false)
    expect(body.output).not.toHaveProperty('idetinfo')
  })

  it('bad-shape on a failure envelope sends infcode as a string without err_msg', async () => {
    const res = await postNhsa(sandbox().app, buildNhsaRequest('9999', {}), withFault('bad-shape'))
    const body = (await res.json()) as Record<string, unknown>
    expect(body.infcode).toBe('-1')
    expect(body).not.toHaveProperty('err_msg')
  })

  it('combines latency with bad-shape and malformed', async () => {
    const started = performance.now()
    const res = await postNhsa(sandbox().app, request1101, withFault('latency=30,bad-shape,malformed'))
    expect(performance.now() - started).toBeGreaterThanOrEqual(25)
    const text = await res.text()
    expect(() => JSON.parse(text)).toThrow()
    expect(text).not.toContain('psn_no')
    expect(res.headers.get(FAULT_APPLIED_HEADER)).toBe('latency=30,bad-shape,malformed')
  })

  it('combines latency with status', async () => {
    const started = performance.now()
    const res = await postNhsa(sandbox().app, request1101, withFault('status=502,latency=30'))
    expect(performance.now() - started).toBeGreaterThanOrEqual(25)
    expect(res.status).toBe(502)
  })

  it('timeout with a short hold cap gives up with a 504 (the real cap is 60 s)', async () => {
    const sb = sandbox({ timeoutHoldMs: 40 })
    const res = await postNhsa(sb.app, request1101, withFault('timeout'))
    expect(res.status).toBe(504)
    expect(sb.state.heldRequests).toBe(0)
  })

  it('never faults /__sandbox routes', async () => {
    const res = await sandbox().app.request('/__sandbox/health', withFault('status=500'))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
  })
})

describe('timeout over real HTTP', () => {
  let close: (() => Promise<void>) | undefined

  afterEach(async () => {
    await close?.()
    close = undefined
  })

  it('holds the request until the client aborts, then releases it', async () => {
    const sb = sandbox()
    const server = serve({ fetch: sb.app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise<void>(resolve => server.once('listening', () => resolve()))
    close = () => new Promise<void>(resolve => server.close(() => resolve()))
    const { port } = server.address() as AddressInfo

    const started = performance.now()
    const call = fetch(`http://127.0.0.1:${port}${NHSA_CALL_SERVICE_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Sandbox-Fault': 'timeout' },
      body: JSON.stringify(request1101),
      signal: AbortSignal.timeout(150),
    })
    await expect(call).rejects.toThrow(/aborted|timeout/i)
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)

    // The server notices the closed connection and drops its timer.
    for (let i = 0; i < 50 && sb.state.heldRequests > 0; i++) await new Promise(resolve => setTimeout(resolve, 10))
    expect(sb.state.heldRequests).toBe(0)

    // And it still answers normally afterwards.
    const res = await fetch(`http://127.0.0.1:${port}${NHSA_CALL_SERVICE_PATH}`, { method: 'POST', body: JSON.stringify(request1101) })
    expect(((await res.json()) as NhsaResponse<PersonInfoOutput>).output?.baseinfo.psn_name).toBe('张秀英')
  })
})

describe('run-wide faults', () => {
  it('PUT /__sandbox/faults applies to every request until DELETE', async () => {
    const { app } = sandbox()
    const put = await app.request('/__sandbox/faults', { method: 'PUT', body: JSON.stringify({ status: 503 }) })
    expect(put.status).toBe(200)
    expect(await put.json()).toEqual({ ok: true, faults: { status: 503 } })
    expect((await postNhsa(app, request1101)).status).toBe(503)
    expect((await postNhsa(app, request1101)).status).toBe(503)
    expect(await (await app.request('/__sandbox/faults')).json()).toEqual({ faults: { status: 503 } })

    const del = await app.request('/__sandbox/faults', { method: 'DELETE' })
    expect(del.status).toBe(200)
    expect((await postNhsa(app, request1101)).status).toBe(200)
  })

  it('rejects an invalid config with 400 and keeps the old one', async () => {
    const { app, state } = sandbox({ faults: { malformed: true } })
    for (const body of ['{"rate":2}', '{"status":200}', '{"explode":true}', 'not json']) {
      const res = await app.request('/__sandbox/faults', { method: 'PUT', body })
      expect(res.status).toBe(400)
    }
    expect(state.faults.run).toEqual({ malformed: true })
  })

  it('takes faults from createSandbox options', async () => {
    const { app } = sandbox({ faults: { badShape: true } })
    const body = (await (await postNhsa(app, request1101)).json()) as NhsaResponse<LooseOutput>
    expect(Array.isArray(body.output?.insuinfo)).toBe(false)
  })

  it('limits faults to one infno', async () => {
    const { app } = sandbox({ faults: { status: 500, infno: '5301' } })
    expect((await postNhsa(app, request1101)).status).toBe(200)
    const { app: app2 } = sandbox({ faults: { status: 500, infno: '1101' } })
    expect((await postNhsa(app2, request1101)).status).toBe(500)
  })

  it('applies faults to the share of requests given by rate', async () => {
    const rolls = [0.1, 0.9, 0.29, 0.3]
    const { app } = sandbox({ faults: { status: 500, rate: 0.3 }, random: () => rolls.shift() ?? 1 })
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await postNhsa(app, request1101)).status)
    expect(statuses).toEqual([500, 200, 500, 200])
  })

  it('rate 0 never faults', async () => {
    const { app } = sandbox({ faults: { status: 500, rate: 0 } })
    for (let i = 0; i < 5; i++) expect((await postNhsa(app, request1101)).status).toBe(200)
  })

  it('lets the request header override the run config field by field', async () => {
    const { app } = sandbox({ faults: { status: 500 } })
    expect((await postNhsa(app, request1101, withFault('status=503'))).status).toBe(503)
  })
})
