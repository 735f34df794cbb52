import type { CrossRegionFilingInput, CrossRegionFilingView, CrossRegionRulesView, DeskClerk } from '@yibao/shared'
import type { CrossRegionFiling } from '../domain/cross-region'
import type { Person } from '../domain/person'
import type { Logger } from '../lib/logger'
import type { AppDeps } from '../lib/types'
import {
  CROSS_REGION_RULES,
  CROSS_REGION_TYPE_LABELS,
  crossRegionRulesFor,
  isLongTerm,
  LONG_TERM_BASIS_LABELS,
  longTermBasisOf,
  maskDocumentNumber,
  maskMobile,
  maskName,
  RESIDENCE_PROOF_KIND_LABELS,
  SAME_POOL_MESSAGE,
  temporaryEndDate,
} from '@yibao/shared'
import { currentYearOf, residentEnrolment } from '../domain/coverage'
import { filingStatus, lockedUntil, sameArea, startDateProblems, startRange } from '../domain/cross-region'
import { AppError } from '../lib/errors'
import { CrossRegionRejected, fileCrossRegion, listCrossRegionFilings } from '../upstream/nhsa/cross-region'

/**
 * 异地就医备案 as a service (the app's dependencies, never a request): the resident's own routes (for themselves
 * or a bound family member) and the help desk (窗口代办, the clerk as 经办人) file, change, cancel and list through
 * the same rules.
 */

/** The person at the bureau and the enrolment that decides the 参保地 (the key of every 备案 call). */
export interface FilingPerson {
  person: Person
  key: { psnNo: string, admdvs: string, logger?: Logger }
  region: string
  insuranceType: string
}

/** The person at the bureau (1101) and the resident enrolment that decides the 参保地; none → 409. */
export async function bureauPerson(deps: AppDeps, certNo: string, logger: Logger, known?: Person): Promise<FilingPerson> {
  const person = known ?? await deps.nhsa.getPersonInfo(certNo, { logger })
  const resident = residentEnrolment(person) ?? person.enrolments.find(e => e.status === 'active') ?? null
  if (!resident) throw new AppError('CROSS_REGION_NOT_ENROLLED', 409)
  return { person, key: { psnNo: person.psnNo, admdvs: resident.regionCode, logger }, region: resident.regionCode, insuranceType: resident.insuranceType }
}

/**
 * A new filing needs coverage today, read as the coverage page reads it (the shared benefit-year rule on
 * the platform's relation and the tax record): resident insurance paid for this year (正常参保). A year
 * still owed (待缴费) or suspended (暂停参保) is refused, each with its own message; employee insurance is
 * the platform's alone.
 */
export async function requireCoverage(deps: AppDeps, certNo: string, who: FilingPerson, logger: Logger): Promise<void> {
  if (!residentEnrolment(who.person)) return
  const contributions = await deps.tax.getContributions(certNo, { logger })
  const { year, status } = currentYearOf(who.person, contributions, deps.now())
  if (status === 'active') return
  if (status === 'pending') throw new AppError('CROSS_REGION_NOT_COVERED', 409, { params: { year: String(year) } })
  if (status === 'suspended') throw new AppError('CROSS_REGION_SUSPENDED', 409, { params: { year: String(year) } })
  throw new AppError('CROSS_REGION_NOT_ENROLLED', 409)
}

/** The masked view of a filing, with what may be done with it today (and its 经办人 when filed at the desk). */
export function filingView(f: CrossRegionFiling, today: string, clerk: DeskClerk | null = null): CrossRegionFilingView {
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
    clerk,
    source: f.source,
    createdAt: f.createdAt,
    cancelledAt: f.cancelledAt,
    cancelReason: f.cancelReason,
    /** A 承诺制 long-term filing cannot be changed or cancelled before this day. */
    lockedUntil: locked,
    canChange: (status === 'valid' || status === 'upcoming') && locked === null,
  }
}

/**
 * The 备案 rules of a 参保地 today, for the form: how far back a filing may start (`backdateDays` null: no day count,
 * 医保发〔2022〕22号 补办 until 出院结算; a number: the 参保地's stricter rule, with its source) and how far ahead.
 */
export function rulesView(region: string, today: string): CrossRegionRulesView {
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

export interface FilingDates { startDate: string, endDate: string | null }

/** The new filing's dates and the checks the BFF can make itself (field messages, in Chinese). */
export function plan(
  input: CrossRegionFilingInput,
  region: string,
  today: string,
  /** A change: the old filing's start, from which no 补办 confirmation is needed. */
  coveredFrom?: string,
  /** Where field names sit in the request body (`filing.` at the desk). */
  fieldPrefix = '',
): FilingDates {
  const fields: Record<string, string> = {
    ...startDateProblems(input, today, crossRegionRulesFor(region), coveredFrom),
  }
  if (sameArea(input.destination, region)) fields.destination = SAME_POOL_MESSAGE
  if (Object.keys(fields).length) {
    const prefixed = Object.fromEntries(Object.entries(fields).map(([k, v]) => [`${fieldPrefix}${k}`, v]))
    throw new AppError('VALIDATION_FAILED', 400, { fields: prefixed })
  }
  return { startDate: input.startDate, endDate: isLongTerm(input.type) ? null : temporaryEndDate(input.startDate, CROSS_REGION_RULES.temporaryMonths.value) }
}

/** Who files besides the person: a family member (代办人), or the help desk (申报来源 经办窗口). */
export interface FiledBy {
  agent?: { name: string, certNo: string, relation: string }
  desk?: boolean
}

/** Files at the bureau with the dates `plan` gave; its refusal comes back as `CrossRegionRejected`. */
export function file(
  deps: AppDeps,
  who: FilingPerson,
  input: CrossRegionFilingInput,
  dates: FilingDates,
  requestRef: string,
  by: FiledBy = {},
): Promise<string> {
  const basis = input.type === 'long_term_resident' ? longTermBasisOf(input) : undefined
  return fileCrossRegion(deps.nhsa, who.key, {
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
    ...(by.agent && { agent: by.agent }),
    ...(by.desk && { source: 'desk' as const }),
    requestRef,
  })
}

/** The person's filings at the bureau, newest first. */
export function listFilings(deps: AppDeps, who: FilingPerson): Promise<CrossRegionFiling[]> {
  return listCrossRegionFilings(deps.nhsa, who.key)
}

/** The person's filing by id (from the bureau's own list for that person, so another's id is 404). */
export async function ownFiling(deps: AppDeps, who: FilingPerson, id: string): Promise<CrossRegionFiling> {
  const found = (await listFilings(deps, who)).find(f => f.id === id)
  if (!found) throw new AppError('NOT_FOUND', 404)
  return found
}

/** The bureau's refusal as the one error envelope (409 CROSS_REGION_REJECTED with its wording). */
export function rejected(error: unknown): never {
  if (error instanceof CrossRegionRejected) throw new AppError('CROSS_REGION_REJECTED', 409, { params: { reason: error.reason } })
  throw error
}
