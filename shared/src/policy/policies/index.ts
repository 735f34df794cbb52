import type { PolicySummary } from '../api-schemas'
import type { PolicyId } from '../ids'
import type { Policy, PolicyInput } from '../policy-schema'
import { POLICY_IDS } from '../ids'
import { dongying2020 } from './dongying-2020'
import { fengxiang2020 } from './fengxiang-2020'
import { guizhou2019 } from './guizhou-2019'

// The policies are not parsed when this module loads: the estimate screen runs the engine in the browser, and
// zod would cost the phone ~90 KiB of script at start. policies.test.ts holds each one to `PolicySchema`, exactly
// as written (the schema neither fills in nor changes a value).
function load(data: PolicyInput): Policy {
  return deepFreeze(data)
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

/** Every known policy, keyed by id. Frozen. */
export const POLICIES: Readonly<Record<PolicyId, Policy>> = Object.freeze({
  'dongying-2020': load(dongying2020),
  'fengxiang-2020': load(fengxiang2020),
  'guizhou-2019': load(guizhou2019),
})

/** True when `id` names a known policy. */
export function isPolicyId(id: unknown): id is PolicyId {
  return typeof id === 'string' && (POLICY_IDS as readonly string[]).includes(id)
}

/** The policy with this id; throws `RangeError` for an unknown id (validate input with `EstimateInputSchema` first). */
export function getPolicy(id: string): Policy {
  if (!isPolicyId(id)) throw new RangeError(`unknown policy id: ${id}`)
  return POLICIES[id]
}

/** Summaries of all policies, for a region picker. */
export function listPolicies(): PolicySummary[] {
  return POLICY_IDS.map((id) => {
    const p = POLICIES[id]
    return { id: p.id, title: p.title, region: p.region, regionCode: p.regionCode, year: p.year, source: p.source }
  })
}
