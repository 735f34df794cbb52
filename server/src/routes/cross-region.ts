import type { CrossRegionFilingsView } from '@yibao/shared'
import type { Context } from 'hono'
import type { FilingPerson } from '../cross-region/filings'
import type { Subject } from '../lib/resident'
import type { AppEnv } from '../lib/types'
import {
  CleanTextSchema,
  CrossRegionCancelInputSchema,
  CrossRegionFilingInputSchema,
  CrossRegionFilingsViewSchema,
  CrossRegionFilingViewSchema,
  shanghaiDate,
} from '@yibao/shared'
import { Hono } from 'hono'
import { z } from 'zod'
import {
  bureauPerson as bureauPersonOf,
  file as fileAtBureau,
  filingView,
  listFilings,
  ownFiling as ownFilingOf,
  plan,
  rejected,
  requireCoverage as requireCoverageOf,
  rulesView,
} from '../cross-region/filings'
import { lockedUntil } from '../domain/cross-region'
import { clerksOf } from '../lib/desk-acts'
import { AppError } from '../lib/errors'
import { idempotent } from '../lib/idempotency'
import { doc } from '../lib/openapi'
import { rateLimit } from '../lib/rate-limit'
import { auditSubject, linkTarget, resolveSubject } from '../lib/resident'
import { validate } from '../lib/validate'
import { cancelCrossRegion, CrossRegionRejected } from '../upstream/nhsa/cross-region'

const MemberQuerySchema = z.object({ member: CleanTextSchema('家庭成员编号不正确').max(64, '家庭成员编号不正确').optional() })
/** Changes (file, change, cancel) per resident per hour. */
const CHANGES_PER_HOUR = 20

/** The person at the bureau (1101) and the resident enrolment that decides the 参保地; none → 409. */
function bureauPerson(c: Context<AppEnv>, subject: Subject): Promise<FilingPerson> {
  return bureauPersonOf(c.get('deps'), subject.certNo, c.get('logger'))
}

/** Coverage today (resident insurance paid for this year), as the shared service reads it. */
function requireCoverage(c: Context<AppEnv>, subject: Subject, who: FilingPerson): Promise<void> {
  return requireCoverageOf(c.get('deps'), subject.certNo, who, c.get('logger'))
}

function audit(c: Context<AppEnv>, subject: Subject, action: string, success: boolean, detail?: Record<string, unknown>) {
  return auditSubject(c, subject, { action, success, target: linkTarget(subject), detail })
}

/** Files for the subject; a family member filing for the person is recorded by the bureau as 代办人. */
async function file(c: Context<AppEnv>, subject: Subject, who: FilingPerson, input: z.infer<typeof CrossRegionFilingInputSchema>, dates: ReturnType<typeof plan>, requestRef: string): Promise<string> {
  const { nhsa, vault } = c.get('deps')
  let agent: { name: string, certNo: string, relation: string } | undefined
  if (subject.channel === 'family') {
    const certNo = vault.decrypt(subject.asker.certNoEnc)
    agent = { name: (await nhsa.getPersonInfo(certNo, { logger: c.get('logger') })).name, certNo, relation: '家属' }
  }
  return fileAtBureau(c.get('deps'), who, input, dates, requestRef, { agent })
}

/** The subject's filing by id (from the bureau's own list for that person, so another's id is 404). */
function ownFiling(c: Context<AppEnv>, who: FilingPerson, id: string) {
  return ownFilingOf(c.get('deps'), who, id)
}

/** The filing's view with its 经办人 when the help desk filed it. */
async function viewOf(c: Context<AppEnv>, who: FilingPerson, id: string, today: string) {
  const filing = await ownFiling(c, who, id)
  const clerks = await clerksOf(c.get('deps'), [`filing:${filing.id}`])
  return filingView(filing, today, clerks.get(`filing:${filing.id}`) ?? null)
}

const principalOf = (c: Context<AppEnv>) => `resident:${c.get('session')?.accountId ?? 'anonymous'}`
const changes = rateLimit({ bucket: 'cross-region', limit: CHANGES_PER_HOUR, windowSeconds: 3600, key: c => principalOf(c) })

/**
 * 异地就医备案 for oneself or a bound family member: the list (with what may be done today), a new
 * filing, a change (the old one cancelled, the new one filed, in that order, each idempotent at the
 * bureau) and a cancellation with a reason. Every read and change is audited.
 */
export const crossRegionRoutes = new Hono<AppEnv>()
  .get('/filings', doc({
    summary: '查看本人或家庭成员的异地就医备案',
    tag: '异地就医备案',
    audience: 'resident',
    ok: { 200: CrossRegionFilingsViewSchema },
    errors: { 404: ['NOT_FOUND', 'PERSON_NOT_FOUND'], 409: ['CROSS_REGION_NOT_ENROLLED'] },
    upstream: true,
  }), validate('query', MemberQuerySchema), async (c) => {
    const subject = await resolveSubject(c, c.req.valid('query').member)
    const who = await bureauPerson(c, subject)
    const filings = await listFilings(c.get('deps'), who)
    await audit(c, subject, 'cross_region.read', true)
    const today = shanghaiDate(c.get('deps').now())
    const clerks = await clerksOf(c.get('deps'), filings.map(f => `filing:${f.id}`))
    c.header('Cache-Control', 'no-store')
    const view: CrossRegionFilingsView = {
      insuredRegion: who.region,
      rules: rulesView(who.region, today),
      filings: filings.map(f => filingView(f, today, clerks.get(`filing:${f.id}`) ?? null)),
    }
    return c.json(view, 200)
  })
  .post('/filings', doc({
    summary: '办理异地就医备案',
    tag: '异地就医备案',
    audience: 'resident',
    ok: { 201: CrossRegionFilingViewSchema },
    errors: {
      404: ['NOT_FOUND', 'PERSON_NOT_FOUND'],
      409: ['CROSS_REGION_NOT_ENROLLED', 'CROSS_REGION_NOT_COVERED', 'CROSS_REGION_SUSPENDED', 'CROSS_REGION_REJECTED'],
    },
    upstream: true,
  }), changes, validate('json', CrossRegionFilingInputSchema), idempotent('cross-region.file', principalOf),
  async (c) => {
    const input = c.req.valid('json')
    const subject = await resolveSubject(c, input.memberId)
    const who = await bureauPerson(c, subject)
    const dates = plan(input, who.region, shanghaiDate(c.get('deps').now()))
    await requireCoverage(c, subject, who)
    const id = await file(c, subject, who, input, dates, `req:${c.get('idempotency')?.id ?? ''}`).catch(async (error: unknown) => {
      await audit(c, subject, 'cross_region.file', false, { type: input.type, outcome: error instanceof CrossRegionRejected ? 'rejected' : error instanceof AppError ? error.code : 'failed' })
      return rejected(error)
    })
    const filed = { type: input.type, destination: input.destination, ...(input.basis && { basis: input.basis }) }
    await audit(c, subject, 'cross_region.file', true, filed)
    c.header('Cache-Control', 'no-store')
    return c.json(await viewOf(c, who, id, shanghaiDate(c.get('deps').now())), 201)
  })
  .post('/filings/:id/change', doc({
    summary: '变更异地就医备案（撤销原备案并重新备案）',
    tag: '异地就医备案',
    audience: 'resident',
    ok: { 201: CrossRegionFilingViewSchema },
    errors: {
      404: ['PERSON_NOT_FOUND'],
      409: [
        'CROSS_REGION_NOT_ENROLLED',
        'CROSS_REGION_NOT_COVERED',
        'CROSS_REGION_SUSPENDED',
        'CROSS_REGION_REJECTED',
        'CROSS_REGION_LOCKED',
      ],
    },
    upstream: true,
  }), changes, validate('json', CrossRegionFilingInputSchema), idempotent('cross-region.change', principalOf),
  async (c) => {
    const input = c.req.valid('json')
    const subject = await resolveSubject(c, input.memberId)
    const who = await bureauPerson(c, subject)
    const today = shanghaiDate(c.get('deps').now())
    const old = await ownFiling(c, who, c.req.param('id'))
    if (lockedUntil(old, today)) throw new AppError('CROSS_REGION_LOCKED', 409)
    // Checked before anything changes, so a bad new filing never costs the old one. (A retry after
    // the cancel went through finds the old one cancelled: cancelling again is a no-op at the bureau.)
    const dates = plan(input, who.region, today, old.startDate < today ? old.startDate : today)
    await requireCoverage(c, subject, who)
    try {
      await cancelCrossRegion(c.get('deps').nhsa, who.key, { id: old.id, reason: '变更备案' })
      const id = await file(c, subject, who, input, dates, `req:${c.get('idempotency')?.id ?? ''}`)
      const changed = { type: input.type, destination: input.destination, ...(input.basis && { basis: input.basis }) }
      await audit(c, subject, 'cross_region.change', true, { from: old.id, ...changed })
      c.header('Cache-Control', 'no-store')
      return c.json(await viewOf(c, who, id, today), 201)
    }
    catch (error) {
      await audit(c, subject, 'cross_region.change', false, { from: old.id, outcome: error instanceof CrossRegionRejected ? 'rejected' : 'failed' })
      return rejected(error)
    }
  })
  .post('/filings/:id/cancel', doc({
    summary: '撤销异地就医备案',
    tag: '异地就医备案',
    audience: 'resident',
    ok: { 200: CrossRegionFilingViewSchema },
    errors: {
      404: ['PERSON_NOT_FOUND'],
      409: ['CROSS_REGION_NOT_ENROLLED', 'CROSS_REGION_REJECTED', 'CROSS_REGION_LOCKED'],
    },
    upstream: true,
  }), changes, validate('json', CrossRegionCancelInputSchema), idempotent('cross-region.cancel', principalOf),
  async (c) => {
    const input = c.req.valid('json')
    const subject = await resolveSubject(c, input.memberId)
    const who = await bureauPerson(c, subject)
    const today = shanghaiDate(c.get('deps').now())
    const filing = await ownFiling(c, who, c.req.param('id'))
    if (!filing.cancelled) {
      if (lockedUntil(filing, today)) throw new AppError('CROSS_REGION_LOCKED', 409)
      await cancelCrossRegion(c.get('deps').nhsa, who.key, { id: filing.id, reason: input.reason }).catch(rejected)
      await audit(c, subject, 'cross_region.cancel', true, { id: filing.id })
    }
    c.header('Cache-Control', 'no-store')
    return c.json(await viewOf(c, who, filing.id, today), 200)
  })
