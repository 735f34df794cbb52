import { toShanghaiIso } from '@yibao/shared'

/** How long a prepay (QR or JSAPI) stays payable. WeChat's own limit is 2 h; residents need minutes. */
export const ORDER_TTL_MS = 30 * 60 * 1000
/** The most people one order may pay for. */
export const MAX_ORDER_LINES = 10

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** `count` characters from an unambiguous alphabet (no 0/O, 1/I), from caller-supplied random bytes. */
export function randomCode(bytes: Uint8Array, count: number): string {
  let out = ''
  for (let i = 0; i < count; i++) out += ALPHABET[bytes[i]! % ALPHABET.length]
  return out
}

/**
 * Merchant order number (`out_trade_no`: 6–32 of [0-9A-Za-z_-|*], unique per merchant): `YB` + the
 * Shanghai date + 16 random characters. Generated once, before the channel is called, and reused on
 * every retry of the same order.
 */
export function newOutTradeNo(now: Date, random: Uint8Array): string {
  return `YB${toShanghaiIso(now).slice(0, 10).replace(/-/g, '')}${randomCode(random, 16)}`
}

/** Electronic receipt verification code (80 bits, grouped for reading aloud): `ABCD-EFGH-JKLM-NPQR`. */
export function newReceiptCode(random: Uint8Array): string {
  return randomCode(random, 16).replace(/(.{4})(?=.)/g, '$1-')
}

/** `time_expire` in RFC 3339 with +08:00, as WeChat Pay wants it. */
export function timeExpire(now: Date): { at: Date, wire: string } {
  const at = new Date(now.getTime() + ORDER_TTL_MS)
  return { at, wire: `${toShanghaiIso(at).slice(0, 19)}+08:00` }
}

/** What a person's line may be: the collection system's verdict on this year's premium. */
export type DueStatus = 'payable' | 'paid' | 'fully_funded' | 'not_eligible' | 'outside_window'

/** Lines that may go on an order: payable, with something to pay. */
export function payable(lines: { status: DueStatus, dueFen: number }[]): boolean {
  return lines.length > 0 && lines.every(l => l.status === 'payable' && l.dueFen > 0)
}
