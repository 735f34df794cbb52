import type { Context } from 'hono'
import type { AppDeps } from '../lib/types'
import type { PremiumOrder } from '../storage/payments'
import { streamSSE } from 'hono/streaming'
import { AppError } from '../lib/errors'
import { findOrderBy } from '../storage/payments'
import { convergeOrderWhenDue, orderView } from './service'

/** How long one event stream stays open, on the app's clock (the browser's EventSource reconnects after it ends). */
export const ORDER_STREAM_MAX_MS = 10 * 60_000

const FINAL = new Set(['paid', 'closed'])

/**
 * Server-sent events about one order: an event `status` (data: the masked order view) whenever the status
 * changes. The stream waits for the change to be pushed (`deps.storage.orderEvents`, LISTEN/NOTIFY from
 * whichever instance stored it: the callback, a convergence, a close, the worker) and reads the order at
 * least every `ORDER_STREAM_POLL_MS` anyway; WeChat Pay is asked about an open order at most once per that
 * interval across every stream on every instance (a lease on the order row). Ends once the order is paid or
 * closed, after `ORDER_STREAM_MAX_MS`, or when the client goes.
 *
 * At most `ORDER_STREAMS_PER_SESSION` streams per session and `ORDER_STREAMS_PER_INSTANCE` in all are open on
 * one instance: another is refused with 429 `ORDER_STREAMS_BUSY` (the page then asks for the order now and then).
 */
export function streamOrderEvents(c: Context, deps: AppDeps, first: PremiumOrder, sessionId: string) {
  const slot = deps.orderStreams.take(sessionId)
  if (slot === 'key_full' || slot === 'instance_full') {
    deps.logger.warn({ orderId: first.id, cap: slot === 'key_full' ? 'session' : 'instance' }, 'order stream refused')
    throw new AppError('ORDER_STREAMS_BUSY', 429)
  }
  const pollMs = deps.env.ORDER_STREAM_POLL_MS
  const response = streamSSE(c, async (stream) => {
    // A change rung while the stream is busy reading is kept for the next wait, which then returns at once.
    let wake: (() => void) | undefined
    let pending = false
    const ring = () => {
      if (wake) wake()
      else pending = true
    }
    stream.onAbort(ring)
    let unsubscribe: (() => void) | undefined
    try {
      const deadline = deps.now().getTime() + ORDER_STREAM_MAX_MS
      let last = ''
      let rung = false
      /** Writes the order when its status is news to this stream; says whether it did. */
      const tell = async (order: PremiumOrder) => {
        if (order.status === last) return false
        last = order.status
        await stream.writeSSE({ event: 'status', data: JSON.stringify(await orderView(deps, order)) })
        return true
      }
      // The order as the route just read it, at once; then listening, and reading again (nothing falls between).
      await tell(first)
      if (!FINAL.has(first.status)) {
        unsubscribe = await deps.storage.orderEvents.subscribe(first.id, ring)
          .catch((error: unknown) => {
            deps.logger.warn({ err: error, orderId: first.id }, 'order events not available: polling only')
            return undefined
          })
      }
      while (!FINAL.has(last) && !stream.aborted && deps.now().getTime() < deadline) {
        pending = false
        let order = (await findOrderBy(deps.storage.db, 'id', first.id)) ?? first
        let told = await tell(order)
        if (!FINAL.has(order.status)) {
          order = await convergeOrderWhenDue(deps, order)
          told = await tell(order) || told
        }
        // A comment on a quiet wake keeps proxies from timing the stream out and finds a client that went.
        if (!told && !rung) await stream.write(': waiting\n\n')
        if (FINAL.has(order.status)) break
        rung = await new Promise<boolean>((resolve) => {
          if (stream.aborted || pending) return resolve(true)
          const timer = setTimeout(() => resolve(false), pollMs)
          wake = () => {
            clearTimeout(timer)
            resolve(true)
          }
        })
        wake = undefined
      }
    }
    catch (error) {
      // Logged here, not written to the stream (no internal wording reaches the browser); it reconnects.
      deps.logger.error({ err: error, orderId: first.id }, 'order stream failed')
    }
    finally {
      unsubscribe?.()
      slot()
    }
  })
  // streamSSE sets `no-cache` (store, but revalidate); a person's order states must not be stored at all.
  response.headers.set('Cache-Control', 'no-store')
  return response
}
