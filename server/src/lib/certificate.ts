import type { CertificateYear } from '@yibao/shared'
import type { Person } from '../domain/person'
import type { Logger } from './logger'
import type { AppDeps } from './types'
import { randomBytes } from 'node:crypto'
import { CERTIFICATE_VALID_DAYS, maskIdCard, maskName, shanghaiDate } from '@yibao/shared'
import { residentEnrolment, yearlyEnrolments } from '../domain/coverage'
import { newReceiptCode } from '../domain/payment'
import { insertCertificate } from '../storage/certificates'
import { AppError } from './errors'

/**
 * 参保证明: the facts of one person's resident insurance (1101 and the tax bureau's contribution records, read
 * through the coverage rules), issued as a PDF with a 验证码 recorded for the public check. Services take the
 * app's dependencies, not a request; the routes audit.
 */

/** What a certificate states: the full name is printed for the person it is about; everything kept is masked. */
export interface CertificateFacts {
  name: string
  nameMasked: string
  certNoMasked: string
  regionCode: string
  years: CertificateYear[]
}

/** The benefit years a certificate lists: every year with a record or a relation, newest first. */
export function certificateYears(
  person: Person,
  contributions: Parameters<typeof yearlyEnrolments>[1],
  now: Date,
): CertificateYear[] {
  return yearlyEnrolments(person, contributions, now)
    .filter(r => r.status !== 'not_enrolled' || r.amount !== null)
    .map(r => ({
      year: r.year,
      categoryLabel: r.categoryLabel,
      statusLabel: r.statusLabel,
      paid: r.paid,
      fullyFunded: r.fullyFunded,
    }))
}

/** The person's facts with the tax bureau's records; 404 CERTIFICATE_NOT_ENROLLED without any resident record. */
export async function certificateFacts(
  deps: AppDeps,
  person: Person,
  certNo: string,
  logger: Logger,
): Promise<CertificateFacts> {
  const contributions = await deps.tax.getContributions(certNo, { logger })
  const years = certificateYears(person, contributions, deps.now())
  const resident = residentEnrolment(person)
  const regionCode = resident?.regionCode ?? contributions[0]?.regionCode ?? person.regionCode
  if (!regionCode || years.length === 0) throw new AppError('CERTIFICATE_NOT_ENROLLED', 404)
  return { name: person.name, nameMasked: maskName(person.name), certNoMasked: maskIdCard(certNo), regionCode, years }
}

/** The last day (Shanghai) a certificate issued at `at` is valid. */
export function certificateValidUntil(at: Date): string {
  return shanghaiDate(new Date(at.getTime() + CERTIFICATE_VALID_DAYS * 86_400_000))
}

export interface IssueInput {
  facts: CertificateFacts
  subjectRef: string
  /** `resident:<id>` or `staff:<id>`. */
  issuer: string
  channel: 'self' | 'family' | 'desk'
  /** Public origin of the web app, for the QR code. */
  origin: string
  logger: Logger
}

/** Renders the PDF and records the issue (503 CERTIFICATE_PDF_UNAVAILABLE without a CJK font: nothing is recorded). */
export async function issueCertificate(deps: AppDeps, input: IssueInput): Promise<{ code: string, pdf: Buffer }> {
  const issuedAt = deps.now()
  const code = newReceiptCode(randomBytes(16))
  const validUntil = certificateValidUntil(issuedAt)
  const { facts } = input
  const certificate = { ...facts, code, issuedAt, validUntil }
  const pdf = await deps.pdf.render({ kind: 'certificate', certificate, origin: input.origin }, input.logger)
  await insertCertificate(deps.storage.db, {
    code,
    subjectRef: input.subjectRef,
    nameMasked: facts.nameMasked,
    certNoMasked: facts.certNoMasked,
    regionCode: facts.regionCode,
    years: facts.years,
    issuer: input.issuer,
    channel: input.channel,
    issuedAt,
    validUntil,
  })
  return { code, pdf }
}

/**
 * Response headers of a certificate PDF: a download named by the issue day (never by the person), and its 验证码
 * (`X-Certificate-Code`) so the page can offer the check right away.
 */
export function certificatePdfHeaders(at: Date, code: string): Record<string, string> {
  const day = shanghaiDate(at).replace(/-/g, '')
  return {
    'X-Certificate-Code': code,
    'Content-Type': 'application/pdf',
    'Content-Disposition': `attachment; filename="certificate-${day}.pdf"; `
      + `filename*=UTF-8''${encodeURIComponent(`参保证明-${day}.pdf`)}`,
    'Cache-Control': 'no-store',
  }
}
