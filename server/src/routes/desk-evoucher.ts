import type { DeskEVoucherResult } from '@yibao/shared'
import type { DeskEnv } from '../lib/staff'
import { DeskEVoucherResultSchema, EVoucherVerifyInputSchema, maskIdCard, toShanghaiIso } from '@yibao/shared'
import { Hono } from 'hono'
import { toProfileView } from '../domain/person'
import { sealDeskSubject } from '../lib/desk-subject'
import { AppError } from '../lib/errors'
import { doc } from '../lib/openapi'
import { rateLimit } from '../lib/rate-limit'
import { assertRegion, auditStaff, staffGuard } from '../lib/staff'
import { validate } from '../lib/validate'
import { findResidentBy } from '../storage/residents'
import { DESK_LOOKUPS_PER_MINUTE, servingRegion } from './desk'
import { isUuid } from '../storage/ids'

/**
 * The help desk scans a resident's 医保电子凭证 QR code: the token is verified (signature, version,
 * expiry), the person is looked up at the bureau and the staff member's region checked; the masked
 * profile comes back, with a sealed handle (`subject`) through which the same staff member may unmask
 * or 代缴 for that person during the visit. Every scan is audited on the help-desk channel, refused ones too.
 */
export const deskEVoucherRoutes = new Hono<DeskEnv>()
  .post('/verify',
    doc({
      summary: '扫描参保人的医保电子凭证',
      tag: '窗口办理',
      audience: 'staff',
      ok: { 200: DeskEVoucherResultSchema },
      errors: { 400: ['EVOUCHER_INVALID', 'EVOUCHER_EXPIRED'], 403: ['OUT_OF_REGION'], 404: ['PERSON_NOT_FOUND'] },
      upstream: true,
    }),
    staffGuard(),
    rateLimit({ bucket: 'desk-lookups', limit: DESK_LOOKUPS_PER_MINUTE, windowSeconds: 60, key: c => `staff:${c.get('session')?.accountId}` }),
    validate('json', EVoucherVerifyInputSchema),
    async (c) => {
      const { eVoucher, now, storage, vault, nhsa } = c.get('deps')
      const action = 'desk.evoucher.verify'
      const result = eVoucher.verify(c.req.valid('json').token, now())
      if (!result.ok) {
        await auditStaff(c, { action, success: false, detail: { outcome: result.reason } })
        throw new AppError(result.reason === 'expired' ? 'EVOUCHER_EXPIRED' : 'EVOUCHER_INVALID', 400)
      }
      // The id comes from our own signature, but a malformed one is still only "unknown", never a database error.
      const account = isUuid(result.accountId) ? await findResidentBy(storage.db, 'id', result.accountId) : null
      if (!account) {
        await auditStaff(c, { action, success: false, detail: { outcome: 'unknown_account' } })
        throw new AppError('EVOUCHER_INVALID', 400)
      }
      const certNo = vault.decrypt(account.certNoEnc)
      const subject = { subjectRef: account.certRef, subjectMasked: maskIdCard(certNo) }
      const person = await nhsa.getPersonInfo(certNo, { logger: c.get('logger') }).catch(async (error: unknown) => {
        await auditStaff(c, { ...subject, action, success: false, detail: { outcome: error instanceof AppError ? error.code : 'upstream_failed' } })
        throw error
      })
      const region = servingRegion(person)
      try {
        assertRegion(c.get('staff'), region)
      }
      catch (error) {
        await auditStaff(c, { ...subject, subjectRegion: region, action, success: false, detail: { outcome: 'out_of_region' } })
        throw error
      }
      await auditStaff(c, { ...subject, subjectRegion: region, action, success: true })
      c.header('Cache-Control', 'no-store')
      const handle = sealDeskSubject(vault, c.get('staff').id, { certNo, name: person.name }, now(), 'evoucher')
      const scanned: DeskEVoucherResult = {
        profile: toProfileView(person, now()),
        expiresAt: toShanghaiIso(result.expiresAt),
        subject: handle.subject,
        subjectExpiresAt: toShanghaiIso(handle.expiresAt),
      }
      return c.json(scanned, 200)
    })
