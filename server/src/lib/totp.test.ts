import { describe, expect, it } from 'vitest'
import { matchTotpStep, newTotpSecret, totpQrSvg, totpUri } from './totp'

// RFC 6238 appendix B: the SHA-1 seed "12345678901234567890" in base32; the 8-digit codes of the RFC
// end in these 6 digits (HOTP truncation keeps the low-order digits).
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'

describe('TOTP (RFC 6238)', () => {
  it('matches the RFC test vectors and returns their time step', () => {
    expect(matchTotpStep(RFC_SECRET, '287082', new Date(59_000))).toBe(1)
    expect(matchTotpStep(RFC_SECRET, '081804', new Date(1_111_111_109_000))).toBe(37_037_036)
    expect(matchTotpStep(RFC_SECRET, '005924', new Date(1_234_567_890_000))).toBe(41_152_263)
  })

  it('accepts the neighbouring steps only (±30 s of drift)', () => {
    // 081804 is the code of step 37 037 036 (1111111080–1111111109 s).
    expect(matchTotpStep(RFC_SECRET, '081804', new Date(1_111_111_125_000))).toBe(37_037_036)
    expect(matchTotpStep(RFC_SECRET, '081804', new Date(1_111_111_065_000))).toBe(37_037_036)
    expect(matchTotpStep(RFC_SECRET, '081804', new Date(1_111_111_145_000))).toBeNull()
    expect(matchTotpStep(RFC_SECRET, '081804', new Date(1_111_111_045_000))).toBeNull()
  })

  it('refuses anything but 6 digits', () => {
    expect(matchTotpStep(RFC_SECRET, '28708', new Date(59_000))).toBeNull()
    expect(matchTotpStep(RFC_SECRET, '2870821', new Date(59_000))).toBeNull()
    expect(matchTotpStep(RFC_SECRET, '28708a', new Date(59_000))).toBeNull()
  })

  it('makes 160-bit base32 secrets, an otpauth URI and an SVG QR code', async () => {
    const secret = newTotpSecret()
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(newTotpSecret()).not.toBe(secret)
    const uri = totpUri(secret, 'wang')
    expect(uri).toBe(`otpauth://totp/yibao:wang?issuer=yibao&secret=${secret}&algorithm=SHA1&digits=6&period=30`)
    const svg = await totpQrSvg(uri)
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
    expect(svg).toContain('<path')
  })
})
