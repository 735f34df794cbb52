import type { ServerType } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import { createHash } from 'node:crypto'
import { serve } from '@hono/node-server'
import { createSandbox } from '@yibao/sandbox'
import { http, HttpResponse, passthrough } from 'msw'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { UpstreamError } from '../../lib/errors'
import { createLogger } from '../../lib/logger'
import { CARRIER_TEST_URL, carrierChecks, carrierVerdicts } from '../../testing/carrier-handlers'
import { mswServer } from '../../testing/msw'
import { createCarrierClient } from './client'
import { canonicalize, rpcSignature, rpcTimestamp } from './sign'

const logger = createLogger('silent')
const NOW = new Date('2026-11-15T02:00:00Z')
const PERSON = { name: '张秀英', certNo: '370502198603150420', phone: '13800138000' }

function client(overrides: Partial<Parameters<typeof createCarrierClient>[0]> = {}) {
  return createCarrierClient({
    baseUrl: CARRIER_TEST_URL,
    accessKeyId: 'sandbox-carrier-key',
    accessKeySecret: 'sandbox-carrier-secret',
    authCode: 'sandbox-auth-code',
    timeoutMs: 300,
    logger,
    now: () => NOW,
    ...overrides,
  })
}

async function rejection(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(() => null, (e: unknown) => e)
  expect(error).toBeInstanceOf(UpstreamError)
  return error as UpstreamError
}

afterEach(() => {
  carrierVerdicts.clear()
  carrierChecks.length = 0
})

describe('rpc signature (Alibaba Cloud signature version 1.0)', () => {
  it('matches the worked example of the Alibaba Cloud documentation', () => {
    const params = {
      Timestamp: '2016-02-23T12:46:24Z',
      Format: 'XML',
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      Version: '2014-05-26',
      SignatureVersion: '1.0',
    }
    expect(rpcSignature('GET', params, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=')
  })

  it('percent-encodes per RFC 3986 (space %20, * %2A, ~ kept) and sorts by name', () => {
    expect(canonicalize({ b: 'a b*~', a: '张', Signature: 'x' })).toBe('a=%E5%BC%A0&b=a%20b%2A~')
  })

  it('stamps UTC seconds without milliseconds', () => {
    expect(rpcTimestamp(new Date('2026-11-15T10:00:00.123+08:00'))).toBe('2026-11-15T02:00:00Z')
  })
})

describe('carrier client against the MSW carrier', () => {
  it('answers match, sending only SHA-256 hashes of the three elements', async () => {
    let body = ''
    mswServer.events.on('request:start', ({ request }) => {
      if (request.url === CARRIER_TEST_URL) void request.clone().text().then((t) => { body = t })
    })
    const result = await client().verifyThreeElements(PERSON)
    mswServer.events.removeAllListeners()
    expect(result).toEqual({ verdict: 'match', carrier: '中国移动', requestId: 'A1B2C3D4-0000-4000-8000-000000000001' })
    const sent = new URLSearchParams(body)
    expect(sent.get('Mask')).toBe('SHA256')
    expect(sent.get('InputNumber')).toBe(createHash('sha256').update(PERSON.phone).digest('hex'))
    expect(sent.get('CertCode')).toBe(createHash('sha256').update(PERSON.certNo).digest('hex'))
    expect(sent.get('Timestamp')).toBe('2026-11-15T02:00:00Z')
    expect(body).not.toContain(PERSON.phone)
    expect(body).not.toContain(PERSON.certNo)
    expect(body).not.toContain(encodeURIComponent(PERSON.name))
  })

  it('answers mismatch (IsConsistent 0) and unregistered (IsConsistent 2, 查无记录)', async () => {
    carrierVerdicts.set('13900000001', 'mismatch')
    carrierVerdicts.set('13900000002', 'unregistered')
    expect((await client().verifyThreeElements({ ...PERSON, phone: '13900000001' })).verdict).toBe('mismatch')
    expect((await client().verifyThreeElements({ ...PERSON, phone: '13900000002' })).verdict).toBe('unregistered')
    expect((await client().verifyThreeElements(PERSON)).verdict).toBe('match')
  })

  it('answers unknown for an IsConsistent value it does not know', async () => {
    mswServer.use(http.post(CARRIER_TEST_URL, () => HttpResponse.json({ Code: 'OK', Data: { IsConsistent: 3 } })))
    expect(await client().verifyThreeElements(PERSON)).toEqual({ verdict: 'unknown' })
  })

  it('throws a carrier timeout when the carrier never answers within the deadline', async () => {
    carrierVerdicts.set(PERSON.phone, 'timeout')
    const started = performance.now()
    const error = await rejection(client().verifyThreeElements(PERSON))
    expect(error).toMatchObject({ system: 'carrier', kind: 'timeout' })
    expect(performance.now() - started).toBeLessThan(2000)
  })

  it('throws unavailable on HTTP 500', async () => {
    carrierVerdicts.set(PERSON.phone, 'error')
    const error = await rejection(client().verifyThreeElements(PERSON))
    expect(error).toMatchObject({ system: 'carrier', kind: 'unavailable', detail: { status: 500 } })
  })

  it('throws rejected with the code when the carrier throttles the number (RequestFrequencyLimit)', async () => {
    carrierVerdicts.set(PERSON.phone, 'throttled')
    const error = await rejection(client().verifyThreeElements(PERSON))
    expect(error).toMatchObject({ kind: 'rejected', detail: { upstreamCode: 'RequestFrequencyLimit' } })
  })

  it('throws rejected when the signature is wrong (a bad secret)', async () => {
    const error = await rejection(client({ accessKeySecret: 'not-the-secret' }).verifyThreeElements(PERSON))
    expect(error).toMatchObject({ kind: 'rejected', detail: { status: 400, upstreamCode: 'SignatureDoesNotMatch' } })
  })

  it('throws bad_response on a body that is not JSON or lacks Code', async () => {
    mswServer.use(http.post(CARRIER_TEST_URL, () => new HttpResponse('<html>gateway</html>', { status: 200 })))
    expect(await rejection(client().verifyThreeElements(PERSON))).toMatchObject({ kind: 'bad_response' })
    mswServer.use(http.post(CARRIER_TEST_URL, () => HttpResponse.json({ Data: { IsConsistent: 1 } })))
    expect(await rejection(client().verifyThreeElements(PERSON))).toMatchObject({ kind: 'bad_response' })
  })

  it('throws rejected on Code OK without Data', async () => {
    mswServer.use(http.post(CARRIER_TEST_URL, () => HttpResponse.json({ Code: 'OK', Message: 'OK' })))
    const error = await rejection(client().verifyThreeElements(PERSON))
    expect(error).toMatchObject({ kind: 'rejected', detail: { upstreamCode: 'OK' } })
  })
})

describe('carrier client against the sandbox stand-in (its own signature check)', () => {
  let server: ServerType
  let base = ''
  const sandbox = createSandbox({ now: () => NOW, timeoutHoldMs: 5000 })

  beforeAll(async () => {
    server = serve({ fetch: sandbox.app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise(r => server.once('listening', r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise(r => server.close(r))
  })
  const loopback = () => mswServer.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\/.*/, () => passthrough()))
  const sandboxClient = (o: Partial<Parameters<typeof createCarrierClient>[0]> = {}) =>
    client({ baseUrl: `${base}/dytns/`, timeoutMs: 1000, ...o })
  const verdict = (phone: string, v: string) => fetch(`${base}/__sandbox/carrier/verdicts`, {
    method: 'PUT',
    body: JSON.stringify({ phone, verdict: v }),
    headers: { 'content-type': 'application/json' },
  })
  const ask = (phone: string, o: Parameters<typeof sandboxClient>[0] = {}) =>
    sandboxClient(o).verifyThreeElements({ ...PERSON, phone })
  const refusal = async (o: Parameters<typeof sandboxClient>[0]) =>
    (await rejection(sandboxClient(o).verifyThreeElements(PERSON))).detail.upstreamCode

  it('matches by default and answers each verdict set for a phone', async () => {
    loopback()
    expect(await sandboxClient().verifyThreeElements(PERSON)).toMatchObject({ verdict: 'match', carrier: '中国移动' })
    expect((await verdict('13300000001', 'mismatch')).status).toBe(200)
    expect((await verdict('13300000002', 'unregistered')).status).toBe(200)
    expect(await ask('13300000001')).toMatchObject({ verdict: 'mismatch', carrier: '中国电信' })
    expect((await ask('13300000002')).verdict).toBe('unregistered')
    const checksRes = await fetch(`${base}/__sandbox/carrier/checks`)
    const { checks } = await checksRes.json() as { checks: { inputNumber: string }[] }
    expect(checks).toHaveLength(3)
    expect(JSON.stringify(checks)).not.toContain(PERSON.phone)
  })

  it('times out and fails with 500 when told to, and the held request is let go', async () => {
    loopback()
    await verdict('13300000003', 'timeout')
    await verdict('13300000004', 'error')
    expect(await rejection(ask('13300000003', { timeoutMs: 200 }))).toMatchObject({ kind: 'timeout' })
    expect(await rejection(ask('13300000004'))).toMatchObject({ kind: 'unavailable' })
    await expect.poll(() => sandbox.state.heldRequests).toBe(0)
  })

  it('refuses a wrong signature, an unknown key and a timestamp off by more than 15 minutes', async () => {
    loopback()
    expect(await refusal({ accessKeySecret: 'wrong' })).toBe('SignatureDoesNotMatch')
    expect(await refusal({ accessKeyId: 'nobody' })).toBe('InvalidAccessKeyId.NotFound')
    const late = () => new Date(NOW.getTime() + 16 * 60_000)
    expect(await refusal({ now: late })).toBe('InvalidTimeStamp.Expired')
    expect(await refusal({ authCode: 'other' })).toBe('isv.InvalidAuthCode')
  })
})
