import type { Storage } from '../storage/types'
import { http, HttpResponse } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mswServer } from '../testing/msw'
import { NHSA_TEST_URL } from '../testing/nhsa-handlers'
import { createTestStorage } from '../testing/storage'
import { createTestApp } from '../testing/test-app'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

describe('health probes', () => {
  it('GET /healthz is 200 while the process runs', async () => {
    const res = await createTestApp({ storage }).client.healthz.$get()
    expect(await res.json()).toEqual({ status: 'ok' })
  })

  it('GET /readyz is 200 when the database and the bureau answer', async () => {
    const res = await createTestApp({ storage }).client.readyz.$get()
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ready', checks: { database: 'ok', nhsa: 'ok' }, detail: { openAnomalies: 0, outboxPending: 0 } })
  })

  it('GET /readyz is 503 naming the bureau when it cannot be reached', async () => {
    mswServer.use(http.head(`${NHSA_TEST_URL}/`, () => HttpResponse.error()))
    const res = await createTestApp({ storage }).client.readyz.$get()
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ status: 'not_ready', checks: { database: 'ok', nhsa: 'fail' }, detail: { openAnomalies: 0, outboxPending: 0 } })
  })
})
