import { toShanghaiIso } from '@yibao/shared'

/**
 * Time formats of the national platform, always in Asia/Shanghai:
 * `yyyyMMddHHmmss` (msgid, inf_refmsgid), `yyyyMMddHHmmssSSS` (refmsg_time, respond_time)
 * and `yyyy-MM-dd HH:mm:ss` (inf_time, begntime, idetinfo times).
 */

/** `yyyyMMddHHmmss` of a moment in Shanghai time. */
export function compactTime(date: Date): string {
  return compactMillis(date).slice(0, 14)
}

/** `yyyyMMddHHmmssSSS` of a moment in Shanghai time. */
export function compactMillis(date: Date): string {
  return toShanghaiIso(date).slice(0, 23).replace(/\D/g, '')
}

/** `yyyy-MM-dd HH:mm:ss` of a moment in Shanghai time. */
export function wireDateTime(date: Date): string {
  return toShanghaiIso(date).slice(0, 19).replace('T', ' ')
}

const WIRE_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/
const COMPACT = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/

/** Parses `yyyy-MM-dd HH:mm:ss` (Shanghai) to a Date; `null` when the text is not a real date-time. */
export function parseWireDateTime(text: string): Date | null {
  return fromParts(WIRE_DATE_TIME.exec(text))
}

/** Parses `yyyyMMddHHmmss` (Shanghai) to a Date; `null` when the text is not a real date-time. */
export function parseCompactTime(text: string): Date | null {
  return fromParts(COMPACT.exec(text))
}

function fromParts(m: RegExpExecArray | null): Date | null {
  if (!m) return null
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number]
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null
  const probe = new Date(Date.UTC(y, mo - 1, d))
  if (probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return null
  return new Date(Date.UTC(y, mo - 1, d, h - 8, mi, s))
}
