import { describe, expect, it } from 'vitest'
import { DeskPaymentOrderInputSchema, defaultPaymentYear } from './payment'

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

describe('DeskPaymentOrderInputSchema', () => {
  it('needs the name as well as a valid ID number', () => {
    expect(DeskPaymentOrderInputSchema.safeParse({ year: 2027, certNo: '370502198603150420', name: '张秀英' }).success).toBe(true)
    expect(DeskPaymentOrderInputSchema.safeParse({ year: 2027, certNo: '370502198603150420' }).success).toBe(false)
    expect(DeskPaymentOrderInputSchema.safeParse({ year: 2027, certNo: '370502198603150421', name: '张秀英' }).success).toBe(false)
  })

  it('takes a scanned person\'s handle instead, never together with a typed person', () => {
    expect(DeskPaymentOrderInputSchema.safeParse({ year: 2027, subject: 'v1.sealed' }).success).toBe(true)
    const both = DeskPaymentOrderInputSchema.safeParse({ year: 2027, subject: 'v1.sealed', certNo: '370502198603150420', name: '张秀英' })
    expect(both.success).toBe(false)
    expect(both.error?.issues.map(i => i.message)).toEqual(['请先查询或扫码确定办理对象'])
    const neither = DeskPaymentOrderInputSchema.safeParse({ year: 2027 })
    expect(neither.error?.issues.map(i => [i.path.join('.'), i.message])).toEqual([['name', '请输入姓名'], ['certNo', '请先查询或扫码确定办理对象']])
  })
})
