import { toShanghaiIso } from '@yibao/shared'

/** WeChat Pay's time format: RFC 3339 in Shanghai time without milliseconds, `2018-06-08T10:34:56+08:00`. */
export function wechatTime(date: Date): string {
  return `${toShanghaiIso(date).slice(0, 19)}+08:00`
}

/** `yyyy-MM-dd HH:mm:ss` Shanghai wall time (trade bills). */
export function billTime(date: Date): string {
  return toShanghaiIso(date).slice(0, 19).replace('T', ' ')
}

/** Hundred-thousandths of a yuan → yuan with 5 decimals (bill fees, e.g. `0.05940`). */
export function yuan5(units: number): string {
  const sign = units < 0 ? '-' : ''
  const abs = Math.abs(units)
  return `${sign}${Math.floor(abs / 100_000)}.${String(abs % 100_000).padStart(5, '0')}`
}
