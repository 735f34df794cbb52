import { describe, expect, it } from 'vitest'
import { maskIdCard, maskMobile, maskName, maskPiiInText } from './mask'

describe('masking', () => {
  it('keeps region and last four of an ID number', () => {
    expect(maskIdCard('11010519491231002X')).toBe('110105********002X')
  })
  it('masks mobile numbers 3+4', () => {
    expect(maskMobile('13812341234')).toBe('138****1234')
  })
  it('keeps the first character of a name', () => {
    expect(maskName('张三')).toBe('张*')
    expect(maskName('王桂兰')).toBe('王**')
    expect(maskName('欧阳娜娜')).toBe('欧阳**')
    expect(maskName('李')).toBe('*')
  })
  it('masks ID and mobile numbers inside free text', () => {
    const text = '{"msg":"person 11010519491231002X phone 13812341234 amount 12345678"}'
    const masked = maskPiiInText(text)
    expect(masked).not.toContain('11010519491231002X')
    expect(masked).not.toContain('13812341234')
    expect(masked).toContain('110105********002X')
    expect(masked).toContain('138****1234')
    expect(masked).toContain('12345678')
  })
})
