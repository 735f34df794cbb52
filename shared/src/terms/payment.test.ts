import { describe, expect, it } from 'vitest'
import { DueStatusSchema } from '../schemas/payment'
import { defaultPaymentYear, DUE_STATUS_LABELS } from './payment'

describe('defaultPaymentYear', () => {
  it('offers the coming year from 1 September (Shanghai), else the current year', () => {
    expect(defaultPaymentYear(new Date('2026-08-31T15:59:59Z'))).toBe(2026)
    // 2026-09-01 00:00 in Shanghai is still 31 August in UTC.
    expect(defaultPaymentYear(new Date('2026-08-31T16:00:00Z'))).toBe(2027)
    expect(defaultPaymentYear(new Date('2026-12-31T15:59:59Z'))).toBe(2027)
    expect(defaultPaymentYear(new Date('2026-12-31T16:00:00Z'))).toBe(2027)
    expect(defaultPaymentYear(new Date('2027-06-30T04:00:00Z'))).toBe(2027)
  })
})

describe('DUE_STATUS_LABELS', () => {
  it('names every status the quote schema allows, and no other', () => {
    expect(DueStatusSchema.options.toSorted()).toEqual(Object.keys(DUE_STATUS_LABELS).toSorted())
  })
})
