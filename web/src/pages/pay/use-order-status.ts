import type { ShallowRef } from 'vue'
import { ERROR_MESSAGES } from '@yibao/shared'
import { onBeforeUnmount, shallowRef } from 'vue'
import { ApiError } from '../../api/errors'

/** How often the page asks when server-sent events are not available. */
export const POLL_MS = 3000

/** The part of an order view this composable looks at. */
export interface OrderLike {
  id: string
  status: 'created' | 'prepaid' | 'paid' | 'closed' | 'failed'
}

export interface OrderStatus<T extends OrderLike> {
  order: ShallowRef<T | null>
  error: ShallowRef<ApiError | null>
  /** `events` while the server pushes updates, `polling` on the fallback, `idle` when done. */
  mode: ShallowRef<'idle' | 'events' | 'polling'>
  /** Loads the order once, then follows it until it is paid or closed. */
  start: () => Promise<void>
  stop: () => void
}

const FINAL = new Set(['paid', 'closed', 'failed'])

/**
 * Follows an order LIVE: one `GET` first (the BFF also asks WeChat Pay), then an `EventSource` on
 * `eventsUrl` (event `status`, data: the order view) until the order is paid or closed. Where
 * `EventSource` is missing or the stream is refused, it asks `load` every `POLL_MS` instead.
 */
export function useOrderStatus<T extends OrderLike>(load: () => Promise<T>, eventsUrl: () => string): OrderStatus<T> {
  const order = shallowRef<T | null>(null) as ShallowRef<T | null>
  const error = shallowRef<ApiError | null>(null)
  const mode = shallowRef<'idle' | 'events' | 'polling'>('idle')
  let source: EventSource | null = null
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false

  function accept(next: T) {
    order.value = next
    error.value = null
    if (FINAL.has(next.status)) stop()
  }

  function stop() {
    source?.close()
    source = null
    clearTimeout(timer)
    timer = undefined
    mode.value = 'idle'
  }

  function poll() {
    if (stopped) return
    mode.value = 'polling'
    timer = setTimeout(async () => {
      try {
        accept(await load())
      }
      catch (e) {
        // A passing failure: keep asking, and show it.
        if (e instanceof ApiError) error.value = e
      }
      if (mode.value === 'polling') poll()
    }, POLL_MS)
  }

  function listen() {
    if (typeof EventSource === 'undefined') {
      poll()
      return
    }
    const es = new EventSource(eventsUrl())
    source = es
    mode.value = 'events'
    es.addEventListener('status', (event) => {
      try {
        accept(JSON.parse((event as MessageEvent<string>).data) as T)
      }
      catch {}
    })
    es.onerror = () => {
      // The browser reconnects by itself (CONNECTING); a refused stream (CLOSED) falls back to polling.
      if (es.readyState === EventSource.CLOSED && source === es) {
        source = null
        poll()
      }
    }
  }

  async function start() {
    stopped = false
    stop()
    try {
      accept(await load())
    }
    catch (e) {
      error.value = e instanceof ApiError ? e : new ApiError('INTERNAL', ERROR_MESSAGES.INTERNAL, 0)
      return
    }
    if (!stopped && order.value && !FINAL.has(order.value.status)) listen()
  }

  onBeforeUnmount(() => {
    stopped = true
    stop()
  })

  return { order, error, mode, start, stop: () => { stopped = true; stop() } }
}
