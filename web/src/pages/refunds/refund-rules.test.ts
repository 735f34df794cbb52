import { describe, expect, it } from 'vitest'
import { canApplyRefund, isRefundUnderWay } from './refund-rules'

describe('refund rules', () => {
  it('offers a refund for a paid or reported line of a paid order with no standing request', () => {
    expect(canApplyRefund('paid', { status: 'paid', refund: null })).toBe(true)
    expect(canApplyRefund('paid', { status: 'reported', refund: null })).toBe(true)
    expect(canApplyRefund('paid', { status: 'reported', refund: { status: 'rejected' } })).toBe(true)
  })

  it('offers none for an unpaid order, a refunded line or a request that stands', () => {
    expect(canApplyRefund('prepaid', { status: 'pending', refund: null })).toBe(false)
    expect(canApplyRefund('closed', { status: 'paid', refund: null })).toBe(false)
    expect(canApplyRefund('paid', { status: 'refunded', refund: { status: 'succeeded' } })).toBe(false)
    for (const status of ['approving', 'refunding', 'succeeded', 'failed'] as const)
      expect(canApplyRefund('paid', { status: 'reported', refund: { status } })).toBe(false)
  })

  it('is under way while 医保审核 or the refund itself runs', () => {
    expect(isRefundUnderWay('approving')).toBe(true)
    expect(isRefundUnderWay('refunding')).toBe(true)
    expect(isRefundUnderWay('succeeded')).toBe(false)
    expect(isRefundUnderWay('rejected')).toBe(false)
    expect(isRefundUnderWay('failed')).toBe(false)
  })
})
