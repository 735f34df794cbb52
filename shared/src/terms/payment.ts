import { collectionPhase } from '../policy/benefit-year'
import { DEFAULT_CALENDAR } from '../policy/policies/calendars'
import { shanghaiDate } from '../time'

// Payment words and the default year, without zod (see ./README.md): the payment screen shows them at start;
// schemas/payment.ts holds the request and answer schemas, which the screen needs only later.

/** What a person-year is for a premium quote, as the resident reads it. */
export const DUE_STATUS_LABELS = {
  payable: '待缴费',
  paid: '已缴费',
  fully_funded: '政府全额资助，无需缴费',
  not_eligible: '不能在线缴费（未参加城乡居民医保）',
  outside_window: '不在缴费期内',
} as const

/**
 * The benefit year a payment screen offers first: the coming year once its collection has opened
 * (1 September, Shanghai time, by the benefit-year calendar `collectionPhase` reads), else the current year.
 */
export function defaultPaymentYear(now: Date): number {
  const today = shanghaiDate(now)
  const year = Number(today.slice(0, 4))
  return collectionPhase(year + 1, today, DEFAULT_CALENDAR) === 'not_open' ? year : year + 1
}
