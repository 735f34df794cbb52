import type { AppDeps } from '../lib/types'
import type { PremiumOrder } from '../storage/payments'
import type { Payer, PersonPick } from './service'
import { randomInt, randomUUID } from 'node:crypto'
import { DUE_STATUS_LABELS, ERROR_MESSAGES, maskIdCard, maskName } from '@yibao/shared'
import { and, eq } from 'drizzle-orm'
import { http, HttpResponse, passthrough } from 'msw'
import { afterEach, describe, expect, it } from 'vitest'
import { MAX_ORDER_LINES } from '../domain/payment'
import { AppError, UpstreamError } from '../lib/errors'
import { insertLink } from '../storage/family'
import { findOrderBy, orderLines } from '../storage/payments'
import { auditEvents, outbox, premiumOrders } from '../storage/schema'
import { PREMIUM_QUOTE_PATH } from '../upstream/tax/premiums'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { json, waitFor } from '../testing/http'
import { mswServer } from '../testing/msw'
import { usePaymentStack } from '../testing/payment-stack'
import { createCodepayOrder } from './codepay'
import {
  applyPaidTransaction,
  closeUnpaid,
  convergeOrder,
  convergeOrderWhenDue,
  createAndPrepay,
  renewH5,
  resolvePeople,
} from './service'

/**
 * The edges of the payment service against the real stack (the WeChat Pay simulator and the tax bureau over
 * HTTP): who may be picked, what the tax bureau says when it does not know a person or the year is not collected,
 * the JSAPI and H5 prepays, 重新支付 when WeChat Pay refuses or is down, and closing or 撤销 an order in each
 * state it can be in. Faults are injected on the wire (the simulator's `failNext`, MSW in front of the tax
 * bureau) or, for a race, in the injected dependencies.
 */
const { ctx, payablePerson: payableIn } = usePaymentStack()
const YEAR = TEST_YEAR
const IP = '203.0.113.7'

const deps = (): AppDeps => ctx.stack.deps

/** A seeded person whose year is payable, of either seeded region (this file needs many). */
async function payablePerson(year: number): Promise<{ name: string, certNo: string }> {
  try {
    return await payableIn(year, '370500')
  }
  catch {
    return payableIn(year, '520000')
  }
}
const other = (p: { name: string, certNo: string }): PersonPick => ({ kind: 'other', ...p })

/** A help-desk payer (no resident record): only 代缴 picks. */
function deskPayer(): Payer {
  return { principal: `staff:edges-${randomUUID()}`, resident: null, logger: deps().logger }
}

/** A signed-in resident (browser) and the same person as the payer of a service call. */
async function resident(person?: { name: string, certNo: string }) {
  const who = person ?? await payablePerson(YEAR)
  const browser = new TestBrowser(ctx.stack.app)
  const account = await browser.signInDirect(deps(), who)
  const payer: Payer = {
    principal: `resident:${account.id}`,
    resident: { account, certNo: who.certNo },
    logger: deps().logger,
  }
  return { person: who, browser, account, payer }
}

/** What a rejected promise threw (fails when it resolves). */
async function thrown(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  }
  catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

async function stored(id: string): Promise<PremiumOrder> {
  return (await findOrderBy(ctx.storage.db, 'id', id))!
}

async function ordersOf(principal: string): Promise<PremiumOrder[]> {
  return ctx.storage.db.select().from(premiumOrders).where(eq(premiumOrders.principal, principal))
}

/** The order as the WeChat Pay simulator holds it (`undefined` trade_state: it never heard of it). */
interface SimView {
  trade_state?: string
  trade_type?: string
  prepay_id?: string
  payer_client_ip?: string
}
async function atWechatPay(outTradeNo: string): Promise<SimView> {
  return ctx.stack.control(`/orders/${outTradeNo}`) as Promise<SimView>
}

/** The tax bureau answers the premium quote of `certNo` with `reply(year)` (everyone else: the real sandbox). */
function taxQuoteOf(certNo: string, reply: (year: number) => Record<string, unknown>) {
  mswServer.use(http.post(`${ctx.stack.sandboxUrl}${PREMIUM_QUOTE_PATH}`, async ({ request }) => {
    const body = await request.clone().json() as { sfzjhm?: string, jfnd?: number }
    if (body.sfzjhm !== certNo) return passthrough()
    return HttpResponse.json(reply(Number(body.jfnd)))
  }))
}

/** The tax bureau's quote of a payable year (`kjbz` 1), in yuan on the wire. */
const payableWire = (year: number, yjje: string) => ({
  fhdm: '0000',
  jfxx: { jfnd: year, cbdq: '370500', bzje: '400.00', zzje: '0.00', yjje, jfzt: '0', kjbz: '1', bkjyy: '' },
})

/** The app's dependencies on a database whose transactions fail (reads still work). */
function failingTransactions(): AppDeps {
  const db = ctx.storage.db
  const failing = Object.create(db, {
    transaction: { value: () => Promise.reject(new Error('database went away')) },
  }) as typeof db
  return { ...deps(), storage: { ...deps().storage, db: failing } }
}

function authCode(prefix: '10' | '14'): string {
  return `${prefix}${String(randomInt(1e8)).padStart(8, '0')}${String(randomInt(1e8)).padStart(8, '0')}`
}

/** A 付款码 order written here, its code not sent to WeChat Pay yet (status `created`). */
async function codepayOrder() {
  const person = await payablePerson(YEAR)
  const { order } = await createCodepayOrder(deps(), deskPayer(), {
    year: YEAR,
    people: [other(person)],
    idempotency: null,
  })
  expect(order).toMatchObject({ channel: 'codepay', status: 'created' })
  return order
}

/** Sends the payment code of `order` to WeChat Pay (the answer is not stored here, as after a crash). */
async function sendCode(order: PremiumOrder, prefix: '10' | '14') {
  return deps().wechatpay.codepay({
    outTradeNo: order.outTradeNo,
    description: order.description,
    amountFen: order.totalFen,
    authCode: authCode(prefix),
    storeId: '370500',
  })
}

async function nativeOrder(payer?: Payer) {
  const p = payer ?? (await resident()).payer
  const { order, lines } = await createAndPrepay(deps(), p, {
    year: YEAR,
    channel: 'native',
    people: [{ kind: 'self' }],
    idempotency: null,
  })
  expect(order.status).toBe('prepaid')
  return { order, lines }
}

async function withCallbacksDropped<T>(fn: () => Promise<T>): Promise<T> {
  await ctx.stack.control('/config', { callbacks: 'drop' }, 'PUT')
  try {
    return await fn()
  }
  finally {
    await ctx.stack.control('/config', { callbacks: 'deliver' }, 'PUT')
  }
}

afterEach(async () => {
  // A fault a test injected but did not use up must not reach the next one.
  await ctx.stack.control('/config', { failNext: [] }, 'PUT')
})

describe('who a payment is for', () => {
  it('refuses the same person picked twice (oneself, and oneself again by name and ID): 400 同一人只能选择一次', async () => {
    const { person, browser } = await resident()
    const res = await browser.request('/api/v1/payments/quotes', {
      method: 'POST',
      json: { year: YEAR, people: [{ kind: 'self' }, other(person)] },
    })
    expect(res.status).toBe(400)
    const body = await json(res)
    expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: ERROR_MESSAGES.VALIDATION_FAILED })
    expect(body.error.fields).toEqual({ people: '同一人只能选择一次' })
  })

  it(`pays for at most ${MAX_ORDER_LINES} people at once (付款码 and desk orders have no schema before it)`, async () => {
    const people = ctx.stack.sandbox.state.residents.listPersons({ policyRegion: '370500' })
      .filter(p => !p.deathDate).slice(0, MAX_ORDER_LINES + 1).map(p => ({ name: p.name, certNo: p.certNo }))
    expect(people).toHaveLength(MAX_ORDER_LINES + 1)
    const payer = deskPayer()
    const ten = await resolvePeople(deps(), payer, people.slice(0, MAX_ORDER_LINES).map(other))
    expect(ten.map(p => p.relation)).toEqual(Array.from({ length: MAX_ORDER_LINES }, () => 'proxy'))
    const error = await thrown(resolvePeople(deps(), payer, people.map(other)))
    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 })
    expect((error as AppError).options.fields).toEqual({ people: `一次最多为${MAX_ORDER_LINES}人缴费` })
  })

  it('asks the bureau about an 代缴 person by name and ID number together: a wrong name is no such person', async () => {
    const person = await payablePerson(YEAR)
    const payer = deskPayer()
    const [found] = await resolvePeople(deps(), payer, [other(person)])
    expect(found).toMatchObject({ certNo: person.certNo, relation: 'proxy' })
    const wrongName = person.name === '王小明' ? '李小明' : '王小明'
    const error = await thrown(resolvePeople(deps(), payer, [other({ name: wrongName, certNo: person.certNo })]))
    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({ code: 'PERSON_NOT_FOUND' })
  })

  it('refuses 本人 and 家庭成员 picks from a payer who is not a signed-in resident: 403 FORBIDDEN', async () => {
    for (const pick of [{ kind: 'self' }, { kind: 'member', memberId: randomUUID() }] as PersonPick[]) {
      const error = await thrown(resolvePeople(deps(), deskPayer(), [pick]))
      expect(error).toBeInstanceOf(AppError)
      expect(error).toMatchObject({ code: 'FORBIDDEN', status: 403 })
    }
  })

  it('quotes oneself as self and a bound family member as family', async () => {
    const { browser, account } = await resident()
    const member = await payablePerson(YEAR)
    const link = await insertLink(ctx.storage.db, {
      ownerAccountId: account.id,
      memberCertRef: deps().vault.ref(member.certNo),
      memberCertNoEnc: deps().vault.encrypt(member.certNo),
      memberNameMasked: maskName(member.name),
      relation: 'child',
      status: 'active',
      consentMethod: 'household_register',
    })
    const res = await browser.request('/api/v1/payments/quotes', {
      method: 'POST',
      json: { year: YEAR, people: [{ kind: 'self' }, { kind: 'member', memberId: link.id }] },
    })
    expect(res.status).toBe(200)
    const quote = await json(res)
    expect(quote.lines.map((l: { relation: string }) => l.relation)).toEqual(['self', 'family'])
    expect(quote.lines[1]).toMatchObject({ name: maskName(member.name), certNo: maskIdCard(member.certNo) })
  })

  it('a person the tax bureau does not know is 404 PERSON_NOT_FOUND', async () => {
    const { person, browser } = await resident()
    taxQuoteOf(person.certNo, () => ({ fhdm: '1001', fhxx: '未查询到缴费人登记信息' }))
    const res = await browser.request('/api/v1/payments/quotes', {
      method: 'POST',
      json: { year: YEAR, people: [{ kind: 'self' }] },
    })
    expect(res.status).toBe(404)
    expect((await json(res)).error).toMatchObject({
      code: 'PERSON_NOT_FOUND',
      message: ERROR_MESSAGES.PERSON_NOT_FOUND,
    })
  })

  it('a year the bureau calls payable but whose collection is not open today is outside_window, 0 fen', async () => {
    const { person, browser } = await resident()
    // 15 November 2026: the collection of 2028 opens only in September 2027.
    taxQuoteOf(person.certNo, year => payableWire(year, '400.00'))
    const res = await browser.request('/api/v1/payments/quotes', {
      method: 'POST',
      json: { year: YEAR + 1, people: [{ kind: 'self' }] },
    })
    expect(res.status).toBe(200)
    const quote = await json(res)
    expect(quote.lines).toEqual([expect.objectContaining({
      year: YEAR + 1,
      status: 'outside_window',
      standardFen: 40_000,
      dueFen: 0,
    })])
    expect(quote.totalFen).toBe(0)
  })
})

describe('creating and prepaying an order', () => {
  it('a JSAPI order from a resident without an openid is 400 WECHAT_REQUIRED, and nothing is ordered', async () => {
    const { browser, payer } = await resident()
    const res = await browser.request('/api/v1/payments/orders', {
      method: 'POST',
      headers: { 'idempotency-key': randomUUID() },
      json: { year: YEAR, channel: 'jsapi', people: [{ kind: 'self' }] },
    })
    expect(res.status).toBe(400)
    expect((await json(res)).error).toMatchObject({ code: 'WECHAT_REQUIRED', message: ERROR_MESSAGES.WECHAT_REQUIRED })
    expect(await ordersOf(payer.principal)).toEqual([])
  })

  it('a JSAPI order is prepaid at WeChat Pay for the payer\'s openid, and its prepay_id stored', async () => {
    const { payer } = await resident()
    const openid = 'oEdgesJsapiPayer000000000001'
    const { order } = await createAndPrepay(deps(), payer, {
      year: YEAR,
      channel: 'jsapi',
      people: [{ kind: 'self' }],
      openid,
      idempotency: null,
    })
    const sim = await atWechatPay(order.outTradeNo)
    expect(sim).toMatchObject({ trade_type: 'JSAPI', trade_state: 'NOTPAY' })
    expect(order).toMatchObject({ status: 'prepaid', channel: 'jsapi', payerOpenid: openid, prepayId: sim.prepay_id })
    expect(order.prepayId).toMatch(/^wx/)
    expect(await stored(order.id)).toMatchObject({ status: 'prepaid', prepayId: sim.prepay_id, payerOpenid: openid })
  })

  it('an H5 prepay needs the payer\'s IP address: without one the order stays written, unprepaid', async () => {
    const { payer } = await resident()
    const error = await thrown(createAndPrepay(deps(), payer, {
      year: YEAR,
      channel: 'h5',
      people: [{ kind: 'self' }],
      payerClientIp: null,
      idempotency: null,
    }))
    expect(error).toBeInstanceOf(TypeError)
    expect((error as Error).message).toBe('an H5 prepay needs the payer\'s IP address')
    const [order] = await ordersOf(payer.principal)
    expect(order).toMatchObject({ channel: 'h5', status: 'created', h5Url: null })
    expect((await atWechatPay(order!.outTradeNo)).trade_state).toBeUndefined()
  })

  it('a line the bureau calls payable but owes 0 fen makes NOTHING_TO_PAY, naming only that person', async () => {
    const { person, browser } = await resident()
    const payableOther = await payablePerson(YEAR)
    taxQuoteOf(person.certNo, year => payableWire(year, '0.00'))
    const res = await browser.request('/api/v1/payments/orders', {
      method: 'POST',
      headers: { 'idempotency-key': randomUUID() },
      json: { year: YEAR, channel: 'native', people: [{ kind: 'self' }, other(payableOther)] },
    })
    expect(res.status).toBe(409)
    const body = await json(res)
    expect(body.error).toMatchObject({ code: 'NOTHING_TO_PAY', message: ERROR_MESSAGES.NOTHING_TO_PAY })
    expect(body.error.fields).toEqual({ [maskIdCard(person.certNo)]: DUE_STATUS_LABELS.payable })
  })

  it('losing the race for a person-year to a payment that then went through is 409 CONFLICT', async () => {
    const victim = await payablePerson(YEAR)
    const rival = await resident(victim)
    let raced = false
    // The rival's order is placed and paid between this payer's quote and its insert.
    const racing: AppDeps = {
      ...deps(),
      premiums: {
        ...deps().premiums,
        quote: async (...args: Parameters<AppDeps['premiums']['quote']>) => {
          const due = await deps().premiums.quote(...args)
          if (!raced) {
            raced = true
            const { order } = await nativeOrder(rival.payer)
            await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
            await waitFor('rival paid', () => stored(order.id), o => o.status === 'paid')
          }
          return due
        },
      },
    }
    const payer = deskPayer()
    const error = await thrown(createAndPrepay(racing, payer, {
      year: YEAR,
      channel: 'native',
      people: [other(victim)],
      idempotency: null,
    }))
    expect(raced).toBe(true)
    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({ code: 'CONFLICT', status: 409 })
    expect(await ordersOf(payer.principal)).toEqual([])
  })
})

describe('what an order holds and asks of WeChat Pay', () => {
  it('another payer\'s unpaid order holds the person: 409 naming them masked; that order is left open', async () => {
    const child = await payablePerson(YEAR)
    const first = await createAndPrepay(deps(), deskPayer(), {
      year: YEAR,
      channel: 'native',
      people: [other(child)],
      idempotency: null,
    })
    const error = await thrown(createAndPrepay(deps(), deskPayer(), {
      year: YEAR,
      channel: 'native',
      people: [other(child)],
      idempotency: null,
    })) as AppError
    const masked = maskIdCard(child.certNo)
    expect(error).toMatchObject({ code: 'PERSON_IN_OPEN_ORDER', status: 409 })
    expect(error.options.params).toEqual({ names: `${maskName(child.name)}（${masked}）` })
    expect(error.options.fields).toEqual({ [masked]: 'held' })
    // The first payer's order is theirs to pay or cancel: not closed here, nor at WeChat Pay.
    expect(await stored(first.order.id)).toMatchObject({ status: 'prepaid' })
    expect((await atWechatPay(first.order.outTradeNo)).trade_state).toBe('NOTPAY')
  })

  it('one person already paid: NOTHING_TO_PAY names them 已缴费', async () => {
    const { payer, person } = await resident()
    const { order } = await nativeOrder(payer)
    await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
    await waitFor('paid', () => stored(order.id), o => o.status === 'paid')
    const error = await thrown(createAndPrepay(deps(), payer, {
      year: YEAR,
      channel: 'native',
      people: [{ kind: 'self' }],
      idempotency: null,
    })) as AppError
    expect(error).toMatchObject({ code: 'NOTHING_TO_PAY', status: 409 })
    expect(error.options.fields).toEqual({ [maskIdCard(person.certNo)]: DUE_STATUS_LABELS.paid })
  })

  it('keeps its request key; the same request resumed after a crash finds that order, not a second one', async () => {
    const { payer } = await resident()
    const key = 900_000 + randomInt(90_000)
    const p = { year: YEAR, channel: 'native' as const, people: [{ kind: 'self' as const }] }
    const { order } = await createAndPrepay(deps(), payer, { ...p, idempotency: { id: key, resumed: false } })
    expect(order.idempotencyKeyId).toBe(key)
    const again = await createAndPrepay(deps(), payer, { ...p, idempotency: { id: key, resumed: true } })
    expect(again.order).toMatchObject({ id: order.id, status: 'prepaid', codeUrl: order.codeUrl })
    expect(await ordersOf(payer.principal)).toHaveLength(1)
  })

  it('tells WeChat Pay its year (attach year=…), and a 付款码 order is settled 5 s after its wait', async () => {
    const { order } = await nativeOrder()
    expect((await deps().wechatpay.queryByOutTradeNo(order.outTradeNo)).attach).toBe(`year=${YEAR}`)
    const person = await payablePerson(YEAR)
    const at = new Date(ctx.stack.clock.now().getTime() + 3000)
    ctx.stack.clock.set(at, { frozen: true })
    let codepay: PremiumOrder
    try {
      codepay = (await createAndPrepay(deps(), deskPayer(), {
        year: YEAR,
        channel: 'codepay',
        people: [other(person)],
        idempotency: null,
        codepayWaitMs: 20_000,
      })).order
    }
    finally {
      ctx.stack.clock.set(at)
    }
    const jobs = await ctx.storage.db.select().from(outbox)
      .where(eq(outbox.dedupeKey, `settle_codepay:${codepay.id}:deadline`))
    expect(jobs.map(j => [j.availableAt, j.payload])).toEqual([
      [new Date(at.getTime() + 20_000 + 5_000), { orderId: codepay.id }],
    ])
  })
})

describe('重新支付 of an H5 order (renewH5)', () => {
  async function h5Order() {
    const { payer } = await resident()
    const { order } = await createAndPrepay(deps(), payer, {
      year: YEAR,
      channel: 'h5',
      people: [{ kind: 'self' }],
      payerClientIp: IP,
      idempotency: null,
    })
    expect(order).toMatchObject({ status: 'prepaid', h5Url: expect.stringContaining('prepay_id=') })
    return order
  }

  it('leaves an order that is paid or closed here as it is, without asking WeChat Pay', async () => {
    const order = await h5Order()
    // Asked, WeChat Pay would prepay it again (a new object, with a new h5_url) or converge it (read back).
    for (const status of ['paid', 'closed'] as const) {
      const ended = { ...order, status }
      expect(await renewH5(deps(), ended, IP)).toBe(ended)
    }
  })

  it('refuses an order of another channel', async () => {
    const { order } = await nativeOrder()
    const error = await thrown(renewH5(deps(), order, IP))
    expect(error).toBeInstanceOf(TypeError)
    expect((error as Error).message).toBe('only an H5 order has an h5_url')
  })

  it('an order WeChat Pay refuses to prepay again (ORDERPAID: paid, callback lost) is converged: paid', async () => {
    const order = await h5Order()
    await withCallbacksDropped(async () => {
      await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
      const after = await renewH5(deps(), order, IP)
      expect(after).toMatchObject({ id: order.id, status: 'paid', transactionId: expect.any(String) })
    })
    expect((await orderLines(ctx.storage.db, order.id)).map(l => l.status)).toEqual(['paid'])
  })

  it('WeChat Pay down: the error reaches the caller and the order is left as it was', async () => {
    const order = await h5Order()
    await ctx.stack.control('/config', {
      failNext: [{ path: '/v3/pay/transactions/h5', status: 503, code: 'SYSTEM_ERROR' }],
    }, 'PUT')
    const error = await thrown(renewH5(deps(), order, '198.51.100.9'))
    expect(error).toBeInstanceOf(UpstreamError)
    expect(error).toMatchObject({ kind: 'unavailable', detail: { upstreamCode: 'SYSTEM_ERROR' } })
    expect(await stored(order.id)).toMatchObject({ status: 'prepaid', h5Url: order.h5Url })
    expect((await atWechatPay(order.outTradeNo)).payer_client_ip).toBe(IP)
  })

  it('an order closed here while it was being prepaid again comes back closed, as stored', async () => {
    const { payer } = await resident()
    await thrown(createAndPrepay(deps(), payer, {
      year: YEAR,
      channel: 'h5',
      people: [{ kind: 'self' }],
      idempotency: null,
    }))
    const [created] = await ordersOf(payer.principal)
    expect(created!.status).toBe('created')
    // Never prepaid: closed here only, WeChat Pay is not asked (it has never heard of it).
    const closed = await closeUnpaid(deps(), created!)
    expect(closed).toMatchObject({ id: created!.id, status: 'closed' })
    expect((await atWechatPay(created!.outTradeNo)).trade_state).toBeUndefined()
    // The payer's page still had it as created.
    const after = await renewH5(deps(), created!, IP)
    expect(after).toMatchObject({ id: created!.id, status: 'closed', h5Url: null })
  })
})

describe('closing an unpaid order (closeUnpaid)', () => {
  it('a prepaid Native order is closed at WeChat Pay, then here, freeing its person', async () => {
    const { order } = await nativeOrder()
    const after = await closeUnpaid(deps(), order)
    expect(after).toMatchObject({ id: order.id, status: 'closed' })
    expect(await stored(order.id)).toMatchObject({ status: 'closed' })
    expect((await orderLines(ctx.storage.db, order.id)).map(l => l.status)).toEqual(['void'])
    expect((await atWechatPay(order.outTradeNo)).trade_state).toBe('CLOSED')
  })

  it('a 付款码 order whose code never reached WeChat Pay (ORDER_NOT_EXIST on 撤销) is closed here', async () => {
    const order = await codepayOrder()
    const after = await closeUnpaid(deps(), order)
    expect(after).toMatchObject({ id: order.id, status: 'closed' })
    expect((await orderLines(ctx.storage.db, order.id)).map(l => l.status)).toEqual(['void'])
    expect((await atWechatPay(order.outTradeNo)).trade_state).toBeUndefined()
  })

  it('a 付款码 order whose payer is still entering the password is 撤销 at WeChat Pay, then closed', async () => {
    const order = await codepayOrder()
    expect((await sendCode(order, '14')).state).toBe('USERPAYING')
    const after = await closeUnpaid(deps(), order)
    expect(after).toMatchObject({ id: order.id, status: 'closed' })
    expect((await atWechatPay(order.outTradeNo)).trade_state).toBe('REVOKED')
  })

  it('a 付款码 撤销 that fails (WeChat Pay down) is an error, and the order stays open', async () => {
    const order = await codepayOrder()
    expect((await sendCode(order, '14')).state).toBe('USERPAYING')
    const path = `/v3/pay/transactions/out-trade-no/${order.outTradeNo}/reverse`
    await ctx.stack.control('/config', { failNext: [{ path, status: 500, code: 'SYSTEM_ERROR' }] }, 'PUT')
    const error = await thrown(closeUnpaid(deps(), order))
    expect(error).toBeInstanceOf(UpstreamError)
    expect(error).toMatchObject({ kind: 'unavailable', detail: { upstreamCode: 'SYSTEM_ERROR' } })
    expect(await stored(order.id)).toMatchObject({ status: 'created' })
    expect((await atWechatPay(order.outTradeNo)).trade_state).toBe('USERPAYING')
  })

  it('a paid 付款码 order is left paid: no 撤销 (the money stays), the close here refused and ignored', async () => {
    const order = await codepayOrder()
    expect((await sendCode(order, '10')).state).toBe('SUCCESS')
    // The answer died with the request; the payment is learnt by a query.
    const converged = await convergeOrder(deps(), order)
    expect(converged).toMatchObject({ status: 'paid', transactionId: expect.any(String) })
    const after = await closeUnpaid(deps(), converged)
    expect(after).toMatchObject({ id: order.id, status: 'paid' })
    expect((await atWechatPay(order.outTradeNo)).trade_state).toBe('SUCCESS')
    expect((await orderLines(ctx.storage.db, order.id)).map(l => l.status)).toEqual(['paid'])
  })

  it('a database failure while closing here is an error (the expiry check closes it later)', async () => {
    const { order } = await nativeOrder()
    const error = await thrown(closeUnpaid(failingTransactions(), order))
    expect((error as Error).message).toBe('database went away')
    expect((await atWechatPay(order.outTradeNo)).trade_state).toBe('CLOSED')
    expect(await stored(order.id)).toMatchObject({ status: 'prepaid' })
    expect(await convergeOrder(deps(), order)).toMatchObject({ id: order.id, status: 'closed' })
  })

  it('an order paid here already is returned paid (the close is an illegal transition, not an error)', async () => {
    const { order } = await nativeOrder()
    await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
    const paid = await waitFor('paid', () => stored(order.id), o => o.status === 'paid')
    const after = await closeUnpaid(deps(), paid)
    expect(after).toMatchObject({ id: order.id, status: 'paid' })
    expect((await atWechatPay(order.outTradeNo)).trade_state).toBe('SUCCESS')
  })
})

describe('applying what WeChat Pay reports', () => {
  it('an unpaid transaction, or one without a transaction id, is not_success and changes nothing', async () => {
    const { order } = await nativeOrder()
    const tx = await deps().wechatpay.queryByOutTradeNo(order.outTradeNo)
    expect(tx.tradeState).toBe('NOTPAY')
    expect(await applyPaidTransaction(deps(), tx)).toBe('not_success')
    expect(await applyPaidTransaction(deps(), { ...tx, tradeState: 'SUCCESS', transactionId: null }))
      .toBe('not_success')
    expect(await stored(order.id)).toMatchObject({ status: 'prepaid', transactionId: null })
  })

  it('another amount than the order\'s is amount_mismatch, not applied; the right one is paid, audited as '
    + 'WeChat Pay\'s',
  async () => {
    const { order } = await nativeOrder()
    const tx = await deps().wechatpay.queryByOutTradeNo(order.outTradeNo)
    const transactionId = `4200${randomInt(1e9)}`
    const paid = { ...tx, tradeState: 'SUCCESS' as const, transactionId, totalFen: order.totalFen }
    expect(await applyPaidTransaction(deps(), { ...paid, totalFen: order.totalFen + 1 })).toBe('amount_mismatch')
    expect(await stored(order.id)).toMatchObject({ status: 'prepaid', transactionId: null })
    // Logged at error level once, though WeChat Pay says it again (the queue carries it from there).
    expect(await applyPaidTransaction(deps(), { ...paid, totalFen: order.totalFen + 1 })).toBe('amount_mismatch')
    const logged = ctx.stack.logs.map(l => JSON.parse(l) as Record<string, unknown>)
      .filter(l => l.msg === 'payment anomaly' && l.orderId === order.id)
    expect(logged).toEqual([expect.objectContaining({ level: 50, anomaly: 'amount_mismatch' })])
    expect(await applyPaidTransaction(deps(), paid)).toBe('paid')
    expect(await stored(order.id)).toMatchObject({ status: 'paid', transactionId: paid.transactionId })
    const rows = await ctx.storage.db.select().from(auditEvents)
      .where(and(eq(auditEvents.target, `order:${order.id}`), eq(auditEvents.action, 'payment.paid')))
    expect(rows.map(r => [r.actorType, r.actorId, r.channel, r.success]))
      .toEqual([['system', 'wechatpay', 'public', true]])
  })

  it('an order that is paid or closed here is not asked about again: convergeOrder gives it back', async () => {
    const { order } = await nativeOrder()
    for (const status of ['paid', 'closed'] as const) {
      const ended = { ...order, status }
      expect(await convergeOrder(deps(), ended)).toBe(ended)
    }
  })

  it('a 付款码 order 撤销 at WeChat Pay (REVOKED) converges to closed', async () => {
    const order = await codepayOrder()
    expect((await sendCode(order, '14')).state).toBe('USERPAYING')
    await deps().wechatpay.reverse(order.outTradeNo)
    expect((await deps().wechatpay.queryByOutTradeNo(order.outTradeNo)).tradeState).toBe('REVOKED')
    expect(await convergeOrder(deps(), order)).toMatchObject({ id: order.id, status: 'closed' })
  })

  it('convergeOrderWhenDue: an ended order is given back as it is; an open one, created or prepaid, is asked about',
    async () => {
      const { order } = await nativeOrder()
      for (const status of ['paid', 'closed'] as const) {
        const ended = { ...order, status }
        expect(await convergeOrderWhenDue(deps(), ended)).toBe(ended)
      }
      const created = await codepayOrder()
      expect((await sendCode(created, '10')).state).toBe('SUCCESS')
      expect(await convergeOrderWhenDue(deps(), created)).toMatchObject({ id: created.id, status: 'paid' })
      // Paid, its callback lost: the first reader to ask finds it paid.
      await withCallbacksDropped(() => ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {}))
      expect(await convergeOrderWhenDue(deps(), order)).toMatchObject({ id: order.id, status: 'paid' })
    })

  it('a 付款码 order still created here but paid at WeChat Pay converges to paid', async () => {
    const order = await codepayOrder()
    expect((await sendCode(order, '10')).state).toBe('SUCCESS')
    const after = await convergeOrder(deps(), order)
    expect(after).toMatchObject({ id: order.id, status: 'paid' })
    expect((await orderLines(ctx.storage.db, order.id)).map(l => l.status)).toEqual(['paid'])
  })

  it('a database failure while storing a close WeChat Pay reported is not swallowed', async () => {
    const { order } = await nativeOrder()
    await deps().wechatpay.close(order.outTradeNo)
    const error = await thrown(convergeOrder(failingTransactions(), order))
    expect((error as Error).message).toBe('database went away')
    expect(await stored(order.id)).toMatchObject({ status: 'prepaid' })
    // With the database back, the same convergence closes it.
    expect(await convergeOrder(deps(), order)).toMatchObject({ id: order.id, status: 'closed' })
  })
})
