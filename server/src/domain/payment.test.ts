import { describe, expect, it } from 'vitest'
import { newOutTradeNo, newReceiptCode, payable, timeExpire } from './payment'

const bytes = (n: number) => Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + n) % 256)

describe('payment rules', () => {
  it('makes out_trade_no of 26 allowed characters with the Shanghai date', () => {
    const no = newOutTradeNo(new Date('2026-12-31T16:30:00Z'), bytes(1))
    expect(no).toMatch(/^YB20270101[A-Z2-9]{16}$/)
    expect(no).toHaveLength(26)
    expect(newOutTradeNo(new Date('2026-12-31T16:30:00Z'), bytes(2))).not.toBe(no)
  })
  it('groups receipt codes in fours', () => {
    expect(newReceiptCode(bytes(3))).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/)
  })
  it('expires a prepay after 30 minutes, in RFC 3339 +08:00', () => {
    expect(timeExpire(new Date('2026-11-22T04:00:00Z')).wire).toBe('2026-11-22T12:30:00+08:00')
  })
  it('accepts only orders whose every line is payable with an amount', () => {
    expect(payable([{ status: 'payable', dueFen: 31000 }, { status: 'payable', dueFen: 21000 }])).toBe(true)
    expect(payable([{ status: 'payable', dueFen: 31000 }, { status: 'paid', dueFen: 0 }])).toBe(false)
    expect(payable([{ status: 'fully_funded', dueFen: 0 }])).toBe(false)
    expect(payable([])).toBe(false)
  })
})
