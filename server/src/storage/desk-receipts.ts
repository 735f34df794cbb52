import type { Database } from './types'
import type { PremiumOrder, PremiumOrderLine } from './payments'
import { and, desc, eq, isNotNull } from 'drizzle-orm'
import { premiumOrderLines, premiumOrders } from './schema'

/**
 * The paid lines of one person, with their orders, newest payment first: every receipt issued for them, whoever
 * paid (they themselves, a family member, or a clerk at the desk).
 */
export async function receiptLinesOf(
  db: Database,
  certRef: string,
  limit = 50,
): Promise<{ line: PremiumOrderLine, order: PremiumOrder }[]> {
  return db.select({ line: premiumOrderLines, order: premiumOrders }).from(premiumOrderLines)
    .innerJoin(premiumOrders, eq(premiumOrders.id, premiumOrderLines.orderId))
    .where(and(eq(premiumOrderLines.personCertRef, certRef), isNotNull(premiumOrderLines.receiptCode), isNotNull(premiumOrders.paidAt)))
    .orderBy(desc(premiumOrders.paidAt))
    .limit(limit)
}
