import { describe, expect, it } from 'vitest'
import { absoluteUrl, receiptVerifyPath, slipVerifyPath } from './verify-links'

describe('verification page links', () => {
  it('points a receipt at /receipts/verify with its code', () => {
    expect(receiptVerifyPath('ABCD-EFGH-JKLM-NPQR')).toBe('/receipts/verify?code=ABCD-EFGH-JKLM-NPQR')
  })

  it('points a slip at /slips/verify with its code and settlement id, never the amounts', () => {
    const path = slipVerifyPath({ code: '7K2M-9QXA-B3TD', setlId: '52273220250820000012' })
    expect(path).toBe('/slips/verify?code=7K2M-9QXA-B3TD&setlId=52273220250820000012')
  })

  it('escapes what would break the query string', () => {
    expect(slipVerifyPath({ code: 'A&B', setlId: 'x y#' })).toBe('/slips/verify?code=A%26B&setlId=x%20y%23')
    expect(receiptVerifyPath('a=b')).toBe('/receipts/verify?code=a%3Db')
  })

  it('joins an origin and a path with one slash, whether or not the origin ends in one', () => {
    const origin = 'https://yibao.example.gov.cn'
    expect(absoluteUrl(origin, '/slips/verify?code=X')).toBe(`${origin}/slips/verify?code=X`)
    expect(absoluteUrl(`${origin}/`, '/receipts/verify?code=X')).toBe(`${origin}/receipts/verify?code=X`)
  })
})
