/** All business times are Asia/Shanghai (UTC+08:00, no daylight saving). */
export const TIME_ZONE = 'Asia/Shanghai'
const OFFSET_MS = 8 * 60 * 60 * 1000

/** ISO 8601 with the +08:00 offset, e.g. `2026-11-22T14:03:00.000+08:00`. */
export function toShanghaiIso(date: Date): string {
  return `${new Date(date.getTime() + OFFSET_MS).toISOString().slice(0, -1)}+08:00`
}

/** `YYYY-MM-DD` of the Shanghai calendar day. */
export function shanghaiDate(date: Date): string {
  return new Date(date.getTime() + OFFSET_MS).toISOString().slice(0, 10)
}

/** Calendar year in Shanghai. */
export function shanghaiYear(date: Date): number {
  return Number(shanghaiDate(date).slice(0, 4))
}

/** Whole years of age on `on` (Shanghai calendar) for a birth date `YYYY-MM-DD`. */
export function ageOn(birthDate: string, on: Date): number {
  const today = shanghaiDate(on)
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4))
  return today.slice(5) < birthDate.slice(5) ? years - 1 : years
}
