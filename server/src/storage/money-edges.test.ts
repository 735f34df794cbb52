// The payment storage's guards and counts, each at its edge (issue 9: mutants there survived the route tests).
import type { Storage } from './types'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IllegalTransition } from '../domain/states'
import { anomalyInScope } from '../payments/anomalies'
import { createTestStorage, insertOneLineOrder } from '../testing/storage'
import { countOpenAnomalies, recordAnomaly, resolveAnomaly } from './anomalies'
import { claimJobs, completeJob, enqueue, findLine, isPersonYearTaken, outboxDepth, transitionLine } from './payments'
import { insertRefund, moveRefund, openRefunds } from './refunds'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

const AT = new Date('2026-12-31T15:59:59Z')
const MISSING = '00000000-0000-4000-8000-000000000000'

describe('a line\'s move through its state machine, in storage', () => {
  it('moves on a legal event, answers null when already there, and names the state it found otherwise', async () => {
    const { lines } = await insertOneLineOrder(storage.db, AT)
    const line = lines[0]!
    expect((await transitionLine(storage.db, line.id, 'pay'))?.status).toBe('paid')
    // The same event again (a second instance got there first): nothing to do, not an error.
    expect(await transitionLine(storage.db, line.id, 'pay')).toBeNull()
    const refused = await transitionLine(storage.db, line.id, 'void').catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(IllegalTransition)
    expect(refused).toMatchObject({ machine: 'line', from: 'paid', event: 'void' })
    expect((await findLine(storage.db, line.id))?.line.status).toBe('paid')
  })

  it('says "missing" for a line that does not exist', async () => {
    const refused = await transitionLine(storage.db, MISSING, 'pay').catch((e: unknown) => e)
    expect(refused).toMatchObject({ name: 'IllegalTransition', from: 'missing', event: 'pay' })
  })
})

describe('a refund\'s move through its state machine, in storage', () => {
  async function refund(status: 'approving' | 'refunding') {
    const { order, lines } = await insertOneLineOrder(storage.db, AT)
    const line = lines[0]!
    return (await insertRefund(storage.db, {
      outRefundNo: `R${line.id.slice(0, 12)}`,
      orderId: order.id,
      lineId: line.id,
      principal: order.principal,
      reason: 'overpaid',
      amountFen: line.amountFen,
      status,
    }))!
  }

  it('moves on a legal event, answers null when already there, and names the state it found otherwise', async () => {
    const r = await refund('approving')
    expect((await moveRefund(storage.db, r.id, 'approve'))?.status).toBe('refunding')
    expect(await moveRefund(storage.db, r.id, 'approve')).toBeNull()
    const refused = await moveRefund(storage.db, r.id, 'reject').catch((e: unknown) => e)
    expect(refused).toMatchObject({ name: 'IllegalTransition', machine: 'refund', from: 'refunding', event: 'reject' })
  })

  it('says "missing" for a refund that does not exist', async () => {
    const refused = await moveRefund(storage.db, MISSING, 'approve').catch((e: unknown) => e)
    expect(refused).toMatchObject({ name: 'IllegalTransition', from: 'missing', event: 'approve' })
  })

  it('lists as open only refunds waiting for the bureau or for WeChat Pay', async () => {
    const approving = await refund('approving')
    const refunding = await refund('refunding')
    const failed = await refund('refunding')
    await moveRefund(storage.db, failed.id, 'fail')
    const rejected = await refund('approving')
    await moveRefund(storage.db, rejected.id, 'reject')
    const open = new Set((await openRefunds(storage.db, 1000)).map(r => r.id))
    expect(open.has(approving.id)).toBe(true)
    expect(open.has(refunding.id)).toBe(true)
    expect(open.has(failed.id)).toBe(false)
    expect(open.has(rejected.id)).toBe(false)
  })
})

describe('the counts /readyz and /metrics show', () => {
  it('outbox depth counts jobs not done, and a finished job leaves it', async () => {
    const before = await outboxDepth(storage.db)
    await enqueue(storage.db, 'test.depth', `depth-${Math.random()}`, {}, AT)
    await enqueue(storage.db, 'test.depth', `depth-${Math.random()}`, {}, AT)
    expect(await outboxDepth(storage.db)).toBe(before + 2)
    const claimed = (await claimJobs(storage.db, AT, 60_000, 100)).filter(j => j.topic === 'test.depth')
    await completeJob(storage.db, claimed[0]!.id, AT)
    expect(await outboxDepth(storage.db)).toBe(before + 1)
  })

  it('open anomalies count only the open ones, and a resolved one leaves the count', async () => {
    const before = await countOpenAnomalies(storage.db)
    const a = await recordAnomaly(storage.db, { kind: 'amount_mismatch', dedupeKey: `c-${Math.random()}`, detail: {}, at: AT })
    await recordAnomaly(storage.db, { kind: 'amount_mismatch', dedupeKey: `c-${Math.random()}`, detail: {}, at: AT })
    expect(await countOpenAnomalies(storage.db)).toBe(before + 2)
    await resolveAnomaly(storage.db, { id: a!.id, by: 'staff:1', resolution: '核实无误', at: AT })
    expect(await countOpenAnomalies(storage.db)).toBe(before + 1)
  })
})

describe('isPersonYearTaken', () => {
  const taken = { code: '23505', constraint: 'premium_order_lines_person_year_live_idx' }

  it('recognises the one-live-line index however the driver reports it, also as the cause of another error', () => {
    expect(isPersonYearTaken(taken)).toBe(true)
    expect(isPersonYearTaken({ code: '23505', constraint_name: 'premium_order_lines_person_year_live_idx' })).toBe(true)
    expect(isPersonYearTaken({
      code: '23505',
      message: 'duplicate key value violates unique constraint "premium_order_lines_person_year_live_idx"',
    })).toBe(true)
    expect(isPersonYearTaken(new Error('insert failed', { cause: taken }))).toBe(true)
  })

  it('is false for any other error: another constraint, another code, or none', () => {
    expect(isPersonYearTaken({ code: '23505', constraint: 'premium_orders_out_trade_no_key' })).toBe(false)
    expect(isPersonYearTaken({ ...taken, code: '40001' })).toBe(false)
    expect(isPersonYearTaken(new Error('connection reset'))).toBe(false)
    expect(isPersonYearTaken(undefined)).toBe(false)
  })
})

describe('anomalyInScope', () => {
  const anomaly = (regionCode: string | null) => ({ regionCode }) as Parameters<typeof anomalyInScope>[1]

  it('lets a supervisor work their region\'s anomalies, never one whose region is unknown', () => {
    const supervisor = { role: 'supervisor' as const, regionCodes: ['370500'] }
    expect(anomalyInScope(supervisor, anomaly('370502'))).toBe(true)
    expect(anomalyInScope(supervisor, anomaly('610322'))).toBe(false)
    expect(anomalyInScope(supervisor, anomaly(null))).toBe(false)
  })

  it('lets an admin work every anomaly and a clerk none', () => {
    expect(anomalyInScope({ role: 'admin', regionCodes: [] }, anomaly(null))).toBe(true)
    expect(anomalyInScope({ role: 'clerk', regionCodes: ['370500'] }, anomaly('370502'))).toBe(false)
  })
})
