import { describe, expect, it } from 'vitest'
import { isCalendarDay } from './common'
import { AuditQuerySchema } from './desk'

describe('isCalendarDay', () => {
  it('knows month lengths and the Gregorian leap rule (1900 no, 2000 yes, 2024 yes, 2100 no)', () => {
    expect(['2026-01-31', '2026-04-30', '2000-02-29', '2024-02-29', '1900-02-28'].map(isCalendarDay))
      .toEqual([true, true, true, true, true])
    expect(['2026-04-31', '1900-02-29', '2100-02-29', '2026-02-29', '2026-00-10', '2026-12-00', '2026-12-32']
      .map(isCalendarDay)).toEqual([false, false, false, false, false, false, false])
  })
  it('refuses what is not YYYY-MM-DD, and years outside 1900–2100', () => {
    expect(['2026-1-01', '20260101', ' 2026-01-01', '1899-12-31', '2101-01-01'].map(isCalendarDay))
      .toEqual([false, false, false, false, false])
  })
})

describe('the supervisors\' audit query', () => {
  it('refuses a day that does not exist with a Chinese message', () => {
    const result = AuditQuerySchema.safeParse({ from: '2026-02-30' })
    expect(result.error?.issues.map(i => [i.path.join('.'), i.message])).toEqual([['from', '日期不存在，请核对']])
    expect(AuditQuerySchema.safeParse({ from: '2026-02-28', to: '2026-03-01' }).success).toBe(true)
  })
})
