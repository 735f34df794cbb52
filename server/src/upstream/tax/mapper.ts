import type { Contribution, ContributionChannel } from '../../domain/coverage'
import type { TaxContribution, TaxQueryReply } from './schemas'
import { UpstreamError } from '../../lib/errors'
import { personCategoryFromPsnType } from '../nhsa/dictionaries'

/** 缴费渠道 codes of the tax system. */
const CHANNELS: Record<string, ContributionChannel> = { '01': 'wechat', '02': 'alipay', '03': 'bank_app', '04': 'tax_hall', '05': 'finance' }

/** `yyyy-MM-dd HH:mm:ss` (Shanghai wall time) → ISO 8601 with +08:00; `null` when absent or unreadable. */
export function taxTimeToIso(text: string | null): string | null {
  const m = text ? /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})/.exec(text) : null
  return m ? `${m[1]}T${m[2]}.000+08:00` : null
}

/** One 缴费信息 row → domain contribution. */
export function toContribution(row: TaxContribution): Contribution {
  const paid = row.jfzt === '1'
  return {
    year: row.jfnd,
    insuranceType: row.xzdm,
    regionCode: row.cbdq,
    category: row.jfrylb ? personCategoryFromPsnType(row.jfrylb) : null,
    paid,
    amount: row.jfje,
    paidAt: paid ? taxTimeToIso(row.jfrq) : null,
    channel: paid ? (row.jfqd ? CHANNELS[row.jfqd] ?? 'other' : null) : null,
  }
}

/**
 * A reply → contributions. `1001` (no such payer) is an empty list: someone who never paid has no
 * record at the tax bureau. Any other non-`0000` code is a rejection (its text is logged, never shown).
 */
export function toContributions(reply: TaxQueryReply): Contribution[] {
  if (reply.fhdm === '1001') return []
  if (reply.fhdm !== '0000') throw new UpstreamError('tax', 'rejected', { upstreamCode: reply.fhdm, upstreamMessage: reply.fhxx ?? undefined })
  return reply.jfxx.map(toContribution)
}
