import type { RefundStatus } from '@yibao/shared'

/** The parts of an order line that decide what the payer is told about it. */
export interface LineState {
  status: string
  refund: { status: RefundStatus, reason: string } | null
}

/** Keys of `pay.order.lineStatus` in the locale messages. */
export const LINE_LABEL_KEYS = [
  'pending',
  'paid',
  'reported',
  'refunded',
  'void',
  'duplicate',
  'duplicateRefunding',
  'duplicateRefunded',
  'duplicateFailed',
] as const
export type LineLabelKey = typeof LINE_LABEL_KEYS[number]

/**
 * A person-year paid twice (a payment that beat a close, or the tax bureau holds another payment): the
 * line is `duplicate` until the system's refund (reason `duplicate_payment`) comes back, then `refunded`.
 */
export function isDuplicate(line: LineState): boolean {
  return line.status === 'duplicate' || (line.status === 'refunded' && line.refund?.reason === 'duplicate_payment')
}

/** Which label a line gets: its status, and for a duplicate how far the money is on its way back. */
export function lineLabelKey(line: LineState): LineLabelKey {
  switch (line.status) {
    case 'void': return 'void'
    case 'paid': return 'paid'
    case 'reported': return 'reported'
    case 'refunded': return isDuplicate(line) ? 'duplicateRefunded' : 'refunded'
    case 'duplicate':
      switch (line.refund?.status) {
        case 'approving':
        case 'refunding': return 'duplicateRefunding'
        case 'succeeded': return 'duplicateRefunded'
        case 'failed': return 'duplicateFailed'
        default: return 'duplicate'
      }
    default: return 'pending'
  }
}

/** Whether the money of a duplicate line is still on its way back (the page keeps asking until it is not). */
export function duplicateUnderWay(line: LineState): boolean {
  return line.status === 'duplicate' && line.refund?.status !== 'failed'
}

/** Keys of `pay.orders.status` in the locale messages. */
export type OrderLabelKey = 'created' | 'prepaid' | 'paid' | 'closed' | 'failed' | 'expired' | 'refunded' | 'partlyRefunded'

/**
 * What 缴费记录 says of an order: a paid order whose every line went back is 已退费, one with some lines back
 * is 部分退费 (a duplicate on its way back counts once it is back); an unpaid QR past its time is 已过期.
 */
export function orderLabelKey(
  order: { status: string, expiresAt: string, lines: LineState[] },
  now: number,
): OrderLabelKey {
  if (order.status === 'prepaid' && Date.parse(order.expiresAt) <= now) return 'expired'
  if (order.status !== 'paid') return order.status as OrderLabelKey
  const back = order.lines.filter(l => l.status === 'refunded').length
  if (back && back === order.lines.length) return 'refunded'
  return back ? 'partlyRefunded' : 'paid'
}
