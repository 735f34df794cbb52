const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * An id in the form PostgreSQL's `uuid` type reads (8-4-4-4-12 hex digits). Ids come from URLs and
 * bodies: anything else is simply "not found", never a query that fails (`'-'.repeat(36)::uuid` does).
 */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value)
}
