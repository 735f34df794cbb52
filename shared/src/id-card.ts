/**
 * GB 11643-1999 citizen identity number: 6-digit region + YYYYMMDD + 3-digit sequence
 * (odd = male) + check character computed by ISO 7064 MOD 11-2.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const
const CHECK_CHARS = '10X98765432'
const SHAPE = /^\d{17}[\dX]$/

/** Check character for the first 17 digits. */
export function idCardCheckChar(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!
  return CHECK_CHARS[sum % 11]!
}

/** Why an ID number is invalid, or `null` when it is valid. Accepts a lower-case x. */
export function idCardProblem(raw: string): 'format' | 'birthdate' | 'checksum' | null {
  const value = raw.toUpperCase()
  if (!SHAPE.test(value)) return 'format'
  const y = Number(value.slice(6, 10))
  const m = Number(value.slice(10, 12))
  const d = Number(value.slice(12, 14))
  const date = new Date(Date.UTC(y, m - 1, d))
  if (y < 1880 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return 'birthdate'
  if (idCardCheckChar(value.slice(0, 17)) !== value[17]) return 'checksum'
  return null
}

export function isValidIdCard(raw: string): boolean {
  return idCardProblem(raw) === null
}

/** Birth date `YYYY-MM-DD` and sex encoded in a valid ID number. */
export function idCardFacts(certNo: string): { birthDate: string, sex: 'male' | 'female', regionCode: string } {
  return {
    regionCode: certNo.slice(0, 6),
    birthDate: `${certNo.slice(6, 10)}-${certNo.slice(10, 12)}-${certNo.slice(12, 14)}`,
    sex: Number(certNo[16]) % 2 === 1 ? 'male' : 'female',
  }
}
