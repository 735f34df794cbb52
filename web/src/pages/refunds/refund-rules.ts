import type { RefundStatus } from '@yibao/shared'

/** How often 退费申请 asks again about a refund that is still under way. */
export const REFUND_POLL_MS = 2000

/** 医保审核中 or 退款中: the bureau or WeChat Pay has yet to answer. */
export function isRefundUnderWay(status: RefundStatus): boolean {
  return status === 'approving' || status === 'refunding'
}

/** The parts of an order and of one of its lines that decide whether a refund may be asked for. */
export interface RefundableLine {
  status: string
  refund: { status: RefundStatus } | null
}

/**
 * A person's premium may be asked back when the order is paid, the line is paid (or already at the
 * tax bureau) and no refund request of it still stands (none yet, or the last one was refused). The
 * BFF decides the rest (the benefit period, the bureau's records).
 */
export function canApplyRefund(orderStatus: string, line: RefundableLine): boolean {
  return orderStatus === 'paid'
    && (line.status === 'paid' || line.status === 'reported')
    && (!line.refund || line.refund.status === 'rejected')
}
