import { describe, expect, it } from 'vitest'
import { idCardCheckChar, idCardFacts, idCardProblem, isValidIdCard } from './id-card'
import { IdCardNoSchema } from './schemas/common'

describe('GB 11643 ID numbers', () => {
  it('accepts the standard examples, including the X check character', () => {
    expect(isValidIdCard('11010519491231002X')).toBe(true)
    expect(isValidIdCard('11010519491231002x')).toBe(true)
    expect(isValidIdCard('440524188001010014')).toBe(true)
  })

  it('computes the check character with ISO 7064 MOD 11-2', () => {
    expect(idCardCheckChar('11010519491231002')).toBe('X')
    expect(idCardCheckChar('44052418800101001')).toBe('4')
  })

  it('names the problem: format, impossible birth date, checksum', () => {
    expect(idCardProblem('1101051949123100')).toBe('format')
    expect(idCardProblem('110105194902301234')).toBe('birthdate')
    expect(idCardProblem('110105194912310021')).toBe('checksum')
  })

  it('reads birth date and sex from the number', () => {
    expect(idCardFacts('11010519491231002X')).toEqual({ regionCode: '110105', birthDate: '1949-12-31', sex: 'female' })
    expect(idCardFacts('440524188001010014').sex).toBe('male')
  })

  it('gives Chinese messages through the shared schema and upper-cases x', () => {
    expect(IdCardNoSchema.parse(' 11010519491231002x ')).toBe('11010519491231002X')
    const bad = IdCardNoSchema.safeParse('110105194912310021')
    expect(bad.success).toBe(false)
    expect(bad.error?.issues[0]?.message).toBe('身份证号码校验不通过，请核对后重新输入')
    expect(IdCardNoSchema.safeParse(123).error?.issues[0]?.message).toBe('请输入身份证号码')
  })
})
