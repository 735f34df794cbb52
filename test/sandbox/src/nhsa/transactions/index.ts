import type { NhsaTransaction } from '../registry'
import { personInfo1101 } from './1101-person-info'
import { familyRelation1160 } from './1160-family-relation'
import { crossRegionFiling2551 } from './2551-cross-region-filing'
import { crossRegionCancel2552 } from './2552-cross-region-cancel'
import { settlementInfo5203 } from './5203-settlement-info'
import { cumulativeInfo5206 } from './5206-cumulative-info'
import { settlementList5260 } from './5260-settlement-list'
import { chronicFilings5301 } from './5301-chronic-filings'
import { crossRegionList5302 } from './5302-cross-region-list'

/**
 * Every national-platform transaction the sandbox answers. To add one, create
 * `nhsa/transactions/<infno>-<name>.ts` with `defineTransaction(...)` and list it here.
 */
export const NHSA_TRANSACTIONS: readonly NhsaTransaction[] = [
  personInfo1101,
  familyRelation1160,
  crossRegionFiling2551,
  crossRegionCancel2552,
  settlementInfo5203,
  cumulativeInfo5206,
  settlementList5260,
  chronicFilings5301,
  crossRegionList5302,
]
