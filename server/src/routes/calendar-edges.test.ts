import { randomUUID } from 'node:crypto'
import { DUE_STATUS_LABELS, maskIdCard } from '@yibao/shared'
import { beforeEach, describe, expect, it } from 'vitest'
import { findOrderBy, orderLines } from '../storage/payments'
import { TestBrowser } from '../testing/auth'
import { TEST_NOW, TEST_YEAR } from '../testing/clock'
import { usePaymentStack } from '../testing/payment-stack'
import { json, waitFor } from '../testing/http'

/**
 * The payment and refund paths on each side of the instants where the calendar changes the answer, on
 * the stack's clock (the BFF and the tax sandbox read the same one, never the machine's), all for benefit
 * year 2027 (`TEST_YEAR`), Shanghai time (UTC+8):
 * - collection opens 1 September 2026 00:00 = 31 August 16:00Z (sandbox rule: 1 Sep of Y−1 to 30 Jun of Y);
 * - the benefit year starts 1 January 2027 00:00 = 31 December 2026 16:00Z (refunds then only for a death
 *   before it; collection goes on);
 * - collection closes after 30 June 2027: 1 July 00:00 = 30 June 16:00Z.
 */
const { ctx, payablePerson } = usePaymentStack()
const YEAR = TEST_YEAR

const OPENS = '2026-08-31T16:00:00Z'
const YEAR_STARTS = '2026-12-31T16:00:00Z'
const CLOSES = '2027-06-30T16:00:00Z'
/** One second before `instant`. */
const justBefore = (instant: string) => new Date(Date.parse(instant) - 1000)

type Person = { name: string, certNo: string }

/** Stops the stack's clock at `instant` and signs `person` in afresh (a session idles out over a jump). */
async function at(instant: Date | string, person: Person) {
  ctx.stack.clock.set(instant, { frozen: true })
  const browser = new TestBrowser(ctx.stack.app)
  await browser.signInDirect(ctx.stack.deps, person)
  return browser
}

async function quote(browser: TestBrowser) {
  const body = { year: YEAR, people: [{ kind: 'self' }] }
  const res = await browser.request('/api/v1/payments/quotes', { method: 'POST', json: body })
  expect(res.status).toBe(200)
  return (await json(res)).lines[0] as { status: string, dueFen: number, year: number }
}

function order(browser: TestBrowser) {
  const body = { year: YEAR, channel: 'native', people: [{ kind: 'self' }] }
  const headers = { 'idempotency-key': randomUUID() }
  return browser.request('/api/v1/payments/orders', { method: 'POST', json: body, headers })
}

/** Pays the order at the WeChat Pay simulator; waits until the BFF has it paid and reported to the tax bureau. */
async function payAndReport(orderId: string, outTradeNo: string) {
  await ctx.stack.control(`/orders/${outTradeNo}/pay`, {})
  await waitFor('paid', () => findOrderBy(ctx.storage.db, 'id', orderId), o => o?.status === 'paid')
  await waitFor('reported', async () => {
    await ctx.stack.worker.tick()
    return orderLines(ctx.storage.db, orderId)
  }, ls => ls.every(l => l.status === 'reported'))
}

/** A resident who paid YEAR for themselves at `TEST_NOW` (reported): their paid line. */
async function paidAtTestNow() {
  const person = await payablePerson(YEAR)
  const browser = await at(TEST_NOW, person)
  const created = await json(await order(browser))
  await payAndReport(created.id, created.outTradeNo)
  const view = await json(await browser.request(`/api/v1/payments/orders/${created.id}`))
  return { person, orderId: created.id as string, lineId: view.lines[0].id as string }
}

function refund(browser: TestBrowser, body: { orderId: string, lineId: string, reason: string }) {
  const headers = { 'idempotency-key': randomUUID() }
  return browser.request('/api/v1/refunds', { method: 'POST', json: body, headers })
}

beforeEach(() => ctx.stack.clock.set(TEST_NOW))

describe('the calendar edges of paying and refunding a premium (Shanghai time, on the stack\'s clock)', () => {
  it('collection opens on 1 September: 31 Aug 15:59:59Z is outside the window, 16:00Z is payable', async () => {
    // Someone the tax bureau will charge once the window is open.
    ctx.stack.clock.set(OPENS, { frozen: true })
    const person = await payablePerson(YEAR)

    const before = await at(justBefore(OPENS), person)
    expect(await quote(before)).toMatchObject({ year: YEAR, status: 'outside_window', dueFen: 0 })
    const refused = await order(before)
    expect(refused.status).toBe(409)
    const fields = { [maskIdCard(person.certNo)]: DUE_STATUS_LABELS.outside_window }
    expect(await json(refused)).toMatchObject({ error: { code: 'NOTHING_TO_PAY', fields } })

    const after = await at(OPENS, person)
    const due = await quote(after)
    expect(due).toMatchObject({ year: YEAR, status: 'payable' })
    expect(due.dueFen).toBeGreaterThan(0)
    const res = await order(after)
    expect(res.status).toBe(201)
    expect(await json(res)).toMatchObject({ status: 'prepaid', totalFen: due.dueFen })
  })

  it('year starts 1 Jan: any refund reason until 31 Dec 15:59:59Z, from 16:00Z only a death before it', async () => {
    const early = await paidAtTestNow()
    const late = await paidAtTestNow()

    // The last second of 2026 in Shanghai: the BFF and the bureau's 审核 both take an ordinary reason.
    const lastSecond = await at(justBefore(YEAR_STARTS), early.person)
    const taken = await refund(lastSecond, { orderId: early.orderId, lineId: early.lineId, reason: 'overpaid' })
    expect(taken.status).toBe(201)
    expect(await json(taken)).toMatchObject({ year: YEAR, reason: 'overpaid', status: 'refunding' })

    // Midnight in Shanghai: refused at once, without asking the bureau ...
    const newYear = await at(YEAR_STARTS, late.person)
    const refused = await refund(newYear, { orderId: late.orderId, lineId: late.lineId, reason: 'overpaid' })
    expect(refused.status).toBe(409)
    const message = `${YEAR}年度待遇享受期已开始，不能以该原因退费`
    expect(await json(refused)).toMatchObject({ error: { code: 'REFUND_BENEFIT_STARTED', message } })
    // ... except a death before the year began, which only the bureau can confirm (this person is alive).
    const death = await refund(newYear, { orderId: late.orderId, lineId: late.lineId, reason: 'died_before_benefit' })
    expect(death.status).toBe(409)
    expect(await json(death)).toMatchObject({ error: { code: 'REFUND_DEATH_NOT_FOUND' } })
    const line = (await json(await newYear.request(`/api/v1/payments/orders/${late.orderId}`))).lines[0]
    expect(line).toMatchObject({ id: late.lineId, status: 'reported' })
  })

  it('the year turn does not close collection: 2027 is payable on both sides of 31 Dec 16:00Z', async () => {
    const person = await payablePerson(YEAR)
    const lastSecond = await at(justBefore(YEAR_STARTS), person)
    expect(await quote(lastSecond)).toMatchObject({ status: 'payable' })
    const newYear = await at(YEAR_STARTS, person)
    expect(await quote(newYear)).toMatchObject({ status: 'payable' })
    expect((await order(newYear)).status).toBe(201)
  })

  it('collection closes after 30 June: payable until 30 Jun 15:59:59Z, outside the window from 16:00Z', async () => {
    ctx.stack.clock.set(justBefore(CLOSES), { frozen: true })
    const late = await payablePerson(YEAR)
    const payer = await payablePerson(YEAR)

    // 23:59:59 on 30 June in Shanghai: still payable, and a payment made then is reported after midnight.
    const lastSecond = await at(justBefore(CLOSES), late)
    expect(await quote(lastSecond)).toMatchObject({ status: 'payable' })
    const paying = await at(justBefore(CLOSES), payer)
    const created = await json(await order(paying))
    expect(created).toMatchObject({ status: 'prepaid' })
    await ctx.stack.control(`/orders/${created.outTradeNo}/pay`, {})
    await waitFor('paid', () => findOrderBy(ctx.storage.db, 'id', created.id), o => o?.status === 'paid')

    // 1 July 00:00 in Shanghai: closed for whoever had not paid.
    const closed = await at(CLOSES, late)
    expect(await quote(closed)).toMatchObject({ status: 'outside_window', dueFen: 0 })
    const refused = await order(closed)
    expect(refused.status).toBe(409)
    const fields = { [maskIdCard(late.certNo)]: DUE_STATUS_LABELS.outside_window }
    expect(await json(refused)).toMatchObject({ error: { code: 'NOTHING_TO_PAY', fields } })

    ctx.stack.clock.set(new Date(Date.parse(CLOSES) + 1000), { frozen: true })
    await waitFor('reported', async () => {
      await ctx.stack.worker.tick()
      return orderLines(ctx.storage.db, created.id)
    }, ls => ls.every(l => l.status === 'reported'))
    expect((await ctx.stack.deps.premiums.quote(payer.certNo, payer.name, YEAR))?.status).toBe('paid')
  })
})
