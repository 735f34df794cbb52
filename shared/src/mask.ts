/**
 * Masking conventions (GB/T 35273-2020 practice) applied in every response and log line.
 * @see ../../../shared/reference/security-and-idempotency.md §4.4 (outside the repo)
 */

/** `110101********1234`: region and last four kept. */
export function maskIdCard(certNo: string): string {
  if (certNo.length < 10) return '*'.repeat(certNo.length)
  return `${certNo.slice(0, 6)}${'*'.repeat(certNo.length - 10)}${certNo.slice(-4)}`
}

/** `138****1234`. */
export function maskMobile(mobile: string): string {
  if (mobile.length < 7) return '*'.repeat(mobile.length)
  return `${mobile.slice(0, 3)}****${mobile.slice(-4)}`
}

/** `张*`, `欧阳**`: the first character kept (compound surnames keep two when the name has four or more). */
export function maskName(name: string): string {
  const chars = Array.from(name)
  if (chars.length <= 1) return '*'
  const keep = chars.length >= 4 ? 2 : 1
  return chars.slice(0, keep).join('') + '*'.repeat(chars.length - keep)
}

const ID_IN_TEXT = /(?<!\d)(\d{6})(\d{8}\d{3})([\dXx])(?!\d)/g
const MOBILE_IN_TEXT = /(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)/g

/** Masks any ID number or mobile number found inside free text (log lines, upstream messages). */
export function maskPiiInText(text: string): string {
  return text
    .replace(ID_IN_TEXT, (_m, head: string, _mid: string, tail: string) => `${head}********${_mid.slice(-3)}${tail}`)
    .replace(MOBILE_IN_TEXT, (_m, head: string, _mid: string, tail: string) => `${head}****${tail}`)
}
