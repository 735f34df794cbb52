import { describe, expect, it } from 'vitest'
import { UpstreamError } from '../../lib/errors'
import { TAX_FIXTURES } from '../../testing/coverage-fixtures'
import { taxTimeToIso, toContributions } from './mapper'
import { TaxQueryReplyWire } from './schemas'

describe('tax bureau contribution query: wire → domain', () => {
  it('maps paid and unpaid years, yuan strings to fen and wall times to +08:00', () => {
    const reply = TaxQueryReplyWire.parse(TAX_FIXTURES['370502201409030825'])
    expect(toContributions(reply)).toEqual([
      { year: 2024, insuranceType: '390', regionCode: '370502', category: 'student', paid: true, amount: 30_000, paidAt: '2023-09-20T08:00:00.000+08:00', channel: 'wechat' },
      { year: 2025, insuranceType: '390', regionCode: '370502', category: 'student', paid: false, amount: 30_000, paidAt: null, channel: null },
      { year: 2026, insuranceType: '390', regionCode: '370502', category: 'student', paid: true, amount: 30_000, paidAt: '2026-04-15T09:20:00.000+08:00', channel: 'wechat' },
      { year: 2027, insuranceType: '390', regionCode: '370502', category: 'student', paid: true, amount: 30_000, paidAt: '2026-10-20T08:00:00.000+08:00', channel: 'bank_app' },
    ])
  })

  it('reads a numeric year, 0.00 for finance-paid residents and the local psn_type 1560', () => {
    const [y2026] = toContributions(TaxQueryReplyWire.parse(TAX_FIXTURES['522601198507070518']))
    expect(y2026).toMatchObject({ year: 2026, amount: 0, channel: 'finance', category: 'adult' })
  })

  it('gives an empty list for 1001 (no record) and a rejection for other codes', () => {
    expect(toContributions(TaxQueryReplyWire.parse({ fhdm: '1001', fhxx: '未查询到缴费人登记信息', jfxx: [] }))).toEqual([])
    expect(() => toContributions(TaxQueryReplyWire.parse({ fhdm: '9001', fhxx: '请求参数错误' }))).toThrow(UpstreamError)
    expect(TaxQueryReplyWire.safeParse({ fhdm: '0000', jfxx: [{ jfnd: '2026', cbdq: '370502', jfzt: '1', jfje: '400.001' }] }).success).toBe(false)
  })

  it('accepts only real wall times', () => {
    expect(taxTimeToIso('2025-10-08 09:30:12')).toBe('2025-10-08T09:30:12.000+08:00')
    expect(taxTimeToIso('')).toBeNull()
    expect(taxTimeToIso('08/10/2025')).toBeNull()
  })
})
