import type { RefundReason } from '@yibao/shared'
import { benefitYearState, DEFAULT_CALENDAR, toShanghaiIso } from '@yibao/shared'
import { randomCode } from './payment'

/**
 * Refund rules the BFF applies before asking the bureau (pure). A benefit year starts on 1 January,
 * Shanghai time — the shared benefit-year rule (`benefitYearState`) says when, as it does for coverage,
 * quotes and 备案. Once it has started a premium is not refunded (domain notes §4: "once the benefit
 * period has started"), except for a person who died before it began (national 2020 notice 六(一):
 * their payment comes back and the subsidy is not paid). Whether they really died, or really joined
 * employee insurance, only the bureau knows: its 审核 answers those.
 */
export { benefitStartsAt } from '@yibao/shared'

/** Why the rules refuse a refund up front, or null when the bureau should decide. */
export function refundBlock(p: { reason: RefundReason, year: number, now: Date }): 'benefit_started' | null {
  if (p.reason === 'died_before_benefit') return null
  // The start of the benefit year is the same in every region's calendar.
  const { year, now } = p
  const state = benefitYearState({ year, now, calendar: DEFAULT_CALENDAR, payment: null, enrolment: null })
  return state.benefitStarted ? 'benefit_started' : null
}

/** `out_refund_no`: `YR` + Shanghai date + 16 random characters (6–32 of WeChat Pay's alphabet). */
export function newOutRefundNo(now: Date, random: Uint8Array): string {
  return `YR${toShanghaiIso(now).slice(0, 10).replace(/-/g, '')}${randomCode(random, 16)}`
}
