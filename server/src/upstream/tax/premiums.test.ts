import type { ServerType } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createSandbox, FIXTURE_CERT_NOS } from '@yibao/sandbox'
import { http, HttpResponse, passthrough } from 'msw'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { UpstreamError } from '../../lib/errors'
import { createLogger } from '../../lib/logger'
import { mswServer } from '../../testing/msw'
import { createTaxPremiums, PREMIUM_REFUND_PATH, refundRefusal } from './premiums'

// The adapter (node:http) against the real tax stand-in on a random port; MSW lets loopback traffic
// through, and answers a fake host where a test needs to see the request or send a broken reply.
const logger = createLogger('silent')
const CERT = FIXTURE_CERT_NOS.demoParent
/** 2026-11-22 12:00 Shanghai: 2027 collection is open, its benefit period not yet started. */
const NOV = new Date('2026-11-22T04:00:00Z')
let clock = NOV
let sandbox: ReturnType<typeof createSandbox>
let server: ServerType
let base = ''

const premiums = (baseUrl = base) => createTaxPremiums({ baseUrl, timeoutMs: 2000, logger })

async function rejection(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(() => null, (e: unknown) => e)
  expect(error).toBeInstanceOf(UpstreamError)
  return error as UpstreamError
}

beforeAll(async () => {
  // One port; a fresh sandbox (population, collected orders) per test.
  server = serve({ fetch: req => sandbox.app.fetch(req), port: 0, hostname: '127.0.0.1' })
  await new Promise(r => server.once('listening', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise(r => server.close(r))
})

beforeEach(() => {
  sandbox = createSandbox({ now: () => clock })
  mswServer.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()))
})

afterEach(() => {
  clock = NOV
})

describe('tax premiums: refund', () => {
  it('gets a collected premium approved for refund: 退费凭证号 back, payable again, idempotent', async () => {
    const tax = premiums()
    await tax.collect({ outTradeNo: 'YB20261122REF001', transactionId: '4200000001202611220001', paidAt: NOV, lines: [{ certNo: CERT, year: 2027, amountFen: 16_000 }] })
    expect((await tax.quote(CERT, undefined, 2027))?.status).toBe('paid')

    const p = { outRefundNo: 'RF20261122000001', outTradeNo: 'YB20261122REF001', certNo: CERT, year: 2027, amountFen: 16_000, reason: 'duplicate_enrolment' as const }
    const first = await tax.refund(p)
    expect(first).toEqual({ taxRefundNo: expect.stringMatching(/^TF\d{10}$/) })
    expect(await tax.quote(CERT, undefined, 2027)).toMatchObject({ status: 'payable', dueFen: 16_000 })
    expect(await tax.refund(p)).toEqual(first)
  })

  it('maps a refusal (2003 after the benefit year started) to UpstreamError rejected', async () => {
    const tax = premiums()
    await tax.collect({ outTradeNo: 'YB20261122REF002', transactionId: '4200000001202611220002', paidAt: NOV, lines: [{ certNo: CERT, year: 2027, amountFen: 16_000 }] })
    clock = new Date('2027-01-05T02:00:00Z')
    const error = await rejection(tax.refund({ outRefundNo: 'RF20261122000002', outTradeNo: 'YB20261122REF002', certNo: CERT, year: 2027, amountFen: 16_000, reason: 'overpaid' }))
    expect(error).toMatchObject({ system: 'tax', kind: 'rejected', detail: { upstreamCode: '2003', upstreamMessage: '该年度待遇享受期已开始，不予退费' } })
    // Nothing was refunded.
    expect((await tax.quote(CERT, undefined, 2027))?.status).toBe('paid')
  })

  it('maps the stand-in\'s refusals of partial refunds: 03 without overlap (2007), 05 not funded (2006)', async () => {
    const tax = premiums()
    const lines = [{ certNo: CERT, year: 2027, amountFen: 16_000 }]
    await tax.collect({ outTradeNo: 'YB20261122REF004', transactionId: '4200000001202611220004', paidAt: NOV, lines })
    clock = new Date('2027-04-10T02:00:00Z')
    const p = { outTradeNo: 'YB20261122REF004', certNo: CERT, year: 2027, amountFen: 10_000 }
    const overlap = await rejection(tax.refund({ ...p, outRefundNo: 'RF20270410000001', reason: 'employee_insurance' }))
    expect(refundRefusal(overlap)).toBe('REFUND_NO_OVERLAP')
    sandbox.state.residents.findPersonByCertNo(CERT)!.statuses = []
    const funded = await rejection(tax.refund({ ...p, outRefundNo: 'RF20270410000002', reason: 'funded' }))
    expect(refundRefusal(funded)).toBe('REFUND_NOT_FUNDED')
    expect((await tax.quote(CERT, undefined, 2027))?.status).toBe('paid')
  })

  it('sends the wire fields (reason codes 01–05, yuan amount) and rejects a broken reply', async () => {
    const seen: unknown[] = []
    let reply: unknown = { fhdm: '0000', fhxx: '退费审核通过', tkpzh: 'TF0000000042' }
    mswServer.use(http.post(`http://tax-refund.test${PREMIUM_REFUND_PATH}`, async ({ request }) => {
      seen.push(await request.json())
      return HttpResponse.json(reply as Record<string, unknown>)
    }))
    const tax = premiums('http://tax-refund.test')
    const reasons = ['died_before_benefit', 'duplicate_enrolment', 'employee_insurance', 'overpaid', 'funded'] as const
    for (const [i, reason] of reasons.entries()) {
      expect(await tax.refund({ outRefundNo: `RF00000${i}`, outTradeNo: 'YB20261122REF003', certNo: CERT, year: 2027, amountFen: 40_005, reason })).toEqual({ taxRefundNo: 'TF0000000042' })
    }
    expect(seen).toEqual(reasons.map((_, i) => ({ tkdh: `RF00000${i}`, ddh: 'YB20261122REF003', sfzjlx: '201', sfzjhm: CERT, jfnd: 2027, je: '400.05', tkyy: `0${i + 1}` })))

    reply = { fhxx: '退费审核通过' }
    expect(await rejection(tax.refund({ outRefundNo: 'RF000009', outTradeNo: 'YB20261122REF003', certNo: CERT, year: 2027, amountFen: 100, reason: 'overpaid' }))).toMatchObject({ kind: 'bad_response' })
    reply = { fhdm: '0000', fhxx: '退费审核通过' }
    expect(await rejection(tax.refund({ outRefundNo: 'RF000009', outTradeNo: 'YB20261122REF003', certNo: CERT, year: 2027, amountFen: 100, reason: 'overpaid' }))).toMatchObject({ kind: 'bad_response' })
  })
})
