import { randomInt, randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { beforeAll, describe, expect, it } from 'vitest'
import { CODEPAY_REASONS } from '../payments/codepay'
import { findOrderBy, orderLines } from '../storage/payments'
import { auditEvents } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { json } from '../testing/http'
import { usePaymentStack } from '../testing/payment-stack'
import { createTestStaff, signInStaff } from '../testing/staff'

const { ctx, payablePerson: payableIn } = usePaymentStack()
const YEAR = TEST_YEAR
const payablePerson = (policyRegion: '370500' | '520000' = '370500') => payableIn(YEAR, policyRegion)

/** A BFF instance on the same stack whose 付款码 loop is fast: a query every 20 ms, 撤销 after 600 ms. */
let fast: Awaited<ReturnType<typeof ctx.stack.another>>
beforeAll(async () => {
  fast = await ctx.stack.another({ env: { WXPAY_CODEPAY_POLL_MS: '20', WXPAY_CODEPAY_WAIT_MS: '600' } })
})

/**
 * A WeChat 付款码 with the sandbox behaviour of its prefix: 10 paid at once, 12 password then paid,
 * 13 password then failed, 14 password never entered, 15 余额不足.
 */
function authCode(prefix: '10' | '12' | '13' | '14' | '15'): string {
  return `${prefix}${String(randomInt(1e8)).padStart(8, '0')}${String(randomInt(1e8)).padStart(8, '0')}`
}

async function clerk(regions = ['370500']) {
  const browser = new TestBrowser(fast.app)
  const staff = await createTestStaff(fast.deps, { role: 'clerk', regions })
  await signInStaff(browser, fast.deps, staff)
  return { browser, staff }
}

function codepay(browser: TestBrowser, body: unknown, key = randomUUID()) {
  return browser.request('/api/v1/desk/payments/codepay', { method: 'POST', json: body, headers: { 'idempotency-key': key } })
}

function settle(browser: TestBrowser, id: string) {
  return browser.request(`/api/v1/desk/payments/orders/${id}/codepay/settle`, { method: 'POST' })
}

async function simOrder(outTradeNo: string) {
  return ctx.stack.control(`/orders/${outTradeNo}`) as Promise<{ trade_state: string, trade_type: string }>
}

async function simOrderCount(): Promise<number> {
  return ((await ctx.stack.control('/orders')).orders as unknown[]).length
}

async function auditOf(actorId: string, action: string) {
  return ctx.storage.db.select().from(auditEvents)
    .where(and(eq(auditEvents.actorId, actorId), eq(auditEvents.action, action)))
}

const masked = (certNo: string) => `${certNo.slice(0, 6)}********${certNo.slice(-4)}`

describe('help desk 付款码 payments (POST /desk/payments/codepay)', () => {
  it('takes a payment by a scanned 付款码 at once, audited with the clerk as actor and the resident as subject', async () => {
    const { browser, staff } = await clerk()
    const person = await payablePerson()
    const key = randomUUID()
    const body = { year: YEAR, name: person.name, certNo: person.certNo, authCode: authCode('10') }
    const res = await codepay(browser, body, key)
    expect(res.status).toBe(201)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const result = await json(res)
    expect(result).toMatchObject({
      outcome: 'paid',
      reason: null,
      order: { channel: 'codepay', status: 'paid', codeUrl: null, lines: [{ certNo: masked(person.certNo), status: 'paid' }] },
    })
    expect(result.order.lines[0].receiptCode).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/)
    expect(JSON.stringify(result)).not.toContain(person.certNo)
    expect(JSON.stringify(result)).not.toContain(body.authCode)
    expect(await simOrder(result.order.outTradeNo)).toMatchObject({ trade_type: 'MICROPAY', trade_state: 'SUCCESS' })

    // The scanner gun's Enter twice (the same Idempotency-Key): the stored answer, one charge.
    const count = await simOrderCount()
    const again = await codepay(browser, body, key)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect((await json(again)).order.id).toBe(result.order.id)
    expect(await simOrderCount()).toBe(count)

    const audit = await auditOf(staff.account.id, 'desk.payment.codepay')
    expect(audit.map(e => [e.success, e.channel, e.subjectMasked, e.subjectRef, e.target, (e.detail as { outcome: string }).outcome]))
      .toEqual([[true, 'help_desk', masked(person.certNo), fast.deps.vault.ref(person.certNo), `order:${result.order.id}`, 'paid']])
    expect(JSON.stringify(audit)).not.toContain(body.authCode)
  })

  it('waits while the payer enters the password (USERPAYING), then reports 支付成功', async () => {
    const { browser } = await clerk()
    const person = await payablePerson()
    const res = await codepay(browser, { year: YEAR, name: person.name, certNo: person.certNo, authCode: authCode('12') })
    expect(res.status).toBe(202)
    const waiting = await json(res)
    expect(waiting).toMatchObject({ outcome: 'userpaying', reason: null, order: { status: 'prepaid', channel: 'codepay' } })
    expect(await simOrder(waiting.order.outTradeNo)).toMatchObject({ trade_state: 'USERPAYING' })

    const done = await settle(browser, waiting.order.id)
    expect(done.status).toBe(201)
    expect(await json(done)).toMatchObject({ outcome: 'paid', order: { id: waiting.order.id, status: 'paid', lines: [{ status: 'paid' }] } })
    expect(await simOrder(waiting.order.outTradeNo)).toMatchObject({ trade_state: 'SUCCESS' })
  })

  it('撤销 an order whose payer never finishes the password, after the deadline, and frees the person-year', async () => {
    const { browser, staff } = await clerk()
    const person = await payablePerson()
    const waiting = await json(await codepay(browser, { year: YEAR, name: person.name, certNo: person.certNo, authCode: authCode('14') }))
    expect(waiting.outcome).toBe('userpaying')
    const res = await settle(browser, waiting.order.id)
    expect(res.status).toBe(200)
    const result = await json(res)
    expect(result).toMatchObject({ outcome: 'reversed', reason: CODEPAY_REASONS.TIMEOUT, order: { status: 'closed', lines: [{ status: 'void' }] } })
    expect(await simOrder(waiting.order.outTradeNo)).toMatchObject({ trade_state: 'REVOKED' })
    const settled = await auditOf(staff.account.id, 'desk.payment.codepay.settle')
    expect(settled.map(e => [e.success, e.subjectMasked, (e.detail as { outcome: string }).outcome])).toEqual([[false, masked(person.certNo), 'reversed']])

    // The person-year is free again: a new code pays it.
    const retry = await codepay(browser, { year: YEAR, name: person.name, certNo: person.certNo, authCode: authCode('10') })
    expect(retry.status).toBe(201)
    expect((await json(retry)).order.id).not.toBe(waiting.order.id)
  })

  it('撤销 an order when the payer cancels or mistypes the password (PAYERROR)', async () => {
    const { browser } = await clerk()
    const person = await payablePerson()
    const waiting = await json(await codepay(browser, { year: YEAR, name: person.name, certNo: person.certNo, authCode: authCode('13') }))
    const result = await json(await settle(browser, waiting.order.id))
    expect(result).toMatchObject({ outcome: 'reversed', reason: CODEPAY_REASONS.PAYERROR, order: { status: 'closed' } })
    expect(await simOrder(waiting.order.outTradeNo)).toMatchObject({ trade_state: 'REVOKED' })
  })

  it('says why a refused payment (余额不足) took nothing, and closes its order', async () => {
    const { browser } = await clerk()
    const person = await payablePerson()
    const res = await codepay(browser, { year: YEAR, name: person.name, certNo: person.certNo, authCode: authCode('15') })
    expect(res.status).toBe(200)
    const result = await json(res)
    expect(result).toMatchObject({ outcome: 'reversed', reason: CODEPAY_REASONS.NOTENOUGH, order: { status: 'closed' } })
    expect((await findOrderBy(ctx.storage.db, 'id', result.order.id))!.status).toBe('closed')
  })

  it('finds out by querying when WeChat Pay took the money but its answer was lost (500)', async () => {
    const { browser } = await clerk()
    const person = await payablePerson()
    await ctx.stack.control('/config', { codepayNext: ['ANSWER_LOST'] }, 'PUT')
    const res = await codepay(browser, { year: YEAR, name: person.name, certNo: person.certNo, authCode: authCode('10') })
    expect(res.status).toBe(201)
    expect(await json(res)).toMatchObject({ outcome: 'paid', order: { status: 'paid' } })
  })

  it('refuses a malformed 付款码 with the Chinese error envelope and sends nothing to WeChat Pay', async () => {
    const { browser } = await clerk()
    const person = await payablePerson()
    const before = await simOrderCount()
    for (const bad of ['12345', '168812345678901234', '10881234567890123x', '1088123456789012345', '']) {
      const res = await codepay(browser, { year: YEAR, name: person.name, certNo: person.certNo, authCode: bad })
      expect(res.status).toBe(400)
      expect(await json(res)).toMatchObject({
        error: { code: 'VALIDATION_FAILED', fields: { authCode: '付款码应为18位数字、以10至15开头，请让付款人刷新微信付款码后重新扫码' } },
      })
    }
    const keyless = await browser.request('/api/v1/desk/payments/codepay', { method: 'POST', json: { year: YEAR, name: person.name, certNo: person.certNo, authCode: authCode('10') } })
    expect(keyless.status).toBe(400)
    expect(await json(keyless)).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REQUIRED' } })
    expect(await simOrderCount()).toBe(before)
  })

  it('refuses a resident of another region (403), audits the refusal and charges nothing', async () => {
    const { browser, staff } = await clerk(['370500'])
    const gz = await payablePerson('520000')
    const before = await simOrderCount()
    const res = await codepay(browser, { year: YEAR, name: gz.name, certNo: gz.certNo, authCode: authCode('10') })
    expect(res.status).toBe(403)
    expect(await json(res)).toMatchObject({ error: { code: 'OUT_OF_REGION', message: '该人员的参保地不在您的服务区域内，不能为其办理业务' } })
    expect(await simOrderCount()).toBe(before)
    const audit = await auditOf(staff.account.id, 'desk.payment.codepay')
    expect(audit.map(e => [e.success, (e.detail as { outcome: string }).outcome, e.subjectMasked, e.subjectRegion?.slice(0, 2)]))
      .toEqual([[false, 'out_of_region', masked(gz.certNo), '52']])
  })

  it('refuses a second charge for a person-year already paid (409 NOTHING_TO_PAY) and settles only codepay orders', async () => {
    const { browser } = await clerk()
    const person = await payablePerson()
    const paid = await json(await codepay(browser, { year: YEAR, name: person.name, certNo: person.certNo, authCode: authCode('10') }))
    expect(paid.outcome).toBe('paid')
    const before = await simOrderCount()
    const again = await codepay(browser, { year: YEAR, name: person.name, certNo: person.certNo, authCode: authCode('10') })
    expect(again.status).toBe(409)
    expect(await json(again)).toMatchObject({ error: { code: 'NOTHING_TO_PAY' } })
    expect(await simOrderCount()).toBe(before)
    // Settling someone else's order is not found; a paid order settles as paid.
    const { browser: other } = await clerk()
    expect((await settle(other, paid.order.id)).status).toBe(404)
    expect(await json(await settle(browser, paid.order.id))).toMatchObject({ outcome: 'paid' })
    expect((await orderLines(ctx.storage.db, paid.order.id)).map(l => l.status)).toEqual(['paid'])
  })
})
