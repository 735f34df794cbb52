import type { RefundReason } from '@yibao/shared'
import { toShanghaiIso } from '@yibao/shared'
import { randomCode } from './payment'

/**
 * Refund rules the BFF applies before asking the bureau (pure). A benefit year starts on 1 January,
 * Shanghai time. Once it has started a premium is not refunded (domain notes §4: "once the benefit
 * period has started"), except for a person who died before it began (national 2020 notice 六(一):
 * their payment comes back and the subsidy is not paid). Whether they really died, or really joined
 * employee insurance, only the bureau knows: its 审核 answers those.
 */
export function benefitStartsAt(year: number): Date {
  return new Date(`${year}-01-01T00:00:00+08:00`)
}

/** Why the rules refuse a refund up front, or null when the bureau should decide. */
export function refundBlock(p: { reason: RefundReason, year: number, now: Date }): 'benefit_started' | null {
  if (p.reason === 'died_before_benefit') return null
  return p.now.getTime() >= benefitStartsAt(p.year).getTime() ? 'benefit_started' : null
}

/** `out_refund_no`: `YR` + Shanghai date + 16 random characters (6–32 of WeChat Pay's alphabet). */
export function newOutRefundNo(now: Date, random: Uint8Array): string {
  return `YR${toShanghaiIso(now).slice(0, 10).replace(/-/g, '')}${randomCode(random, 16)}`
}
