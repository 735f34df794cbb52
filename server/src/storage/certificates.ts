import type { CertificateYear } from '@yibao/shared'
import type { Database } from './types'
import { eq } from 'drizzle-orm'
import { certificates } from './schema'

export interface CertificateRow {
  code: string
  subjectRef: string
  nameMasked: string
  certNoMasked: string
  regionCode: string
  years: CertificateYear[]
  issuer: string
  channel: 'self' | 'family' | 'desk'
  issuedAt: Date
  validUntil: string
}

/** Records an issued 参保证明 (masked facts only). */
export async function insertCertificate(db: Database, row: CertificateRow): Promise<void> {
  await db.insert(certificates).values(row)
}

/** The certificate issued with this 验证码, or null. */
export async function findCertificateByCode(db: Database, code: string): Promise<CertificateRow | null> {
  const rows = await db.select().from(certificates).where(eq(certificates.code, code)).limit(1)
  const r = rows[0]
  if (!r) return null
  return {
    code: r.code,
    subjectRef: r.subjectRef,
    nameMasked: r.nameMasked,
    certNoMasked: r.certNoMasked,
    regionCode: r.regionCode,
    years: r.years as CertificateYear[],
    issuer: r.issuer,
    channel: r.channel as CertificateRow['channel'],
    issuedAt: r.issuedAt,
    validUntil: r.validUntil,
  }
}
