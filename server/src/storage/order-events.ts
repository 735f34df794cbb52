import type { PGlite } from '@electric-sql/pglite'
import postgres from 'postgres'

/**
 * Order status changes pushed to the order event streams of every BFF instance on one database, through
 * PostgreSQL `LISTEN/NOTIFY` (PGlite: the same, within its one process). A change of an order's status is
 * announced by the statement that makes it (trigger `premium_orders_status_changed`, migration 0019), so it
 * is delivered when that transaction commits, and never when it rolls back.
 */
export interface OrderEvents {
  /**
   * Calls `onChange` whenever the order may have changed (its id was notified), and also after the listener
   * connection came back from a drop (notifications may have been missed meanwhile: read again). Resolves
   * once listening is in force (or being re-established), so a change committed after that is never missed.
   * Returns the unsubscribe.
   */
  subscribe: (orderId: string, onChange: () => void) => Promise<() => void>
  /** How many subscriptions are open (tests, diagnostics). */
  readonly subscribers: number
  close: () => Promise<void>
}

/** The channel of one schema: instances on another schema of the same database hear nothing of it. */
export function orderEventsChannel(schema: string): string {
  return `order_events_${schema}`
}

/** Announces that an order changed (on commit of the surrounding transaction, if any). */
/** Where notifications come from: one listener per storage, shared by every subscription. */
export interface NotificationSource {
  /** Starts listening; `onPayload` gets each notification's payload, `onResumed` is called after a reconnect. */
  start: (onPayload: (payload: string) => void, onResumed: () => void) => Promise<void>
  stop: () => Promise<void>
}

/** Subscriptions per order over one notification source (started on the first subscription). */
export function createOrderEvents(source: NotificationSource): OrderEvents {
  const byOrder = new Map<string, Set<() => void>>()
  let count = 0
  let started: Promise<void> | null = null
  const call = (fns: Iterable<() => void>) => {
    for (const fn of [...fns]) fn()
  }
  return {
    async subscribe(orderId, onChange) {
      // Registered before listening is awaited: a notification arriving meanwhile is not lost.
      const fn = () => onChange()
      let set = byOrder.get(orderId)
      if (!set) byOrder.set(orderId, set = new Set())
      set.add(fn)
      count += 1
      let done = false
      const unsubscribe = () => {
        if (done) return
        done = true
        count -= 1
        set.delete(fn)
        if (!set.size && byOrder.get(orderId) === set) byOrder.delete(orderId)
      }
      started ??= source.start(
        payload => call(byOrder.get(payload) ?? []),
        () => call([...byOrder.values()].flatMap(s => [...s])),
      ).catch((error: unknown) => {
        started = null
        throw error
      })
      try {
        await started
      }
      catch (error) {
        unsubscribe()
        throw error
      }
      return unsubscribe
    },
    get subscribers() {
      return count
    },
    async close() {
      byOrder.clear()
      count = 0
      if (started) await started.then(() => source.stop(), () => {})
    },
  }
}

/** PGlite: NOTIFY reaches the listeners of the same (single, in-process) instance. */
export function pgliteNotifications(client: PGlite): NotificationSource {
  let unlisten: (() => Promise<void>) | undefined
  return {
    async start(onPayload) {
      const { rows } = await client.query<{ schema: string }>('select current_schema() as schema')
      unlisten = await client.listen(orderEventsChannel(rows[0]!.schema), onPayload)
    },
    async stop() {
      await unlisten?.()
    },
  }
}

/** The application name of the listener connection (find it in `pg_stat_activity`). */
export const LISTENER_APPLICATION_NAME = 'yibao-order-events'

/**
 * PostgreSQL server: one dedicated connection (outside the pool) that LISTENs. When it drops (a restart,
 * a failover, a terminated backend), it reconnects with back-off (0.25 s doubling to 10 s) and, once
 * listening again, tells every subscriber to read again.
 */
export function postgresNotifications(
  url: string,
  opts: { searchPath?: string, onError?: (error: unknown, attempt: number) => void } = {},
): NotificationSource {
  let client: postgres.Sql | undefined
  let channel: string | undefined
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let attempt = 0

  async function listen(): Promise<void> {
    const [row] = await client!<{ schema: string }[]>`select current_schema() as schema`
    channel = orderEventsChannel(row!.schema)
    await client!.unsafe(`listen "${channel.replace(/"/g, '""')}"`)
  }

  function retry(onResumed: () => void): void {
    if (stopped || timer) return
    const delay = Math.min(250 * 2 ** attempt, 10_000)
    attempt += 1
    timer = setTimeout(() => {
      timer = undefined
      listen().then(() => {
        attempt = 0
        onResumed()
      }, (error: unknown) => {
        opts.onError?.(error, attempt)
        retry(onResumed)
      })
    }, delay)
    timer.unref()
  }

  return {
    async start(onPayload, onResumed) {
      // `onnotify` is how postgres.js itself delivers notifications, and null keeps the connection for good
      // (neither is in its public option types).
      const options = {
        max: 1,
        idle_timeout: null,
        max_lifetime: null,
        fetch_types: false,
        onnotice: () => {},
        connection: {
          application_name: LISTENER_APPLICATION_NAME,
          ...(opts.searchPath && { search_path: opts.searchPath }),
        },
        onclose: () => retry(onResumed),
        onnotify: (from: string, payload: string) => {
          if (from === channel) onPayload(payload)
        },
      } as unknown as postgres.Options<Record<string, postgres.PostgresType>>
      client = postgres(url, options)
      try {
        await listen()
      }
      catch (error) {
        // Not listening yet: subscribers run on their safety poll until the retry succeeds and wakes them.
        opts.onError?.(error, 0)
        retry(onResumed)
      }
    },
    async stop() {
      stopped = true
      clearTimeout(timer)
      await client?.end({ timeout: 1 })
    },
  }
}
