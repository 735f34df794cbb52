import type { InferResponseType } from 'hono/client'
import type { api } from '../../api/client'

/** The 异地就医备案 list as the BFF returns it (types from the server's route, no copy by hand). */
export type FilingsView = InferResponseType<typeof api.api.v1['cross-region']['filings']['$get'], 200>
export type FilingView = FilingsView['filings'][number]
