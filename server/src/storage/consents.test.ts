import type { Storage } from './types'
import process from 'node:process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestStorage } from '../testing/storage'
import { latestConsent, recordConsent } from './consents'
import { upsertResident } from './residents'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

async function account(n: number) {
  return upsertResident(storage.db, {
    certRef: `consent-ref-${n}`,
    certNoEnc: 'sealed',
    nameMasked: '孙*',
    regionCode: '370502',
  })
}

const agreement = {
  action: 'agree' as const,
  version: '2026-12-01',
  general: true,
  sensitive: true,
  channel: 'phone' as const,
}
const withdrawal = { ...agreement, action: 'withdraw' as const, general: false, sensitive: false }

describe(`resident consents on ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('keeps every step and answers the newest one per account (none: null)', async () => {
    const [a, b] = [await account(1), await account(2)]
    expect(await latestConsent(storage.db, a.id)).toBeNull()
    const at = new Date('2026-12-01T02:00:00Z')
    const first = await recordConsent(storage.db, { ...agreement, accountId: a.id, at })
    expect(first).toMatchObject({ ...agreement, accountId: a.id, at })
    expect(first.id).toEqual(expect.any(Number))
    await recordConsent(storage.db, { ...agreement, accountId: b.id, channel: 'wechat', at })
    // Recorded in the same instant: the later step still wins (rows are ordered by their id).
    await recordConsent(storage.db, { ...withdrawal, accountId: a.id, at })
    expect(await latestConsent(storage.db, a.id)).toMatchObject({ ...withdrawal, accountId: a.id })
    expect(await latestConsent(storage.db, b.id)).toMatchObject({ action: 'agree', channel: 'wechat', accountId: b.id })
    const later = new Date('2027-03-01T00:00:00Z')
    await recordConsent(storage.db, { ...agreement, accountId: a.id, version: '2027-03-01', at: later })
    expect(await latestConsent(storage.db, a.id)).toMatchObject({ action: 'agree', version: '2027-03-01' })
  })

  it('refuses a consent of an account that does not exist', async () => {
    const orphan = { ...agreement, accountId: '00000000-0000-4000-8000-000000000000', at: new Date() }
    await expect(recordConsent(storage.db, orphan)).rejects.toThrow()
  })
})
