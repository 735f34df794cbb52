import type {
  DayCloseList,
  DayDifference,
  DayPayment,
  DaySheet,
  DayTotals,
} from '@yibao/shared'
import type { AppDeps } from '../lib/types'
import type { DeskDayClose } from '../storage/day-closes'
import type { PremiumOrder, PremiumOrderLine } from '../storage/payments'
import type { StaffAccount } from '../storage/staff'
import type { TradeBillRow } from '../upstream/wechatpay/mapper'
import { fenToYuanString, maskIdCard, shanghaiDate, toShanghaiIso } from '@yibao/shared'
import { anyRegionCovers } from '../domain/region'
import { AppError, UpstreamError } from '../lib/errors'
import {
  dayClosesOn,
  deskOrdersById,
  deskOrdersByOutTradeNo,
  deskOrdersOfDay,
  deskStaffOfDay,
  findDayClose,
  findDayCloseById,
  freezeDay,
  openAnomaliesOf,
  recordReconcile,
  reopenDay,
  shanghaiDayBounds,
} from '../storage/day-closes'
import { enqueue } from '../storage/payments'
import { findStaffBy, listStaff, staffNames } from '../storage/staff'
import { parseTradeBill } from '../upstream/wechatpay/mapper'

/** The outbox topic of the T+1 match of one close. */
export const RECONCILE_DESK_DAY = 'reconcile_desk_day'

/** WeChat Pay makes the day's trade bill from 10:00 the next day (Shanghai); the worker matches at 10:30. */
const BILL_READY = 'T10:00:00+08:00'
const MATCH_AT = 'T10:30:00+08:00'

export function nextDay(day: string): string {
  return shanghaiDate(shanghaiDayBounds(day).to)
}

/**
 * Whose day `viewer` may see and work: their own; an admin every clerk's; a supervisor the clerks of their
 * regions (a clerk with at least one region the supervisor's cover). Else 403: `FORBIDDEN` for a clerk,
 * `OUT_OF_REGION` for a supervisor.
 */
export function assertClerkInScope(
  viewer: Pick<StaffAccount, 'id' | 'role' | 'regionCodes'>,
  clerk: Pick<StaffAccount, 'id' | 'regionCodes'>,
): void {
  if (viewer.id === clerk.id || viewer.role === 'admin') return
  if (viewer.role !== 'supervisor') throw new AppError('FORBIDDEN', 403)
  if (!clerk.regionCodes.some(r => anyRegionCovers(viewer.regionCodes, r))) throw new AppError('OUT_OF_REGION', 403)
}

/** The clerk a request is about (default: the viewer), scope-checked. 404 `STAFF_NOT_FOUND` for no such account. */
export async function clerkFor(deps: AppDeps, viewer: StaffAccount, staffId: string | undefined): Promise<StaffAccount> {
  const clerk = !staffId || staffId === viewer.id ? viewer : await findStaffBy(deps.storage.db, 'id', staffId)
  if (!clerk) throw new AppError('STAFF_NOT_FOUND', 404)
  assertClerkInScope(viewer, clerk)
  return clerk
}

function payment(
  deps: AppDeps,
  { order, line }: { order: PremiumOrder, line: PremiumOrderLine | undefined },
  anomalies: Map<string, { id: string, kind: string }>,
): DayPayment {
  return {
    orderId: order.id,
    outTradeNo: order.outTradeNo,
    channel: order.channel,
    status: order.status as DayPayment['status'],
    year: order.year,
    totalFen: order.totalFen,
    payerName: line?.personNameMasked ?? '',
    payerCertNo: line ? maskIdCard(deps.vault.decrypt(line.personCertNoEnc)) : '',
    createdAt: toShanghaiIso(order.createdAt),
    paidAt: order.paidAt ? toShanghaiIso(order.paidAt) : null,
    anomaly: anomalies.get(order.id) ?? null,
  }
}

/** Count and amount of the paid payments, in all and per channel (integer fen). */
export function totalsOf(payments: readonly DayPayment[]): DayTotals {
  const totals: DayTotals = { count: 0, totalFen: 0, byChannel: {} }
  for (const p of payments) {
    if (p.status !== 'paid') continue
    totals.count += 1
    totals.totalFen += p.totalFen
    const c = (totals.byChannel[p.channel] ??= { count: 0, totalFen: 0 })
    c.count += 1
    c.totalFen += p.totalFen
  }
  return totals
}

async function livePayments(deps: AppDeps, staffId: string, day: string): Promise<DayPayment[]> {
  const rows = await deskOrdersOfDay(deps.storage.db, staffId, day)
  const anomalies = await openAnomaliesOf(deps.storage.db, rows.map(r => r.order.id))
  return rows.map(r => payment(deps, r, anomalies))
}

/**
 * Payments that completed after the close and are not in its totals: paid that day but not frozen as paid,
 * and frozen while still waiting, paid since.
 */
async function lateOf(deps: AppDeps, close: DeskDayClose, live: DayPayment[]): Promise<DayPayment[]> {
  const frozenPaid = new Set(close.orders.filter(o => o.status === 'paid').map(o => o.orderId))
  const late = live.filter(p => p.status === 'paid' && !frozenPaid.has(p.orderId))
  const seen = new Set(late.map(p => p.orderId))
  const waiting = close.orders.filter(o => o.status !== 'paid' && !seen.has(o.orderId)).map(o => o.orderId)
  const since = (await deskOrdersById(deps.storage.db, close.staffId, waiting)).filter(r => r.order.status === 'paid')
  const anomalies = await openAnomaliesOf(deps.storage.db, since.map(r => r.order.id))
  return [...late, ...since.map(r => payment(deps, r, anomalies))]
}

/** The sheet of a clerk's day: live while open or reopened; the frozen list (open anomalies current) once closed. */
export async function daySheet(deps: AppDeps, clerk: StaffAccount, day: string): Promise<DaySheet> {
  const db = deps.storage.db
  const close = await findDayClose(db, clerk.id, day)
  const live = await livePayments(deps, clerk.id, day)
  const staff = { id: clerk.id, displayName: clerk.displayName }
  const reopen = close?.reopenedAt && close.reopenedBy
    ? {
        at: toShanghaiIso(close.reopenedAt),
        by: (await staffNames(db, [close.reopenedBy])).get(close.reopenedBy) ?? '',
        reason: close.reopenReason ?? '',
      }
    : null
  if (!close || close.status !== 'closed') {
    return {
      date: day,
      staff,
      status: close ? 'reopened' : 'open',
      payments: live,
      totals: totalsOf(live),
      closedAt: null,
      reopen,
      late: [],
      reconcile: null,
    }
  }
  const anomalies = await openAnomaliesOf(db, close.orders.map(o => o.orderId))
  const payments = close.orders.map(o => ({ ...o, anomaly: anomalies.get(o.orderId) ?? null }))
  return {
    date: day,
    staff,
    status: 'closed',
    payments,
    totals: { ...totalsOf(close.orders), count: close.count, totalFen: close.totalFen },
    closedAt: toShanghaiIso(close.closedAt),
    reopen,
    late: await lateOf(deps, close, live),
    reconcile: close.reconcileStatus && close.reconciledAt
      ? {
          status: close.reconcileStatus as 'matched' | 'differences',
          at: toShanghaiIso(close.reconciledAt),
          differences: close.differences ?? [],
        }
      : null,
  }
}

/**
 * 日结: freezes the clerk's day as it stands and records its totals, and schedules the T+1 match with
 * WeChat Pay's bill (10:30 the next day). Closing a closed day again changes nothing (`closed: false`).
 */
export async function closeDay(
  deps: AppDeps,
  clerk: StaffAccount,
  day: string,
): Promise<{ closed: boolean, sheet: DaySheet }> {
  const now = deps.now()
  if (day > shanghaiDate(now)) throw new AppError('DAY_IN_FUTURE', 400)
  const db = deps.storage.db
  const live = await livePayments(deps, clerk.id, day)
  const totals = totalsOf(live)
  const close = await freezeDay(db, clerk.id, day, {
    orders: live.map(p => ({ ...p, anomaly: null })),
    count: totals.count,
    totalFen: totals.totalFen,
    at: now,
  })
  if (close) {
    await enqueue(
      db,
      RECONCILE_DESK_DAY,
      `${RECONCILE_DESK_DAY}:${close.id}:${close.closedAt.getTime()}`,
      { closeId: close.id, closedAt: close.closedAt.toISOString() },
      new Date(`${nextDay(day)}${MATCH_AT}`),
    )
  }
  return { closed: close !== null, sheet: await daySheet(deps, clerk, day) }
}

/** 重开 (supervisor, audited by the route): the day is live again until the clerk closes it anew. */
export async function reopenDayClose(
  deps: AppDeps,
  supervisor: StaffAccount,
  clerk: StaffAccount,
  day: string,
  reason: string,
): Promise<DaySheet> {
  const close = await findDayClose(deps.storage.db, clerk.id, day)
  if (!close || close.status !== 'closed') throw new AppError('DAY_NOT_CLOSED', 409)
  const reopened = await reopenDay(deps.storage.db, close.id, { by: supervisor.id, reason, at: deps.now() })
  if (!reopened) throw new AppError('DAY_NOT_CLOSED', 409)
  return daySheet(deps, clerk, day)
}

/**
 * The day's trade bill. WeChat Pay answers NO_STATEMENT_EXIST before the bill is made and for a day without a
 * single trade: once the bill is due (10:00 the next day) that is an empty bill.
 */
async function tradeBillRows(deps: AppDeps, day: string): Promise<TradeBillRow[]> {
  try {
    return parseTradeBill(await deps.wechatpay.downloadBill(await deps.wechatpay.tradeBill(day))).rows
  }
  catch (error) {
    const noBill = error instanceof UpstreamError && error.kind === 'rejected'
      && error.detail.upstreamCode === 'NO_STATEMENT_EXIST'
    if (noBill && deps.now() >= new Date(`${nextDay(day)}${BILL_READY}`)) return []
    throw error
  }
}

/** Compares the payments frozen as paid with the bill's successful payments of the clerk's orders. */
export async function differencesOf(deps: AppDeps, close: DeskDayClose, rows: TradeBillRow[]): Promise<DayDifference[]> {
  const bill = new Map<string, TradeBillRow>()
  for (const r of rows) if (r.tradeState === 'SUCCESS') bill.set(r.outTradeNo, r)
  const differences: DayDifference[] = []
  const ours = new Set<string>()
  for (const p of close.orders) {
    if (p.status !== 'paid') continue
    ours.add(p.outTradeNo)
    const row = bill.get(p.outTradeNo)
    if (!row) differences.push({ kind: 'missing_in_bill', outTradeNo: p.outTradeNo, oursFen: p.totalFen, billFen: null })
    else if (row.totalFen !== p.totalFen)
      differences.push({ kind: 'amount_differs', outTradeNo: p.outTradeNo, oursFen: p.totalFen, billFen: row.totalFen })
  }
  const others = [...bill.keys()].filter(no => !ours.has(no))
  for (const order of await deskOrdersByOutTradeNo(deps.storage.db, close.staffId, others))
    differences.push({ kind: 'missing_in_ours', outTradeNo: order.outTradeNo, oursFen: null, billFen: bill.get(order.outTradeNo)!.totalFen })
  return differences
}

/**
 * 对账: matches a closed day against WeChat Pay's trade bill of that day: 已对账 (`matched`) or the differences.
 * Before the bill is made (10:00 the next day) 409 `DAY_BILL_NOT_READY`.
 */
export async function reconcileDay(deps: AppDeps, close: DeskDayClose): Promise<DeskDayClose> {
  if (close.status !== 'closed') throw new AppError('DAY_NOT_CLOSED', 409)
  if (deps.now() < new Date(`${nextDay(close.day)}${BILL_READY}`)) throw new AppError('DAY_BILL_NOT_READY', 409)
  const differences = await differencesOf(deps, close, await tradeBillRows(deps, close.day))
  const status = differences.length ? 'differences' : 'matched'
  const recorded = await recordReconcile(deps.storage.db, close.id, close.closedAt, { status, differences, at: deps.now() })
  // Reopened or closed anew meanwhile: that close is matched by its own job.
  if (!recorded) throw new AppError('DAY_NOT_CLOSED', 409)
  return recorded
}

/** The worker's T+1 job: the close as it was frozen (a close reopened or frozen anew since is left alone). */
export async function runDeskDayReconcile(deps: AppDeps, payload: Record<string, unknown>): Promise<void> {
  const close = await findDayCloseById(deps.storage.db, String(payload.closeId))
  if (!close || close.status !== 'closed' || close.closedAt.toISOString() !== payload.closedAt) return
  const done = await reconcileDay(deps, close)
  await deps.audit.record({
    actorType: 'system',
    actorId: 'reconcile',
    channel: 'help_desk',
    action: 'desk.day_close.reconcile',
    target: `day_close:${close.id}`,
    success: done.reconcileStatus === 'matched',
    detail: { day: close.day, staffId: close.staffId, status: done.reconcileStatus, differences: done.differences?.length ?? 0 },
  })
}

/** Supervisors (admins: everyone): each clerk of their regions with desk payments or a close that day. */
export async function dayCloseList(deps: AppDeps, viewer: StaffAccount, day: string): Promise<DayCloseList> {
  const db = deps.storage.db
  const ids = new Set([...await deskStaffOfDay(db, day), ...(await dayClosesOn(db, day)).map(c => c.staffId)])
  const clerks = (await listStaff(db)).filter((s) => {
    if (!ids.has(s.id)) return false
    try {
      assertClerkInScope(viewer, s)
      return true
    }
    catch {
      return false
    }
  })
  const sheets = await Promise.all(clerks.map(c => daySheet(deps, c, day)))
  return {
    date: day,
    clerks: sheets.map(s => ({ staff: s.staff, status: s.status, totals: s.totals, reconcile: s.reconcile?.status ?? null })),
  }
}

const CHANNEL_LABELS: Record<string, string> = { native: '扫码（二维码）', codepay: '付款码', jsapi: '微信公众号', h5: 'H5' }
const STATUS_LABELS: Record<string, string> = { created: '待支付', prepaid: '待支付', paid: '已支付', closed: '已关闭' }
const DAY_STATUS_LABELS: Record<DaySheet['status'], string> = { open: '未日结', closed: '已日结', reopened: '已重开' }
const DIFFERENCE_LABELS: Record<DayDifference['kind'], string> = {
  missing_in_bill: '微信账单中没有',
  missing_in_ours: '日结中没有',
  amount_differs: '金额不一致',
}

/**
 * One CSV cell: a cell Excel would read as a formula (starting with = + - @, or a tab or carriage return)
 * gets a leading apostrophe; a cell with a comma, quote or line break is quoted.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

export const DAY_CSV_HEADER = [
  '日期', '工作人员', '日结状态', '对账结果', '商户订单号', '支付方式', '订单状态', '缴费年度', '缴费人', '证件号码',
  '金额（元）', '下单时间', '支付时间', '待处理异常', '备注',
]

/**
 * The finance office's export (UTF-8 with BOM so Excel reads Chinese; CRLF): one row per payment of each
 * sheet, amounts in yuan with 2 decimals, people masked, each sheet's 合计 after its rows.
 */
export function dayCsv(sheets: DaySheet[]): string {
  const rows: string[][] = [DAY_CSV_HEADER]
  for (const s of sheets) {
    const reconcile = s.reconcile ? (s.reconcile.status === 'matched' ? '已对账' : '有差异') : '未对账'
    const row = (p: DayPayment, note: string) => [
      s.date, s.staff.displayName, DAY_STATUS_LABELS[s.status], reconcile, p.outTradeNo,
      CHANNEL_LABELS[p.channel] ?? p.channel, STATUS_LABELS[p.status] ?? p.status, String(p.year), p.payerName,
      p.payerCertNo, fenToYuanString(p.totalFen), p.createdAt, p.paidAt ?? '', p.anomaly ? '是' : '', note,
    ]
    for (const p of s.payments) rows.push(row(p, ''))
    for (const p of s.late) rows.push(row(p, '日结后完成支付，未计入合计'))
    for (const d of s.reconcile?.differences ?? []) {
      const amounts = `本系统${d.oursFen === null ? '无' : fenToYuanString(d.oursFen)}，微信${d.billFen === null ? '无' : fenToYuanString(d.billFen)}`
      rows.push([s.date, s.staff.displayName, DAY_STATUS_LABELS[s.status], reconcile, d.outTradeNo,
        '', '', '', '', '', '', '', '', '', `对账差异：${DIFFERENCE_LABELS[d.kind]}（${amounts}）`])
    }
    rows.push([s.date, s.staff.displayName, DAY_STATUS_LABELS[s.status], reconcile, '合计', '', `${s.totals.count}笔`,
      '', '', '', fenToYuanString(s.totals.totalFen), '', '', '', ''])
  }
  return `\uFEFF${rows.map(r => r.map(csvCell).join(',')).join('\r\n')}\r\n`
}
