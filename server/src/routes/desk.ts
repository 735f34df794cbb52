import type { AuditEventView, DeskAuditPage } from '@yibao/shared'
import type { Context } from 'hono'
import type { Person } from '../domain/person'
import type { DeskEnv } from '../lib/staff'
import {
  AuditQuerySchema,
  DeskAuditPageSchema,
  DeskLookupInputSchema,
  maskIdCard,
  maskPiiInText,
  PersonProfileSchema,
  shanghaiDate,
  toShanghaiIso,
  UnmaskInputSchema,
  UnmaskResultSchema,
} from '@yibao/shared'
import { Hono } from 'hono'
import { toProfileView } from '../domain/person'
import { openDeskSubject } from '../lib/desk-subject'
import { AppError } from '../lib/errors'
import { doc } from '../lib/openapi'
import { rateLimit } from '../lib/rate-limit'
import { assertRegion, auditStaff, staffGuard } from '../lib/staff'
import { validate } from '../lib/validate'
import { listAuditEvents } from '../storage/desk-audit'

/** Person look-ups (and unmasks) per staff account per minute. */
export const DESK_LOOKUPS_PER_MINUTE = 30
/** Audit events per page. */
export const AUDIT_PAGE_SIZE = 20
/** Default span of the audit list: the last 30 Shanghai days. */
const AUDIT_DEFAULT_DAYS = 30
const DAY_MS = 86_400_000

/** The 参保地 that decides which desk may serve a person: their resident insurance, else any enrolment. */
export function servingRegion(person: Person): string {
  const resident = person.enrolments.find(e => e.insuranceType === '390' || e.insuranceType === '391')
  return resident?.regionCode || person.enrolments[0]?.regionCode || person.regionCode
}

/** Looks the person up at the bureau and checks the staff member's region; both outcomes are audited. */
async function openPerson(c: Context<DeskEnv>, certNo: string, name: string | undefined, action: string, detail?: Record<string, unknown>): Promise<Person> {
  const { nhsa, subjectRef } = c.get('deps')
  const subject = { subjectRef: subjectRef(certNo), subjectMasked: maskIdCard(certNo) }
  const person = await nhsa.getPersonInfo(certNo, { name, logger: c.get('logger') }).catch(async (error: unknown) => {
    await auditStaff(c, { ...subject, action, success: false, detail: { ...detail, outcome: error instanceof AppError ? error.code : 'upstream_failed' } })
    throw error
  })
  const region = servingRegion(person)
  try {
    assertRegion(c.get('staff'), region)
  }
  catch (error) {
    await auditStaff(c, { ...subject, subjectRegion: region, action, success: false, detail: { ...detail, outcome: 'out_of_region' } })
    throw error
  }
  await auditStaff(c, { ...subject, subjectRegion: region, action, success: true, detail })
  return person
}

/** Start (inclusive) and end (exclusive) instants of a span of Shanghai calendar days. */
function dayRange(from: string | undefined, to: string | undefined, now: Date): { from: Date, to: Date } {
  const toDay = to ?? shanghaiDate(now)
  const end = new Date(Date.parse(`${toDay}T00:00:00+08:00`) + DAY_MS)
  const start = from ? new Date(Date.parse(`${from}T00:00:00+08:00`)) : new Date(end.getTime() - AUDIT_DEFAULT_DAYS * DAY_MS)
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || start >= end)
    throw new AppError('VALIDATION_FAILED', 400, { fields: { from: '开始日期应早于结束日期' } })
  return { from: start, to: end }
}

function detailText(detail: unknown, key: 'reason' | 'outcome'): string | null {
  const value = typeof detail === 'object' && detail !== null ? (detail as Record<string, unknown>)[key] : undefined
  return typeof value === 'string' ? value : null
}

/** Help-desk (窗口/帮办代办) work for signed-in staff; every route needs password + TOTP (`staffGuard`). */
export const deskRoutes = new Hono<DeskEnv>()
  .post('/person-lookups',
    doc({
      summary: '按身份证号码查询参保人（证件号码脱敏显示）',
      tag: '窗口办理',
      audience: 'staff',
      ok: { 200: PersonProfileSchema },
      errors: { 403: ['OUT_OF_REGION'], 404: ['PERSON_NOT_FOUND'] },
      upstream: true,
    }),
    staffGuard(),
    rateLimit({ bucket: 'desk-lookups', limit: DESK_LOOKUPS_PER_MINUTE, windowSeconds: 60, key: c => `staff:${c.get('session')?.accountId}` }),
    validate('json', DeskLookupInputSchema),
    async (c) => {
      const { name, certNo } = c.req.valid('json')
      const person = await openPerson(c, certNo, name, 'desk.person.lookup')
      c.header('Cache-Control', 'no-store')
      return c.json(toProfileView(person, c.get('deps').now()), 200)
    })
  .post('/unmask',
    doc({
      summary: '查看完整身份证号码（须填写原因，留痕）',
      tag: '窗口办理',
      audience: 'staff',
      ok: { 200: UnmaskResultSchema },
      errors: { 400: ['DESK_SUBJECT_EXPIRED'], 403: ['OUT_OF_REGION'], 404: ['PERSON_NOT_FOUND'] },
      upstream: true,
    }),
    staffGuard(),
    rateLimit({ bucket: 'desk-lookups', limit: DESK_LOOKUPS_PER_MINUTE, windowSeconds: 60, key: c => `staff:${c.get('session')?.accountId}` }),
    validate('json', UnmaskInputSchema),
    async (c) => {
      const { certNo: typed, subject, reason } = c.req.valid('json')
      const { vault, now } = c.get('deps')
      const certNo = typed ?? openDeskSubject(vault, c.get('staff').id, subject!, now()).certNo
      // The region is checked again: showing a number is an access of its own. The reason is kept in
      // the trail, with any ID or phone number typed into it masked.
      const person = await openPerson(c, certNo, undefined, 'desk.person.unmask', { reason: maskPiiInText(reason) })
      c.header('Cache-Control', 'no-store')
      return c.json({ certNo: person.certNo }, 200)
    })
  .get('/audit', doc({
    summary: '查看本辖区的操作留痕（科室负责人、系统管理员）',
    tag: '窗口办理',
    audience: 'staff',
    ok: { 200: DeskAuditPageSchema },
  }), staffGuard(['supervisor', 'admin']), validate('query', AuditQuerySchema), async (c) => {
    const staff = c.get('staff')
    const { from, to, page } = c.req.valid('query')
    const range = dayRange(from, to, c.get('deps').now())
    const rows = await listAuditEvents(c.get('deps').storage.db, {
      regions: staff.role === 'admin' ? 'all' : staff.regionCodes,
      ...range,
      limit: AUDIT_PAGE_SIZE + 1,
      offset: (page - 1) * AUDIT_PAGE_SIZE,
    })
    const events: AuditEventView[] = rows.slice(0, AUDIT_PAGE_SIZE).map(r => ({
      id: r.id,
      at: toShanghaiIso(r.at),
      actorType: r.actorType,
      actor: r.staffUsername ?? r.actorId,
      actorRole: r.actorRole,
      subjectMasked: r.subjectMasked,
      subjectRegion: r.subjectRegion,
      channel: r.channel,
      action: r.action,
      success: r.success,
      reason: detailText(r.detail, 'reason'),
      outcome: detailText(r.detail, 'outcome'),
    }))
    c.header('Cache-Control', 'no-store')
    const body: DeskAuditPage = {
      events,
      page,
      pageSize: AUDIT_PAGE_SIZE,
      hasMore: rows.length > AUDIT_PAGE_SIZE,
      from: shanghaiDate(range.from),
      to: shanghaiDate(new Date(range.to.getTime() - 1)),
    }
    return c.json(body, 200)
  })
