import type { Policy, PolicyDetail } from '@yibao/shared'
import type { AppEnv } from '../lib/types'
import {
  getPolicy,
  isPolicyId,
  listAssumptions,
  listPolicies,
  PolicyDetailSchema,
  PolicyListSchema,
  PremiumQuoteInputSchema,
  PremiumQuoteSchema,
  quotePremium,
} from '@yibao/shared'
import { Hono } from 'hono'
import { AppError } from '../lib/errors'
import { doc } from '../lib/openapi'
import { rateLimit } from '../lib/rate-limit'
import { validate } from '../lib/validate'
import { ESTIMATES_RATE_LIMIT } from './estimates'

/** Policies are static data: clients and proxies may keep them for five minutes. */
const CACHE_PUBLIC = 'public, max-age=300'

/** The policy with this id, or 404 `NOT_FOUND` (the id is a path segment, not a body field). */
function policyOr404(id: string): Policy {
  if (!isPolicyId(id)) throw new AppError('NOT_FOUND', 404)
  return getPolicy(id)
}

/**
 * Public policy data and premium quotes from the shared policy engine (no sign-in, no bureau call).
 * `GET /` lists the policies; `GET /:id` gives every parameter with its clause and, where the
 * documents give no value, `assumed: true` and the reason; `POST /:id/premium-quote` prices one person.
 */
export const policyRoutes = new Hono<AppEnv>()
  .get('/', doc({
    summary: '查看已收录的医保政策',
    tag: '政策与测算',
    audience: 'public',
    ok: { 200: PolicyListSchema },
  }), (c) => {
    c.header('Cache-Control', CACHE_PUBLIC)
    return c.json(listPolicies(), 200)
  })
  .get('/:id', doc({
    summary: '查看一项医保政策的全部参数及依据',
    tag: '政策与测算',
    audience: 'public',
    ok: { 200: PolicyDetailSchema },
  }), (c) => {
    const p = policyOr404(c.req.param('id'))
    c.header('Cache-Control', CACHE_PUBLIC)
    const detail: PolicyDetail = {
      id: p.id,
      title: p.title,
      region: p.region,
      regionCode: p.regionCode,
      year: p.year,
      document: p.document,
      source: p.source,
      settlementSource: p.settlementSource,
      statusPriority: p.statusPriority,
      parameters: {
        multipleStatuses: p.multipleStatuses,
        premium: p.premium,
        basic: p.basic,
        critical: p.critical,
        assistance: p.assistance,
        outOfList: p.outOfList,
        referral: p.referral,
      },
      /** Every assumed parameter flattened: path, value, clause and reason. */
      assumptions: listAssumptions(p).map(a => ({
        path: a.path,
        value: a.value as PolicyDetail['assumptions'][number]['value'],
        source: a.source,
        reason: a.reason,
      })),
    }
    return c.json(detail, 200)
  })
  .post('/:id/premium-quote', doc({
    summary: '测算个人缴费金额（含资助）',
    tag: '政策与测算',
    audience: 'public',
    ok: { 200: PremiumQuoteSchema },
  }), rateLimit(ESTIMATES_RATE_LIMIT), validate('json', PremiumQuoteInputSchema), (c) => {
    const p = policyOr404(c.req.param('id'))
    const quote = quotePremium(p, c.req.valid('json'))
    c.header('Cache-Control', 'no-store')
    return c.json(quote, 200)
  })
