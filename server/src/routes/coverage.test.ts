import type { Storage } from '../storage/types'
import { eq } from 'drizzle-orm'
import { http, HttpResponse } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditForSubject } from '../storage/audit'
import { coverageCache } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { mswServer } from '../testing/msw'
import { DONGYING_ADULT, DONGYING_CHILD, FENGXIANG_CHILD, GUIZHOU_POVERTY, NHSA_TEST_ENDPOINT } from '../testing/nhsa-handlers'
import { createTestStorage } from '../testing/storage'
import { TAX_TEST_ENDPOINT } from '../testing/tax-handlers'
import { createTestApp } from '../testing/test-app'
import { json } from '../testing/http'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

const NOON = new Date('2026-11-22T04:00:00Z')
async function signIn(person: { psn_name: string, certno: string }, now = NOON) {
  const t = createTestApp({ storage, now: () => now })
  const b = new TestBrowser(t.app)
  await b.signInDirect(t.deps, { name: person.psn_name, certNo: person.certno })
  return { ...t, b }
}

/** The bureau holds 5206 (or `infno`) until the adapter gives up; every other call is answered normally. */
function holdTransaction(infno: string) {
  mswServer.use(http.post(NHSA_TEST_ENDPOINT, async ({ request }) => {
    const body = await request.clone().json() as { infno?: string }
    if (body.infno !== infno) return undefined
    await new Promise(r => setTimeout(r, 1000))
    return HttpResponse.json({})
  }))
}

describe('GET /api/v1/coverage (参保/待遇查询)', () => {
  it('returns one\'s own coverage: enrolment per year, the ordinary Dongying tiers, YTD usage in fen, chronic filings, next year unpaid', async () => {
    const { b, deps, logs } = await signIn(DONGYING_ADULT)
    const res = await b.request('/api/v1/coverage')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = await json(res)
    expect(body).toMatchObject({
      subject: { channel: 'self', linkId: null },
      stale: false,
      asOf: '2026-11-22T12:00:00.000+08:00',
      person: { name: '王**', certNo: '370502********2021', age: 58, regionCode: '370502' },
      year: 2026,
      current: { status: 'active', statusLabel: '正常参保', insuranceType: '390', insuranceTypeLabel: '城乡居民基本医疗保险', categoryLabel: '成年居民', regionCode: '370502', since: '2016-01-01', benefitPeriod: { from: '2026-01-01', to: '2026-12-31' }, waitingPeriod: null },
      entitlements: { policyId: 'dongying-2020', appliedStatus: null, critical: { group: 'ordinary', threshold: 1_600_000, cap: 40_000_000 }, assistance: { kind: 'none' } },
      // 8066.29 元 → 806 629 fen; 10 310.1 元 → 1 031 010 fen; last year's and the 392 rows are left out.
      usage: { year: 2026, basic: { paid: 806_629, cap: 25_000_000, remaining: 24_193_371 }, critical: { burden: 224_381, threshold: 1_600_000, toThreshold: 1_375_619, reached: false, paid: 0 }, assistance: null, inpatientTotal: 1_031_010, inpatientStays: 1 },
      chronic: [
        { code: 'M04500', name: '慢性阻塞性肺疾病', since: '2020-01-01', until: '2025-12-31', twoDiseases: false, active: false },
        { code: 'M03900', name: '高血压（两病）', since: '2019-03-01', until: null, twoDiseases: true, active: true },
      ],
      specialStatuses: [],
      nextYear: { year: 2027, status: 'unpaid', amount: 40_000, paidAt: null },
    })
    expect(body.years.map((y: { year: number, statusLabel: string, amount: number }) => `${y.year} ${y.statusLabel} ${y.amount}`)).toEqual(['2026 正常参保 40000', '2025 正常参保 40000', '2024 正常参保 40000'])
    expect(body.entitlements.basic.levels[2]).toEqual({ level: 3, deductible: 100_000, rate: 0.6 })
    const text = JSON.stringify(body)
    expect(text).not.toContain(DONGYING_ADULT.certno)
    expect(text).not.toContain(DONGYING_ADULT.psn_name)
    expect(text).not.toContain(DONGYING_ADULT.psn_no)

    const events = await listAuditForSubject(storage.db, deps.vault.ref(DONGYING_ADULT.certno))
    expect(events[0]).toMatchObject({ action: 'coverage.read', channel: 'self', success: true, subjectMasked: '370502********2021', target: null, detail: null })
    expect(logs.join('')).not.toContain(DONGYING_ADULT.certno)
  })

  it('returns a bound grandchild\'s coverage with a waiting period after a late payment and next year paid, audited as family', async () => {
    const { b, deps } = await signIn(DONGYING_ADULT)
    const link = await json(await b.request('/api/v1/family/links', { method: 'POST', json: { name: DONGYING_CHILD.psn_name, certNo: DONGYING_CHILD.certno } }))
    expect(link.status).toBe('active')
    const res = await b.request(`/api/v1/coverage?member=${link.id}`)
    expect(res.status).toBe(200)
    const body = await json(res)
    expect(body).toMatchObject({
      subject: { channel: 'family', linkId: link.id },
      person: { name: '刘**', certNo: '370502********0825', age: 12 },
      current: {
        status: 'active',
        categoryLabel: '中小学生',
        // Paid on 2026-04-15, after the concentrated period: 3 months without benefits (assumed rule).
        waitingPeriod: { from: '2026-04-15', until: '2026-07-14', reason: 'late_payment', assumed: true },
        benefitPeriod: { from: '2026-07-15', to: '2026-12-31' },
      },
      // 5206 sent no cuminfo node at all: no usage this year.
      usage: { basic: { paid: 0 }, inpatientStays: 0 },
      chronic: [],
      // Paid by the person (channel 03): an amount paid, not 政府全额资助.
      nextYear: { year: 2027, status: 'paid', amount: 30_000, paidAt: '2026-10-20T08:00:00.000+08:00', fullyFunded: false },
    })
    expect(body.years.map((y: { year: number, status: string }) => `${y.year}:${y.status}`)).toEqual(['2026:active', '2025:suspended', '2024:active'])
    const events = await listAuditForSubject(storage.db, deps.vault.ref(DONGYING_CHILD.certno))
    expect(events[0]).toMatchObject({ action: 'coverage.read', channel: 'family', target: `family_link:${link.id}`, success: true })
  })

  it('IDOR: another resident\'s link id, a malformed id or no sign-in never reveal anything', async () => {
    const owner = await signIn(DONGYING_ADULT)
    const [link] = await json(await owner.b.request('/api/v1/family/links'))
    expect(link.status).toBe('active')
    const stranger = await signIn(GUIZHOU_POVERTY)
    const res = await stranger.b.request(`/api/v1/coverage?member=${link.id}`)
    expect(res.status).toBe(404)
    expect(await json(res)).toMatchObject({ error: { code: 'NOT_FOUND', message: '没有找到相关记录' } })
    expect((await stranger.b.request('/api/v1/coverage?member=not-a-uuid')).status).toBe(404)
    expect((await new TestBrowser(owner.app).request(`/api/v1/coverage?member=${link.id}`)).status).toBe(401)
    expect((await owner.b.request(`/api/v1/coverage?member=${link.id}`)).status).toBe(200)
  })

  it('words a bad query in Chinese, never zod\'s English (?member= too long, ?fresh=yes)', async () => {
    const { b } = await signIn(DONGYING_ADULT)
    for (const query of [`member=${'a'.repeat(200)}`, 'fresh=yes']) {
      const res = await b.request(`/api/v1/coverage?${query}`)
      const body = await json(res)
      expect([res.status, body.error.code], query).toEqual([400, 'VALIDATION_FAILED'])
      for (const message of Object.values(body.error.fields as Record<string, string>)) {
        expect(message, query).toMatch(/\p{Script=Han}/u)
        expect(message, query).not.toMatch(/[A-Z]{2,}/i)
      }
    }
  })

  it('gives a Guizhou poverty resident the halved threshold, 70 % assistance and string amounts in exact fen', async () => {
    const { b } = await signIn(GUIZHOU_POVERTY)
    const body = await json(await b.request('/api/v1/coverage'))
    expect(body).toMatchObject({
      person: { name: '杨**' },
      current: { status: 'active', regionCode: '522601' },
      entitlements: {
        policyId: 'guizhou-2019',
        appliedStatus: 'poverty_registered',
        appliedStatusLabel: '建档立卡贫困人口',
        critical: { group: 'poverty', threshold: 450_000, cap: null },
        assistance: { kind: 'ratio', rate: 0.7, limit: 5_000_000 },
        hospitalOutOfListShare: 0.1,
        referralFromLevel: 2,
      },
      usage: {
        basic: { paid: 3_000_000, remaining: 22_000_000 },
        critical: { burden: 900_000, reached: true, toThreshold: 0, paid: 123_450 },
        assistance: { paid: 500_029, limit: 5_000_000, remaining: 4_499_971 },
        inpatientTotal: 4_500_007,
        inpatientStays: 2,
      },
      specialStatuses: [
        { status: 'poverty_registered', label: '建档立卡贫困人口', since: '2018-03-01', until: null },
        { status: 'minimum_living', label: '低保对象', since: '2019-01-01', until: '2026-12-31' },
      ],
      chronic: [{ code: 'M01600', twoDiseases: true, active: true }],
      // 财政代缴: the government paid the whole personal share (政府全额资助), not the resident ¥0.00.
      nextYear: { year: 2027, status: 'paid', amount: 0, fullyFunded: true },
    })
    expect(body.years).toEqual([expect.objectContaining({ year: 2026, status: 'active', paid: true, amount: 0, fullyFunded: true })])
  })

  it('shows no years and next year "not open" when the tax bureau has no record (1001), and reads Shaanxi\'s cum_amt', async () => {
    const { b } = await signIn(FENGXIANG_CHILD)
    const body = await json(await b.request('/api/v1/coverage'))
    expect(body.years).toEqual([])
    expect(body.nextYear).toEqual({ year: 2027, status: 'not_open', amount: null, paidAt: null, fullyFunded: false })
    expect(body.entitlements.policyId).toBe('fengxiang-2020')
    expect(body.usage.inpatientTotal).toBe(29)
  })
})

describe('bureau down: the last good copy, marked stale', () => {
  it('returns 504 with the Chinese message when 5206 times out and there is no copy yet', async () => {
    const { b, deps } = await signIn(FENGXIANG_CHILD, new Date('2026-11-23T01:00:00Z'))
    // An earlier test of this file read this person's coverage: forget that copy.
    await storage.db.delete(coverageCache).where(eq(coverageCache.certRef, deps.vault.ref(FENGXIANG_CHILD.certno)))
    holdTransaction('5206')
    const res = await b.request('/api/v1/coverage')
    expect(res.status).toBe(504)
    expect(await json(res)).toMatchObject({ error: { code: 'UPSTREAM_TIMEOUT', message: '医保信息平台响应超时，请稍后再试' } })
  })

  it('serves the person\'s own last copy with stale: true and its asOf when 5206 times out', async () => {
    const first = await signIn(DONGYING_ADULT, new Date('2026-11-22T05:00:00Z'))
    expect((await json(await first.b.request('/api/v1/coverage'))).stale).toBe(false)

    const later = await signIn(DONGYING_ADULT, new Date('2026-11-22T09:30:00Z'))
    holdTransaction('5206')
    const res = await later.b.request('/api/v1/coverage')
    expect(res.status).toBe(200)
    const body = await json(res)
    expect(body).toMatchObject({ stale: true, asOf: '2026-11-22T13:00:00.000+08:00', subject: { channel: 'self' }, person: { name: '王**' }, usage: { basic: { paid: 806_629 } } })
    const events = await listAuditForSubject(storage.db, later.deps.vault.ref(DONGYING_ADULT.certno))
    expect(events[0]).toMatchObject({ action: 'coverage.read', channel: 'self', detail: { stale: true } })

    // The copy is sealed at rest.
    const [row] = await storage.db.select().from(coverageCache).where(eq(coverageCache.certRef, later.deps.vault.ref(DONGYING_ADULT.certno)))
    expect(row!.payloadEnc).toMatch(/^v1\./)
    expect(row!.payloadEnc).not.toContain('370502')
  })

  it('falls back the same way when the tax bureau answers 503', async () => {
    const { b } = await signIn(DONGYING_ADULT, new Date('2026-11-22T11:00:00Z'))
    mswServer.use(http.post(TAX_TEST_ENDPOINT, () => new HttpResponse('<html>503</html>', { status: 503 })))
    const body = await json(await b.request('/api/v1/coverage'))
    expect(body).toMatchObject({ stale: true, nextYear: { status: 'unpaid' } })
  })

  it('never serves one person\'s copy to another: a family member without a copy gets the 502', async () => {
    const owner = await signIn(DONGYING_ADULT)
    const [link] = await json(await owner.b.request('/api/v1/family/links'))
    await storage.db.delete(coverageCache).where(eq(coverageCache.certRef, owner.deps.vault.ref(DONGYING_CHILD.certno)))
    mswServer.use(http.post(NHSA_TEST_ENDPOINT, () => new HttpResponse('<html>Internal Error</html>', { status: 503 })))
    const res = await owner.b.request(`/api/v1/coverage?member=${link.id}`)
    expect(res.status).toBe(502)
    const text = await res.text()
    expect(text).toContain('UPSTREAM_UNAVAILABLE')
    expect(text).not.toContain('王**')
    // The owner's own copy is still theirs.
    expect((await json(await owner.b.request('/api/v1/coverage'))).stale).toBe(true)
  })
})

describe('reads reused for a short while, one person at a time', () => {
  /** Counts the requests that reach the bureau and the tax bureau while `run` goes. */
  async function upstreamCalls(run: () => Promise<void>): Promise<number> {
    let n = 0
    const count = ({ request }: { request: Request }) => {
      if (request.url === NHSA_TEST_ENDPOINT || request.url === TAX_TEST_ENDPOINT) n += 1
    }
    mswServer.events.on('request:start', count)
    try {
      await run()
    }
    finally {
      mswServer.events.removeListener('request:start', count)
    }
    return n
  }

  it('answers a second look within 30 s from the copy it just read, with that asOf, and asks the bureau again after', async () => {
    let now = new Date('2026-11-22T06:00:00Z')
    const t = createTestApp({ storage, now: () => now })
    const b = new TestBrowser(t.app)
    await b.signInDirect(t.deps, { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno })

    expect(await upstreamCalls(async () => { await b.request('/api/v1/coverage') })).toBe(4)
    now = new Date('2026-11-22T06:00:29Z')
    let body: { asOf: string, stale: boolean } | undefined
    expect(await upstreamCalls(async () => { body = await json(await b.request('/api/v1/coverage')) })).toBe(0)
    expect(body).toMatchObject({ asOf: '2026-11-22T14:00:00.000+08:00', stale: false })
    // Every look is still on the person's access record.
    const reads = (await listAuditForSubject(storage.db, t.deps.vault.ref(DONGYING_ADULT.certno))).filter(e => e.action === 'coverage.read' && e.requestId)
    expect(reads.length).toBeGreaterThanOrEqual(2)

    now = new Date('2026-11-22T06:00:31Z')
    expect(await upstreamCalls(async () => { body = await json(await b.request('/api/v1/coverage')) })).toBe(4)
    expect(body!.asOf).toBe('2026-11-22T14:00:31.000+08:00')

    // 刷新 asks the bureau at once, whatever the age of the copy.
    now = new Date('2026-11-22T06:00:35Z')
    expect(await upstreamCalls(async () => { body = await json(await b.request('/api/v1/coverage?fresh=1')) })).toBe(4)
    expect(body!.asOf).toBe('2026-11-22T14:00:35.000+08:00')
  })

  it('keeps each family member\'s copy apart from the binder\'s, and forgets a person whose premium was just paid', async () => {
    const t = createTestApp({ storage, now: () => NOON })
    const b = new TestBrowser(t.app)
    await b.signInDirect(t.deps, { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno })
    const [link] = await json(await b.request('/api/v1/family/links'))
    const own = await json(await b.request('/api/v1/coverage'))
    const child = await json(await b.request(`/api/v1/coverage?member=${link.id}`))
    expect(own.person.certNo).toBe('370502********2021')
    expect(child.person.certNo).not.toBe(own.person.certNo)
    expect(child.subject).toMatchObject({ channel: 'family', linkId: link.id })

    t.deps.personReads.forget(t.deps.vault.ref(DONGYING_ADULT.certno))
    expect(await upstreamCalls(async () => { await b.request('/api/v1/coverage') })).toBe(4)
    expect(await upstreamCalls(async () => { await b.request(`/api/v1/coverage?member=${link.id}`) })).toBe(0)
  })
})
