import type { CrossRegionFilingsView, CrossRegionFilingView, CrossRegionRulesView } from '@yibao/shared'
import type { Context } from 'hono'
import type { CrossRegionFiling } from '../domain/cross-region'
import type { Subject } from '../lib/resident'
import type { AppEnv } from '../lib/types'
import {
  CleanTextSchema,
  CROSS_REGION_RULES,
  CROSS_REGION_TYPE_LABELS,
  CrossRegionCancelInputSchema,
  CrossRegionFilingInputSchema,
  CrossRegionFilingsViewSchema,
  CrossRegionFilingViewSchema,
  crossRegionRulesFor,
  isLongTerm,
  LONG_TERM_BASIS_LABELS,
  longTermBasisOf,
  maskDocumentNumber,
  maskMobile,
  maskName,
  RESIDENCE_PROOF_KIND_LABELS,
  shanghaiDate,
  temporaryEndDate,
} from '@yibao/shared'
import { Hono } from 'hono'
import { z } from 'zod'
import { currentYearOf, residentEnrolment } from '../domain/coverage'
import { filingStatus, lockedUntil, sameArea, startDateProblems, startRange } from '../domain/cross-region'
import { AppError } from '../lib/errors'
import { idempotent } from '../lib/idempotency'
import { doc } from '../lib/openapi'
import { rateLimit } from '../lib/rate-limit'
import { auditSubject, linkTarget, resolveSubject } from '../lib/resident'
import { validate } from '../lib/validate'
import { cancelCrossRegion, CrossRegionRejected, fileCrossRegion, listCrossRegionFilings } from '../upstream/nhsa/cross-region'

const MemberQuerySchema = z.object({ member: CleanTextSchema('家庭成员编号不正确').max(64, '家庭成员编号不正确').optional() })
/** Changes (file, change, cancel) per resident per hour. */
const CHANGES_PER_HOUR = 20

/** The person at the bureau (1101) and the resident enrolment that decides the 参保地; none → 409. */
async function bureauPerson(c: Context<AppEnv>, subject: Subject) {
  const person = await c.get('deps').nhsa.getPersonInfo(subject.certNo, { logger: c.get('logger') })
  const resident = residentEnrolment(person) ?? person.enrolments.find(e => e.status === 'active') ?? null
  if (!resident) throw new AppError('CROSS_REGION_NOT_ENROLLED', 409)
  return { person, key: { psnNo: person.psnNo, admdvs: resident.regionCode, logger: c.get('logger') }, region: resident.regionCode, insuranceType: resident.insuranceType }
}

/**
 * A new filing needs coverage today, read as the coverage page reads it (the shared benefit-year rule on
 * the platform's relation and the tax record): resident insurance paid for this year (正常参保). A year
 * still owed (待缴费) or suspended (暂停参保) is refused, each with its own message; employee insurance is
 * the platform's alone.
 */
async function requireCoverage(c: Context<AppEnv>, subject: Subject, who: Awaited<ReturnType<typeof bureauPerson>>) {
  if (!residentEnrolment(who.person)) return
  const deps = c.get('deps')
  const contributions = await deps.tax.getContributions(subject.certNo, { logger: c.get('logger') })
  const { year, status } = currentYearOf(who.person, contributions, deps.now())
  if (status === 'active') return
  if (status === 'pending') throw new AppError('CROSS_REGION_NOT_COVERED', 409, { params: { year: String(year) } })
  if (status === 'suspended') throw new AppError('CROSS_REGION_SUSPENDED', 409, { params: { year: String(year) } })
  throw new AppError('CROSS_REGION_NOT_ENROLLED', 409)
}

/** The masked view of a filing, with what may be done with it today. */
function filingView(f: CrossRegionFiling, today: string): CrossRegionFilingView {
  const status = filingStatus(f, today)
  const locked = lockedUntil(f, today)
  return {
    id: f.id,
    type: f.type,
    typeLabel: CROSS_REGION_TYPE_LABELS[f.type],
    destination: f.destination,
    startDate: f.startDate,
    endDate: f.endDate,
    status,
    longTerm: isLongTerm(f.type),
    promise: f.promise,
    /** 异地长期居住: filed on a 居住证明 or a 个人承诺 (only the latter locks the filing). */
    basis: f.basis,
    basisLabel: f.basis ? LONG_TERM_BASIS_LABELS[f.basis] : null,
    /** The residence proof's kind and its number, masked. */
    residenceProof: f.residenceProof
      ? {
          kind: f.residenceProof.kind,
          kindLabel: RESIDENCE_PROOF_KIND_LABELS[f.residenceProof.kind],
          number: maskDocumentNumber(f.residenceProof.number),
        }
      : null,
    address: f.address,
    referralHospital: f.referralHospital,
    phone: f.phone ? maskMobile(f.phone) : null,
    agentName: f.agentName ? maskName(f.agentName) : null,
    source: f.source,
    createdAt: f.createdAt,
    /** A 承诺制 long-term filing cannot be changed or cancelled before this day. */
    lockedUntil: locked,
    canChange: (status === 'valid' || status === 'upcoming') && locked === null,
  }
}

function audit(c: Context<AppEnv>, subject: Subject, action: string, success: boolean, detail?: Record<string, unknown>) {
  return auditSubject(c, subject, { action, success, target: linkTarget(subject), detail })
}

/**
 * The 备案 rules of a 参保地 today, for the form: how far back a filing may start (`backdateDays` null: no day count,
 * 医保发〔2022〕22号 补办 until 出院结算; a number: the 参保地's stricter rule, with its source) and how far ahead.
 */
function rulesView(region: string, today: string): CrossRegionRulesView {
  const rules = crossRegionRulesFor(region)
  const { min, max } = startRange(today, rules)
  return {
    today,
    minStartDate: min,
    maxStartDate: max,
    backdateDays: rules.backdateDays.value,
    backdateSource: rules.backdateDays.source,
    backdateAssumed: rules.backdateDays.assumed === true,
    temporaryMonths: CROSS_REGION_RULES.temporaryMonths.value,
    promiseLockMonths: CROSS_REGION_RULES.promiseLockMonths.value,
  }
}

/** The new filing's dates and the checks the BFF can make itself (field messages, in Chinese). */
function plan(
  input: z.infer<typeof CrossRegionFilingInputSchema>,
  region: string,
  today: string,
  /** A change: the old filing's start, from which no 补办 confirmation is needed. */
  coveredFrom?: string,
) {
  const fields: Record<string, string> = {
    ...startDateProblems(input, today, crossRegionRulesFor(region), coveredFrom),
  }
  if (sameArea(input.destination, region)) fields.destination = '就医地不能是参保地所在统筹区，请选择其他城市'
  if (Object.keys(fields).length) throw new AppError('VALIDATION_FAILED', 400, { fields })
  return { startDate: input.startDate, endDate: isLongTerm(input.type) ? null : temporaryEndDate(input.startDate, CROSS_REGION_RULES.temporaryMonths.value) }
}

/** Files at the bureau with the dates `plan` gave; its refusal comes back as `CrossRegionRejected`. */
async function file(c: Context<AppEnv>, subject: Subject, who: Awaited<ReturnType<typeof bureauPerson>>, input: z.infer<typeof CrossRegionFilingInputSchema>, dates: ReturnType<typeof plan>, requestRef: string): Promise<string> {
  const { nhsa, vault } = c.get('deps')
  const basis = input.type === 'long_term_resident' ? longTermBasisOf(input) : undefined
  // A family member files for the person: the bureau records them as 代办人.
  let agent: { name: string, certNo: string, relation: string } | undefined
  if (subject.channel === 'family') {
    const certNo = vault.decrypt(subject.asker.certNoEnc)
    agent = { name: (await nhsa.getPersonInfo(certNo, { logger: c.get('logger') })).name, certNo, relation: '家属' }
  }
  return fileCrossRegion(nhsa, who.key, {
    insuranceType: who.insuranceType,
    type: input.type,
    destination: input.destination,
    ...dates,
    phone: input.phone,
    ...(input.address && { address: input.address }),
    ...(input.referralHospital && { referralHospital: input.referralHospital }),
    // 异地长期居住: the resident's choice, a residence proof or a personal promise (never both on the wire).
    ...(basis === 'promise' && { promise: true }),
    ...(basis === 'residence_proof' && input.residenceProof && { residenceProof: input.residenceProof }),
    ...(agent && { agent }),
    requestRef,
  })
}

/** The subject's filing by id (from the bureau's own list for that person, so another's id is 404). */
async function ownFiling(c: Context<AppEnv>, who: Awaited<ReturnType<typeof bureauPerson>>, id: string): Promise<CrossRegionFiling> {
  const found = (await listCrossRegionFilings(c.get('deps').nhsa, who.key)).find(f => f.id === id)
  if (!found) throw new AppError('NOT_FOUND', 404)
  return found
}

function rejected(error: unknown): never {
  if (error instanceof CrossRegionRejected) throw new AppError('CROSS_REGION_REJECTED', 409, { params: { reason: error.reason } })
  throw error
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
    const filings = await listCrossRegionFilings(c.get('deps').nhsa, who.key)
    await audit(c, subject, 'cross_region.read', true)
    const today = shanghaiDate(c.get('deps').now())
    c.header('Cache-Control', 'no-store')
    const view: CrossRegionFilingsView = {
      insuredRegion: who.region,
      rules: rulesView(who.region, today),
      filings: filings.map(f => filingView(f, today)),
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
    return c.json(filingView(await ownFiling(c, who, id), shanghaiDate(c.get('deps').now())), 201)
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
      return c.json(filingView(await ownFiling(c, who, id), today), 201)
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
    return c.json(filingView(await ownFiling(c, who, filing.id), today), 200)
  })
