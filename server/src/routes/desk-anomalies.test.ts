import type { StaffRole } from '../storage/staff'
import { randomUUID } from 'node:crypto'
import { maskIdCard } from '@yibao/shared'
import { and, desc, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { MAX_JOB_ATTEMPTS } from '../payments/worker'
import { findAnomaly } from '../storage/anomalies'
import { findOrderBy, orderLines } from '../storage/payments'
import { liveRefundOfLine } from '../storage/refunds'
import { auditEvents, outbox } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { exhaustReport, usePaymentStack } from '../testing/payment-stack'
import { createTestStaff, signInStaff } from '../testing/staff'
import { json, until } from '../testing/http'

/**
 * 异常处理 at the help desk: anomalies made by the real payment stack (WeChat Pay simulator, tax bureau
 * stand-in, outbox worker), worked by supervisors through the routes.
 */
const { ctx, payablePerson } = usePaymentStack()
const YEAR = TEST_YEAR

type Person = { name: string, certNo: string }

let payerBrowser: TestBrowser | undefined
/** A signed-in resident who pays for Dongying people by name + ID (代缴). */
async function payer(): Promise<TestBrowser> {
  if (!payerBrowser) {
    payerBrowser = new TestBrowser(ctx.stack.app)
    await payerBrowser.signInDirect(ctx.stack.deps, await payablePerson(YEAR))
  }
  return payerBrowser
}

async function staffBrowser(role: StaffRole, regions: string[], name = '李主任') {
  const browser = new TestBrowser(ctx.stack.app)
  const staff = await createTestStaff(ctx.stack.deps, { role, regions, name })
  await signInStaff(browser, ctx.stack.deps, staff)
  return { browser, account: staff.account }
}

/** A paid order for one Dongying person (the callback applied). */
async function paidOrderFor(p: Person) {
  const res = await (await payer()).request('/api/v1/payments/orders', {
    method: 'POST',
    headers: { 'idempotency-key': randomUUID() },
    json: { year: YEAR, channel: 'native', people: [{ kind: 'other', name: p.name, certNo: p.certNo }] },
  })
  expect(res.status).toBe(201)
  const order = await json(res)
  await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
  await until(async () => (await findOrderBy(ctx.storage.db, 'id', order.id))?.status === 'paid')
  const [line] = await orderLines(ctx.storage.db, order.id)
  return { order: order as { id: string, outTradeNo: string }, line: line! }
}

const sandbox = (path: string, method: string, body?: unknown) => ctx.stack.sandboxCall(path, method, body)

/** The tax bureau already holds the person-year (paid at a tax hall): our report gets 2002 → duplicate. */
async function duplicatePayment() {
  const p = await payablePerson(YEAR)
  const paid = await paidOrderFor(p)
  expect((await sandbox('/__sandbox/tax/counter-payment', 'POST', { certNo: p.certNo, year: YEAR })).status).toBe(200)
  // One pass reports the line (2002 → duplicate); its automatic refund job waits for the next pass.
  await ctx.stack.worker.tick()
  expect((await orderLines(ctx.storage.db, paid.order.id))[0]!.status).toBe('duplicate')
  return { ...paid, person: p }
}

/** The tax bureau refuses to record the collection (2001): the line stays paid, queued. */
async function taxRefusal() {
  const p = await payablePerson(YEAR)
  await sandbox('/__sandbox/tax/collect-refusal', 'PUT', { fhdm: '2001', fhxx: '缴费金额与应缴金额不一致' })
  try {
    const paid = await paidOrderFor(p)
    await ctx.stack.worker.tick()
    return { ...paid, person: p }
  }
  finally {
    await sandbox('/__sandbox/tax/collect-refusal', 'PUT', {})
  }
}

async function queue(browser: TestBrowser, status: 'open' | 'resolved' = 'open') {
  const res = await browser.request(`/api/v1/desk/anomalies?status=${status}`)
  expect(res.status).toBe(200)
  expect(res.headers.get('cache-control')).toBe('no-store')
  return (await json(res)).anomalies as { id: string, kind: string, outTradeNo: string | null, [k: string]: unknown }[]
}

async function queued(browser: TestBrowser, kind: string, outTradeNo: string, status: 'open' | 'resolved' = 'open') {
  return (await queue(browser, status)).find(a => a.kind === kind && a.outTradeNo === outTradeNo)
}

function act(browser: TestBrowser, id: string, action: 'retry' | 'refund', key: string | null = randomUUID()) {
  const headers = key ? { 'idempotency-key': key } : undefined
  return browser.request(`/api/v1/desk/anomalies/${id}/${action}`, { method: 'POST', headers })
}

function resolve(browser: TestBrowser, id: string, reason: unknown) {
  return browser.request(`/api/v1/desk/anomalies/${id}/resolve`, { method: 'POST', json: { reason } })
}

async function auditOf(actorId: string, action: string) {
  return ctx.storage.db.select().from(auditEvents)
    .where(and(eq(auditEvents.actorId, actorId), eq(auditEvents.action, action))).orderBy(desc(auditEvents.id))
}

describe('异常处理: a duplicate payment', () => {
  it('is shown to the region\'s supervisor masked; 退款 sends it back once and the line ends refunded', async () => {
    const { order, line, person } = await duplicatePayment()
    const sup = await staffBrowser('supervisor', ['370500'], '李主任')
    const seen = await queued(sup.browser, 'duplicate_payment', order.outTradeNo)
    expect(seen).toMatchObject({
      status: 'open',
      people: [{ name: line.personNameMasked, certNo: maskIdCard(person.certNo) }],
      year: YEAR,
      amountFen: line.amountFen,
      lineStatus: 'duplicate',
      refundStatus: null,
      regionCode: line.regionCode,
      facts: { why: 'collected_elsewhere', taxCode: '2002' },
      available: { retry: false, refund: true },
      actions: [],
    })
    expect(seen!.createdAt).toMatch(/\+08:00$/)
    expect(JSON.stringify(await queue(sup.browser))).not.toContain(person.certNo)

    // Money moves only with an Idempotency-Key.
    const keyless = await act(sup.browser, seen!.id, 'refund', null)
    expect(keyless.status).toBe(400)
    expect(await json(keyless)).toMatchObject({
      error: { code: 'IDEMPOTENCY_KEY_REQUIRED', message: '请求缺少防重复提交标识，请刷新页面后重试' },
    })
    // 重试 means nothing for a duplicate.
    const retry = await act(sup.browser, seen!.id, 'retry')
    expect(retry.status).toBe(409)
    expect(await json(retry)).toMatchObject({
      error: { code: 'ANOMALY_ACTION_UNAVAILABLE', message: '该异常不能这样处理，请选择其他处理方式' },
    })

    const key = randomUUID()
    const refunded = await act(sup.browser, seen!.id, 'refund', key)
    expect(refunded.status).toBe(200)
    const { anomaly } = await json(refunded)
    expect(anomaly).toMatchObject({ refundStatus: 'refunding', available: { retry: false, refund: false } })
    expect(anomaly.actions).toEqual([
      { at: expect.stringMatching(/\+08:00$/), action: 'refund', by: '李主任', note: 'refunding' },
    ])
    // The same request again is answered from the first; another one finds the refund under way.
    const replay = await act(sup.browser, seen!.id, 'refund', key)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect((await act(sup.browser, seen!.id, 'refund')).status).toBe(409)
    const refund = (await liveRefundOfLine(ctx.storage.db, line.id))!
    expect(refund).toMatchObject({ reason: 'duplicate_payment', amountFen: line.amountFen })
    // The automatic refund job finds the same refund: the money goes back once.
    await ctx.stack.worker.tick()
    expect((await liveRefundOfLine(ctx.storage.db, line.id))!.id).toBe(refund.id)

    // The simulator completes the refund (≈2 s) and calls back: the line is refunded, the anomaly settled.
    await until(async () => (await orderLines(ctx.storage.db, order.id))[0]!.status === 'refunded')
    const settled = (await findAnomaly(ctx.storage.db, seen!.id))!
    expect(settled).toMatchObject({ status: 'resolved', resolvedBy: 'system', resolution: '已原路退回' })
    expect(await queued(sup.browser, 'duplicate_payment', order.outTradeNo)).toBeUndefined()
    expect(await queued(sup.browser, 'duplicate_payment', order.outTradeNo, 'resolved'))
      .toMatchObject({ lineStatus: 'refunded', refundStatus: 'succeeded', resolvedBy: null })

    const events = await auditOf(sup.account.id, 'payment.anomaly.refund')
    // The key-less try never reached the service; the second refund was refused.
    expect(events.map(e => [e.success, (e.detail as { outcome?: string }).outcome ?? null])).toEqual([
      [false, 'ANOMALY_ACTION_UNAVAILABLE'],
      [true, null],
    ])
    expect(events[1]).toMatchObject({
      actorType: 'staff',
      actorRole: 'supervisor',
      channel: 'help_desk',
      target: `anomaly:${seen!.id}`,
      subjectRegion: line.regionCode,
      subjectMasked: maskIdCard(person.certNo),
      success: true,
      detail: { kind: 'duplicate_payment', result: 'refunding' },
    })
    expect(ctx.stack.logs.join('')).not.toContain(person.certNo)
  })
})

describe('异常处理: who may see and act', () => {
  it('another region\'s supervisor sees none, 404 on act; clerks and residents get 403; admins see all', async () => {
    const { order } = await taxRefusal()
    const dongying = await staffBrowser('supervisor', ['370500'])
    const mine = (await queued(dongying.browser, 'tax_refused', order.outTradeNo))!
    expect(mine).toMatchObject({
      facts: { taxCode: '2001' },
      lineStatus: 'paid',
      available: { retry: true, refund: true },
    })

    const guizhou = await staffBrowser('supervisor', ['520000'])
    expect((await queue(guizhou.browser)).filter(a => a.regionCode?.toString().startsWith('37'))).toEqual([])
    const refused = [await resolve(guizhou.browser, mine.id, '不是本区的'), await act(guizhou.browser, mine.id, 'retry')]
    for (const res of refused) {
      expect(res.status).toBe(404)
      expect(await json(res)).toMatchObject({ error: { code: 'NOT_FOUND', message: '没有找到相关记录' } })
    }
    const trail = await auditOf(guizhou.account.id, 'payment.anomaly.resolve')
    expect(trail.map(e => [e.success, (e.detail as { outcome: string }).outcome])).toEqual([[false, 'out_of_region']])
    expect((await findAnomaly(ctx.storage.db, mine.id))!.status).toBe('open')

    const clerk = await staffBrowser('clerk', ['370500'])
    const forbidden = [
      await clerk.browser.request('/api/v1/desk/anomalies'),
      await act(clerk.browser, mine.id, 'retry'),
    ]
    for (const res of forbidden) {
      expect(res.status).toBe(403)
      expect(await json(res)).toMatchObject({ error: { code: 'FORBIDDEN', message: '您没有权限办理此项业务' } })
    }
    expect((await (await payer()).request('/api/v1/desk/anomalies')).status).toBe(403)

    const admin = await staffBrowser('admin', ['520000'])
    expect((await queued(admin.browser, 'tax_refused', order.outTradeNo))?.id).toBe(mine.id)
  })
})

describe('异常处理: 重试', () => {
  it('a job out of attempts is put back; the worker runs it again and the line is reported (settled)', async () => {
    const p = await payablePerson(YEAR)
    const { order, line } = await paidOrderFor(p)
    expect((await exhaustReport(ctx, line.id)).deadAt).not.toBeNull()
    const sup = await staffBrowser('supervisor', ['370500'], '王科长')
    const dead = (await queued(sup.browser, 'job_exhausted', order.outTradeNo))!
    expect(dead).toMatchObject({
      facts: { topic: 'report_line', attempts: MAX_JOB_ATTEMPTS },
      lineStatus: 'paid',
      available: { retry: true, refund: false },
    })

    const res = await act(sup.browser, dead.id, 'retry')
    expect(res.status).toBe(200)
    expect((await json(res)).anomaly).toMatchObject({
      available: { retry: false },
      actions: [{ action: 'retry', by: '王科长', note: 'report_line' }],
    })
    const [job] = await ctx.storage.db.select().from(outbox).where(eq(outbox.dedupeKey, `report_line:${line.id}`))
    expect(job).toMatchObject({ attempts: 0, doneAt: null, deadAt: null })

    await ctx.stack.worker.tick()
    expect((await orderLines(ctx.storage.db, order.id))[0]!.status).toBe('reported')
    expect(await findAnomaly(ctx.storage.db, dead.id))
      .toMatchObject({ status: 'resolved', resolvedBy: 'system', resolution: '税务部门已入账' })
    expect((await auditOf(sup.account.id, 'payment.anomaly.retry'))[0])
      .toMatchObject({ success: true, detail: { kind: 'job_exhausted', result: 'report_line' } })
  })

  it('a tax refusal is reported again on 重试, or its money goes back on 退款 (税务部门未能入账，系统退回)', async () => {
    const sup = await staffBrowser('supervisor', ['370500'])
    const again = await taxRefusal()
    const first = (await queued(sup.browser, 'tax_refused', again.order.outTradeNo))!
    expect((await act(sup.browser, first.id, 'retry')).status).toBe(200)
    // The refusal was lifted meanwhile: the new report job goes through.
    await ctx.stack.worker.tick()
    expect((await orderLines(ctx.storage.db, again.order.id))[0]!.status).toBe('reported')
    expect((await findAnomaly(ctx.storage.db, first.id))!.status).toBe('resolved')

    const back = await taxRefusal()
    const second = (await queued(sup.browser, 'tax_refused', back.order.outTradeNo))!
    const res = await act(sup.browser, second.id, 'refund')
    expect(res.status).toBe(200)
    expect((await json(res)).anomaly)
      .toMatchObject({ refundStatus: 'refunding', available: { retry: false, refund: false } })
    expect(await liveRefundOfLine(ctx.storage.db, back.line.id))
      .toMatchObject({ reason: 'collection_refused', status: 'refunding' })
    await until(async () => (await orderLines(ctx.storage.db, back.order.id))[0]!.status === 'refunded')
    expect((await findAnomaly(ctx.storage.db, second.id))!.status).toBe('resolved')
  })
})

describe('异常处理: 标记已处理', () => {
  it('records who and why (IDs masked), moves it to the resolved list; bad input is refused in Chinese', async () => {
    const { order, person } = await taxRefusal()
    const sup = await staffBrowser('supervisor', ['370500'], '赵主任')
    const open = (await queued(sup.browser, 'tax_refused', order.outTradeNo))!

    const cases: [unknown, string][] = [
      ['', '请填写处理说明'],
      ['  ', '请填写处理说明'],
      ['好', '处理说明至少2个字'],
      ['长'.repeat(201), '处理说明不超过200个字'],
      [42, '请填写处理说明'],
    ]
    for (const [reason, message] of cases) {
      const res = await resolve(sup.browser, open.id, reason)
      expect(res.status).toBe(400)
      expect(await json(res)).toMatchObject({
        error: { code: 'VALIDATION_FAILED', message: '填写的信息有误，请检查后再提交', fields: { reason: message } },
      })
    }
    const badStatus = await sup.browser.request('/api/v1/desk/anomalies?status=all')
    expect(badStatus.status).toBe(400)
    expect(await json(badStatus))
      .toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { status: '请选择待处理或已处理' } } })
    const missing = await resolve(sup.browser, randomUUID(), '已核实')
    expect(missing.status).toBe(404)
    expect(await json(missing)).toMatchObject({ error: { code: 'NOT_FOUND', message: '没有找到相关记录' } })

    const why = `已电话联系缴费人，税务窗口已补录（证件${person.certNo}）`
    const done = await resolve(sup.browser, open.id, why)
    expect(done.status).toBe(200)
    const { anomaly } = await json(done)
    const masked = why.replace(person.certNo, `${person.certNo.slice(0, 6)}********${person.certNo.slice(-4)}`)
    expect(anomaly).toMatchObject({
      status: 'resolved',
      resolvedBy: '赵主任',
      resolution: masked,
      available: { retry: false, refund: false },
    })
    expect(anomaly.resolvedAt).toMatch(/\+08:00$/)
    expect(anomaly.actions.at(-1)).toMatchObject({ action: 'resolve', by: '赵主任', note: masked })

    expect(await queued(sup.browser, 'tax_refused', order.outTradeNo)).toBeUndefined()
    expect((await queued(sup.browser, 'tax_refused', order.outTradeNo, 'resolved'))?.id).toBe(open.id)
    const stored = (await findAnomaly(ctx.storage.db, open.id))!
    expect(stored).toMatchObject({ resolvedBy: `staff:${sup.account.id}`, resolution: masked })

    // Done is done: nothing more is taken.
    for (const res of [await resolve(sup.browser, open.id, '再次处理'), await act(sup.browser, open.id, 'retry')]) {
      expect(res.status).toBe(409)
      expect(await json(res)).toMatchObject({ error: { code: 'ANOMALY_RESOLVED', message: '该异常已标记为已处理，请刷新列表' } })
    }
    const [event] = await auditOf(sup.account.id, 'payment.anomaly.resolve')
    expect(event).toMatchObject({ success: false, detail: { outcome: 'ANOMALY_RESOLVED' } })
    const ok = (await auditOf(sup.account.id, 'payment.anomaly.resolve')).find(e => e.success)!
    expect(ok).toMatchObject({ target: `anomaly:${open.id}`, detail: { kind: 'tax_refused', reason: masked } })
    expect(JSON.stringify(await auditOf(sup.account.id, 'payment.anomaly.resolve'))).not.toContain(person.certNo)
  })
})
