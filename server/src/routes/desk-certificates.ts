import type { Context } from 'hono'
import type { DeskEnv } from '../lib/staff'
import type { AppEnv } from '../lib/types'
import { DeskCertificateInputSchema, maskIdCard } from '@yibao/shared'
import { Hono } from 'hono'
import { certificateFacts, certificatePdfHeaders, issueCertificate } from '../lib/certificate'
import { openDeskSubject } from '../lib/desk-subject'
import { AppError } from '../lib/errors'
import { doc } from '../lib/openapi'
import { rateLimit } from '../lib/rate-limit'
import { assertRegion, auditStaff, staffGuard } from '../lib/staff'
import { validate } from '../lib/validate'
import { publicOrigin } from './certificates'
import { DESK_LOOKUPS_PER_MINUTE, servingRegion } from './desk'

const ACTION = 'desk.certificate.issue'

/**
 * 窗口打印参保证明: the person being served, by the sealed handle of a scan or a typed ID number, found at the
 * bureau and within the clerk's region, gets the same 参保证明 a resident downloads. Every outcome is audited with
 * the clerk as actor and the resident as subject: an expired handle, a person not found, out of region, issued.
 */
export const deskCertificateRoutes = new Hono<DeskEnv>()
  .post('/',
    doc({
      summary: '窗口打印参保证明（PDF）',
      description: '按扫码句柄或身份证号码确定参保人，校验辖区，出具参保证明（附验证码和核验二维码），并记入审计。',
      tag: '窗口办理',
      audience: 'staff',
      ok: { 200: { media: 'application/pdf', description: '参保证明（PDF）' } },
      errors: {
        400: ['DESK_SUBJECT_EXPIRED'],
        403: ['OUT_OF_REGION'],
        404: ['PERSON_NOT_FOUND', 'CERTIFICATE_NOT_ENROLLED'],
        503: ['CERTIFICATE_PDF_UNAVAILABLE'],
      },
      upstream: true,
    }),
    staffGuard(),
    rateLimit({
      bucket: 'desk-certificates',
      limit: DESK_LOOKUPS_PER_MINUTE,
      windowSeconds: 60,
      key: (c: Context<AppEnv>) => `staff:${c.get('session')?.accountId}`,
    }),
    validate('json', DeskCertificateInputSchema),
    async (c) => {
      const input = c.req.valid('json')
      const deps = c.get('deps')
      const staff = c.get('staff')
      const logger = c.get('logger')
      let certNo: string
      try {
        certNo = input.subject !== undefined
          ? openDeskSubject(deps.vault, staff.id, input.subject, deps.now()).certNo
          : input.certNo!
      }
      catch (error) {
        await auditStaff(c, { action: ACTION, success: false, detail: { outcome: 'DESK_SUBJECT_EXPIRED' } })
        throw error
      }
      const subjectRef = deps.subjectRef(certNo)
      const audit: { subjectRef: string, subjectMasked: string, subjectRegion?: string } = {
        subjectRef,
        subjectMasked: maskIdCard(certNo),
      }
      try {
        const person = await deps.nhsa.getPersonInfo(certNo, { logger })
        audit.subjectRegion = servingRegion(person)
        assertRegion(staff, audit.subjectRegion)
        const facts = await certificateFacts(deps, person, certNo, logger)
        const { code, pdf } = await issueCertificate(deps, {
          facts,
          subjectRef,
          issuer: `staff:${staff.id}`,
          channel: 'desk',
          origin: publicOrigin(c as unknown as Context<AppEnv>),
          logger,
        })
        await auditStaff(c, { ...audit, action: ACTION, target: `certificate:${code}`, success: true })
        return c.body(new Uint8Array(pdf), 200, certificatePdfHeaders(deps.now(), code))
      }
      catch (error) {
        const outcome = error instanceof AppError
          ? (error.code === 'OUT_OF_REGION' ? 'out_of_region' : error.code)
          : 'upstream_failed'
        await auditStaff(c, { ...audit, action: ACTION, success: false, detail: { outcome } })
        throw error
      }
    })
