import type { InferResponseType } from 'hono/client'
import type { api } from '../../api/client'

/** A refund as the BFF shows it (masked name and ID number; from the server's routes, no copy by hand). */
export type RefundView = InferResponseType<(typeof api.api.v1.refunds)[':id']['$get'], 200>
/** What each reason would give back for one line, and on which clause (`GET /refunds/options`). */
export type RefundOptionsView = InferResponseType<(typeof api.api.v1.refunds)['options']['$get'], 200>
