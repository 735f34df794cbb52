import type { AppDeps } from '../lib/types'
import type { StaffRole } from '../storage/staff'
import type { Database } from '../storage/types'
import type { StaffActor } from './anomalies'
import { randomUUID } from 'node:crypto'
import { maskIdCard } from '@yibao/shared'
import { and, desc, eq, like } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { AppError, UpstreamError } from '../lib/errors'
import { findAnomaly, recordAnomaly } from '../storage/anomalies'
import { findOrderBy, markLineReported, orderLines } from '../storage/payments'
import { auditEvents, outbox, paymentAnomalies, premiumOrders, premiumRefunds } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { json, until } from '../testing/http'
import { usePaymentStack } from '../testing/payment-stack'
import { createTestStaff } from '../testing/staff'
import {
  anomalyInScope,
  listForStaff,
  refundAnomaly,
  resolveAnomalyAs,
  retryAnomaly,
} from './anomalies'
import { applyRefundResult, requestRefund } from './refunds'

/**
 * Edges of 异常处理 (payments/anomalies.ts) at the service level, on the real payment stack: who may work an
 * anomaly (admin, supervisor of the region, clerk), what each action (重试 / 退款 / 标记已处理) does and
 * records with the anomaly, in the audit trail and in the log, and the refusals; a 退款 whose line moved on
 * meanwhile, the audit target of an over-long id, and a bill amount of none (null) in the queue's facts.
 */
const { ctx, payablePerson, paidResident } = usePaymentStack()
const YEAR = TEST_YEAR
const db = () => ctx.storage.db
const deps = () => ctx.stack.deps

type Person = { name: string, certNo: string }

async function staff(role: StaffRole, regions: string[], name = '测试员'): Promise<StaffActor> {
  const { account } = await createTestStaff(deps(), { role, regions, name })
  return { staff: account, requestId: `req-${randomUUID()}`, clientIp: '10.1.2.3' }
}

async function refusal(run: Promise<unknown>): Promise<Error> {
  const error = await run.then(() => null, (e: unknown) => e)
  expect(error, 'expected a refusal').not.toBeNull()
  return error as Error
}

async function auditOf(actor: StaffActor, action: string) {
  return db().select().from(auditEvents)
    .where(and(eq(auditEvents.actorId, actor.staff.id), eq(auditEvents.action, `payment.anomaly.${action}`)))
    .orderBy(desc(auditEvents.id))
}

let payerBrowser: TestBrowser | undefined
async function payer(): Promise<TestBrowser> {
  if (!payerBrowser) {
    payerBrowser = new TestBrowser(ctx.stack.app)
    await payerBrowser.signInDirect(deps(), await payablePerson(YEAR))
  }
  return payerBrowser
}

/** An order placed by the payer for a Dongying person (代缴), not paid yet. */
async function placed(p: Person) {
  const res = await (await payer()).request('/api/v1/payments/orders', {
    method: 'POST',
    headers: { 'idempotency-key': randomUUID() },
    json: { year: YEAR, channel: 'native', people: [{ kind: 'other', name: p.name, certNo: p.certNo }] },
  })
  expect(res.status).toBe(201)
  return json(res) as Promise<{ id: string, outTradeNo: string, totalFen: number }>
}

async function paid(p: Person) {
  const order = await placed(p)
  await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
  await until(async () => (await findOrderBy(db(), 'id', order.id))?.status === 'paid')
  const [line] = await orderLines(db(), order.id)
  return { order, line: line! }
}

async function anomalyOf(kind: string, where: { orderId?: string, lineId?: string }) {
  const rows = await db().select().from(paymentAnomalies).where(and(
    eq(paymentAnomalies.kind, kind),
    where.orderId ? eq(paymentAnomalies.orderId, where.orderId) : undefined,
    where.lineId ? eq(paymentAnomalies.lineId, where.lineId) : undefined,
  ))
  expect(rows, `${kind} anomaly`).toHaveLength(1)
  return rows[0]!
}

/** The tax bureau refuses to record the collection (2001): the line stays paid, a tax_refused anomaly. */
async function taxRefusal() {
  const p = await payablePerson(YEAR)
  await ctx.stack.sandboxCall('/__sandbox/tax/collect-refusal', 'PUT', { fhdm: '2001', fhxx: '缴费金额与应缴金额不一致' })
  try {
    const done = await paid(p)
    await ctx.stack.worker.tick()
    return { ...done, person: p, anomaly: await anomalyOf('tax_refused', { lineId: done.line.id }) }
  }
  finally {
    await ctx.stack.sandboxCall('/__sandbox/tax/collect-refusal', 'PUT', {})
  }
}

/** WeChat Pay reported another amount than our order's: the order stays prepaid, an amount_mismatch anomaly. */
async function orderAmountMismatch() {
  const p = await payablePerson(YEAR)
  const order = await placed(p)
  await db().update(premiumOrders).set({ totalFen: order.totalFen + 1 }).where(eq(premiumOrders.id, order.id))
  await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
  const anomaly = await until(async () => (await db().select().from(paymentAnomalies)
    .where(and(eq(paymentAnomalies.kind, 'amount_mismatch'), eq(paymentAnomalies.orderId, order.id))))[0])
  expect((await findOrderBy(db(), 'id', order.id))!.status).toBe('prepaid')
  return { order, anomaly, person: p }
}

/** A payment WeChat Pay's bill holds and nobody here knows (no order, no region): only admins see it. */
async function strangerInBill() {
  const outTradeNo = `STRANGER${Date.now()}${Math.floor(Math.random() * 1000)}`
  return (await recordAnomaly(db(), {
    at: ctx.stack.clock.now(),
    kind: 'reconcile_unknown_in_bill',
    dedupeKey: `reconcile_unknown_in_bill:${outTradeNo}`,
    orderId: null,
    regionCode: null,
    detail: { date: '2026-11-14', outTradeNo, billFen: 38000, transactionId: '4200000000', outcome: 'unknown_order' },
  }))!
}

function workedLogs(anomalyId: string) {
  return ctx.stack.logs.map(l => JSON.parse(l) as Record<string, unknown>)
    .filter(l => l.msg === 'anomaly worked' && l.anomalyId === anomalyId)
}

describe('anomalyInScope: who may see and work an anomaly', () => {
  it('admins every one (even of no known region); supervisors their regions only; clerks none', () => {
    expect(anomalyInScope({ role: 'admin', regionCodes: ['520000'] }, { regionCode: null })).toBe(true)
    expect(anomalyInScope({ role: 'admin', regionCodes: ['520000'] }, { regionCode: '370502' })).toBe(true)
    expect(anomalyInScope({ role: 'supervisor', regionCodes: ['370500'] }, { regionCode: '370502' })).toBe(true)
    expect(anomalyInScope({ role: 'supervisor', regionCodes: ['370500'] }, { regionCode: '520102' })).toBe(false)
    expect(anomalyInScope({ role: 'supervisor', regionCodes: ['370500'] }, { regionCode: null })).toBe(false)
    expect(anomalyInScope({ role: 'clerk', regionCodes: ['370500'] }, { regionCode: '370502' })).toBe(false)
    expect(anomalyInScope({ role: 'clerk', regionCodes: ['370500'] }, { regionCode: null })).toBe(false)
  })

  it('a clerk has no 异常处理 queue (FORBIDDEN); an admin\'s holds every region and none', async () => {
    const clerk = await staff('clerk', ['370500'])
    const error = await refusal(listForStaff(deps(), clerk.staff, 'open')) as AppError
    expect(error).toMatchObject({ code: 'FORBIDDEN', status: 403 })
    const stranger = await strangerInBill()
    const admin = await staff('admin', ['520000'])
    const queue = await listForStaff(deps(), admin.staff, 'open')
    expect(queue.find(a => a.id === stranger.id)).toMatchObject({
      kind: 'reconcile_unknown_in_bill',
      regionCode: null,
      orderId: null,
      people: [],
      available: { retry: false, refund: false },
    })
    const sup = await staff('supervisor', ['370500'])
    expect((await listForStaff(deps(), sup.staff, 'open')).map(a => a.id)).not.toContain(stranger.id)
  })
})

describe('an anomaly of no known region (a stranger\'s payment in the bill)', () => {
  it('a supervisor gets NOT_FOUND (out_of_region); 重试 has nothing to ask; an admin resolves it', async () => {
    const stranger = await strangerInBill()
    const sup = await staff('supervisor', ['370500'])
    expect(await refusal(resolveAnomalyAs(deps(), sup, stranger.id, '已核实')))
      .toMatchObject({ code: 'NOT_FOUND', status: 404 })
    expect((await auditOf(sup, 'resolve'))[0]).toMatchObject({
      success: false,
      target: `anomaly:${stranger.id}`,
      subjectRegion: null,
      subjectRef: null,
      detail: { reason: '已核实', kind: 'reconcile_unknown_in_bill', outcome: 'out_of_region' },
    })

    const admin = await staff('admin', ['520000'], '管理员甲')
    expect(await refusal(retryAnomaly(deps(), admin, stranger.id)))
      .toMatchObject({ code: 'ANOMALY_ACTION_UNAVAILABLE', status: 409 })
    const [refused] = await auditOf(admin, 'retry')
    expect(refused!.detail).toEqual({ kind: 'reconcile_unknown_in_bill', outcome: 'ANOMALY_ACTION_UNAVAILABLE' })

    const done = await resolveAnomalyAs(deps(), admin, stranger.id, '商户号误收，已线下退回')
    expect(done).toMatchObject({
      status: 'resolved',
      people: [],
      resolvedBy: '管理员甲',
      resolution: '商户号误收，已线下退回',
      actions: [{ action: 'resolve', by: '管理员甲', note: '商户号误收，已线下退回' }],
    })
    const [ok] = await auditOf(admin, 'resolve')
    expect(ok).toMatchObject({ success: true, actorRole: 'admin', requestId: admin.requestId, clientIp: '10.1.2.3' })
    // The reason is recorded as the reason, not as a result.
    expect(ok!.detail).toEqual({ reason: '商户号误收，已线下退回', kind: 'reconcile_unknown_in_bill' })
    expect(workedLogs(stranger.id)).toEqual([expect.objectContaining({
      anomaly: 'reconcile_unknown_in_bill',
      action: 'resolve',
      staffId: admin.staff.id,
    })])
  })

  it('an anomaly that does not exist: NOT_FOUND, audited without a kind', async () => {
    const sup = await staff('supervisor', ['370500'])
    const id = randomUUID()
    expect(await refusal(retryAnomaly(deps(), sup, id))).toMatchObject({ code: 'NOT_FOUND', status: 404 })
    const [event] = await auditOf(sup, 'retry')
    expect(event).toMatchObject({ success: false, target: `anomaly:${id}` })
    expect(event!.detail).toEqual({ outcome: 'NOT_FOUND' })
  })

  it('two 标记已处理 at once: one is taken, the other told ANOMALY_RESOLVED', async () => {
    const stranger = await strangerInBill()
    const admin = await staff('admin', ['370500'])
    const results = await Promise.all(['第一次', '第二次'].map(why =>
      resolveAnomalyAs(deps(), admin, stranger.id, why).then(v => v.status, (e: AppError) => e.code)))
    expect(results.sort()).toEqual(['ANOMALY_RESOLVED', 'resolved'])
    expect((await findAnomaly(db(), stranger.id))!.actions).toHaveLength(1)
  })
})

describe('重试 of a tax refusal', () => {
  it('reports the line again as a new job per retry (…:retry:1, …:retry:2), noted without a result', async () => {
    const { line, person, anomaly } = await taxRefusal()
    const sup = await staff('supervisor', ['370500'], '钱科长')
    const at = new Date(ctx.stack.clock.now().getTime() + 1000)
    ctx.stack.clock.set(at, { frozen: true })
    try {
      const first = await retryAnomaly(deps(), sup, anomaly.id)
      expect(first.actions).toEqual([{ at: expect.stringMatching(/\+08:00$/), action: 'retry', by: '钱科长', note: null }])
      await retryAnomaly(deps(), sup, anomaly.id)
    }
    finally {
      ctx.stack.clock.set(at)
    }
    const jobs = await db().select().from(outbox).where(like(outbox.dedupeKey, `report_line:${line.id}:%`))
    expect(jobs.map(j => [j.topic, j.dedupeKey, j.payload, j.availableAt]).sort()).toEqual([
      ['report_line', `report_line:${line.id}:retry:1`, { lineId: line.id }, at],
      ['report_line', `report_line:${line.id}:retry:2`, { lineId: line.id }, at],
    ])
    const events = await auditOf(sup, 'retry')
    expect(events).toHaveLength(2)
    expect(events[0]).toMatchObject({
      success: true,
      actorType: 'staff',
      channel: 'help_desk',
      subjectRegion: line.regionCode,
      subjectRef: line.personCertRef,
      subjectMasked: maskIdCard(person.certNo),
    })
    expect(events[0]!.detail).toEqual({ kind: 'tax_refused' })
  })

  it('退款 is not offered for a duplicate_payment whose line is not the duplicate', async () => {
    const { line, order } = await taxRefusal()
    // A duplicate_payment about that (paid) line: nothing of it is a duplicate to send back.
    const odd = (await recordAnomaly(db(), {
      at: ctx.stack.clock.now(),
      kind: 'duplicate_payment',
      dedupeKey: `duplicate_payment:edges:${line.id}`,
      orderId: order.id,
      lineId: line.id,
      regionCode: line.regionCode,
      detail: { why: 'collected_elsewhere' },
    }))!
    const sup = await staff('supervisor', ['370500'])
    const view = (await listForStaff(deps(), sup.staff, 'open')).find(a => a.id === odd.id)
    expect(view).toMatchObject({ lineStatus: 'paid', available: { retry: false, refund: false } })
    expect(await refusal(refundAnomaly(deps(), sup, odd.id))).toMatchObject({ code: 'ANOMALY_ACTION_UNAVAILABLE' })
  })
})

describe('重试 of an order whose payment is in question: WeChat Pay is asked again', () => {
  it('an open order is converged (paid); then WeChat Pay\'s trade state, refusal code, or failure', async () => {
    const { order, anomaly } = await orderAmountMismatch()
    const sup = await staff('supervisor', ['370500'], '孙主任')
    // Our stored amount was wrong; put right, the order can be paid.
    await db().update(premiumOrders).set({ totalFen: order.totalFen }).where(eq(premiumOrders.id, order.id))
    const first = await retryAnomaly(deps(), sup, anomaly.id)
    expect((await findOrderBy(db(), 'id', order.id))!.status).toBe('paid')
    expect(first).toMatchObject({ orderStatus: 'paid', actions: [{ action: 'retry', by: '孙主任', note: 'SUCCESS' }] })
    expect((await auditOf(sup, 'retry'))[0]!.detail).toEqual({ kind: 'amount_mismatch', result: 'SUCCESS' })
    expect(workedLogs(anomaly.id)).toEqual([expect.objectContaining({
      anomaly: 'amount_mismatch',
      action: 'retry',
      staffId: sup.staff.id,
    })])

    const path = '/v3/pay/transactions/out-trade-no/'
    await ctx.stack.control('/config', { failNext: [{ path, status: 404, code: 'ORDER_NOT_EXIST' }] }, 'PUT')
    const second = await retryAnomaly(deps(), sup, anomaly.id)
    expect(second.actions.map(a => a.note)).toEqual(['SUCCESS', 'ORDER_NOT_EXIST'])
    expect((await auditOf(sup, 'retry'))[0]!.detail).toEqual({ kind: 'amount_mismatch', result: 'ORDER_NOT_EXIST' })

    await ctx.stack.control('/config', { failNext: [{ path, status: 500, code: 'SYSTEM_ERROR' }] }, 'PUT')
    const down = await refusal(retryAnomaly(deps(), sup, anomaly.id))
    expect(down).toBeInstanceOf(UpstreamError)
    expect(down).toMatchObject({ kind: 'unavailable' })
    const [failed] = await auditOf(sup, 'retry')
    expect(failed).toMatchObject({ success: false })
    expect(failed!.detail).toEqual({ kind: 'amount_mismatch', outcome: 'upstream_failed' })
    expect((await findAnomaly(db(), anomaly.id))!.actions).toHaveLength(2)
  })
})

describe('重试 of a refund amount that did not match', () => {
  it('asks WeChat Pay about the refund while it is under way; not once it has succeeded', async () => {
    const { order, line } = await paidResident(YEAR)
    await ctx.stack.control('/config', { refundProcessingMs: 600_000 }, 'PUT')
    let refund
    try {
      refund = await requestRefund(deps(), {
        principal: (await findOrderBy(db(), 'id', order.id))!.principal,
        orderId: order.id,
        lineId: line.id,
        reason: 'overpaid',
        idempotencyKeyId: null,
      })
    }
    finally {
      await ctx.stack.control('/config', { refundProcessingMs: 2000 }, 'PUT')
    }
    const answer = await deps().wechatpay.queryRefund(refund.outRefundNo)
    await applyRefundResult(deps(), { ...answer, refundFen: refund.amountFen - 1 })
    const anomaly = await anomalyOf('amount_mismatch', { orderId: order.id })
    expect(anomaly.refundId).toBe(refund.id)
    const sup = await staff('supervisor', ['370500'])
    const before = (await listForStaff(deps(), sup.staff, 'open')).find(a => a.id === anomaly.id)!
    expect(before).toMatchObject({ refundStatus: 'refunding', available: { retry: true, refund: false } })

    const asked = await retryAnomaly(deps(), sup, anomaly.id)
    expect(asked.actions.map(a => [a.action, a.note])).toEqual([['retry', 'refunding']])
    expect((await auditOf(sup, 'retry'))[0]!.detail).toEqual({ kind: 'amount_mismatch', result: 'refunding' })

    // WeChat Pay ends it: succeeded, nothing more to ask.
    await ctx.stack.control(`/refunds/${refund.outRefundNo}/complete`, { outcome: 'SUCCESS' })
    await until(async () => (await orderLines(db(), order.id))[0]!.status === 'refunded')
    const settled = (await listForStaff(deps(), sup.staff, 'open')).find(a => a.id === anomaly.id)!
    expect(settled).toMatchObject({ refundStatus: 'succeeded', available: { retry: false } })
    expect(await refusal(retryAnomaly(deps(), sup, anomaly.id)))
      .toMatchObject({ code: 'ANOMALY_ACTION_UNAVAILABLE', status: 409 })
  })
})

/**
 * `db` on which `meanwhile` runs (on the real database) just before the first query that joins two tables
 * is sent: the read of the line with its order by the refund, after the anomaly and its subjects were read.
 */
function meanwhileBeforeJoin(real: Database, meanwhile: () => Promise<unknown>): Database {
  let pending: (() => Promise<unknown>) | null = meanwhile
  const chain = <T extends object>(target: T, joined: boolean): T => new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t) as unknown
      if (typeof value !== 'function') return value
      if (prop === 'then') {
        return (ok?: (v: unknown) => unknown, ko?: (e: unknown) => unknown) => {
          const before = joined ? pending : null
          if (before) pending = null
          return (before ? before() : Promise.resolve()).then(() => value.call(t, ok, ko) as Promise<unknown>)
        }
      }
      return (...args: unknown[]) => {
        const out = value.apply(t, args) as unknown
        return out && typeof out === 'object' ? chain(out, joined || prop === 'innerJoin') : out
      }
    },
  })
  return chain(real, false)
}

describe('退款 of a tax refusal whose line moved on meanwhile', () => {
  it('the line was reported between the check and the refund: ANOMALY_ACTION_UNAVAILABLE, nothing sent', async () => {
    const { line, anomaly } = await taxRefusal()
    expect(line.status).toBe('paid')
    const sup = await staff('supervisor', ['370500'], '周科长')
    const before = (await listForStaff(deps(), sup.staff, 'open')).find(a => a.id === anomaly.id)!
    expect(before).toMatchObject({ lineStatus: 'paid', available: { refund: true } })

    // The bureau records the collection (a 重试's report) while the 退款 is under way.
    const racing: AppDeps = {
      ...deps(),
      storage: {
        ...deps().storage,
        db: meanwhileBeforeJoin(db(), () => markLineReported(db(), line.id, ctx.stack.clock.now())),
      },
    }
    const error = await refusal(refundAnomaly(racing, sup, anomaly.id))
    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({ code: 'ANOMALY_ACTION_UNAVAILABLE', status: 409 })

    expect((await orderLines(db(), line.orderId)).map(l => l.status)).toEqual(['reported'])
    expect(await db().select().from(premiumRefunds).where(eq(premiumRefunds.lineId, line.id))).toEqual([])
    expect((await findAnomaly(db(), anomaly.id))!.actions).toEqual([])
    const [event] = await auditOf(sup, 'refund')
    expect(event).toMatchObject({ success: false, target: `anomaly:${anomaly.id}`, subjectRef: line.personCertRef })
    expect(event!.detail).toEqual({ kind: 'tax_refused', outcome: 'ANOMALY_ACTION_UNAVAILABLE' })
  })
})

describe('the audit trail of an anomaly id that is not one', () => {
  it('an over-long id is cut to 36 characters in the audit target (NOT_FOUND)', async () => {
    const sup = await staff('supervisor', ['370500'])
    const head = randomUUID()
    const id = `${head}${'x'.repeat(64)}`
    expect(await refusal(retryAnomaly(deps(), sup, id))).toMatchObject({ code: 'NOT_FOUND', status: 404 })
    const [event] = await auditOf(sup, 'retry')
    expect(event).toMatchObject({ success: false, target: `anomaly:${head}` })
    expect(event!.target).toHaveLength('anomaly:'.length + 36)
    expect(event!.detail).toEqual({ outcome: 'NOT_FOUND' })
  })
})

describe('facts of a reconcile anomaly: the bill amount', () => {
  async function missingInBill(detail: Record<string, unknown>) {
    const outTradeNo = `MISSING${Date.now()}${Math.floor(Math.random() * 1e6)}`
    return (await recordAnomaly(db(), {
      at: ctx.stack.clock.now(),
      kind: 'reconcile_missing_in_bill',
      dedupeKey: `reconcile_missing_in_bill:${outTradeNo}`,
      orderId: null,
      regionCode: null,
      detail: { date: '2026-11-14', outTradeNo, ...detail },
    }))!
  }

  it('null (the bill has no such payment) shows as null; a number as it is; absent not at all', async () => {
    const none = await missingInBill({ totalFen: 38000, billFen: null })
    const other = await missingInBill({ totalFen: 38000, billFen: 37000 })
    const unsaid = await missingInBill({ totalFen: 38000 })
    const admin = await staff('admin', ['370500'])
    const queue = await listForStaff(deps(), admin.staff, 'open')
    const factsOf = (id: string) => queue.find(a => a.id === id)!.facts

    expect(factsOf(none.id)).toEqual({ date: '2026-11-14', billFen: null })
    expect(factsOf(none.id)).toHaveProperty('billFen', null)
    expect(factsOf(other.id)).toEqual({ date: '2026-11-14', billFen: 37000 })
    expect(factsOf(unsaid.id)).toEqual({ date: '2026-11-14' })
    expect(factsOf(unsaid.id)).not.toHaveProperty('billFen')
  })
})
