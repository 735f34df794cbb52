import type { RefundView } from './types'

/** Component tests only: a refund of 王** (2027, ¥380.00, duplicate enrolment) under review, with `over` on top. */
export function refundView(over: Partial<RefundView> = {}): RefundView {
  return {
    id: '4f8091a2-b3c4-4d56-a7e8-f9a0b1c2d3e4',
    orderId: '0b4c5d6e-7f80-4912-a3b4-c5d6e7f80912',
    lineId: '2d6e7f80-91a2-4b34-85c6-d7e8f9a0b1c2',
    year: 2027,
    name: '王**',
    certNo: '610322********0281',
    reason: 'duplicate_enrolment',
    amountFen: 38_000,
    paidFen: 38_000,
    status: 'approving',
    rejectMessage: null,
    receivedAccount: null,
    requestedAt: '2026-12-01T09:00:00.000+08:00',
    succeededAt: null,
    ...over,
  }
}
