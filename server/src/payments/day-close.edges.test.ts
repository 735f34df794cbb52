import type { DayDifference, DayPayment, DaySheet } from '@yibao/shared'
import type { StaffAccount } from '../storage/staff'
import { shanghaiDate } from '@yibao/shared'
import { eq } from 'drizzle-orm'
import { beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../lib/errors'
import { findDayClose, findDayCloseById } from '../storage/day-closes'
import { deskDayCloses, premiumOrderLines } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { TEST_NOW } from '../testing/clock'
import { json } from '../testing/http'
import { usePaymentStack } from '../testing/payment-stack'
import { createTestStaff, signInStaff } from '../testing/staff'
import {
  assertClerkInScope,
  clerkFor,
  closeDay,
  DAY_CSV_HEADER,
  dayCloseList,
  dayCsv,
  daySheet,
  reconcileDay,
  reopenDayClose,
} from './day-close'

/**
 * Edges of 日结 (payments/day-close.ts): the T+1 match when WeChat Pay's trade bill is refused, unavailable or
 * not made (an empty bill only once it is due), a close reopened under the match, two 重开 at once, the
 * defaults of a sheet whose stored close lacks a field, the finance CSV's labels and difference rows, and whose day
 * each role may see (an admin every clerk's, a clerk only their own, a supervisor those of their regions).
 */
const { ctx, deskOrder } = usePaymentStack()

const DAY = '2026-11-15'
/** The bill of DAY is made from this instant (10:00 the next day, Shanghai). */
const BILL_DUE = '2026-11-16T10:00:00+08:00'
const T1_MATCH = '2026-11-16T10:31:00+08:00'

beforeEach(() => ctx.stack.clock.set(new Date(TEST_NOW)))

async function clerk(role: 'clerk' | 'supervisor' = 'clerk'): Promise<StaffAccount> {
  return (await createTestStaff(ctx.stack.deps, { role, regions: ['370500'] })).account
}

/** WeChat Pay answers the next call under `path` with this error. */
async function failNext(path: string, status: number, code: string) {
  await ctx.stack.control('/config', { failNext: [{ path, status, code }] }, 'PUT')
}

async function closedDay(staff: StaffAccount) {
  const { closed } = await closeDay(ctx.stack.deps, staff, DAY)
  expect(closed).toBe(true)
  return (await findDayClose(ctx.storage.db, staff.id, DAY))!
}

function codeOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => 'resolved', (e: unknown) => e instanceof AppError ? [e.code, e.status] : e)
}

function thrown(f: () => void): unknown {
  try {
    f()
  }
  catch (e) {
    return e instanceof AppError ? [e.code, e.status] : e
  }
  return 'returned'
}

describe('日结 scope', () => {
  it('a clerk may not see another clerk\'s day: FORBIDDEN (403); a supervisor elsewhere: OUT_OF_REGION', () => {
    const viewer = { id: 'a', role: 'clerk' as const, regionCodes: ['370500'] }
    const other = { id: 'b', regionCodes: ['370500'] }
    expect(thrown(() => assertClerkInScope(viewer, other))).toEqual(['FORBIDDEN', 403])
    expect(() => assertClerkInScope(viewer, { id: 'a', regionCodes: [] })).not.toThrow()
    const elsewhere = { id: 's', role: 'supervisor' as const, regionCodes: ['520000'] }
    expect(thrown(() => assertClerkInScope(elsewhere, other))).toEqual(['OUT_OF_REGION', 403])
  })
})

describe('日结 T+1 match when the trade bill is not there', () => {
  it('no bill (NO_STATEMENT_EXIST) once it is due: an empty bill, each payment missing in it', async () => {
    const staff = await clerk()
    const paid = await deskOrder(staff)
    const close = await closedDay(staff)
    // Exactly at 10:00 the next day: the bill is due.
    ctx.stack.clock.set(new Date(BILL_DUE), { frozen: true })
    await failNext('/v3/bill/tradebill', 400, 'NO_STATEMENT_EXIST')
    const done = await reconcileDay(ctx.stack.deps, close)
    expect(done.reconcileStatus).toBe('differences')
    expect(done.reconciledAt).toEqual(new Date(BILL_DUE))
    expect(done.differences).toEqual([
      { kind: 'missing_in_bill', outTradeNo: paid.outTradeNo, oursFen: paid.totalFen, billFen: null },
    ])
  })

  it('an empty bill of a day without payments is 已对账', async () => {
    const staff = await clerk()
    await deskOrder(staff, false)
    const close = await closedDay(staff)
    ctx.stack.clock.set(new Date(BILL_DUE), { frozen: true })
    await failNext('/v3/bill/tradebill', 400, 'NO_STATEMENT_EXIST')
    const done = await reconcileDay(ctx.stack.deps, close)
    expect([done.reconcileStatus, done.differences]).toEqual(['matched', []])
  })

  const failures: [what: string, path: string, status: number, code: string, kind: string][] = [
    ['refused (PARAM_ERROR)', '/v3/bill/tradebill', 400, 'PARAM_ERROR', 'rejected'],
    ['down with a NO_STATEMENT_EXIST code (500)', '/v3/bill/tradebill', 500, 'NO_STATEMENT_EXIST', 'unavailable'],
    ['down (SYSTEM_ERROR)', '/v3/bill/tradebill', 503, 'SYSTEM_ERROR', 'unavailable'],
    ['the download refused', '/v3/billdownload/file', 400, 'INVALID_REQUEST', 'rejected'],
  ]
  for (const [what, path, status, code, kind] of failures) {
    it(`the bill ${what}: the match fails (${kind} ${code}) and the close stays unmatched`, async () => {
      const staff = await clerk()
      await deskOrder(staff)
      const close = await closedDay(staff)
      ctx.stack.clock.set(new Date(T1_MATCH), { frozen: true })
      await failNext(path, status, code)
      await expect(reconcileDay(ctx.stack.deps, close)).rejects.toMatchObject({
        name: 'UpstreamError',
        system: 'wechatpay',
        kind,
        detail: { upstreamCode: code, status },
      })
      const after = (await findDayCloseById(ctx.storage.db, close.id))!
      expect([after.status, after.reconcileStatus, after.reconciledAt, after.differences])
        .toEqual(['closed', null, null, null])
    })
  }

  it('对账 while WeChat Pay refuses the bill: 502 UPSTREAM_REJECTED in Chinese, nothing recorded', async () => {
    const { account: staff } = await createTestStaff(ctx.stack.deps, { role: 'clerk', regions: ['370500'] })
    await deskOrder(staff)
    const close = await closedDay(staff)
    ctx.stack.clock.set(new Date(T1_MATCH), { frozen: true })
    const browser = new TestBrowser(ctx.stack.app)
    const supervisor = await createTestStaff(ctx.stack.deps, { role: 'supervisor', regions: ['370500'] })
    await signInStaff(browser, ctx.stack.deps, supervisor)
    await failNext('/v3/bill/tradebill', 403, 'NO_AUTH')
    const body = { date: DAY, staffId: staff.id }
    const res = await browser.request('/api/v1/desk/day-closes/reconcile', { method: 'POST', json: body })
    expect(res.status).toBe(502)
    expect(await json(res)).toMatchObject({
      error: { code: 'UPSTREAM_REJECTED', message: '微信支付未能受理本次业务，请稍后再试或到窗口办理' },
    })
    expect((await findDayCloseById(ctx.storage.db, close.id))!.reconcileStatus).toBeNull()
  })
})

describe('日结 reopened under the match, or twice at once', () => {
  it('对账 of a reopened day, or of a close reopened after it was read: 409 DAY_NOT_CLOSED', async () => {
    const staff = await clerk()
    const supervisor = await clerk('supervisor')
    await deskOrder(staff)
    const stale = await closedDay(staff)
    await reopenDayClose(ctx.stack.deps, supervisor, staff, DAY, '核对漏记')
    ctx.stack.clock.set(new Date(T1_MATCH), { frozen: true })
    const reopened = (await findDayClose(ctx.storage.db, staff.id, DAY))!
    expect(await codeOf(reconcileDay(ctx.stack.deps, reopened))).toEqual(['DAY_NOT_CLOSED', 409])
    // The close as it was read before the 重开: the bill is matched, but there is no close to record it on.
    expect(stale.status).toBe('closed')
    expect(await codeOf(reconcileDay(ctx.stack.deps, stale))).toEqual(['DAY_NOT_CLOSED', 409])
    const row = (await findDayCloseById(ctx.storage.db, stale.id))!
    expect([row.status, row.reconcileStatus, row.reconciledAt]).toEqual(['reopened', null, null])
  })

  it('two supervisors reopen the same close at once: one reopens it, the other gets DAY_NOT_CLOSED', async () => {
    const staff = await clerk()
    const [s1, s2] = [await clerk('supervisor'), await clerk('supervisor')]
    await deskOrder(staff)
    await closedDay(staff)
    const results = await Promise.all([
      codeOf(reopenDayClose(ctx.stack.deps, s1, staff, DAY, '第一位主管')),
      codeOf(reopenDayClose(ctx.stack.deps, s2, staff, DAY, '第二位主管')),
    ])
    expect(results.sort()).toEqual([['DAY_NOT_CLOSED', 409], 'resolved'])
    const row = (await findDayClose(ctx.storage.db, staff.id, DAY))!
    expect(row.status).toBe('reopened')
  })
})

describe('日结 sheet of a stored close missing a field', () => {
  it('a reopen without a stored reason shows an empty reason; a match without differences shows none', async () => {
    const staff = await clerk()
    const supervisor = await clerk('supervisor')
    await deskOrder(staff)
    const close = await closedDay(staff)
    await reopenDayClose(ctx.stack.deps, supervisor, staff, DAY, '重新核对')
    await ctx.storage.db.update(deskDayCloses).set({ reopenReason: null }).where(eq(deskDayCloses.id, close.id))
    const reopened = await daySheet(ctx.stack.deps, staff, DAY)
    expect(reopened.status).toBe('reopened')
    expect(reopened.reopen).toEqual({ at: expect.stringContaining('+08:00'), by: supervisor.displayName, reason: '' })

    const reclosed = await closedDay(staff)
    await ctx.storage.db.update(deskDayCloses)
      .set({ reconcileStatus: 'matched', reconciledAt: new Date(T1_MATCH), differences: null })
      .where(eq(deskDayCloses.id, reclosed.id))
    const sheet = await daySheet(ctx.stack.deps, staff, DAY)
    expect(sheet.reconcile).toEqual({ status: 'matched', at: '2026-11-16T10:31:00.000+08:00', differences: [] })
  })

  it('an order without its line lists no payer name or ID number', async () => {
    const staff = await clerk()
    const order = await deskOrder(staff, false)
    await ctx.storage.db.delete(premiumOrderLines).where(eq(premiumOrderLines.orderId, order.id))
    const sheet = await daySheet(ctx.stack.deps, staff, DAY)
    expect(sheet.payments.map(p => [p.orderId, p.payerName, p.payerCertNo])).toEqual([[order.id, '', '']])
  })
})

describe('日结 CSV for finance', () => {
  const payment = (over: Partial<DayPayment> = {}): DayPayment => ({
    orderId: 'o1',
    outTradeNo: 'YB0001',
    channel: 'codepay',
    status: 'paid',
    year: 2027,
    totalFen: 38000,
    payerName: '张*',
    payerCertNo: '370502********1234',
    createdAt: '2026-11-15T09:00:00.000+08:00',
    paidAt: '2026-11-15T09:01:00.000+08:00',
    anomaly: null,
    ...over,
  })
  const sheet = (over: Partial<DaySheet> = {}): DaySheet => ({
    date: DAY,
    staff: { id: 's1', displayName: '王窗口' },
    status: 'closed',
    payments: [payment()],
    totals: { count: 1, totalFen: 38000, byChannel: { codepay: { count: 1, totalFen: 38000 } } },
    closedAt: '2026-11-15T17:00:00.000+08:00',
    reopen: null,
    late: [],
    reconcile: null,
    ...over,
  })
  const rowsOf = (csv: string) => csv.slice(1).split('\r\n').slice(1, -1)

  it('labels the match: 已对账, 有差异, 未对账', () => {
    const at = '2026-11-16T10:31:00.000+08:00'
    const matched = rowsOf(dayCsv([sheet({ reconcile: { status: 'matched', at, differences: [] } })]))
    const differs = rowsOf(dayCsv([sheet({ reconcile: { status: 'differences', at, differences: [] } })]))
    const none = rowsOf(dayCsv([sheet()]))
    expect(matched[0]).toBe(`${DAY},王窗口,已日结,已对账,YB0001,付款码,已支付,2027,张*,370502********1234,380.00,`
      + '2026-11-15T09:00:00.000+08:00,2026-11-15T09:01:00.000+08:00,,')
    expect(differs[0]!.split(',')[3]).toBe('有差异')
    expect(none[0]!.split(',')[3]).toBe('未对账')
    expect(none.at(-1)).toBe(`${DAY},王窗口,已日结,未对账,合计,,1笔,,,,380.00,,,,`)
  })

  it('an unpaid payment with an open anomaly, and a payment completed after the close, each with its note', () => {
    const anomaly = { id: 'a1', kind: 'amount_mismatch' }
    const waiting = payment({ orderId: 'o2', outTradeNo: 'YB0002', status: 'prepaid', paidAt: null, anomaly })
    const late = payment({ orderId: 'o2', outTradeNo: 'YB0002', totalFen: 5, paidAt: '2026-11-15T18:00:00.000+08:00' })
    const rows = rowsOf(dayCsv([sheet({ payments: [payment(), waiting], late: [late] })]))
    expect(rows).toHaveLength(4)
    expect(rows[1]!.split(',').slice(4)).toEqual([
      'YB0002', '付款码', '待支付', '2027', '张*', '370502********1234', '380.00',
      '2026-11-15T09:00:00.000+08:00', '', '是', '',
    ])
    expect(rows[2]!.split(',').slice(4)).toEqual([
      'YB0002', '付款码', '已支付', '2027', '张*', '370502********1234', '0.05', '2026-11-15T09:00:00.000+08:00',
      '2026-11-15T18:00:00.000+08:00', '', '日结后完成支付，未计入合计',
    ])
  })

  it('one row per difference of the match, with both amounts (无 where a side has none)', () => {
    const differences: DayDifference[] = [
      { kind: 'amount_differs', outTradeNo: 'YB0001', oursFen: 38000, billFen: 38001 },
      { kind: 'missing_in_bill', outTradeNo: 'YB0003', oursFen: 100, billFen: null },
      { kind: 'missing_in_ours', outTradeNo: 'YB0004', oursFen: null, billFen: 12345 },
    ]
    const at = '2026-11-16T10:31:00.000+08:00'
    const rows = rowsOf(dayCsv([sheet({ reconcile: { status: 'differences', at, differences } })]))
    expect(rows.slice(1, 4)).toEqual([
      `${DAY},王窗口,已日结,有差异,YB0001,,,,,,,,,,对账差异：金额不一致（本系统380.00，微信380.01）`,
      `${DAY},王窗口,已日结,有差异,YB0003,,,,,,,,,,对账差异：微信账单中没有（本系统1.00，微信无）`,
      `${DAY},王窗口,已日结,有差异,YB0004,,,,,,,,,,对账差异：日结中没有（本系统无，微信123.45）`,
    ])
    expect(rows).toHaveLength(5)
    expect(dayCsv([]).split('\r\n')[0]).toBe(`\uFEFF${DAY_CSV_HEADER.join(',')}`)
  })
})

describe('assertClerkInScope', () => {
  const guiyangClerk = { id: 'clerk-gy', regionCodes: ['520102'] }

  it('an admin sees any clerk\'s day, with no region in common', () => {
    const admin = { id: 'admin-dy', role: 'admin' as const, regionCodes: ['370500'] }
    expect(thrown(() => assertClerkInScope(admin, guiyangClerk))).toBe('returned')
    expect(thrown(() => assertClerkInScope(admin, { id: 'clerk-none', regionCodes: [] }))).toBe('returned')
  })

  it('a clerk sees no other clerk\'s day (FORBIDDEN), even of their own region; their own always', () => {
    const clerk = { id: 'clerk-dy', role: 'clerk' as const, regionCodes: ['370500'] }
    expect(thrown(() => assertClerkInScope(clerk, { id: 'clerk-dy-2', regionCodes: ['370500'] })))
      .toEqual(['FORBIDDEN', 403])
    expect(thrown(() => assertClerkInScope(clerk, guiyangClerk))).toEqual(['FORBIDDEN', 403])
    expect(thrown(() => assertClerkInScope(clerk, { id: 'clerk-dy', regionCodes: ['370500'] }))).toBe('returned')
  })

  it('a supervisor elsewhere gets OUT_OF_REGION, of the region sees it', () => {
    const elsewhere = { id: 'sup-dy', role: 'supervisor' as const, regionCodes: ['370500'] }
    expect(thrown(() => assertClerkInScope(elsewhere, guiyangClerk))).toEqual(['OUT_OF_REGION', 403])
    const there = { id: 'sup-gz', role: 'supervisor' as const, regionCodes: ['520000'] }
    expect(thrown(() => assertClerkInScope(there, guiyangClerk))).toBe('returned')
  })
})

describe('a clerk\'s day as each role asks for it (stored accounts)', () => {
  it('clerkFor: an admin of another region gets the clerk; another clerk FORBIDDEN', async () => {
    const clerk = (await createTestStaff(ctx.stack.deps, { role: 'clerk', regions: ['520102'] })).account
    const admin = (await createTestStaff(ctx.stack.deps, { role: 'admin', regions: ['370500'] })).account
    const other = (await createTestStaff(ctx.stack.deps, { role: 'clerk', regions: ['520102'] })).account
    expect(await clerkFor(ctx.stack.deps, admin, clerk.id)).toMatchObject({ id: clerk.id, regionCodes: ['520102'] })
    expect(await codeOf(clerkFor(ctx.stack.deps, other, clerk.id))).toEqual(['FORBIDDEN', 403])
  })

  it('dayCloseList: an admin of another region lists the clerk\'s closed day; a supervisor elsewhere not', async () => {
    const day = shanghaiDate(ctx.stack.deps.now())
    const clerk = (await createTestStaff(ctx.stack.deps, { role: 'clerk', regions: ['520102'] })).account
    expect((await closeDay(ctx.stack.deps, clerk, day)).closed).toBe(true)
    const admin = (await createTestStaff(ctx.stack.deps, { role: 'admin', regions: ['370500'] })).account
    const supervisor = (await createTestStaff(ctx.stack.deps, { role: 'supervisor', regions: ['370500'] })).account

    const byAdmin = await dayCloseList(ctx.stack.deps, admin, day)
    expect(byAdmin.clerks.find(c => c.staff.id === clerk.id)).toMatchObject({ status: 'closed' })
    const bySupervisor = await dayCloseList(ctx.stack.deps, supervisor, day)
    expect(bySupervisor.clerks.map(c => c.staff.id)).not.toContain(clerk.id)
  })
})
