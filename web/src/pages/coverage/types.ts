import type { InferResponseType } from 'hono/client'
import type { api } from '../../api/client'

/** The coverage view as the BFF returns it (types from the server's route, no copy by hand). */
export type CoverageView = InferResponseType<typeof api.api.v1.coverage.$get, 200>
export type EntitlementsView = NonNullable<CoverageView['entitlements']>
export type UsageView = NonNullable<CoverageView['usage']>
/** One person's coverage without whose link it is (the resident's page and the help desk's pane alike). */
export type CoverageData = Omit<CoverageView, 'subject'>
