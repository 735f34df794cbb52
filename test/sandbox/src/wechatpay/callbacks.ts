import type { SandboxState } from '../state'
import type { DeliveryRecord, Forgery, SimEvent } from './state'
import { randomUUID } from 'node:crypto'
import { randomAlnum, sealResource, signText } from './crypto'
import { CALLBACK_RETRY_SCHEDULE_S, later } from './state'
import { wechatTime } from './wire'

/**
 * Callback delivery as WeChat Pay does it: POST the signed, encrypted notification to notify_url; a 200/204
 * answer ends it, anything else (or no answer within 5 s) is retried after 15s/15s/30s/3m/10m/20m/30m/
 * 30m/30m/60m/3h/3h/3h/6h/6h (scaled by `callbackScheduleScale`). Test controls: drop, hold + release in
 * any order, duplicates, and forged deliveries (SIGNTEST probe, tampered signature, stale timestamp,
 * unknown serial, re-serialized body) that the BFF must refuse.
 */

/** Creates a notification and hands it to the delivery machinery (per `config.callbacks`). */
export function emitNotification(state: SandboxState, input: { eventType: string, summary: string, originalType: 'transaction' | 'refund', payload: Record<string, unknown>, notifyUrl: string, outTradeNo: string, outRefundNo?: string }): SimEvent {
  const wx = state.wechatpay
  const resource = { original_type: input.originalType, ...sealResource(wx.keys().apiV3Key, JSON.stringify(input.payload), input.originalType) }
  const id = randomUUID()
  const body = JSON.stringify({ id, create_time: wechatTime(state.now()), resource_type: 'encrypt-resource', event_type: input.eventType, summary: input.summary, resource })
  const event: SimEvent = { id, eventType: input.eventType, outTradeNo: input.outTradeNo, outRefundNo: input.outRefundNo, notifyUrl: input.notifyUrl, body, payload: input.payload, attempts: 0, done: false }
  wx.events.set(id, event)
  if (wx.config.callbacks === 'drop') event.done = true
  else if (wx.config.callbacks === 'hold') wx.held.push(event)
  else void attempt(state, event)
  return event
}

/** Sends the held notifications, in the order they were emitted or reversed (out-of-order delivery). */
export async function releaseHeld(state: SandboxState, order: 'fifo' | 'reverse'): Promise<number> {
  const events = state.wechatpay.held.splice(0)
  if (order === 'reverse') events.reverse()
  // One after the other, so the BFF really sees them in this order.
  for (const event of events) await attempt(state, event)
  return events.length
}

/** Signed headers for `body` (fresh timestamp and nonce on every delivery). */
function headersFor(state: SandboxState, body: string, variant: 'genuine' | 'duplicate' | Forgery): Record<string, string> {
  const keys = state.wechatpay.keys()
  let ts = Math.floor(state.now().getTime() / 1000)
  if (variant === 'stale') ts -= 600
  const nonce = randomAlnum(32)
  let signature = signText(`${ts}\n${nonce}\n${body}\n`, keys.platformPrivateKey)
  if (variant === 'signtest') signature = `WECHATPAY/SIGNTEST/${signature}`
  if (variant === 'tampered') signature = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'Mozilla/4.0',
    'Request-ID': randomUUID().replace(/-/g, '').toUpperCase(),
    'Wechatpay-Timestamp': String(ts),
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Serial': variant === 'unknown-serial' ? `PUB_KEY_ID_0114${keys.mchid}999999999999UNKNOWN` : keys.platformKeyId,
    'Wechatpay-Signature': signature,
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
  }
}

function sortKeys(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(sortKeys)
  if (x && typeof x === 'object') return Object.fromEntries(Object.keys(x).sort().map(k => [k, sortKeys((x as Record<string, unknown>)[k])]))
  return x
}

/** The same JSON as a careless proxy would re-serialize it: keys sorted, non-ASCII \u-escaped. */
function reserialize(body: string): string {
  return JSON.stringify(sortKeys(JSON.parse(body))).replace(/[\u0080-\uFFFF]/g, ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** POSTs one delivery (genuine, duplicate or forged) and records the answer. */
export async function deliver(state: SandboxState, event: SimEvent, kind: DeliveryRecord['kind'], attemptNo = event.attempts): Promise<DeliveryRecord['status']> {
  const wx = state.wechatpay
  // Forgeries other than `reserialized` keep the genuine bytes and break the headers; `reserialized`
  // signs the original bytes but sends others (what a re-serializing proxy would do).
  const headers = headersFor(state, event.body, kind)
  const body = kind === 'reserialized' ? reserialize(event.body) : event.body
  let status: DeliveryRecord['status']
  try {
    const res = await fetch(event.notifyUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(wx.config.callbackTimeoutMs) })
    await res.arrayBuffer() // drain (WeChat Pay ignores the body)
    status = res.status
  }
  catch (error) {
    status = (error as Error).name === 'TimeoutError' ? 'timeout' : 'network-error'
  }
  wx.deliveries.push({ eventId: event.id, eventType: event.eventType, outTradeNo: event.outTradeNo, outRefundNo: event.outRefundNo, kind, attempt: attemptNo, status, at: state.now().toISOString() })
  if (wx.deliveries.length > 1000) wx.deliveries.splice(0, wx.deliveries.length - 1000)
  return status
}

function accepted(status: DeliveryRecord['status']): boolean {
  return status === 200 || status === 204
}

/** One scheduled attempt: forgeries first (first attempt only), then the genuine delivery; retry on failure. */
async function attempt(state: SandboxState, event: SimEvent): Promise<void> {
  const wx = state.wechatpay
  if (event.done) return
  event.attempts++
  if (event.attempts === 1) {
    for (const forgery of wx.config.forgeries) await deliver(state, event, forgery)
  }
  const status = await deliver(state, event, 'genuine')
  if (accepted(status)) {
    event.done = true
    for (let i = 0; i < wx.config.duplicates; i++) await deliver(state, event, 'duplicate')
    return
  }
  const delayS = CALLBACK_RETRY_SCHEDULE_S[event.attempts - 1]
  if (delayS === undefined) {
    event.done = true // 15 retries spent: WeChat Pay gives up; the BFF must find out by query or bill.
    return
  }
  later(wx, delayS * 1000 * wx.config.callbackScheduleScale, () => void attempt(state, event))
}
