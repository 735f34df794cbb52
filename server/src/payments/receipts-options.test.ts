import type { PremiumOrder, PremiumOrderLine } from '../storage/payments'
import { describe, expect, it } from 'vitest'
import { findOrderBy } from '../storage/payments'
import { TEST_YEAR } from '../testing/clock'
import { usePaymentStack } from '../testing/payment-stack'
import { issuedReceipt } from './receipts'
import { refundOptions } from './refund-cases'

/** A receipt exists only for a paid line whose code is issued: both, never one of the two. */
describe('issuedReceipt', () => {
  const line = (receiptCode: string | null) => ({ id: 'l1', receiptCode }) as PremiumOrderLine
  const order = (paidAt: Date | null) => ({ id: 'o1', paidAt }) as PremiumOrder
  const paidAt = new Date('2026-12-31T16:00:00Z')

  it('is the line and order when the line has its code and the order its payment time', () => {
    expect(issuedReceipt(line('R1'), order(paidAt))).toEqual({
      line: { id: 'l1', receiptCode: 'R1' },
      order: { id: 'o1', paidAt },
    })
  })

  it('is null when either is missing', () => {
    expect(issuedReceipt(line('R1'), order(null))).toBeNull()
    expect(issuedReceipt(line(null), order(paidAt))).toBeNull()
    expect(issuedReceipt(line(null), order(null))).toBeNull()
  })
})

const { ctx, paidResident } = usePaymentStack()

describe('退费 options of a paid line', () => {
  it('a refused reason offers no amount and no partial refund, and says why in Chinese with a code', async () => {
    const { order, line } = await paidResident(TEST_YEAR)
    const { principal } = (await findOrderBy(ctx.storage.db, 'id', order.id))!
    const { options } = await refundOptions(ctx.stack.deps, { principal, orderId: order.id, lineId: line.id })
    const refused = options.filter(o => o.status === 'refused')
    expect(refused.length).toBeGreaterThan(0)
    for (const o of refused) {
      expect(o).toMatchObject({ amountFen: null, partial: false })
      expect(o.code).toMatch(/^[A-Z_]+$/)
      expect(o.message).toMatch(/[\u4E00-\u9FFF]/)
    }
  })
})
