import type { SandboxPerson } from '@yibao/sandbox'
import { randomUUID } from 'node:crypto'
import { FIXTURE_CERT_NOS } from '@yibao/sandbox'
import { shanghaiDate } from '@yibao/shared'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { TestBrowser } from '../testing/auth'
import { TEST_NOW, TEST_YEAR } from '../testing/clock'
import { json } from '../testing/http'
import { usePaymentStack } from '../testing/payment-stack'

/**
 * Issue 11, defect 1: the benefit year rolls over on 1 January (Shanghai, UTC+8), and coverage, the
 * premium quote, refunds and 异地就医备案 give the same answer about benefit year 2027 (`TEST_YEAR`) on
 * each side of it, on the stack's clock (the BFF and the bureau/tax sandbox read the same one):
 * - 31 Dec 2026 23:59:59 — 2027 paid or owed, not started: refundable for any reason;
 * - 1 Jan 2027 00:00 and 10 Jan — 2027 is the current year: paid → 正常参保, unpaid → 待缴费 (collection
 *   goes on until 30 June), no refund but for a death before it, 备案 only while covered;
 * - 1 Mar 00:00 — the February extension is over: still 待缴费 and payable, but a payment now is late
 *   (a waiting period), one made on 28 February is not.
 */
const { ctx, payForSelf } = usePaymentStack()
const YEAR = TEST_YEAR

const LAST_SECOND = '2026-12-31T23:59:59+08:00'
const NEW_YEAR = '2027-01-01T00:00:00+08:00'
const JAN_10 = '2027-01-10T10:00:00+08:00'
const MAR_1 = '2027-03-01T00:00:00+08:00'
const MAR_2 = '2027-03-02T10:00:00+08:00'
const ROLLED_OVER = [NEW_YEAR, JAN_10, MAR_1]

interface Who { name: string, certNo: string }

/** Stops the stack's clock at `instant` and signs `person` in afresh (a session idles out over a jump). */
async function at(instant: string, person: Who) {
  ctx.stack.clock.set(instant, { frozen: true })
  const browser = new TestBrowser(ctx.stack.app)
  await browser.signInDirect(ctx.stack.deps, person)
  return browser
}

const taken = new Set<string>()
/**
 * A living Dongying resident with 2026 paid (so they are covered until the year turns) whose 2027 record
 * at the tax bureau is as `want` says, as of the stack's clock.
 */
async function resident(want: (p: SandboxPerson, status: string) => boolean): Promise<Who> {
  for (const p of ctx.stack.sandbox.state.residents.listPersons({ policyRegion: '370500' })) {
    if (taken.has(p.certNo) || p.deathDate || !p.contributions.some(c => c.year === 2026 && c.paid)) continue
    if (!p.insurance.some(r => r.insutype === '390' && r.endDate === null)) continue
    const due = await ctx.stack.deps.premiums.quote(p.certNo, p.name, YEAR)
    if (due && want(p, due.status)) {
      taken.add(p.certNo)
      return { name: p.name, certNo: p.certNo }
    }
  }
  throw new Error('no such resident left')
}

/** Pays 2027 for oneself through the app at the stack's time; waits until the tax bureau holds it. */
async function payInApp(browser: TestBrowser) {
  const view = await payForSelf(browser, YEAR)
  return { orderId: view.id as string, lineId: view.lines[0].id as string }
}

/** A POST with a fresh Idempotency-Key. */
function post(browser: TestBrowser, path: string, body: unknown) {
  return browser.request(path, { method: 'POST', json: body, headers: { 'idempotency-key': randomUUID() } })
}

/** The body of a six-month trip from the Shanghai day of `instant`. */
const trip = (instant: string) =>
  ({ type: 'temporary', destination: '440300', phone: '13800138000', startDate: shanghaiDate(new Date(instant)) })

async function coverage(browser: TestBrowser) {
  const res = await browser.request('/api/v1/coverage?fresh=1')
  expect(res.status).toBe(200)
  return json(res)
}

async function quote(browser: TestBrowser): Promise<string> {
  return quoteOf(browser, YEAR)
}

async function quoteOf(browser: TestBrowser, year: number): Promise<string> {
  const body = { year, people: [{ kind: 'self' }] }
  const res = await browser.request('/api/v1/payments/quotes', { method: 'POST', json: body })
  expect(res.status).toBe(200)
  return (await json(res)).lines[0].status
}

function refund(browser: TestBrowser, paid: { orderId: string, lineId: string }) {
  return post(browser, '/api/v1/refunds', { ...paid, reason: 'overpaid' })
}

/**
 * Files a six-month trip starting today: the status code, and the filing cancelled again when it was
 * made (a person may hold one filing at a time).
 */
async function file(browser: TestBrowser, instant: string): Promise<{ status: number, code?: string }> {
  const res = await post(browser, '/api/v1/cross-region/filings', trip(instant))
  const reply = await json(res)
  if (res.status === 201) {
    const done = await post(browser, `/api/v1/cross-region/filings/${reply.id}/cancel`, { reason: '行程取消' })
    expect(done.status).toBe(200)
  }
  return { status: res.status, code: reply.error?.code }
}

/** The 2027 row of a coverage view. */
const row2027 = (view: { years: { year: number }[] }) => view.years.find(y => y.year === YEAR)

let appPaid: Who & { orderId: string, lineId: string }
let refundable: Who & { orderId: string, lineId: string }
let taxPaid: Who
let finance: Who
let unpaid: Who

beforeAll(async () => {
  ctx.stack.clock.set(TEST_NOW, { frozen: true })
  // Paid 2027 at a tax channel in the autumn (the tax bureau's own record, no order of ours).
  taxPaid = await resident((p, status) => status === 'paid')
  // 特困, 财政代缴 (凤翔): finance paid 2027 on 15 September.
  const fx = ctx.stack.sandbox.state.residents.findPersonByCertNo(FIXTURE_CERT_NOS.fengxiangExtremePoverty)!
  finance = { name: fx.name, certNo: fx.certNo }
  unpaid = await resident((p, status) => status === 'payable')
  const a = await resident((p, status) => status === 'payable')
  appPaid = { ...a, ...await payInApp(await at(TEST_NOW, a)) }
  const r = await resident((p, status) => status === 'payable')
  refundable = { ...r, ...await payInApp(await at(TEST_NOW, r)) }
})

beforeEach(() => ctx.stack.clock.set(TEST_NOW, { frozen: true }))

describe('the benefit year rolls over on 1 January (coverage, quote, refund and 备案 agree)', () => {
  it('31 Dec 23:59:59: 2026 is current and covered; 2027 paid or owed, refundable, 备案 open to all', async () => {
    for (const who of [appPaid, taxPaid, finance]) {
      const b = await at(LAST_SECOND, who)
      const view = await coverage(b)
      expect(view).toMatchObject({
        year: 2026,
        current: { status: 'active' },
        nextYear: { year: YEAR, status: 'paid' },
      })
      expect(await quote(b)).toBe('paid')
      expect(await file(b, LAST_SECOND)).toEqual({ status: 201 })
    }
    const b = await at(LAST_SECOND, unpaid)
    const owed = await coverage(b)
    expect(owed).toMatchObject({ year: 2026, current: { status: 'active' } })
    expect(owed.nextYear).toMatchObject({ year: YEAR, status: 'unpaid' })
    expect(await quote(b)).toBe('payable')
    expect(await file(b, LAST_SECOND)).toEqual({ status: 201 })

    // The last second before the benefit year: an ordinary refund reason is still taken.
    const res = await refund(await at(LAST_SECOND, refundable), refundable)
    expect(res.status).toBe(201)
    expect(await json(res)).toMatchObject({ year: YEAR, reason: 'overpaid' })
  })

  for (const instant of ROLLED_OVER) {
    it(`${instant}: a paid 2027 (in the app, at the tax bureau, by finance for 特困) is 正常参保`, async () => {
      for (const who of [appPaid, taxPaid, finance]) {
        const b = await at(instant, who)
        const view = await coverage(b)
        expect(view.year).toBe(YEAR)
        const benefitPeriod = { from: '2027-01-01', to: '2027-12-31' }
        expect(view.current).toMatchObject({ status: 'active', statusLabel: '正常参保', benefitPeriod })
        expect(row2027(view)).toMatchObject({ status: 'active', statusLabel: '正常参保', paid: true, benefitPeriod })
        expect(view.nextYear).toMatchObject({ year: YEAR + 1, status: 'not_open' })
        // The quote agrees: the year is paid.
        expect(await quote(b)).toBe('paid')
        // Covered: 备案 may be filed.
        expect(await file(b, instant)).toEqual({ status: 201 })
      }
      // The benefit year has started: an ordinary reason is refused, without asking the bureau.
      const res = await refund(await at(instant, appPaid), appPaid)
      expect(res.status).toBe(409)
      expect(await json(res)).toMatchObject({ error: { code: 'REFUND_BENEFIT_STARTED' } })
    })

    it(`${instant}: an unpaid 2027 is 待缴费 while collection is open, payable, and not covered for 备案`, async () => {
      const b = await at(instant, unpaid)
      const view = await coverage(b)
      expect(view.year).toBe(YEAR)
      expect(view.current).toMatchObject({ status: 'pending', statusLabel: '待缴费', benefitPeriod: null })
      expect(row2027(view)).toMatchObject({ status: 'pending', statusLabel: '待缴费', paid: false, benefitPeriod: null })
      expect(await quote(b)).toBe('payable')
      const refused = await post(b, '/api/v1/cross-region/filings', trip(instant))
      expect(refused.status).toBe(409)
      const message = '您2027年度的医保费尚未缴纳（待缴费），暂不能办理异地就医备案；缴费后即可办理'
      expect(await json(refused)).toMatchObject({ error: { code: 'CROSS_REGION_NOT_COVERED', message } })
    })
  }

  it('a year closed unpaid is 暂停参保 in coverage, not payable, and refused for 备案 as such', async () => {
    // 高丽 (广饶): 2026 unpaid, its collection closed on 30 June 2026; the platform says 暂停参保.
    const p = ctx.stack.sandbox.state.residents.findPersonByCertNo(FIXTURE_CERT_NOS.suspended)!
    const b = await at(TEST_NOW, { name: p.name, certNo: p.certNo })
    expect((await coverage(b)).current).toMatchObject({ status: 'suspended', statusLabel: '暂停参保' })
    expect(await quoteOf(b, 2026)).toBe('outside_window')
    const filed = await post(b, '/api/v1/cross-region/filings', trip(TEST_NOW))
    expect(filed.status).toBe(409)
    const message = '您2026年度为暂停参保状态，不能办理异地就医备案；请咨询参保地医保经办机构恢复参保'
    expect(await json(filed)).toMatchObject({ error: { code: 'CROSS_REGION_SUSPENDED', message } })
  })

  it('the February extension: paid on 28 Feb 23:59:59 covers all of 2027; paid on 1 Mar 00:00 waits', async () => {
    // No special status: a 困难群众 payment is never late (see waitingPeriodOf).
    const onTime = await resident((p, status) => status === 'payable' && p.statuses.length === 0)
    const late = await resident((p, status) => status === 'payable' && p.statuses.length === 0)
    const lastFeb = new Date(Date.parse(MAR_1) - 1000).toISOString()

    await payInApp(await at(lastFeb, onTime))
    const inTime = await coverage(await at(MAR_2, onTime))
    const benefitPeriod = { from: '2027-01-01', to: '2027-12-31' }
    expect(row2027(inTime)).toMatchObject({ status: 'active', benefitPeriod, waitingPeriod: null })

    await payInApp(await at(MAR_1, late))
    const afterwards = await coverage(await at(MAR_2, late))
    expect(row2027(afterwards)).toMatchObject({
      status: 'active',
      benefitPeriod: { from: '2027-06-01', to: '2027-12-31' },
      waitingPeriod: { from: '2027-03-01', until: '2027-05-31', reason: 'late_payment' },
    })
  })
})
