import type { AppEnv } from '../lib/types'
import { estimateSettlement, EstimateInputSchema, EstimateResultSchema } from '@yibao/shared'
import { Hono } from 'hono'
import { doc } from '../lib/openapi'
import { rateLimit } from '../lib/rate-limit'
import { validate } from '../lib/validate'

/** Budget of the public calculators per client IP (estimates and premium quotes share it). */
export const ESTIMATES_RATE_LIMIT = { bucket: 'estimates', limit: 120, windowSeconds: 60 } as const

/**
 * Public inpatient settlement estimate (no sign-in, no bureau call): the shared policy engine splits
 * a bill into basic insurance, critical illness, medical assistance, the hospital's share and what
 * the person pays, all in fen, with a plain-Chinese explanation per step.
 */
export const estimateRoutes = new Hono<AppEnv>()
  .post('/', doc({
    summary: '测算住院费用报销（基本医保、大病保险、医疗救助）',
    tag: '政策与测算',
    audience: 'public',
    ok: { 200: EstimateResultSchema },
  }), rateLimit(ESTIMATES_RATE_LIMIT), validate('json', EstimateInputSchema), (c) => {
    const input = c.req.valid('json')
    const result = estimateSettlement(input.policy, input)
    c.header('Cache-Control', 'no-store')
    return c.json(result, 200)
  })
