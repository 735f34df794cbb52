import type { AppDeps } from '../lib/types'
import type { Storage } from '../storage/types'
import { shanghaiDate } from '@yibao/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../lib/errors'
import { createTestStaff } from '../testing/staff'
import { createTestStorage } from '../testing/storage'
import { createTestApp } from '../testing/test-app'
import { assertClerkInScope, clerkFor, closeDay, dayCloseList } from './day-close'

/**
 * Whose 日结 a staff member may see (payments/day-close.ts): an admin every clerk's, whatever the regions;
 * a clerk only their own (FORBIDDEN for another clerk's, even of the same region); a supervisor those of
 * their regions (OUT_OF_REGION elsewhere).
 */
let storage: Storage
let deps: AppDeps
beforeAll(async () => {
  storage = await createTestStorage()
  deps = createTestApp({ storage }).deps
})
afterAll(async () => {
  await storage?.close()
})

function outcome(f: () => unknown): unknown {
  try {
    f()
    return 'allowed'
  }
  catch (e) {
    return e instanceof AppError ? [e.code, e.status] : e
  }
}

function codeOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => 'allowed', (e: unknown) => e instanceof AppError ? [e.code, e.status] : e)
}

describe('assertClerkInScope', () => {
  const guiyangClerk = { id: 'clerk-gy', regionCodes: ['520102'] }

  it('an admin sees any clerk\'s day, with no region in common', () => {
    const admin = { id: 'admin-dy', role: 'admin' as const, regionCodes: ['370500'] }
    expect(outcome(() => assertClerkInScope(admin, guiyangClerk))).toBe('allowed')
    expect(outcome(() => assertClerkInScope(admin, { id: 'clerk-none', regionCodes: [] }))).toBe('allowed')
  })

  it('a clerk sees no other clerk\'s day (FORBIDDEN), even of their own region; their own always', () => {
    const clerk = { id: 'clerk-dy', role: 'clerk' as const, regionCodes: ['370500'] }
    expect(outcome(() => assertClerkInScope(clerk, { id: 'clerk-dy-2', regionCodes: ['370500'] })))
      .toEqual(['FORBIDDEN', 403])
    expect(outcome(() => assertClerkInScope(clerk, guiyangClerk))).toEqual(['FORBIDDEN', 403])
    expect(outcome(() => assertClerkInScope(clerk, { id: 'clerk-dy', regionCodes: ['370500'] }))).toBe('allowed')
  })

  it('a supervisor elsewhere gets OUT_OF_REGION, of the region sees it', () => {
    const elsewhere = { id: 'sup-dy', role: 'supervisor' as const, regionCodes: ['370500'] }
    expect(outcome(() => assertClerkInScope(elsewhere, guiyangClerk))).toEqual(['OUT_OF_REGION', 403])
    const there = { id: 'sup-gz', role: 'supervisor' as const, regionCodes: ['520000'] }
    expect(outcome(() => assertClerkInScope(there, guiyangClerk))).toBe('allowed')
  })
})

describe('a clerk\'s day as each role asks for it (stored accounts)', () => {
  it('clerkFor: an admin of another region gets the clerk; another clerk FORBIDDEN', async () => {
    const clerk = (await createTestStaff(deps, { role: 'clerk', regions: ['520102'] })).account
    const admin = (await createTestStaff(deps, { role: 'admin', regions: ['370500'] })).account
    const other = (await createTestStaff(deps, { role: 'clerk', regions: ['520102'] })).account
    expect(await clerkFor(deps, admin, clerk.id)).toMatchObject({ id: clerk.id, regionCodes: ['520102'] })
    expect(await codeOf(clerkFor(deps, other, clerk.id))).toEqual(['FORBIDDEN', 403])
  })

  it('dayCloseList: an admin of another region lists the clerk\'s closed day; a supervisor elsewhere not', async () => {
    const day = shanghaiDate(deps.now())
    const clerk = (await createTestStaff(deps, { role: 'clerk', regions: ['520102'] })).account
    expect((await closeDay(deps, clerk, day)).closed).toBe(true)
    const admin = (await createTestStaff(deps, { role: 'admin', regions: ['370500'] })).account
    const supervisor = (await createTestStaff(deps, { role: 'supervisor', regions: ['370500'] })).account

    const byAdmin = await dayCloseList(deps, admin, day)
    expect(byAdmin.clerks.find(c => c.staff.id === clerk.id)).toMatchObject({ status: 'closed' })
    const bySupervisor = await dayCloseList(deps, supervisor, day)
    expect(bySupervisor.clerks.map(c => c.staff.id)).not.toContain(clerk.id)
  })
})
