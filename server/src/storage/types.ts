import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import type { OrderEvents } from './order-events'
import type * as schema from './schema'

/** The one data layer: Drizzle over PostgreSQL, whichever engine runs it (PGlite or a server). */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>

export interface Storage {
  db: Database
  driver: 'pglite' | 'postgres'
  /**
   * Runs one parameterised statement on the driver itself, skipping the query builder: for the few hot
   * writes where building the query cost more than running it (the audit trail's group commit).
   */
  run: (text: string, params: unknown[]) => Promise<void>
  /** Order status changes pushed from any instance on this database (LISTEN/NOTIFY), for the order event streams. */
  orderEvents: OrderEvents
  /** Cheap liveness query for /readyz. */
  ping: () => Promise<void>
  close: () => Promise<void>
}
