import { describe, expect, it } from 'vitest'
import { decideLink } from './family'

describe('family link rules (issue 4: 亲情账户)', () => {
  it('links a child under 16 at once when the household register confirms the relation', () => {
    expect(decideLink(12, { sameHousehold: true, relation: 'child' })).toEqual({ kind: 'active', consentMethod: 'household_register' })
    expect(decideLink(3, { sameHousehold: true, relation: 'grandchild' })).toEqual({ kind: 'active', consentMethod: 'household_register' })
  })
  it('refuses a child the register does not show as the asker\'s child in the same household', () => {
    expect(decideLink(12, { sameHousehold: false, relation: 'child' })).toEqual({ kind: 'refused', reason: 'not_confirmed_child' })
    expect(decideLink(12, { sameHousehold: true, relation: 'sibling' })).toEqual({ kind: 'refused', reason: 'not_confirmed_child' })
  })
  it('asks anyone aged 16 or more to consent, whatever the register says', () => {
    expect(decideLink(16, { sameHousehold: true, relation: 'child' })).toEqual({ kind: 'needs_consent' })
    expect(decideLink(70, { sameHousehold: true, relation: 'parent' })).toEqual({ kind: 'needs_consent' })
  })
})
