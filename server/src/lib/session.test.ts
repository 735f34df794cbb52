import { describe, expect, it } from 'vitest'
import { newToken } from './pii'
import { sessionToken } from './session'

describe('session cookie', () => {
  const token = newToken()
  it('finds our token wherever the cookie sits in the header', () => {
    expect(token).toMatch(/^[\w-]{43}$/)
    expect(sessionToken(`yb_sid=${token}`)).toBe(token)
    expect(sessionToken(`a=1; yb_sid=${token}; b=2`)).toBe(token)
    expect(sessionToken(`a=1;yb_sid=${token}`)).toBe(token)
  })

  it('ignores look-alike names, wrong lengths, other characters and missing headers', () => {
    expect(sessionToken(undefined)).toBeUndefined()
    expect(sessionToken('')).toBeUndefined()
    expect(sessionToken(`xyb_sid=${token}`)).toBeUndefined()
    expect(sessionToken(`yb_sid=${token}x`)).toBeUndefined()
    expect(sessionToken(`yb_sid=${token.slice(1)}`)).toBeUndefined()
    expect(sessionToken(`yb_sid=${token.slice(1)}%`)).toBeUndefined()
    expect(sessionToken('yb_sid=')).toBeUndefined()
  })
})
