import type { Storage } from '../storage/types'
import { http, HttpResponse } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../lib/logger'
import { observeStatement } from '../lib/metrics'
import { callJson, callRaw } from '../upstream/http'
import { mswServer } from '../testing/msw'
import { NHSA_TEST_URL } from '../testing/nhsa-handlers'
import { createTestStorage } from '../testing/storage'
import { createTestApp } from '../testing/test-app'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage({ observeStatement }) })
afterAll(async () => { await storage.close() })

// What a caller may put in a path: an ID number, a receipt's verification code. Neither may reach a label.
const CERT_NO = '370502198603150420'
const RECEIPT_CODE = 'ABCD-EFGH-JKLM-NPQR'
const silent = createLogger('silent')

/** The value of one series in Prometheus text (`name{labels} value`), or undefined when it is not there. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find(l => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

async function scrape(app: ReturnType<typeof createTestApp>['app'], headers: Record<string, string> = {}) {
  const res = await app.request('/metrics', { headers })
  return { res, text: await res.text() }
}

describe('GET /metrics (Prometheus)', () => {
  it('shows requests by route pattern, method and status class, upstream calls by system and outcome, and the '
    + 'outbox and anomaly gauges', async () => {
    const { app } = createTestApp({ storage })
    await app.request('/healthz')
    await app.request('/healthz')
    await app.request(`/api/v1/receipts/${RECEIPT_CODE}`)
    await app.request(`/api/v1/no-such-thing/${CERT_NO}`)
    // Upstream calls as the adapters make them (every adapter calls through upstream/http.ts).
    const WXPAY = 'http://wechatpay.test/v3/pay/transactions/jsapi'
    mswServer.use(
      http.post(`${NHSA_TEST_URL}/metrics-ok`, () => HttpResponse.json({ infcode: 0 })),
      http.post(`${NHSA_TEST_URL}/metrics-down`, () => new HttpResponse('busy', { status: 503 })),
      http.post(WXPAY, () => HttpResponse.json({ code: 'PARAM_ERROR' }, { status: 400 })),
    )
    const call = { timeoutMs: 2000, logger: silent, operation: 'metrics test' }
    await callJson({ ...call, system: 'nhsa', url: `${NHSA_TEST_URL}/metrics-ok`, body: {} })
    const down = callJson({ ...call, system: 'nhsa', url: `${NHSA_TEST_URL}/metrics-down`, body: {} })
    await expect(down).rejects.toMatchObject({ kind: 'unavailable' })
    await callRaw({ ...call, system: 'wechatpay', method: 'POST', url: WXPAY, body: '{}' })

    const { res, text } = await scrape(app)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    expect(text).toContain('# TYPE yibao_http_requests_total counter')
    const healthz = 'method="GET",route="/healthz",status_class="2xx"'
    expect(sample(text, `yibao_http_requests_total{${healthz}}`)).toBe(2)
    expect(sample(text, `yibao_http_request_duration_seconds_count{${healthz}}`)).toBe(2)
    expect(sample(text, `yibao_http_request_duration_seconds_bucket{le="+Inf",${healthz}}`)).toBe(2)
    const receipts = 'method="GET",route="/api/v1/receipts/:code",status_class="4xx"'
    expect(sample(text, `yibao_http_requests_total{${receipts}}`)).toBe(1)
    expect(sample(text, 'yibao_http_requests_total{method="GET",route="unmatched",status_class="4xx"}')).toBe(1)
    expect(sample(text, 'yibao_upstream_calls_total{system="nhsa",outcome="ok"}')).toBe(1)
    expect(sample(text, 'yibao_upstream_calls_total{system="nhsa",outcome="unavailable"}')).toBe(1)
    expect(sample(text, 'yibao_upstream_calls_total{system="wechatpay",outcome="rejected"}')).toBe(1)
    expect(sample(text, 'yibao_upstream_call_duration_seconds_count{system="nhsa",outcome="ok"}')).toBe(1)
    // The data layer's statements, by family (the receipt check's rate limit is one upsert per request).
    const upserts = sample(text, 'yibao_db_statements_total{family="insert rate_limits",outcome="ok"}')
    expect(upserts).toBeGreaterThanOrEqual(1)
    expect(sample(text, 'yibao_db_statement_duration_seconds_count{family="insert rate_limits"}')).toBe(upserts)
    expect(sample(text, 'yibao_outbox_pending')).toBe(0)
    expect(sample(text, 'yibao_payment_anomalies_open')).toBe(0)
    // The process's own (prom-client's default set): resident memory for the RSS goals of issue 14.
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0)
    // Route patterns only: no ID number, no verification code, no raw path.
    expect(text).not.toContain(CERT_NO)
    expect(text).not.toContain(RECEIPT_CODE)
    expect(text).not.toContain('no-such-thing')
  })

  it('is the same 404 as a path that does not exist for an address outside METRICS_ALLOW', async () => {
    // Behind one trusted proxy: the client is the address it appended.
    const { app } = createTestApp({ storage, env: { TRUST_PROXY: 'true' } })
    const { res, text } = await scrape(app, { 'X-Forwarded-For': '203.0.113.7' })
    expect(res.status).toBe(404)
    const unknown = await app.request('/no-such-page', { headers: { 'X-Forwarded-For': '203.0.113.7' } })
    const { requestId: _, ...refusal } = (JSON.parse(text) as { error: { requestId?: string } }).error
    const { requestId: __, ...notFound } = (await unknown.json() as { error: { requestId?: string } }).error
    expect(refusal).toEqual(notFound)
    expect(refusal).toMatchObject({ code: 'ROUTE_NOT_FOUND' })
    expect(text).not.toContain('yibao_')
  })

  it('answers the operator\'s network as METRICS_ALLOW names it, and no one else', async () => {
    const { app } = createTestApp({ storage, env: { TRUST_PROXY: 'true', METRICS_ALLOW: '10.8.0.0/16, fd00:8::/32' } })
    expect((await scrape(app, { 'X-Forwarded-For': '10.8.3.4' })).res.status).toBe(200)
    expect((await scrape(app, { 'X-Forwarded-For': 'fd00:8::5' })).res.status).toBe(200)
    expect((await scrape(app, { 'X-Forwarded-For': '10.9.0.1' })).res.status).toBe(404)
    // This machine is no longer in the list.
    expect((await scrape(app, { 'X-Forwarded-For': '127.0.0.1' })).res.status).toBe(404)
    const closed = createTestApp({ storage, env: { METRICS_ALLOW: '' } }).app
    expect((await scrape(closed)).res.status).toBe(404)
  })

  it('is never answered through a proxy the BFF does not trust, nor at the public origin', async () => {
    // Without TRUST_PROXY a local proxy's requests all come from 127.0.0.1: a forwarded request is someone else's.
    const { app } = createTestApp({ storage })
    expect((await scrape(app)).res.status).toBe(200)
    expect((await scrape(app, { 'X-Forwarded-For': '127.0.0.1' })).res.status).toBe(404)
    expect((await scrape(app, { Forwarded: 'for=198.51.100.4' })).res.status).toBe(404)
    expect((await scrape(app, { 'X-Real-IP': '198.51.100.4' })).res.status).toBe(404)
    const behindOrigin = createTestApp({ storage, env: { PUBLIC_ORIGIN: 'https://yibao.example.gov.cn' } }).app
    expect((await behindOrigin.request('https://yibao.example.gov.cn/metrics')).status).toBe(404)
    expect((await behindOrigin.request('http://10.8.3.4:8787/metrics')).status).toBe(200)
  })
})
