import { randomUUID } from 'node:crypto'
import { and, eq, like } from 'drizzle-orm'
import { beforeEach, describe, expect, it } from 'vitest'
import { csvCell, DAY_CSV_HEADER } from '../payments/day-close'
import { auditEvents, deskDayCloses, outbox } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { TEST_NOW, TEST_YEAR } from '../testing/clock'
import { json, waitFor } from '../testing/http'
import { usePaymentStack } from '../testing/payment-stack'
import { createTestStaff, signInStaff } from '../testing/staff'

const { ctx, payablePerson } = usePaymentStack()

/** The stack's day (TEST_NOW, 15 November 2026 in Shanghai) and the next one. */
const DAY = '2026-11-15'
const T1_MATCH = '2026-11-16T10:31:00+08:00'

beforeEach(() => ctx.stack.clock.set(new Date(TEST_NOW)))

async function staffBrowser(opts: { role?: 'clerk' | 'supervisor' | 'admin', regions?: string[], name?: string } = {}) {
  const browser = new TestBrowser(ctx.stack.app)
  const staff = await createTestStaff(ctx.stack.deps, { role: opts.role ?? 'clerk', regions: opts.regions ?? ['370500'], name: opts.name })
  await signInStaff(browser, ctx.stack.deps, staff)
  return { browser, staff }
}

/** A 窗口代缴 QR order for a payable Dongying resident; `pay` has the resident scan and pay it. */
async function deskOrder(browser: TestBrowser, pay = true) {
  const person = await payablePerson(TEST_YEAR, '370500')
  const res = await browser.request('/api/v1/desk/payments/orders', {
    method: 'POST',
    json: { year: TEST_YEAR, name: person.name, certNo: person.certNo },
    headers: { 'idempotency-key': randomUUID() },
  })
  expect(res.status).toBe(201)
  const order = await json(res)
  if (pay) await payOrder(browser, order)
  return { order, person }
}

async function payOrder(browser: TestBrowser, order: { id: string, outTradeNo: string }) {
  await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
  await waitFor('paid', async () => json(await browser.request(`/api/v1/desk/payments/orders/${order.id}`)), o => o.status === 'paid')
}

function close(browser: TestBrowser, body: unknown = {}, key = randomUUID()) {
  return browser.request('/api/v1/desk/day-closes', { method: 'POST', json: body, headers: { 'idempotency-key': key } })
}

async function sheet(browser: TestBrowser, query = '') {
  const res = await browser.request(`/api/v1/desk/day-closes${query}`)
  expect(res.status).toBe(200)
  return json(res)
}

const masked = (certNo: string) => `${certNo.slice(0, 6)}********${certNo.slice(-4)}`

async function auditOf(actorId: string, action: string) {
  return ctx.storage.db.select().from(auditEvents)
    .where(and(eq(auditEvents.actorId, actorId), eq(auditEvents.action, action)))
}

describe('日结 of payments taken at the desk', () => {
  it('lists today\'s desk payments, closes the day once with exact totals, and flags a payment that completes after', async () => {
    const { browser, staff } = await staffBrowser()
    const a = await deskOrder(browser)
    const b = await deskOrder(browser)
    const waiting = await deskOrder(browser, false)
    // Another clerk's payment is never on this clerk's day.
    const { browser: other } = await staffBrowser()
    await deskOrder(other)

    const live = await sheet(browser)
    expect(live).toMatchObject({ date: DAY, status: 'open', closedAt: null, reconcile: null, staff: { id: staff.account.id } })
    expect(live.payments.map((p: { orderId: string }) => p.orderId)).toEqual([a.order.id, b.order.id, waiting.order.id])
    expect(live.payments[0]).toMatchObject({
      channel: 'native',
      status: 'paid',
      totalFen: a.order.totalFen,
      payerCertNo: masked(a.person.certNo),
      anomaly: null,
    })
    expect(live.payments[2]).toMatchObject({ status: 'prepaid', paidAt: null })
    const paidFen = a.order.totalFen + b.order.totalFen
    expect(live.totals).toEqual({ count: 2, totalFen: paidFen, byChannel: { native: { count: 2, totalFen: paidFen } } })
    expect(JSON.stringify(live)).not.toContain(a.person.certNo)
    expect(JSON.stringify(live)).not.toContain(a.person.name)

    // A money-moving POST: the key is required, and a key sent again is the same request.
    const keyless = await browser.request('/api/v1/desk/day-closes', { method: 'POST', json: {} })
    expect(keyless.status).toBe(400)
    expect(await json(keyless)).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REQUIRED' } })
    const key = randomUUID()
    const closed = await close(browser, {}, key)
    expect(closed.status).toBe(200)
    const frozen = await json(closed)
    expect(frozen).toMatchObject({ status: 'closed', totals: { count: 2, totalFen: paidFen }, late: [], closedAt: expect.stringContaining('+08:00') })
    expect(frozen.payments).toHaveLength(3)
    expect((await close(browser, {}, key)).headers.get('idempotent-replayed')).toBe('true')

    // Closing again (a new key) changes nothing.
    ctx.stack.clock.advance(60_000)
    const again = await close(browser, { date: DAY })
    expect(again.status).toBe(200)
    expect(again.headers.get('day-close-already')).toBe('true')
    expect(await json(again)).toMatchObject({ closedAt: frozen.closedAt, totals: { count: 2, totalFen: paidFen } })

    // The waiting QR is paid after the close: flagged, not added.
    await payOrder(browser, waiting.order)
    const after = await sheet(browser)
    expect(after.totals).toMatchObject({ count: 2, totalFen: paidFen })
    expect(after.payments.find((p: { orderId: string }) => p.orderId === waiting.order.id).status).toBe('prepaid')
    expect(after.late).toEqual([expect.objectContaining({ orderId: waiting.order.id, status: 'paid', totalFen: waiting.order.totalFen })])

    const audit = await auditOf(staff.account.id, 'desk.day_close.close')
    expect(audit.map(e => [e.success, e.channel, e.target])).toEqual([
      [true, 'help_desk', `day:${staff.account.id}:${DAY}`],
      [true, 'help_desk', `day:${staff.account.id}:${DAY}`],
    ])
  })

  it('two closes racing (a double click on two keys, or two BFF instances): one close, one T+1 match', async () => {
    const { browser, staff } = await staffBrowser()
    const paid = await deskOrder(browser)
    // The same signed-in clerk on a second BFF instance of the same database.
    const second = browser.on((await ctx.stack.another()).app)
    const [one, two] = await Promise.all([close(browser), close(second)])
    expect([one.status, two.status]).toEqual([200, 200])
    const [a, b] = [await json(one), await json(two)]
    expect(a).toMatchObject({ status: 'closed', totals: { count: 1, totalFen: paid.order.totalFen } })
    expect(b.closedAt).toBe(a.closedAt)
    expect([one.headers.get('day-close-already'), two.headers.get('day-close-already')].sort()).toEqual([null, 'true'])
    const rows = await ctx.storage.db.select().from(deskDayCloses).where(eq(deskDayCloses.staffId, staff.account.id))
    expect(rows).toHaveLength(1)
    const jobs = await ctx.storage.db.select().from(outbox).where(like(outbox.dedupeKey, `%${rows[0]!.id}%`))
    expect(jobs).toHaveLength(1)
  })

  it('on T+1 the worker matches the closed day against WeChat Pay\'s trade bill: 已对账', async () => {
    const { browser, staff } = await staffBrowser()
    await deskOrder(browser)
    await deskOrder(browser)
    expect((await close(browser)).status).toBe(200)

    // Before the bill is made nothing is matched.
    ctx.stack.clock.set(new Date('2026-11-16T09:00:00+08:00'), { frozen: true })
    await ctx.stack.worker.tick()
    const { browser: early } = await staffBrowser({ role: 'supervisor' })
    expect((await sheet(early, `?date=${DAY}&staffId=${staff.account.id}`)).reconcile).toBeNull()

    ctx.stack.clock.set(new Date(T1_MATCH), { frozen: true })
    // The staff session idles out over the 91 minutes; the supervisor signs in again.
    const { browser: supervisor } = await staffBrowser({ role: 'supervisor' })
    await waitFor('reconciled', async () => {
      await ctx.stack.worker.tick()
      return sheet(supervisor, `?date=${DAY}&staffId=${staff.account.id}`)
    }, s => s.reconcile !== null)
    const matched = await sheet(supervisor, `?date=${DAY}&staffId=${staff.account.id}`)
    expect(matched.reconcile).toEqual({ status: 'matched', at: '2026-11-16T10:31:00.000+08:00', differences: [] })
    const audit = await ctx.storage.db.select().from(auditEvents)
      .where(and(eq(auditEvents.action, 'desk.day_close.reconcile'), eq(auditEvents.actorId, 'reconcile')))
    expect(audit.some(e => e.success && (e.detail as { staffId: string }).staffId === staff.account.id)).toBe(true)
  })

  it('a bill that differs shows each difference (amount, missing in the bill, missing in ours); 对账 is for supervisors after the bill is made', async () => {
    const { browser, staff } = await staffBrowser()
    const a = await deskOrder(browser)
    const b = await deskOrder(browser)
    const waiting = await deskOrder(browser, false)
    expect((await close(browser)).status).toBe(200)
    await payOrder(browser, waiting.order)
    // WeChat Pay's side differs: one amount, and one payment the bill leaves out.
    const sim = ctx.stack.sandbox.state.wechatpay.orders
    sim.get(a.order.outTradeNo)!.totalFen = a.order.totalFen + 1
    sim.get(b.order.outTradeNo)!.successTime = new Date('2026-11-14T12:00:00+08:00')

    const body = { date: DAY, staffId: staff.account.id }
    const byClerk = await browser.request('/api/v1/desk/day-closes/reconcile', { method: 'POST', json: body })
    expect(byClerk.status).toBe(403)
    const { browser: supervisor } = await staffBrowser({ role: 'supervisor' })
    const early = await supervisor.request('/api/v1/desk/day-closes/reconcile', { method: 'POST', json: body })
    expect(early.status).toBe(409)
    expect(await json(early)).toMatchObject({ error: { code: 'DAY_BILL_NOT_READY', message: '微信支付交易账单次日10点后才生成，请稍后再对账' } })

    ctx.stack.clock.set(new Date(T1_MATCH), { frozen: true })
    const { browser: supervisorT1 } = await staffBrowser({ role: 'supervisor' })
    const res = await supervisorT1.request('/api/v1/desk/day-closes/reconcile', { method: 'POST', json: body })
    expect(res.status).toBe(200)
    const { reconcile } = await json(res)
    expect(reconcile.status).toBe('differences')
    expect(reconcile.differences).toEqual(expect.arrayContaining([
      { kind: 'amount_differs', outTradeNo: a.order.outTradeNo, oursFen: a.order.totalFen, billFen: a.order.totalFen + 1 },
      { kind: 'missing_in_bill', outTradeNo: b.order.outTradeNo, oursFen: b.order.totalFen, billFen: null },
      { kind: 'missing_in_ours', outTradeNo: waiting.order.outTradeNo, oursFen: null, billFen: waiting.order.totalFen },
    ]))
    expect(reconcile.differences).toHaveLength(3)
  })

  it('reopening needs a supervisor of the clerk\'s region and a reason; another region is refused and audited', async () => {
    const { browser, staff } = await staffBrowser()
    const a = await deskOrder(browser)
    expect((await close(browser)).status).toBe(200)
    const body = { date: DAY, staffId: staff.account.id, reason: '漏记一笔现场退费，重新核对' }

    const byClerk = await browser.request('/api/v1/desk/day-closes/reopen', { method: 'POST', json: body })
    expect(byClerk.status).toBe(403)
    expect(await json(byClerk)).toMatchObject({ error: { code: 'FORBIDDEN', message: '您没有权限办理此项业务' } })

    const { browser: guizhou, staff: guizhouStaff } = await staffBrowser({ role: 'supervisor', regions: ['520000'] })
    const refused = await guizhou.request('/api/v1/desk/day-closes/reopen', { method: 'POST', json: body })
    expect(refused.status).toBe(403)
    expect(await json(refused)).toMatchObject({ error: { code: 'OUT_OF_REGION' } })
    const peek = await guizhou.request(`/api/v1/desk/day-closes?date=${DAY}&staffId=${staff.account.id}`)
    expect(peek.status).toBe(403)
    expect((await auditOf(guizhouStaff.account.id, 'desk.day_close.reopen')).map(e => [e.success, (e.detail as { outcome: string }).outcome]))
      .toEqual([[false, 'OUT_OF_REGION']])
    expect((await auditOf(guizhouStaff.account.id, 'desk.day_close.view')).map(e => e.success)).toEqual([false])
    expect((await json(await guizhou.request(`/api/v1/desk/day-closes/clerks?date=${DAY}`))).clerks
      .map((k: { staff: { id: string } }) => k.staff.id)).not.toContain(staff.account.id)

    const { browser: supervisor, staff: sup } = await staffBrowser({ role: 'supervisor', regions: ['370500'] })
    const list = await json(await supervisor.request(`/api/v1/desk/day-closes/clerks?date=${DAY}`))
    expect(list.clerks).toContainEqual(expect.objectContaining({
      staff: { id: staff.account.id, displayName: staff.account.displayName },
      status: 'closed',
      totals: expect.objectContaining({ count: 1, totalFen: a.order.totalFen }),
    }))
    const noReason = await supervisor.request('/api/v1/desk/day-closes/reopen', { method: 'POST', json: { ...body, reason: ' ' } })
    expect(noReason.status).toBe(400)
    expect(await json(noReason)).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { reason: '请填写重开原因' } } })

    const reopened = await supervisor.request('/api/v1/desk/day-closes/reopen', { method: 'POST', json: body })
    expect(reopened.status).toBe(200)
    expect(await json(reopened)).toMatchObject({ status: 'reopened', closedAt: null, reopen: { by: sup.account.displayName, reason: body.reason } })
    const twice = await supervisor.request('/api/v1/desk/day-closes/reopen', { method: 'POST', json: body })
    expect(twice.status).toBe(409)
    expect(await json(twice)).toMatchObject({ error: { code: 'DAY_NOT_CLOSED' } })
    expect((await auditOf(sup.account.id, 'desk.day_close.reopen')).map(e => [e.success, (e.detail as { reason: string }).reason]))
      .toEqual([[true, body.reason], [false, body.reason]])

    // The clerk takes one more payment and closes anew: frozen again with both.
    const b = await deskOrder(browser)
    const reclosed = await json(await close(browser))
    expect(reclosed).toMatchObject({ status: 'closed', totals: { count: 2, totalFen: a.order.totalFen + b.order.totalFen } })
  })

  it('exports the day as CSV for finance: BOM, yuan with 2 decimals, masked IDs, no formulas', async () => {
    const { browser, staff } = await staffBrowser({ name: '=HYPERLINK("http://x","点我")' })
    const a = await deskOrder(browser)
    expect((await close(browser)).status).toBe(200)
    const res = await browser.request(`/api/v1/desk/day-closes/export?date=${DAY}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="day-close-${DAY}.csv"`)
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xEF, 0xBB, 0xBF])
    const text = new TextDecoder().decode(bytes.slice(3))
    const lines = text.split('\r\n')
    expect(lines[0]).toBe(DAY_CSV_HEADER.join(','))
    const yuan = `${Math.floor(a.order.totalFen / 100)}.${String(a.order.totalFen % 100).padStart(2, '0')}`
    const cells = lines[1]!.split(',')
    expect(cells.slice(0, 9)).toEqual([DAY, '"\'=HYPERLINK(""http://x""', '""点我"")"', '已日结', '未对账', a.order.outTradeNo, '扫码（二维码）', '已支付', String(TEST_YEAR)])
    expect(cells).toContain(masked(a.person.certNo))
    expect(cells).toContain(yuan)
    expect(lines[2]!.split(',').slice(5, 12)).toEqual(['合计', '', '1笔', '', '', '', yuan])
    expect(text).not.toContain(a.person.certNo)
    expect(lines.at(-1)).toBe('')
    expect((await auditOf(staff.account.id, 'desk.day_close.export')).map(e => e.success)).toEqual([true])
  })

  it('guards every cell a spreadsheet would read as a formula', () => {
    expect(['=1+1', '+86', '-2', '@SUM(A1)', '\tx', '12.50', '张*'].map(csvCell))
      .toEqual(['\'=1+1', '\'+86', '\'-2', '\'@SUM(A1)', '\'\tx', '12.50', '张*'])
    expect(csvCell('a,"b"')).toBe('"a,""b"""')
  })

  it('answers bad input with the Chinese error envelope', async () => {
    const { browser } = await staffBrowser()
    const cases: [string, { method?: string, json?: unknown, headers?: Record<string, string> }, number, string][] = [
      ['/api/v1/desk/day-closes?date=2026-02-30', {}, 400, 'VALIDATION_FAILED'],
      ['/api/v1/desk/day-closes?staffId=nobody', {}, 400, 'VALIDATION_FAILED'],
      [`/api/v1/desk/day-closes?staffId=${randomUUID()}`, {}, 404, 'STAFF_NOT_FOUND'],
      ['/api/v1/desk/day-closes/export?date=15-11-2026', {}, 400, 'VALIDATION_FAILED'],
      ['/api/v1/desk/day-closes', { method: 'POST', json: { date: '2026-11-16' }, headers: { 'idempotency-key': randomUUID() } }, 400, 'DAY_IN_FUTURE'],
      ['/api/v1/desk/day-closes', { method: 'POST', json: { date: 20261115 }, headers: { 'idempotency-key': randomUUID() } }, 400, 'VALIDATION_FAILED'],
      ['/api/v1/desk/day-closes/clerks', {}, 403, 'FORBIDDEN'],
    ]
    for (const [path, init, status, code] of cases) {
      const res = await browser.request(path, init)
      expect(res.status, path).toBe(status)
      const body = await json(res)
      expect(body.error.code, path).toBe(code)
      expect(body.error.message, path).toMatch(/[\u4E00-\u9FA5]/)
    }
    const { browser: supervisor } = await staffBrowser({ role: 'supervisor' })
    const notClosed = await supervisor.request('/api/v1/desk/day-closes/reopen', {
      method: 'POST',
      json: { date: '2026-11-10', staffId: (await json(await browser.request('/api/v1/desk/day-closes'))).staff.id, reason: '核对' },
    })
    expect(notClosed.status).toBe(409)
    expect(await json(notClosed)).toMatchObject({ error: { code: 'DAY_NOT_CLOSED', message: '该日尚未日结，请先日结再对账或重开' } })
    expect(await ctx.storage.db.select().from(auditEvents).where(like(auditEvents.action, 'desk.day_close.%'))).not.toHaveLength(0)
  })
})
