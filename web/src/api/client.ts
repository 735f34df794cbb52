import type { AppType } from '@yibao/server/app'
import { hc } from 'hono/client'
import { csrfHeaders } from './csrf'

/** The typed client's type, named through `AppType` only (server-internal type names stay out of web's declarations). */
export type ApiClient = ReturnType<typeof hc<AppType>>

/** Typed client of the BFF (type-only import: no server code reaches the bundle). */
export const api: ApiClient = hc<AppType>('/', {
  init: { credentials: 'same-origin' },
  headers: csrfHeaders,
})
