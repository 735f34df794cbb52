import type { Storage } from '../storage/types'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { hitRateLimit } from '../storage/rate-limits'
import { rateLimits, signInGuards } from '../storage/schema'
import { countAccountFailure, reserveSignInAttempt } from '../storage/staff'
import { createTestClock } from '../testing/clock'
import { createTestStorage } from '../testing/storage'
import { createLogger } from './logger'
import { runMaintenance, startMaintenance } from './maintenance'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

const HOUR = 3600_000

/** Counters written 2 days, 2 hours and a moment before `at`, and a sign-in lock still running at `at`. */
async function seed(at: Date) {
  const ago = (ms: number) => new Date(at.getTime() - ms)
  await hitRateLimit(storage.db, 'sms-ip', 'old', 3600, ago(48 * HOUR))
  await hitRateLimit(storage.db, 'sms-ip', 'recent', 3600, ago(2 * HOUR))
  await hitRateLimit(storage.db, 'sms-ip', 'now', 3600, at)
  const guard = { accountRef: 'staff:a', lockAfter: 6, lockUntil: ago(48 * HOUR - 900_000) }
  await reserveSignInAttempt(storage.db, { ...guard, sourceRef: 'old-source', now: ago(48 * HOUR) })
  await countAccountFailure(storage.db, 'staff:a', ago(49 * HOUR), ago(48 * HOUR))
  await reserveSignInAttempt(storage.db, { ...guard, sourceRef: 'recent-source', now: ago(HOUR) })
  // Locked two days ago until well after `at` (an admin-length lock): kept while it runs.
  await reserveSignInAttempt(storage.db, {
    ...guard,
    lockAfter: 1,
    lockUntil: new Date(at.getTime() + HOUR),
    sourceRef: 'locked-source',
    now: ago(48 * HOUR),
  })
}

async function remaining() {
  const limits = (await storage.db.select().from(rateLimits)).map(r => r.subject).sort()
  const guards = (await storage.db.select().from(signInGuards)).map(g => g.sourceRef).sort()
  return { limits, guards }
}

describe('maintenance', () => {
  it('prunes rate-limit windows and sign-in counts that no longer count, on the app\'s clock', async () => {
    const clock = createTestClock('2026-11-20T10:00:00+08:00', { frozen: true })
    await seed(clock.now())
    expect((await remaining()).limits).toEqual(['now', 'old', 'recent'])
    await runMaintenance({ storage, now: clock.now })
    expect(await remaining()).toEqual({
      limits: ['now', 'recent'],
      guards: ['locked-source', 'recent-source'],
    })
  })

  it('runs by itself on an unref\'d timer until stopped', async () => {
    const clock = createTestClock('2026-11-25T10:00:00+08:00', { frozen: true })
    await hitRateLimit(storage.db, 'sms-ip', 'stale', 3600, new Date(clock.now().getTime() - 48 * HOUR))
    const setIntervalSpy = vi.spyOn(globalThis, 'setInterval')
    const deps = { storage, now: clock.now, logger: createLogger('silent') }
    const maintenance = startMaintenance(deps, { intervalMs: 20 })
    try {
      const timer = setIntervalSpy.mock.results[0]!.value as NodeJS.Timeout
      expect(timer.hasRef()).toBe(false)
      await vi.waitFor(async () => expect((await remaining()).limits).not.toContain('stale'), { timeout: 5000 })
    }
    finally {
      maintenance.stop()
      setIntervalSpy.mockRestore()
    }
  })
})
