import type { SpecialStatus } from '@yibao/shared'
import type { PolicyRegion, SandboxDataset, SandboxHousehold, SandboxPerson, SandboxTag } from './model'
import { generateSeed } from './generate'

/** Filters for `listPersons`; all given filters must match. */
export interface PersonFilter {
  policyRegion?: PolicyRegion
  /** County code, or a prefix of it (`'52'` = all of Guizhou). */
  countyCode?: string
  tag?: SandboxTag
  /** Has this special status (at any time). */
  status?: SpecialStatus
}

/**
 * Query API over one sandbox population. Each `createSandbox()` owns its own store, so later features
 * (payments, bindings, registrations) may mutate the persons without leaking between tests.
 */
export interface ResidentStore {
  /** The underlying data (mutable by transaction handlers of later features). */
  readonly dataset: SandboxDataset
  /** Person by GB 11643 number (a lower-case `x` is accepted). */
  findPersonByCertNo: (certNo: string) => SandboxPerson | undefined
  /** Person by psn_no 人员编号. */
  findPersonByPsnNo: (psnNo: string) => SandboxPerson | undefined
  /** Person by 医保电子凭证 token (1101 with mdtrt_cert_type '01'). */
  findPersonByEcToken: (token: string) => SandboxPerson | undefined
  /** Person by 社会保障卡卡号 (1101 with mdtrt_cert_type '03'). */
  findPersonBySsCardNo: (cardNo: string) => SandboxPerson | undefined
  /** Persons matching the filter, in seed order. */
  listPersons: (filter?: PersonFilter) => SandboxPerson[]
  /** Household by 户号. */
  findHousehold: (householdId: string) => SandboxHousehold | undefined
  /** Members of a household (head first) by 户号 or by the certNo of any member; `[]` when unknown. */
  listHousehold: (householdIdOrCertNo: string) => SandboxPerson[]
  /** All households in seed order. */
  listHouseholds: () => SandboxHousehold[]
}

/**
 * Creates a store over a dataset (a freshly generated seed by default).
 *
 * @example
 * const store = createResidentStore()
 * store.listHousehold(DEMO_RESIDENT_CERT_NO).map(p => p.relationLabel) // ['户主', '夫', '女', '母亲']
 */
export function createResidentStore(dataset: SandboxDataset = generateSeed()): ResidentStore {
  const byCert = new Map(dataset.persons.map(p => [p.certNo, p]))
  const find = <K extends 'psnNo' | 'ecToken' | 'ssCardNo'>(key: K) => (value: string): SandboxPerson | undefined =>
    dataset.persons.find(p => p[key] === value)
  const findHousehold = (id: string): SandboxHousehold | undefined => dataset.households.find(h => h.id === id)
  return {
    dataset,
    findPersonByCertNo: certNo => byCert.get(certNo.trim().toUpperCase()),
    findPersonByPsnNo: find('psnNo'),
    findPersonByEcToken: find('ecToken'),
    findPersonBySsCardNo: find('ssCardNo'),
    listPersons: (filter = {}) => dataset.persons.filter(p =>
      (filter.policyRegion === undefined || p.policyRegion === filter.policyRegion)
      && (filter.countyCode === undefined || p.countyCode.startsWith(filter.countyCode))
      && (filter.tag === undefined || p.tags.includes(filter.tag))
      && (filter.status === undefined || p.statuses.some(s => s.status === filter.status))),
    findHousehold,
    listHousehold: (key) => {
      const household = findHousehold(key) ?? findHousehold(byCert.get(key.trim().toUpperCase())?.householdId ?? '')
      if (!household) return []
      return household.memberCertNos.map(certNo => byCert.get(certNo)).filter((p): p is SandboxPerson => p !== undefined)
    },
    listHouseholds: () => [...dataset.households],
  }
}

let defaultStore: ResidentStore | undefined

function store(): ResidentStore {
  defaultStore ??= createResidentStore()
  return defaultStore
}

/** `findPersonByCertNo` over a shared default population (read it, do not mutate it). */
export function findPersonByCertNo(certNo: string): SandboxPerson | undefined {
  return store().findPersonByCertNo(certNo)
}

/** `listPersons` over a shared default population (read it, do not mutate it). */
export function listPersons(filter?: PersonFilter): SandboxPerson[] {
  return store().listPersons(filter)
}

/** `listHousehold` over a shared default population (read it, do not mutate it). */
export function listHousehold(householdIdOrCertNo: string): SandboxPerson[] {
  return store().listHousehold(householdIdOrCertNo)
}
