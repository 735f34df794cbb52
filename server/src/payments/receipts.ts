import type { ReceiptCheck } from '@yibao/shared'
import type { AppDeps } from '../lib/types'
import type { PremiumOrder, PremiumOrderLine } from '../storage/payments'
import { maskIdCard, toShanghaiIso } from '@yibao/shared'
import { succeededRefundOfLine } from '../storage/refunds'

/** A line with its receipt: the code was issued and the order was paid. */
export type IssuedReceipt = { line: PremiumOrderLine & { receiptCode: string }, order: PremiumOrder & { paidAt: Date } }

/** Whether a line of an order has an electronic receipt (电子缴费凭证): paid, and its code issued. */
export function issuedReceipt(line: PremiumOrderLine, order: PremiumOrder): IssuedReceipt | null {
  const { receiptCode } = line
  const { paidAt } = order
  return receiptCode && paidAt ? { line: { ...line, receiptCode }, order: { ...order, paidAt } } : null
}

/**
 * What an electronic receipt says, masked, for the public check and for its PDF alike. The premium went
 * back to the payer: the receipt proves no payment any more, and says since when. A line found paid twice
 * (the tax bureau holds another payment) is on its way back: not proof either.
 */
export async function receiptFacts(deps: AppDeps, { line, order }: IssuedReceipt): Promise<ReceiptCheck> {
  const refunded = line.status === 'refunded'
  const duplicate = line.status === 'duplicate'
  const refund = refunded ? await succeededRefundOfLine(deps.storage.db, line.id) : null
  return {
    code: line.receiptCode,
    valid: !refunded && !duplicate,
    duplicate,
    name: line.personNameMasked,
    certNo: maskIdCard(deps.vault.decrypt(line.personCertNoEnc)),
    year: line.year,
    regionCode: line.regionCode,
    amountFen: line.amountFen,
    paidAt: toShanghaiIso(order.paidAt),
    reported: line.status === 'reported',
    refunded,
    refundedAt: refund?.succeededAt ? toShanghaiIso(refund.succeededAt) : null,
  }
}
