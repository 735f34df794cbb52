import type { DeskDayClose } from '../storage/day-closes'
import type { PremiumOrder } from '../storage/payments'
import type { StaffAccount } from '../storage/staff'
import { randomUUID } from 'node:crypto'
import { and, asc, eq, like } from 'drizzle-orm'
import { beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../lib/errors'
import { findDayClose, findDayCloseById } from '../storage/day-closes'
import { auditEvents, outbox } from '../storage/schema'
import { TEST_NOW } from '../testing/clock'
import { usePaymentStack } from '../testing/payment-stack'
import { createTestStaff } from '../testing/staff'
import { parseTradeBill } from '../upstream/wechatpay/mapper'
import {
  assertClerkInScope,
  clerkFor,
  closeDay,
  dayCloseList,
  RECONCILE_DESK_DAY,
  reconcileDay,
  reopenDayClose,
  runDeskDayReconcile,
} from './day-close'

/**
 * 日结 对账 (payments/day-close.ts): a supervisor's view of a clerk with several regions, a clerk asking for
 * their own day, which rows of WeChat Pay's trade bill count as payments, 对账 of a day that is not closed,
 * the worker's T+1 job (what it audits, and the closes it leaves alone) and who the supervisors' list shows.
 */
const { ctx, deskOrder } = usePaymentStack()

/** The stack's day (TEST_NOW, 15 November 2026 in Shanghai), the day before, and the worker's T+1 match. */
const DAY = '2026-11-15'
const DAY_BEFORE_NOON = '2026-11-14T12:00:00+08:00'
const T1_MATCH = '2026-11-16T10:31:00+08:00'
const RECONCILE_ACTION = 'desk.day_close.reconcile'

beforeEach(() => ctx.stack.clock.set(new Date(TEST_NOW)))

async function staffOf(role: 'clerk' | 'supervisor' | 'admin' = 'clerk', regions = ['370500']): Promise<StaffAccount> {
  return (await createTestStaff(ctx.stack.deps, { role, regions })).account
}

async function closedDay(staff: StaffAccount): Promise<DeskDayClose> {
  const { closed } = await closeDay(ctx.stack.deps, staff, DAY)
  expect(closed).toBe(true)
  return (await findDayClose(ctx.storage.db, staff.id, DAY))!
}

/** The payloads of the T+1 jobs enqueued for a close, oldest first. */
async function jobsOf(close: DeskDayClose): Promise<Record<string, unknown>[]> {
  const jobs = await ctx.storage.db.select().from(outbox)
    .where(and(eq(outbox.topic, RECONCILE_DESK_DAY), like(outbox.dedupeKey, `%:${close.id}:%`)))
    .orderBy(asc(outbox.id))
  return jobs.map(j => j.payload)
}

/** The audit rows of the T+1 match of `staffId`'s days, as stored. */
async function reconcileAudit(staffId: string) {
  const rows = await ctx.storage.db.select().from(auditEvents).where(eq(auditEvents.action, RECONCILE_ACTION))
    .orderBy(asc(auditEvents.id))
  return rows.filter(e => (e.detail as { staffId?: string } | null)?.staffId === staffId)
    .map(e => ({
      actorType: e.actorType,
      actorId: e.actorId,
      channel: e.channel,
      target: e.target,
      success: e.success,
      detail: e.detail,
    }))
}

/** WeChat Pay refunds the whole order now (say from the merchant platform); no callback reaches the BFF. */
async function refundedOnWechatPay(order: PremiumOrder): Promise<void> {
  const { config } = await ctx.stack.control('/config') as { config: { callbacks: string } }
  await ctx.stack.control('/config', { callbacks: 'drop' }, 'PUT')
  try {
    const outRefundNo = `RF${order.outTradeNo}`.slice(0, 32)
    await ctx.stack.deps.wechatpay.refund({
      outRefundNo,
      outTradeNo: order.outTradeNo,
      refundFen: order.totalFen,
      totalFen: order.totalFen,
    })
    expect(await ctx.stack.control(`/refunds/${outRefundNo}/complete`, { outcome: 'SUCCESS' }))
      .toMatchObject({ ok: true })
  }
  finally {
    await ctx.stack.control('/config', { callbacks: config.callbacks }, 'PUT')
  }
}

function codeOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => 'resolved', (e: unknown) => e instanceof AppError ? [e.code, e.status] : e)
}

function outcome(f: () => unknown): unknown {
  try {
    f()
    return 'allowed'
  }
  catch (e) {
    return e instanceof AppError ? [e.code, e.status] : e
  }
}

describe('whose 日结 a request is about', () => {
  it('a supervisor sees a clerk with one of two regions theirs; OUT_OF_REGION when neither is', async () => {
    const supervisor = { id: 'sup-dy', role: 'supervisor' as const, regionCodes: ['370500'] }
    // The covered region first or last: one covered region is enough.
    expect(outcome(() => assertClerkInScope(supervisor, { id: 'c1', regionCodes: ['520102', '370502'] })))
      .toBe('allowed')
    expect(outcome(() => assertClerkInScope(supervisor, { id: 'c2', regionCodes: ['370502', '520102'] })))
      .toBe('allowed')
    expect(outcome(() => assertClerkInScope(supervisor, { id: 'c3', regionCodes: ['520102', '520103'] })))
      .toEqual(['OUT_OF_REGION', 403])

    // The same with stored accounts, through clerkFor.
    const twoRegions = await staffOf('clerk', ['520102', '370502'])
    const dySupervisor = await staffOf('supervisor', ['370500'])
    expect(await clerkFor(ctx.stack.deps, dySupervisor, twoRegions.id))
      .toMatchObject({ id: twoRegions.id, regionCodes: ['520102', '370502'] })
  })

  it('no staff id, or the viewer\'s own, is the viewer themself (not a fresh read of the account)', async () => {
    const clerk = await staffOf('clerk')
    expect(await clerkFor(ctx.stack.deps, clerk, undefined)).toBe(clerk)
    expect(await clerkFor(ctx.stack.deps, clerk, '')).toBe(clerk)
    expect(await clerkFor(ctx.stack.deps, clerk, clerk.id)).toBe(clerk)
    // Another id is read from the store.
    const supervisor = await staffOf('supervisor')
    const read = await clerkFor(ctx.stack.deps, supervisor, clerk.id)
    expect(read).not.toBe(clerk)
    expect(read).toMatchObject({ id: clerk.id, displayName: clerk.displayName })
  })
})

describe('对账 against WeChat Pay\'s trade bill', () => {
  it('a refund row of the bill is no payment: yesterday\'s payment refunded today leaves the day 已对账', async () => {
    const staff = await staffOf()
    ctx.stack.clock.set(new Date(DAY_BEFORE_NOON))
    const yesterdays = await deskOrder(staff)
    ctx.stack.clock.set(new Date(TEST_NOW))
    const todays = await deskOrder(staff)
    const close = await closedDay(staff)
    expect(close.orders.map(o => [o.orderId, o.status])).toEqual([[todays.id, 'paid']])
    await refundedOnWechatPay(yesterdays)

    ctx.stack.clock.set(new Date(T1_MATCH), { frozen: true })
    // The day's bill has the payment of today and the refund of yesterday's payment.
    const { rows } = parseTradeBill(await ctx.stack.deps.wechatpay.downloadBill(
      await ctx.stack.deps.wechatpay.tradeBill(DAY),
    ))
    const mine = rows.filter(r => [todays.outTradeNo, yesterdays.outTradeNo].includes(r.outTradeNo))
    expect(mine.map(r => [r.outTradeNo, r.tradeState]).sort()).toEqual([
      [todays.outTradeNo, 'SUCCESS'],
      [yesterdays.outTradeNo, 'REFUND'],
    ].sort())

    const done = await reconcileDay(ctx.stack.deps, close)
    expect([done.reconcileStatus, done.differences]).toEqual(['matched', []])
  })

  it('对账 of a reopened day is DAY_NOT_CLOSED (409) even before the bill is made', async () => {
    const staff = await staffOf()
    const supervisor = await staffOf('supervisor')
    await deskOrder(staff)
    await closedDay(staff)
    await reopenDayClose(ctx.stack.deps, supervisor, staff, DAY, '核对漏记')
    const reopened = (await findDayClose(ctx.storage.db, staff.id, DAY))!
    expect(reopened.status).toBe('reopened')
    // Still the day itself: WeChat Pay's bill of it is not made until 10:00 tomorrow.
    expect(await codeOf(reconcileDay(ctx.stack.deps, reopened))).toEqual(['DAY_NOT_CLOSED', 409])
    const row = (await findDayCloseById(ctx.storage.db, reopened.id))!
    expect([row.status, row.reconcileStatus, row.reconciledAt]).toEqual(['reopened', null, null])
  })
})

describe('the worker\'s T+1 job of a close', () => {
  it('matched: the close is 已对账 and audited as the system\'s reconcile on the help desk, successful', async () => {
    const staff = await staffOf()
    await deskOrder(staff)
    const close = await closedDay(staff)
    const [payload] = await jobsOf(close)
    ctx.stack.clock.set(new Date(T1_MATCH), { frozen: true })
    await runDeskDayReconcile(ctx.stack.deps, payload!)

    expect((await findDayCloseById(ctx.storage.db, close.id))!.reconcileStatus).toBe('matched')
    expect(await reconcileAudit(staff.id)).toEqual([{
      actorType: 'system',
      actorId: 'reconcile',
      channel: 'help_desk',
      target: `day_close:${close.id}`,
      success: true,
      detail: { day: DAY, staffId: staff.id, status: 'matched', differences: 0 },
    }])
  })

  it('differences: audited as not successful, with how many differences there are', async () => {
    const staff = await staffOf()
    const a = await deskOrder(staff)
    const b = await deskOrder(staff)
    const close = await closedDay(staff)
    // WeChat Pay's side differs: one amount, and one payment the bill leaves out.
    const sim = ctx.stack.sandbox.state.wechatpay.orders
    sim.get(a.outTradeNo)!.totalFen = a.totalFen + 1
    sim.get(b.outTradeNo)!.successTime = new Date(DAY_BEFORE_NOON)
    const [payload] = await jobsOf(close)
    ctx.stack.clock.set(new Date(T1_MATCH), { frozen: true })
    await runDeskDayReconcile(ctx.stack.deps, payload!)

    const done = (await findDayCloseById(ctx.storage.db, close.id))!
    expect(done.reconcileStatus).toBe('differences')
    expect(done.differences).toHaveLength(2)
    expect(await reconcileAudit(staff.id)).toEqual([{
      actorType: 'system',
      actorId: 'reconcile',
      channel: 'help_desk',
      target: `day_close:${close.id}`,
      success: false,
      detail: { day: DAY, staffId: staff.id, status: 'differences', differences: 2 },
    }])
  })

  it('a close that is not there: the job does nothing', async () => {
    const closeId = randomUUID()
    ctx.stack.clock.set(new Date(T1_MATCH), { frozen: true })
    await expect(runDeskDayReconcile(ctx.stack.deps, { closeId, closedAt: new Date(TEST_NOW).toISOString() }))
      .resolves
      .toBeUndefined()
    const audit = await ctx.storage.db.select().from(auditEvents)
      .where(and(eq(auditEvents.action, RECONCILE_ACTION), eq(auditEvents.target, `day_close:${closeId}`)))
    expect(audit).toEqual([])
  })

  it('a close reopened since: the job does nothing (no match, no audit, no failure to retry)', async () => {
    const staff = await staffOf()
    const supervisor = await staffOf('supervisor')
    await deskOrder(staff)
    const close = await closedDay(staff)
    const [payload] = await jobsOf(close)
    await reopenDayClose(ctx.stack.deps, supervisor, staff, DAY, '核对漏记')
    ctx.stack.clock.set(new Date(T1_MATCH), { frozen: true })
    await expect(runDeskDayReconcile(ctx.stack.deps, payload!)).resolves.toBeUndefined()

    const row = (await findDayCloseById(ctx.storage.db, close.id))!
    expect([row.status, row.reconcileStatus, row.reconciledAt]).toEqual(['reopened', null, null])
    expect(await reconcileAudit(staff.id)).toEqual([])
  })

  it('a close reopened and frozen anew: the first close\'s job does nothing, the new one\'s matches it', async () => {
    const staff = await staffOf()
    const supervisor = await staffOf('supervisor')
    await deskOrder(staff)
    const first = await closedDay(staff)
    await reopenDayClose(ctx.stack.deps, supervisor, staff, DAY, '核对漏记')
    ctx.stack.clock.advance(60 * 60_000)
    const again = await closedDay(staff)
    expect(again.id).toBe(first.id)
    expect(again.closedAt.getTime()).toBeGreaterThan(first.closedAt.getTime())
    const [oldJob, newJob] = await jobsOf(again)
    expect([oldJob!.closedAt, newJob!.closedAt]).toEqual([first.closedAt.toISOString(), again.closedAt.toISOString()])

    ctx.stack.clock.set(new Date(T1_MATCH), { frozen: true })
    await runDeskDayReconcile(ctx.stack.deps, oldJob!)
    const untouched = (await findDayCloseById(ctx.storage.db, first.id))!
    expect([untouched.status, untouched.reconcileStatus, untouched.reconciledAt]).toEqual(['closed', null, null])
    expect(await reconcileAudit(staff.id)).toEqual([])

    await runDeskDayReconcile(ctx.stack.deps, newJob!)
    const matched = (await findDayCloseById(ctx.storage.db, first.id))!
    expect([matched.reconcileStatus, matched.reconciledAt]).toEqual(['matched', new Date(T1_MATCH)])
    expect((await reconcileAudit(staff.id)).map(e => [e.target, e.success])).toEqual([[`day_close:${first.id}`, true]])
  })
})

describe('the supervisors\' list of a day', () => {
  it('lists each clerk with desk payments or a close that day, and no one else', async () => {
    const admin = await staffOf('admin')
    // Closed a day without a single payment: listed by the close alone.
    const emptyClose = await staffOf()
    expect((await closeDay(ctx.stack.deps, emptyClose, DAY)).closed).toBe(true)
    // A payment still waiting, day not closed: listed by the payment.
    const waiting = await staffOf()
    await deskOrder(waiting, false)
    // Neither a payment nor a close that day: not listed.
    const idle = await staffOf()

    const list = await dayCloseList(ctx.stack.deps, admin, DAY)
    expect(list.date).toBe(DAY)
    const ids = list.clerks.map(c => c.staff.id)
    expect(list.clerks.find(c => c.staff.id === emptyClose.id)).toEqual({
      staff: { id: emptyClose.id, displayName: emptyClose.displayName },
      status: 'closed',
      totals: { count: 0, totalFen: 0, byChannel: {} },
      reconcile: null,
    })
    expect(list.clerks.find(c => c.staff.id === waiting.id)).toMatchObject({ status: 'open', totals: { count: 0 } })
    expect(ids).not.toContain(idle.id)
    expect(ids).not.toContain(admin.id)
  })
})
