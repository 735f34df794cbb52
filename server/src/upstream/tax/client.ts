import type { Contribution } from '../../domain/coverage'
import type { Logger } from '../../lib/logger'
import type { TaxQueryRequest } from './schemas'
import { UpstreamError } from '../../lib/errors'
import { callJson } from '../http'
import { toContributions } from './mapper'
import { TaxQueryReplyWire } from './schemas'

/** Path of the contribution query on the tax bureau's gateway. */
export const TAX_QUERY_PATH = '/tax/api/contribution/query'

export interface TaxClientOptions {
  baseUrl: string
  timeoutMs: number
  logger: Logger
}

/**
 * Adapter for the tax bureau's 社保费征收 system: who paid which benefit year's resident premium.
 * The wire format is documented in `schemas.ts` (and served by the sandbox's stand-in).
 */
export function createTaxClient(opts: TaxClientOptions) {
  return {
    /** Every year's contribution record of a person (ID number), oldest first; `[]` when the tax bureau has none. */
    async getContributions(certNo: string, options: { year?: number, logger?: Logger } = {}): Promise<Contribution[]> {
      const logger = options.logger ?? opts.logger
      const body: TaxQueryRequest = { sfzjlx: '201', sfzjhm: certNo, ...(options.year !== undefined && { jfnd: options.year }) }
      const raw = await callJson({ system: 'tax', url: new URL(TAX_QUERY_PATH, opts.baseUrl).toString(), operation: 'contribution.query', timeoutMs: opts.timeoutMs, logger, body })
      const reply = TaxQueryReplyWire.safeParse(raw)
      if (!reply.success) {
        logger.warn({ issues: reply.error.issues.slice(0, 5).map(i => ({ path: i.path.join('.'), code: i.code })) }, 'tax reply failed validation')
        throw new UpstreamError('tax', 'bad_response', { cause: reply.error })
      }
      return toContributions(reply.data).sort((a, b) => a.year - b.year)
    },
  }
}

export type TaxClient = ReturnType<typeof createTaxClient>
