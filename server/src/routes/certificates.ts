import type { CertificateCheck } from '@yibao/shared'
import type { Context } from 'hono'
import type { AppEnv } from '../lib/types'
import {
  CertificateCheckSchema,
  CertificateCodeSchema,
  CertificateQuerySchema,
  normaliseCertificateCode,
  shanghaiDate,
  toShanghaiIso,
} from '@yibao/shared'
import { regionFullName } from '@yibao/shared/region-names'
import { Hono } from 'hono'
import { z } from 'zod'
import { certificateFacts, certificatePdfHeaders, issueCertificate } from '../lib/certificate'
import { AppError } from '../lib/errors'
import { doc } from '../lib/openapi'
import { READ_TTL_MS } from '../lib/person-reads'
import { rateLimit } from '../lib/rate-limit'
import { auditSubject, linkTarget, resolveSubject } from '../lib/resident'
import { validate } from '../lib/validate'
import { findCertificateByCode } from '../storage/certificates'

/** The web app's public origin, for the QR code (the request's own without one). */
export function publicOrigin(c: Context<AppEnv>): string {
  return c.get('deps').env.PUBLIC_ORIGIN ?? new URL(c.req.url).origin
}

/**
 * 参保证明: a resident downloads their own, or a bound family member's (`?member=`, the same rule as every
 * resident read: an active link they own, else 404); anyone checks one by its 验证码 (public, rate-limited,
 * masked facts only, 已过期 after its validity).
 */
export const certificateRoutes = new Hono<AppEnv>()
  .get('/verify/:code', doc({
    summary: '核验参保证明（无需登录）',
    description: '凭参保证明上的验证码查询该证明是否由本服务出具；只返回脱敏的姓名、证件号码、参保地、参保年度和出具日期。'
      + '超过有效期的证明返回 `status: expired`；没有这个验证码时返回 404。',
    tag: '参保证明',
    audience: 'public',
    ok: { 200: CertificateCheckSchema },
    errors: { 404: ['NOT_FOUND'] },
  }), rateLimit({ bucket: 'certificate-verify', limit: 30, windowSeconds: 60 }),
  validate('param', z.object({ code: CertificateCodeSchema })),
  async (c) => {
    const code = normaliseCertificateCode(c.req.valid('param').code)!
    const deps = c.get('deps')
    const found = await findCertificateByCode(deps.storage.db, code)
    await deps.audit.record({
      actorType: 'anonymous',
      actorId: 'public',
      channel: 'public',
      action: 'certificate.verify',
      success: found !== null,
      requestId: c.get('requestId'),
      clientIp: deps.clientIp(c),
    })
    if (!found) throw new AppError('NOT_FOUND', 404)
    c.header('Cache-Control', 'no-store')
    const body: CertificateCheck = {
      code: found.code,
      status: found.validUntil < shanghaiDate(deps.now()) ? 'expired' : 'valid',
      name: found.nameMasked,
      certNo: found.certNoMasked,
      regionCode: found.regionCode,
      regionName: regionFullName(found.regionCode),
      years: found.years,
      issuedAt: toShanghaiIso(found.issuedAt),
      validUntil: found.validUntil,
    }
    return c.json(body, 200)
  })
  .get('/pdf', doc({
    summary: '下载本人或家庭成员的参保证明（PDF）',
    description: '每次下载出具一份新的参保证明，附验证码和核验二维码，有效期90天。',
    tag: '参保证明',
    audience: 'resident',
    ok: { 200: { media: 'application/pdf', description: '参保证明（PDF，附件下载）' } },
    errors: {
      404: ['NOT_FOUND', 'PERSON_NOT_FOUND', 'CERTIFICATE_NOT_ENROLLED'],
      503: ['CERTIFICATE_PDF_UNAVAILABLE'],
    },
    upstream: true,
  }), rateLimit({ bucket: 'certificates', limit: 20, windowSeconds: 60, key: (c) => {
    const id = c.get('session')?.accountId
    return id ? `account:${id}` : undefined
  } }),
  validate('query', CertificateQuerySchema), async (c) => {
    const subject = await resolveSubject(c, c.req.valid('query').member)
    const deps = c.get('deps')
    const logger = c.get('logger')
    const target = linkTarget(subject)
    try {
      const { value: person } = await deps.personReads.read(subject.certRef, '1101', READ_TTL_MS.personInfo,
        () => deps.nhsa.getPersonInfo(subject.certNo, { logger }))
      const facts = await certificateFacts(deps, person, subject.certNo, logger)
      const { code, pdf } = await issueCertificate(deps, {
        facts,
        subjectRef: subject.certRef,
        issuer: `resident:${subject.asker.id}`,
        channel: subject.channel,
        origin: publicOrigin(c),
        logger,
      })
      await auditSubject(c, subject, { action: 'certificate.issue', success: true, target: `certificate:${code}` })
      return c.body(new Uint8Array(pdf), 200, certificatePdfHeaders(deps.now(), code))
    }
    catch (error) {
      const outcome = error instanceof AppError ? error.code : 'upstream_failed'
      await auditSubject(c, subject, { action: 'certificate.issue', success: false, target, detail: { outcome } })
      throw error
    }
  })
