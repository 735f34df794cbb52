import type { AppEnv } from '../lib/types'
import { IdCardNoSchema, maskIdCard, maskName, PersonLookupResultSchema, PersonNameSchema } from '@yibao/shared'
import { Hono } from 'hono'
import { z } from 'zod'
import { doc } from '../lib/openapi'
import { rateLimit } from '../lib/rate-limit'
import { validate } from '../lib/validate'

/** ID look-ups per client IP per minute (each one confirms whether a name matches an ID number). */
export const LOOKUPS_PER_MINUTE = 10

export const PersonLookupInputSchema = z.object({
  name: PersonNameSchema,
  certNo: IdCardNoSchema,
}, { error: '请填写姓名和身份证号码' })

/**
 * Checks that a name + ID number belong to an insured person, returning only what the asker already
 * knows (masked) and whether they are enrolled: the first step of paying for someone (代缴).
 * ID numbers travel in the body, never in the URL.
 */
export const personLookupRoutes = new Hono<AppEnv>()
  .post('/',
    doc({
      summary: '代缴前核对姓名和身份证号码，查看是否参加城乡居民医保',
      tag: '缴费',
      audience: 'public',
      ok: { 200: PersonLookupResultSchema },
      errors: { 404: ['PERSON_NOT_FOUND'] },
      upstream: true,
    }),
    rateLimit({ bucket: 'lookups', limit: LOOKUPS_PER_MINUTE, windowSeconds: 60 }),
    validate('json', PersonLookupInputSchema),
    async (c) => {
      const { nhsa, audit, subjectRef } = c.get('deps')
      const { name, certNo } = c.req.valid('json')
      const person = await nhsa.getPersonInfo(certNo, { name, logger: c.get('logger') })
      await audit.record({
        actorType: 'anonymous',
        actorId: 'public',
        subjectRef: subjectRef(certNo),
        subjectMasked: maskIdCard(certNo),
        channel: 'public',
        action: 'person.lookup',
        success: true,
        requestId: c.get('requestId'),
        clientIp: c.get('deps').clientIp(c),
      })
      const resident = person.enrolments.find(e => e.insuranceType === '390' || e.insuranceType === '391')
      c.header('Cache-Control', 'no-store')
      return c.json({
        name: maskName(person.name),
        certNo: maskIdCard(person.certNo),
        regionCode: person.regionCode,
        residentInsurance: resident ? { status: resident.status, regionCode: resident.regionCode } : null,
      }, 200)
    })
