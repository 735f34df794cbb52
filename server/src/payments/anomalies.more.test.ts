import type { AppDeps } from '../lib/types'
import type { StaffRole } from '../storage/staff'
import type { Database } from '../storage/types'
import type { StaffActor } from './anomalies'
import { randomUUID } from 'node:crypto'
import { and, desc, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { AppError } from '../lib/errors'
import { findAnomaly, recordAnomaly } from '../storage/anomalies'
import { findOrderBy, markLineReported, orderLines } from '../storage/payments'
import { auditEvents, paymentAnomalies, premiumRefunds } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { json, until } from '../testing/http'
import { usePaymentStack } from '../testing/payment-stack'
import { createTestStaff } from '../testing/staff'
import { listForStaff, refundAnomaly, retryAnomaly } from './anomalies'

/**
 * More edges of 异常处理 (payments/anomalies.ts), on the real payment stack: a 退款 whose line moved on between
 * the check and the refund, the audit target of an over-long anomaly id, and a bill amount recorded as
 * “none” (null) in the facts of the queue.
 */
const { ctx, payablePerson } = usePaymentStack()
const YEAR = TEST_YEAR
const db = () => ctx.storage.db
const deps = () => ctx.stack.deps

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

/** A paid order of a Dongying person (代缴, Native), placed by a signed-in payer. */
async function paidOrder(p: { name: string, certNo: string }) {
  const payer = new TestBrowser(ctx.stack.app)
  await payer.signInDirect(deps(), await payablePerson(YEAR))
  const res = await payer.request('/api/v1/payments/orders', {
    method: 'POST',
    headers: { 'idempotency-key': randomUUID() },
    json: { year: YEAR, channel: 'native', people: [{ kind: 'other', name: p.name, certNo: p.certNo }] },
  })
  expect(res.status).toBe(201)
  const order = await json(res) as { id: string, outTradeNo: string }
  await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
  await until(async () => (await findOrderBy(db(), 'id', order.id))?.status === 'paid')
  const [line] = await orderLines(db(), order.id)
  return { order, line: line! }
}

/** The tax bureau refuses to record the collection (2001): the line stays paid, a tax_refused anomaly. */
async function taxRefusal() {
  const p = await payablePerson(YEAR)
  await ctx.stack.sandboxCall('/__sandbox/tax/collect-refusal', 'PUT', { fhdm: '2001', fhxx: '缴费金额与应缴金额不一致' })
  try {
    const done = await paidOrder(p)
    await ctx.stack.worker.tick()
    const anomalies = await db().select().from(paymentAnomalies)
      .where(and(eq(paymentAnomalies.kind, 'tax_refused'), eq(paymentAnomalies.lineId, done.line.id)))
    expect(anomalies).toHaveLength(1)
    return { ...done, anomaly: anomalies[0]! }
  }
  finally {
    await ctx.stack.sandboxCall('/__sandbox/tax/collect-refusal', 'PUT', {})
  }
}

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
