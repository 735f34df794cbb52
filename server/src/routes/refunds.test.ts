import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { findRefundBy } from '../storage/refunds'
import { auditEvents } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { usePaymentStack } from '../testing/payment-stack'
import { json, waitFor } from '../testing/http'

const { ctx, paidResident: paidIn } = usePaymentStack()
const paidResident = () => paidIn(YEAR)
/** Someone who holds no special status and so paid the whole premium (no 资助 taken off). */
const noStatus = (p: { statuses: readonly unknown[] }) => p.statuses.length === 0
/** Payable and not started on the stack's clock (`TEST_NOW`, 15 November 2026 in Shanghai). */
const YEAR = TEST_YEAR

function refund(browser: TestBrowser, body: unknown, key: string | null = randomUUID()) {
  return browser.request('/api/v1/refunds', { method: 'POST', json: body, headers: key ? { 'idempotency-key': key } : {} })
}

describe('退费 (POST /api/v1/refunds)', () => {
  it('refunds a premium paid for a year not started: bureau 审核, WeChat Pay back to the account, the line refunded and payable again', async () => {
    const { person, browser, order, line } = await paidResident()
    const key = randomUUID()
    const res = await refund(browser, { orderId: order.id, lineId: line.id, reason: 'duplicate_enrolment' }, key)
    expect(res.status).toBe(201)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const created = await json(res)
    expect(created).toMatchObject({ orderId: order.id, lineId: line.id, year: YEAR, reason: 'duplicate_enrolment', amountFen: line.amountFen, status: 'refunding' })
    expect(JSON.stringify(created)).not.toContain(person.certNo)

    // The same confirmation again is the same refund; another request for the line is refused.
    const replay = await refund(browser, { orderId: order.id, lineId: line.id, reason: 'duplicate_enrolment' }, key)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect((await json(replay)).id).toBe(created.id)
    const again = await refund(browser, { orderId: order.id, lineId: line.id, reason: 'overpaid' })
    expect(again.status).toBe(409)
    expect(await json(again)).toMatchObject({ error: { code: 'REFUND_EXISTS', message: '该人员的这笔缴费已申请过退费，请在退费记录中查看进度' } })

    // WeChat Pay's REFUND.SUCCESS callback settles it.
    const done = await waitFor('refund succeeded', async () => json(await browser.request(`/api/v1/refunds/${created.id}`)), r => r.status === 'succeeded')
    expect(done.succeededAt).toMatch(/\+08:00$/)
    expect(done.receivedAccount).toEqual(expect.any(String))
    const sim = await ctx.stack.control('/orders')
    expect(JSON.stringify(sim)).toContain(order.outTradeNo)

    const after = await json(await browser.request(`/api/v1/payments/orders/${order.id}`))
    expect(after.lines[0]).toMatchObject({ id: line.id, status: 'refunded', refund: { id: created.id, status: 'succeeded' } })
    expect(await json(await browser.request(`/api/v1/receipts/${line.receiptCode}`))).toMatchObject({ refunded: true })
    // Nobody is charged twice, and nobody is stopped from paying again either.
    const quote = await json(await browser.request('/api/v1/payments/quotes', { method: 'POST', json: { year: YEAR, people: [{ kind: 'self' }] } }))
    expect(quote.lines[0]).toMatchObject({ status: 'payable', dueFen: line.amountFen })
    expect((await json(await browser.request('/api/v1/refunds'))).map((r: { id: string }) => r.id)).toEqual([created.id])

    const audit = await ctx.storage.db.select().from(auditEvents).where(eq(auditEvents.target, `refund:${created.id}`))
    expect(audit.map(e => [e.action, e.success]).sort()).toEqual([['refund.request', true], ['refund.succeeded', true]])
  })

  it('answers the bureau\'s refusal in Chinese, and lets the resident ask again with the right reason', async () => {
    const { browser, order, line } = await paidResident()
    const dead = await refund(browser, { orderId: order.id, lineId: line.id, reason: 'died_before_benefit' })
    expect(dead.status).toBe(409)
    expect(await json(dead)).toMatchObject({ error: { code: 'REFUND_DEATH_NOT_FOUND', message: '医保部门未查到参保人在待遇享受期开始前的死亡登记信息，请携带死亡证明到窗口办理' } })
    const employee = await refund(browser, { orderId: order.id, lineId: line.id, reason: 'employee_insurance' })
    expect(await json(employee)).toMatchObject({ error: { code: 'REFUND_EMPLOYEE_NOT_FOUND' } })
    // Both refusals are kept (and listed); the line is still paid and may be refunded for a reason that holds.
    const listed = await json(await browser.request('/api/v1/refunds'))
    expect(listed.map((r: { status: string, rejectMessage: string }) => r.status)).toEqual(['rejected', 'rejected'])
    expect(listed[0].rejectMessage).toContain('职工医保')
    const ok = await refund(browser, { orderId: order.id, lineId: line.id, reason: 'overpaid' })
    expect(ok.status).toBe(201)
    expect((await json(ok)).status).toBe('refunding')
  })

  it('never shows or touches another resident\'s order or refund (404), and needs a session and an Idempotency-Key', async () => {
    const { browser, order, line } = await paidResident()
    const created = await json(await refund(browser, { orderId: order.id, lineId: line.id, reason: 'overpaid' }))
    const other = await paidResident()
    const stolen = await refund(other.browser, { orderId: order.id, lineId: line.id, reason: 'overpaid' })
    expect(stolen.status).toBe(404)
    expect(await json(stolen)).toMatchObject({ error: { code: 'NOT_FOUND' } })
    // Their own order with someone else's line is no better.
    expect((await refund(other.browser, { orderId: other.order.id, lineId: line.id, reason: 'overpaid' })).status).toBe(404)
    expect((await other.browser.request(`/api/v1/refunds/${created.id}`)).status).toBe(404)
    expect(await json(await other.browser.request('/api/v1/refunds'))).toEqual([])

    const keyless = await refund(browser, { orderId: order.id, lineId: line.id, reason: 'overpaid' }, null)
    expect(keyless.status).toBe(400)
    expect(await json(keyless)).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REQUIRED' } })
    const bad = await refund(browser, { orderId: 'x', lineId: line.id, reason: 'because' })
    expect(await json(bad)).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { orderId: '请选择要退费的缴费记录', reason: '请选择退费原因' } } })
    const anonymous = new TestBrowser(ctx.stack.app)
    await anonymous.refreshSession()
    expect((await refund(anonymous, { orderId: order.id, lineId: line.id, reason: 'overpaid' })).status).toBe(401)
    const refused = await ctx.storage.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'refund.request'), eq(auditEvents.success, false), eq(auditEvents.target, `order:${order.id}`)))
    // The attempt on another's order is in the trail, as a refusal.
    expect(refused.map(e => (e.detail as { outcome?: string }).outcome)).toEqual(['NOT_FOUND'])
  })

  it('keeps a refund the bureau could not take (down), and the worker finishes it later with the same refund number', async () => {
    const { browser, order, line } = await paidResident()
    // Every bureau system answers 503 for a moment (the sandbox's run-wide fault).
    await fetch(`${ctx.stack.sandboxUrl}/__sandbox/faults`, { method: 'PUT', body: JSON.stringify({ status: 503 }), headers: { 'content-type': 'application/json' } })
    let created
    try {
      const res = await refund(browser, { orderId: order.id, lineId: line.id, reason: 'overpaid' })
      expect(res.status).toBe(201)
      created = await json(res)
      expect(created.status).toBe('approving')
    }
    finally {
      await fetch(`${ctx.stack.sandboxUrl}/__sandbox/faults`, { method: 'DELETE' })
    }
    // The page (or the worker) asks again: approved, refunded, once.
    const done = await waitFor('refund succeeded', async () => json(await browser.request(`/api/v1/refunds/${created.id}`)), r => r.status === 'succeeded')
    expect(done.amountFen).toBe(line.amountFen)
  })

  describe('partial refunds after 1 January (issue 11, defect 4)', () => {
    /**
     * Moves the stack's clock to a Shanghai moment of the benefit year (signed in again: the session of the
     * autumn has expired by then), and back to where it was afterwards.
     */
    type Who = { browser: TestBrowser, person: { name: string, certNo: string } }
    async function on<T>(moment: string, who: Who, run: () => Promise<T>): Promise<T> {
      const back = ctx.stack.clock.now()
      ctx.stack.clock.set(new Date(moment))
      try {
        await who.browser.signInDirect(ctx.stack.deps, who.person)
        return await run()
      }
      finally {
        ctx.stack.clock.set(back)
      }
    }
    const sandboxPerson = (certNo: string) => ctx.stack.sandbox.state.residents.findPersonByCertNo(certNo)!
    const options = async (browser: TestBrowser, orderId: string, lineId: string) =>
      json(await browser.request(`/api/v1/refunds/options?orderId=${orderId}&lineId=${lineId}`))
    type Basis = { text: string, source: string, assumed?: true }
    type Option = {
      reason: string
      status: string
      amountFen: number | null
      partial: boolean
      basis: Basis | null
      message: string | null
    }
    /** A refund as its payer follows it, once it has succeeded. */
    const succeeded = (browser: TestBrowser, id: string) => {
      const read = async () => json(await browser.request(`/api/v1/refunds/${id}`))
      return waitFor('refund succeeded', read, r => r.status === 'succeeded')
    }
    const optionOf = (body: { options: Option[] }, reason: string) => body.options.find(o => o.reason === reason)!

    it('已参加职工医保: the months that overlap 职工医保, pro rata (assumed), through the bureau and WeChat Pay', async () => {
      const { person, browser, order, line } = await paidIn(YEAR, { where: noStatus })
      // Employee insurance from 15 March 2027: April–December overlap, 9 whole months.
      sandboxPerson(person.certNo).insurance.push({
        insutype: '310',
        admdvs: sandboxPerson(person.certNo).countyCode,
        insuDate: `${YEAR}-03-15`,
        endDate: null,
        endReason: null,
        empName: '东营测试有限公司',
        balanceFen: 0,
        psnType: '11',
        cvlservFlag: '0',
      })
      const expected = Math.floor(line.amountFen * 9 / 12)
      await on(`${YEAR}-04-10T10:00:00+08:00`, { browser, person }, async () => {
        const shown = await options(browser, order.id, line.id)
        expect(shown).toMatchObject({ year: YEAR, paidFen: line.amountFen })
        expect(optionOf(shown, 'employee_insurance')).toMatchObject({
          status: 'allowed',
          amountFen: expected,
          partial: true,
          basis: { text: expect.stringContaining('9 个整月（4月至12月）'), assumed: true },
        })
        // The reasons that end the year before it gives anything are refused, with the error table's words.
        expect(optionOf(shown, 'overpaid')).toMatchObject({ status: 'refused', message: `${YEAR}年度待遇享受期已开始，不能以该原因退费` })
        expect(optionOf(shown, 'funded')).toMatchObject({ status: 'refused', amountFen: null })

        const res = await refund(browser, { orderId: order.id, lineId: line.id, reason: 'employee_insurance' })
        expect(res.status).toBe(201)
        const created = await json(res)
        expect(created).toMatchObject({ reason: 'employee_insurance', amountFen: expected, paidFen: line.amountFen })
        expect(created.status).toBe('refunding')
        const done = await succeeded(browser, created.id)
        expect(done.amountFen).toBe(expected)
        // WeChat Pay gave back exactly that much of the order.
        const row = await findRefundBy(ctx.storage.db, 'id', created.id)
        const atWechatPay = await ctx.stack.deps.wechatpay.queryRefund(row!.outRefundNo)
        expect(atWechatPay).toMatchObject({ status: 'SUCCESS', refundFen: expected })
        // The person-year stays paid: the line is not refunded, the receipt still proves the payment.
        const after = await json(await browser.request(`/api/v1/payments/orders/${order.id}`))
        expect(after.lines[0]).toMatchObject({ id: line.id, status: 'reported' })
        expect(after.lines[0].refund).toMatchObject({ id: created.id, status: 'succeeded' })
        const receipt = await json(await browser.request(`/api/v1/receipts/${line.receiptCode}`))
        expect(receipt).toMatchObject({ valid: true, refunded: false })
        // One refund per line: nothing more for the same year.
        const again = await refund(browser, { orderId: order.id, lineId: line.id, reason: 'funded' })
        expect(await json(again)).toMatchObject({ error: { code: 'REFUND_EXISTS' } })
      })
    })

    it('已参加职工医保 after 1 January without a whole month of overlap is refused before anything is written', async () => {
      const { person, browser, order, line } = await paidIn(YEAR, { where: noStatus })
      await on(`${YEAR}-02-01T10:00:00+08:00`, { browser, person }, async () => {
        const res = await refund(browser, { orderId: order.id, lineId: line.id, reason: 'employee_insurance' })
        expect(res.status).toBe(409)
        const message = `医保部门未查到与${YEAR}年度居民医保重叠整月的职工医保参保信息，不能以该原因退费`
        expect(await json(res)).toMatchObject({ error: { code: 'REFUND_NO_OVERLAP', message } })
        expect(await json(await browser.request('/api/v1/refunds'))).toEqual([])
      })
    })

    it('资助对象 (贵州方案 二(二)(三)): a 建档立卡 identified after paying gets 100 元 back, the year stays paid', async () => {
      const { person, browser, order, line } = await paidIn(YEAR, { policyRegion: '520000', where: noStatus })
      await on(`${YEAR}-03-20T10:00:00+08:00`, { browser, person }, async () => {
        // Not yet a 资助对象: refused, by the rules and in Chinese.
        const before = await refund(browser, { orderId: order.id, lineId: line.id, reason: 'funded' })
        expect(await json(before)).toMatchObject({ error: { code: 'REFUND_NOT_FUNDED' } })
        // Identified on 10 March (by the end of August: this year's 资助, 二(二)).
        const p = sandboxPerson(person.certNo)
        p.statuses.push({
          status: 'poverty_registered',
          idetType: '2101',
          level: null,
          memo: null,
          disabilityKind: null,
          poor: null,
          begin: `${YEAR}-03-10`,
          end: null,
        })
        const shown = optionOf(await options(browser, order.id, line.id), 'funded')
        expect(shown).toMatchObject({ status: 'allowed', amountFen: 100_00, partial: true })
        expect(shown.basis).toMatchObject({ source: expect.stringContaining('二(三)') })
        expect(shown.basis!.assumed).toBeUndefined()

        const res = await refund(browser, { orderId: order.id, lineId: line.id, reason: 'funded' })
        expect(res.status).toBe(201)
        const created = await json(res)
        expect(created).toMatchObject({ reason: 'funded', amountFen: 100_00, paidFen: line.amountFen })
        await succeeded(browser, created.id)
        // The bureau kept the year paid and noted the refund.
        const rec = p.contributions.find(c => c.year === YEAR)!
        expect(rec).toMatchObject({ paid: true, refundedFen: 100_00 })
        const after = await json(await browser.request(`/api/v1/payments/orders/${order.id}`))
        expect(after.lines[0].status).toBe('reported')
      })
    })

    it('answers the options of another\'s line with 404, and needs the ids', async () => {
      const { order, line } = await paidResident()
      const other = await paidResident()
      const stolen = await other.browser.request(`/api/v1/refunds/options?orderId=${order.id}&lineId=${line.id}`)
      expect(stolen.status).toBe(404)
      const bad = await json(await other.browser.request('/api/v1/refunds/options?orderId=x'))
      const fields = { orderId: '请选择要退费的缴费记录', lineId: '请选择要退费的人员' }
      expect(bad).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields } })
    })
  })
})
