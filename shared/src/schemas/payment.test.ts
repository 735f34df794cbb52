import { describe, expect, it } from 'vitest'
import { DeskPaymentOrderInputSchema } from './payment'

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
