import type { Context } from 'hono'
import type { DeskEnv } from '../lib/staff'
import type { StaffAccount } from '../storage/staff'
import {
  DayCloseInputSchema,
  DayCloseListSchema,
  DayExportQuerySchema,
  DayReconcileInputSchema,
  DayReopenInputSchema,
  DaySheetQuerySchema,
  DaySheetSchema,
  maskPiiInText,
  shanghaiDate,
} from '@yibao/shared'
import { Hono } from 'hono'
import { AppError } from '../lib/errors'
import { idempotent } from '../lib/idempotency'
import { doc } from '../lib/openapi'
import { auditStaff, staffGuard } from '../lib/staff'
import { validate } from '../lib/validate'
import {
  clerkFor,
  closeDay,
  dayCloseList,
  dayCsv,
  daySheet,
  reconcileDay,
  reopenDayClose,
} from '../payments/day-close'
import { findDayClose } from '../storage/day-closes'

/** Who reopens and reconciles days and sees every clerk of their regions. */
const SUPERVISORS = ['supervisor', 'admin'] as const

/**
 * Runs `work` for the clerk `staffId` names (default the caller), scope-checked, and audits it either way:
 * `desk.day_close.<action>` with the clerk and day as target; a refusal (another region, no such clerk)
 * is audited as a failure with its code.
 */
async function forClerk<T>(
  c: Context<DeskEnv>,
  action: string,
  q: { date: string, staffId?: string | undefined },
  work: (clerk: StaffAccount) => Promise<T>,
  detail: Record<string, unknown> = {},
): Promise<T> {
  const target = `day:${q.staffId ?? c.get('staff').id}:${q.date}`
  try {
    const clerk = await clerkFor(c.get('deps'), c.get('staff'), q.staffId)
    const result = await work(clerk)
    await auditStaff(c, { action: `desk.day_close.${action}`, target, success: true, detail: { date: q.date, ...detail } })
    return result
  }
  catch (error) {
    const outcome = error instanceof AppError ? error.code : 'failed'
    await auditStaff(c, {
      action: `desk.day_close.${action}`,
      target,
      success: false,
      detail: { date: q.date, outcome, ...detail },
    })
    throw error
  }
}

function today(c: Context<DeskEnv>): string {
  return shanghaiDate(c.get('deps').now())
}

/**
 * 日结: the payments a clerk took at the counter on a day (count, amount, payer masked, channel, status, open
 * anomalies), closing the day (frozen, totals recorded, idempotent), the T+1 match against WeChat Pay's
 * trade bill, and for supervisors every clerk of their regions, 重开 with a reason, and the CSV for finance.
 */
export const deskDayCloseRoutes = new Hono<DeskEnv>()
  .get('/', doc({
    summary: '日结：某日在窗口收取的缴费（默认今天、本人）',
    description: '未日结时为实时清单；日结后为冻结的清单与合计，另列日结后才完成支付的订单，以及次日对账结果。'
      + '主管可查看其辖区内窗口人员的日结（staffId）。',
    tag: '日结',
    audience: 'staff',
    ok: { 200: DaySheetSchema },
    errors: { 403: ['OUT_OF_REGION'], 404: ['STAFF_NOT_FOUND'] },
  }), staffGuard(), validate('query', DaySheetQuerySchema), async (c) => {
    const q = c.req.valid('query')
    const date = q.date ?? today(c)
    const sheet = await forClerk(c, 'view', { date, staffId: q.staffId }, clerk => daySheet(c.get('deps'), clerk, date))
    c.header('Cache-Control', 'no-store')
    return c.json(sheet, 200)
  })
  .post('/', doc({
    summary: '日结：结束本人当日的窗口收款并冻结清单',
    description: '冻结当时的收款清单并记录笔数与金额合计。重复日结不改变已日结的结果；'
      + '日结后才完成支付的订单单独列出、不计入合计。次日10:30自动与微信支付交易账单对账。',
    tag: '日结',
    audience: 'staff',
    ok: { 200: DaySheetSchema },
    errors: { 400: ['DAY_IN_FUTURE'] },
  }), staffGuard(), validate('json', DayCloseInputSchema), idempotent(
    'desk.day_closes.close',
    c => `staff:${c.get('session')?.accountId ?? 'anonymous'}`,
  ), async (c) => {
    const date = c.req.valid('json').date ?? today(c)
    const { closed, sheet } = await forClerk(c, 'close', { date }, clerk => closeDay(c.get('deps'), clerk, date))
    if (!closed) c.header('Day-Close-Already', 'true')
    c.header('Cache-Control', 'no-store')
    return c.json(sheet, 200)
  })
  .get('/clerks', doc({
    summary: '日结：辖区内各窗口人员某日的日结情况（主管）',
    tag: '日结',
    audience: 'staff',
    ok: { 200: DayCloseListSchema },
  }), staffGuard(SUPERVISORS), validate('query', DaySheetQuerySchema), async (c) => {
    const date = c.req.valid('query').date ?? today(c)
    const list = await dayCloseList(c.get('deps'), c.get('staff'), date)
    await auditStaff(c, { action: 'desk.day_close.list', target: `day:${date}`, success: true, detail: { date } })
    c.header('Cache-Control', 'no-store')
    return c.json(list, 200)
  })
  .post('/reopen', doc({
    summary: '日结：重开某窗口人员已日结的一天（主管，须填写原因）',
    tag: '日结',
    audience: 'staff',
    ok: { 200: DaySheetSchema },
    errors: { 403: ['OUT_OF_REGION'], 404: ['STAFF_NOT_FOUND'], 409: ['DAY_NOT_CLOSED'] },
  }), staffGuard(SUPERVISORS), validate('json', DayReopenInputSchema), async (c) => {
    const { date, staffId, reason } = c.req.valid('json')
    const sheet = await forClerk(
      c,
      'reopen',
      { date, staffId },
      clerk => reopenDayClose(c.get('deps'), c.get('staff'), clerk, date, reason),
      { reason: maskPiiInText(reason) },
    )
    c.header('Cache-Control', 'no-store')
    return c.json(sheet, 200)
  })
  .post('/reconcile', doc({
    summary: '日结：立即与微信支付交易账单对账（主管）',
    description: '账单次日10点后生成；对账结果为已对账，或列出差异（账单中没有、日结中没有、金额不一致）。',
    tag: '日结',
    audience: 'staff',
    ok: { 200: DaySheetSchema },
    errors: { 403: ['OUT_OF_REGION'], 404: ['STAFF_NOT_FOUND'], 409: ['DAY_NOT_CLOSED', 'DAY_BILL_NOT_READY'] },
    upstream: true,
  }), staffGuard(SUPERVISORS), validate('json', DayReconcileInputSchema), async (c) => {
    const { date, staffId } = c.req.valid('json')
    const deps = c.get('deps')
    const sheet = await forClerk(c, 'reconcile', { date, staffId }, async (clerk) => {
      const close = await findDayClose(deps.storage.db, clerk.id, date)
      if (!close) throw new AppError('DAY_NOT_CLOSED', 409)
      await reconcileDay(deps, close)
      return daySheet(deps, clerk, date)
    })
    c.header('Cache-Control', 'no-store')
    return c.json(sheet, 200)
  })
  .get('/export', doc({
    summary: '日结：导出CSV（供财务；主管导出辖区内全部窗口人员）',
    description: 'UTF-8（带BOM，Excel可直接打开），金额以元计、保留两位小数，证件号码已脱敏。',
    tag: '日结',
    audience: 'staff',
    ok: { 200: { media: 'text/csv', description: '日结明细与合计' } },
    errors: { 403: ['OUT_OF_REGION'], 404: ['STAFF_NOT_FOUND'] },
  }), staffGuard(), validate('query', DayExportQuerySchema), async (c) => {
    const q = c.req.valid('query')
    const date = q.date ?? today(c)
    const deps = c.get('deps')
    const viewer = c.get('staff')
    const everyone = !q.staffId && (viewer.role === 'supervisor' || viewer.role === 'admin')
    const sheets = await forClerk(c, 'export', { date, staffId: q.staffId }, async (clerk) => {
      if (!everyone) return [await daySheet(deps, clerk, date)]
      const list = await dayCloseList(deps, viewer, date)
      const ids = list.clerks.map(k => k.staff.id)
      return Promise.all(ids.map(async id => daySheet(deps, await clerkFor(deps, viewer, id), date)))
    }, { everyone })
    c.header('Cache-Control', 'no-store')
    c.header('Content-Type', 'text/csv; charset=utf-8')
    c.header('Content-Disposition', `attachment; filename="day-close-${date}.csv"`)
    return c.body(dayCsv(sheets), 200)
  })
