import type { CrossRegionFilingsView, DeskConsentCodeSent, DeskRefundLine } from '@yibao/shared'
import type { Context } from 'hono'
import type { DeskPerson } from '../lib/desk-acts'
import type { DeskEnv } from '../lib/staff'
import type { AppEnv } from '../lib/types'
import {
  CrossRegionFilingsViewSchema,
  CrossRegionFilingViewSchema,
  DeskActTargetInputSchema,
  DeskConsentCodeSentSchema,
  DeskConsentSmsInputSchema,
  DeskCrossRegionCancelInputSchema,
  DeskCrossRegionFilingInputSchema,
  DeskRefundInputSchema,
  DeskRefundLineSchema,
  DeskRefundOptionsInputSchema,
  maskIdCard,
  RefundOptionsSchema,
  RefundViewSchema,
  shanghaiDate,
  toShanghaiIso,
} from '@yibao/shared'
import { Hono } from 'hono'
import { z } from 'zod'
import { bureauPerson, file, filingView, listFilings, ownFiling, plan, rejected, requireCoverage, rulesView } from '../cross-region/filings'
import { lockedUntil } from '../domain/cross-region'
import { clerksOf, openDeskPerson, recordDeskAct, requireDeskConsent, residentOf, sendDeskConsentCode } from '../lib/desk-acts'
import { AppError } from '../lib/errors'
import { idempotent } from '../lib/idempotency'
import { doc } from '../lib/openapi'
import { OTP_RESEND_S, OTP_TTL_S } from '../lib/otp'
import { rateLimit } from '../lib/rate-limit'
import { auditStaff, staffGuard } from '../lib/staff'
import { validate } from '../lib/validate'
import { refundOptions } from '../payments/refund-cases'
import { refundView, requestRefund } from '../payments/refunds'
import { listResidentOrders, orderLines } from '../storage/payments'
import { liveRefundOfLine, listRefundsOf } from '../storage/refunds'
import { cancelCrossRegion, CrossRegionRejected } from '../upstream/nhsa/cross-region'
import { DESK_LOOKUPS_PER_MINUTE } from './desk'

/** Consent codes a clerk may send per hour (each goes to a resident's phone on file). */
export const DESK_CONSENT_CODES_PER_HOUR = 30
/** Acts with consequences (refunds, 备案 changes) a clerk may do per hour. */
export const DESK_ACTS_PER_HOUR = 60

const staffKey = (c: Context<AppEnv>) => `staff:${c.get('session')?.accountId}`
const lookups = rateLimit({ bucket: 'desk-lookups', limit: DESK_LOOKUPS_PER_MINUTE, windowSeconds: 60, key: staffKey })
const acts = rateLimit({ bucket: 'desk-acts', limit: DESK_ACTS_PER_HOUR, windowSeconds: 3600, key: staffKey })
const outcomeOf = (error: unknown) => error instanceof CrossRegionRejected
  ? 'rejected'
  : error instanceof AppError ? error.code : 'failed'

/** How an act that needs the resident's consent is refused before it is done (OpenAPI). */
const consentedActRefusals = {
  400: ['DESK_SUBJECT_EXPIRED', 'OTP_INVALID', 'OTP_TOO_MANY_ATTEMPTS'],
  403: ['OUT_OF_REGION', 'DESK_CONSENT_REQUIRED'],
  404: ['NOT_FOUND', 'PERSON_NOT_FOUND'],
} as const
/** How the bureau refuses a 备案 filed or changed at the desk (OpenAPI 409). */
const filingRefusals = [
  'DESK_CONSENT_NO_PHONE',
  'CROSS_REGION_NOT_ENROLLED',
  'CROSS_REGION_NOT_COVERED',
  'CROSS_REGION_SUSPENDED',
  'CROSS_REGION_REJECTED',
] as const

/** What an act is audited with: its action, its details and the consent spent on it. */
interface DeskAct { action: string, detail: Record<string, unknown>, consent: string }

/** Runs a desk act once its consent is spent; a failure is audited with the consent and the outcome, then thrown. */
async function audited<T>(c: Context<DeskEnv>, who: DeskPerson, act: DeskAct, run: () => Promise<T>, target?: string) {
  try {
    return await run()
  }
  catch (error) {
    const failed = { ...act.detail, consent: act.consent, outcome: outcomeOf(error) }
    await auditStaff(c, { ...who.audit, action: act.action, target, success: false, detail: failed })
    throw error
  }
}

/** A 备案 act done: audited with the clerk's hall, answered with the filing as the resident now has it. */
async function filingDone(
  c: Context<DeskEnv>,
  who: DeskPerson,
  act: DeskAct,
  filing: { at: Awaited<ReturnType<typeof bureauPerson>>, id: string, today: string, done: boolean },
  status: 200 | 201,
) {
  const deps = c.get('deps')
  const target = `filing:${filing.id}`
  if (filing.done) {
    const detail = { ...act.detail, consent: act.consent, hallRegion: who.hallRegion }
    await auditStaff(c, { ...who.audit, action: act.action, target, success: true, detail })
  }
  const clerk = (await clerksOf(deps, [target])).get(target) ?? null
  c.header('Cache-Control', 'no-store')
  return c.json(filingView(await ownFiling(deps, filing.at, filing.id), filing.today, clerk), status)
}

/** The resident's account principal (their orders and refunds), or 404 NOT_FOUND when they have no account. */
async function principalOf(c: Context<DeskEnv>, who: DeskPerson, action: string): Promise<string> {
  const account = await residentOf(c.get('deps'), who)
  if (!account) {
    await auditStaff(c, { ...who.audit, action, success: false, detail: { outcome: 'no_account' } })
    throw new AppError('NOT_FOUND', 404)
  }
  return `resident:${account.id}`
}

/**
 * 窗口代办: acts with consequences a clerk does for the resident at the counter, through the same services as the
 * resident's own routes: 退费 on their behalf, and 异地就医备案 filed, changed and cancelled with the clerk as 经办人
 * (申报来源 经办窗口). Each act needs the resident's consent then and there — a scan of their 医保码 by this clerk
 * in the last few minutes, or the SMS code sent to their phone on file, read out — which is recorded with the act.
 * Everything is region-checked and audited with the clerk as actor and the resident as subject, refusals too, and
 * shows in the resident's own 退费记录, 备案 and 访问记录.
 */
export const deskActRoutes = new Hono<DeskEnv>()
  .post('/consent/sms-codes',
    doc({
      summary: '窗口代办：向参保人登记的手机号发送确认验证码',
      tag: '窗口代办',
      audience: 'staff',
      ok: { 200: DeskConsentCodeSentSchema },
      errors: {
        400: ['DESK_SUBJECT_EXPIRED'],
        403: ['OUT_OF_REGION'],
        404: ['PERSON_NOT_FOUND'],
        409: ['DESK_CONSENT_NO_PHONE'],
        429: ['OTP_RESEND_TOO_SOON'],
      },
      upstream: true,
    }),
    staffGuard(),
    rateLimit({ bucket: 'desk-consent-codes', limit: DESK_CONSENT_CODES_PER_HOUR, windowSeconds: 3600, key: staffKey }),
    validate('json', DeskConsentSmsInputSchema),
    async (c) => {
      const action = 'desk.consent.sms_code'
      const who = await openDeskPerson(c, c.req.valid('json'), action)
      try {
        const phoneTail = await sendDeskConsentCode(c, who)
        await auditStaff(c, { ...who.audit, action, success: true, detail: { phoneTail } })
        c.header('Cache-Control', 'no-store')
        const sent: DeskConsentCodeSent = { sent: true, phoneTail, expiresInSeconds: OTP_TTL_S, resendAfterSeconds: OTP_RESEND_S }
        return c.json(sent, 200)
      }
      catch (error) {
        await auditStaff(c, { ...who.audit, action, success: false, detail: { outcome: outcomeOf(error) } })
        throw error
      }
    })
  .post('/refunds/lines',
    doc({
      summary: '窗口代办：参保人本人缴费中可申请退费的记录及其退费记录',
      tag: '窗口代办',
      audience: 'staff',
      ok: { 200: z.object({ lines: z.array(DeskRefundLineSchema), refunds: z.array(RefundViewSchema) }) },
      errors: { 400: ['DESK_SUBJECT_EXPIRED'], 403: ['OUT_OF_REGION'], 404: ['NOT_FOUND', 'PERSON_NOT_FOUND'] },
      upstream: true,
    }),
    staffGuard(),
    lookups,
    validate('json', DeskActTargetInputSchema),
    async (c) => {
      const action = 'desk.refund.read'
      const deps = c.get('deps')
      const who = await openDeskPerson(c, c.req.valid('json'), action)
      const principal = await principalOf(c, who, action)
      // Their own orders, and the 窗口代缴 orders made for them alone (a 付款码 or QR payment at the counter).
      const orders = (await listResidentOrders(deps.storage.db, { principal, certRef: who.audit.subjectRef }))
        .filter(o => o.status === 'paid')
      const lines: DeskRefundLine[] = []
      for (const order of orders) {
        for (const line of await orderLines(deps.storage.db, order.id)) {
          if ((line.status !== 'paid' && line.status !== 'reported') || await liveRefundOfLine(deps.storage.db, line.id)) continue
          lines.push({
            orderId: order.id,
            lineId: line.id,
            year: line.year,
            name: line.personNameMasked,
            certNo: maskIdCard(deps.vault.decrypt(line.personCertNoEnc)),
            amountFen: line.amountFen,
            status: line.status,
            paidAt: order.paidAt ? toShanghaiIso(order.paidAt) : null,
          })
        }
      }
      const refunds = await Promise.all((await listRefundsOf(deps.storage.db, principal)).map(r => refundView(deps, r)))
      await auditStaff(c, { ...who.audit, action, success: true })
      c.header('Cache-Control', 'no-store')
      return c.json({ lines, refunds }, 200)
    })
  .post('/refunds/options',
    doc({
      summary: '窗口代办：退费前查看各退费原因能否申请、可退多少',
      tag: '窗口代办',
      audience: 'staff',
      ok: { 200: RefundOptionsSchema },
      errors: { 400: ['DESK_SUBJECT_EXPIRED'], 403: ['OUT_OF_REGION'], 404: ['NOT_FOUND', 'PERSON_NOT_FOUND'] },
      upstream: true,
    }),
    staffGuard(),
    lookups,
    validate('json', DeskRefundOptionsInputSchema),
    async (c) => {
      const input = c.req.valid('json')
      const who = await openDeskPerson(c, input, 'desk.refund.options')
      const principal = await principalOf(c, who, 'desk.refund.options')
      const options = await refundOptions(c.get('deps'), {
        principal,
        certRef: who.audit.subjectRef,
        orderId: input.orderId,
        lineId: input.lineId,
      })
      c.header('Cache-Control', 'no-store')
      return c.json(options, 200)
    })
  .post('/refunds',
    doc({
      summary: '窗口代办：为参保人申请退费（须参保人确认）',
      tag: '窗口代办',
      audience: 'staff',
      ok: { 201: RefundViewSchema },
      errors: {
        ...consentedActRefusals,
        409: [
          'DESK_CONSENT_NO_PHONE',
          'REFUND_EXISTS',
          'REFUND_NOT_REFUNDABLE',
          'REFUND_NOT_YET_RECORDED',
          'REFUND_BENEFIT_STARTED',
          'REFUND_NO_OVERLAP',
          'REFUND_NOT_FUNDED',
          'REFUND_RECORD_NOT_FOUND',
          'REFUND_DEATH_NOT_FOUND',
          'REFUND_EMPLOYEE_NOT_FOUND',
        ],
      },
      upstream: true,
    }),
    staffGuard(),
    acts,
    validate('json', DeskRefundInputSchema),
    idempotent('desk.refunds', c => `staff:${c.get('session')?.accountId ?? 'anonymous'}`),
    async (c) => {
      const input = c.req.valid('json')
      const deps = c.get('deps')
      const action = 'desk.refund.request'
      const detail = { reason: input.reason }
      const who = await openDeskPerson(c, input, action, detail)
      const principal = await principalOf(c, who, action)
      const consent = await requireDeskConsent(c, who, input.consent, action, detail)
      return audited(c, who, { action, detail, consent }, async () => {
        const refund = await requestRefund(deps, {
          principal,
          certRef: who.audit.subjectRef,
          orderId: input.orderId,
          lineId: input.lineId,
          reason: input.reason,
          idempotencyKeyId: c.get('idempotency')?.id ?? null,
          desk: { subjectRef: who.audit.subjectRef, staffId: c.get('staff').id, hallRegion: who.hallRegion, consent },
        })
        const done = { ...detail, consent, hallRegion: who.hallRegion, amountFen: refund.amountFen, status: refund.status }
        await auditStaff(c, { ...who.audit, action, target: `refund:${refund.id}`, success: true, detail: done })
        c.header('Cache-Control', 'no-store')
        return c.json(await refundView(deps, refund), 201)
      }, `order:${input.orderId}`)
    })
  .post('/cross-region/filings/list',
    doc({
      summary: '窗口代办：查看参保人的异地就医备案',
      tag: '窗口代办',
      audience: 'staff',
      ok: { 200: CrossRegionFilingsViewSchema },
      errors: {
        400: ['DESK_SUBJECT_EXPIRED'],
        403: ['OUT_OF_REGION'],
        404: ['PERSON_NOT_FOUND'],
        409: ['CROSS_REGION_NOT_ENROLLED'],
      },
      upstream: true,
    }),
    staffGuard(),
    lookups,
    validate('json', DeskActTargetInputSchema),
    async (c) => {
      const deps = c.get('deps')
      const action = 'desk.cross_region.read'
      const who = await openDeskPerson(c, c.req.valid('json'), action)
      const at = await bureauPerson(deps, who.certNo, c.get('logger'), who.person)
      const filings = await listFilings(deps, at)
      const clerks = await clerksOf(deps, filings.map(f => `filing:${f.id}`))
      const today = shanghaiDate(deps.now())
      await auditStaff(c, { ...who.audit, action, success: true })
      c.header('Cache-Control', 'no-store')
      const view: CrossRegionFilingsView = {
        insuredRegion: at.region,
        rules: rulesView(at.region, today),
        filings: filings.map(f => filingView(f, today, clerks.get(`filing:${f.id}`) ?? null)),
      }
      return c.json(view, 200)
    })
  .post('/cross-region/filings',
    doc({
      summary: '窗口代办：为参保人办理异地就医备案（须参保人确认）',
      tag: '窗口代办',
      audience: 'staff',
      ok: { 201: CrossRegionFilingViewSchema },
      errors: {
        ...consentedActRefusals,
        409: filingRefusals,
      },
      upstream: true,
    }),
    staffGuard(),
    acts,
    validate('json', DeskCrossRegionFilingInputSchema),
    idempotent('desk.cross-region.file', c => `staff:${c.get('session')?.accountId ?? 'anonymous'}`),
    async (c) => {
      const input = c.req.valid('json')
      const deps = c.get('deps')
      const action = 'desk.cross_region.file'
      const detail = { type: input.filing.type, destination: input.filing.destination }
      const who = await openDeskPerson(c, input, action, detail)
      const consent = await requireDeskConsent(c, who, input.consent, action, detail)
      const act = { action, detail, consent }
      return audited(c, who, act, async () => {
        const at = await bureauPerson(deps, who.certNo, c.get('logger'), who.person)
        const today = shanghaiDate(deps.now())
        const dates = plan(input.filing, at.region, today, undefined, 'filing.')
        await requireCoverage(deps, who.certNo, at, c.get('logger'))
        const id = await file(deps, at, input.filing, dates, `req:${c.get('idempotency')?.id ?? ''}`, { desk: true })
          .catch(rejected)
        await recordDeskAct(c, who, { kind: 'cross_region.file', target: `filing:${id}`, consent })
        return filingDone(c, who, act, { at, id, today, done: true }, 201)
      })
    })
  .post('/cross-region/filings/:id/change',
    doc({
      summary: '窗口代办：为参保人变更异地就医备案（撤销原备案并重新备案，须参保人确认）',
      tag: '窗口代办',
      audience: 'staff',
      ok: { 201: CrossRegionFilingViewSchema },
      errors: {
        ...consentedActRefusals,
        409: [
          ...filingRefusals,
          'CROSS_REGION_LOCKED',
        ],
      },
      upstream: true,
    }),
    staffGuard(),
    acts,
    validate('json', DeskCrossRegionFilingInputSchema),
    idempotent('desk.cross-region.change', c => `staff:${c.get('session')?.accountId ?? 'anonymous'}`),
    async (c) => {
      const input = c.req.valid('json')
      const deps = c.get('deps')
      const action = 'desk.cross_region.change'
      const detail = { from: c.req.param('id'), type: input.filing.type, destination: input.filing.destination }
      const who = await openDeskPerson(c, input, action, detail)
      const consent = await requireDeskConsent(c, who, input.consent, action, detail)
      const act = { action, detail, consent }
      return audited(c, who, act, async () => {
        const at = await bureauPerson(deps, who.certNo, c.get('logger'), who.person)
        const today = shanghaiDate(deps.now())
        const old = await ownFiling(deps, at, c.req.param('id'))
        if (lockedUntil(old, today)) throw new AppError('CROSS_REGION_LOCKED', 409)
        const dates = plan(input.filing, at.region, today, old.startDate < today ? old.startDate : today, 'filing.')
        await requireCoverage(deps, who.certNo, at, c.get('logger'))
        await cancelCrossRegion(deps.nhsa, at.key, { id: old.id, reason: '变更备案' }).catch(rejected)
        const id = await file(deps, at, input.filing, dates, `req:${c.get('idempotency')?.id ?? ''}`, { desk: true })
          .catch(rejected)
        await recordDeskAct(c, who, { kind: 'cross_region.change', target: `filing:${old.id}`, consent })
        await recordDeskAct(c, who, { kind: 'cross_region.file', target: `filing:${id}`, consent })
        return filingDone(c, who, act, { at, id, today, done: true }, 201)
      })
    })
  .post('/cross-region/filings/:id/cancel',
    doc({
      summary: '窗口代办：为参保人撤销异地就医备案（须参保人确认）',
      tag: '窗口代办',
      audience: 'staff',
      ok: { 200: CrossRegionFilingViewSchema },
      errors: {
        ...consentedActRefusals,
        409: ['DESK_CONSENT_NO_PHONE', 'CROSS_REGION_NOT_ENROLLED', 'CROSS_REGION_REJECTED', 'CROSS_REGION_LOCKED'],
      },
      upstream: true,
    }),
    staffGuard(),
    acts,
    validate('json', DeskCrossRegionCancelInputSchema),
    idempotent('desk.cross-region.cancel', c => `staff:${c.get('session')?.accountId ?? 'anonymous'}`),
    async (c) => {
      const input = c.req.valid('json')
      const deps = c.get('deps')
      const action = 'desk.cross_region.cancel'
      const detail = { id: c.req.param('id') }
      const who = await openDeskPerson(c, input, action, detail)
      const consent = await requireDeskConsent(c, who, input.consent, action, detail)
      const act = { action, detail, consent }
      return audited(c, who, act, async () => {
        const at = await bureauPerson(deps, who.certNo, c.get('logger'), who.person)
        const today = shanghaiDate(deps.now())
        const filing = await ownFiling(deps, at, c.req.param('id'))
        if (!filing.cancelled) {
          if (lockedUntil(filing, today)) throw new AppError('CROSS_REGION_LOCKED', 409)
          await cancelCrossRegion(deps.nhsa, at.key, { id: filing.id, reason: input.reason }).catch(rejected)
          await recordDeskAct(c, who, { kind: 'cross_region.cancel', target: `filing:${filing.id}`, consent })
        }
        return filingDone(c, who, act, { at, id: filing.id, today, done: !filing.cancelled }, 200)
      })
    })
