import type { Context } from 'hono'
import type { AppDeps } from '../lib/types'
import type { PremiumOrder } from '../storage/payments'
import { streamSSE } from 'hono/streaming'
import { findOrderBy } from '../storage/payments'
import { convergeOrder, orderView } from './service'

/** How long one event stream stays open (the browser's EventSource reconnects after it ends). */
export const ORDER_STREAM_MAX_MS = 10 * 60_000

/**
 * Server-sent events about one order: an event `status` (data: the masked order view) whenever the
 * status changes, checked every second; every fifth second WeChat Pay is asked too, in case the callback
 * is late. Ends once the order is paid or closed.
 */
export function streamOrderEvents(c: Context, deps: AppDeps, first: PremiumOrder) {
  const response = streamSSE(c, async (stream) => {
    let last = ''
    const deadline = Date.now() + ORDER_STREAM_MAX_MS
    let order = first
    let polls = 0
    while (!stream.aborted && Date.now() < deadline) {
      const fresh = await findOrderBy(deps.storage.db, 'id', first.id)
      if (fresh) order = fresh
      if (polls++ % 5 === 4) order = await convergeOrder(deps, order)
      if (order.status !== last) {
        last = order.status
        await stream.writeSSE({ event: 'status', data: JSON.stringify(await orderView(deps, order)) })
      }
      if (order.status === 'paid' || order.status === 'closed') break
      await stream.sleep(1000)
    }
  })
  // streamSSE sets `no-cache` (store, but revalidate); a person's order states must not be stored at all.
  response.headers.set('Cache-Control', 'no-store')
  return response
}
