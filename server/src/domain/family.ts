import type { FamilyRelation } from '@yibao/shared'

/** 亲情账户: at most this many family members per resident (active or awaiting consent). */
export const MAX_FAMILY_MEMBERS = 5
/** From this age a member must consent to being linked. */
export const CONSENT_AGE = 16

export type LinkDecision
  = | { kind: 'active', consentMethod: 'household_register' }
    | { kind: 'needs_consent' }
    | { kind: 'refused', reason: 'not_confirmed_child' }

/**
 * How a new family link starts. A child under 16 is linked at once when the household register shows
 * them as the asker's child or grandchild in the same household; anyone 16 or older must consent; a
 * child the register does not confirm cannot be linked online (the help desk can check papers).
 */
export function decideLink(memberAge: number, register: { sameHousehold: boolean, relation: FamilyRelation }): LinkDecision {
  if (memberAge >= CONSENT_AGE) return { kind: 'needs_consent' }
  if (register.sameHousehold && (register.relation === 'child' || register.relation === 'grandchild'))
    return { kind: 'active', consentMethod: 'household_register' }
  return { kind: 'refused', reason: 'not_confirmed_child' }
}
