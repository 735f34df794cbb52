import type { ConsentChannel } from '@yibao/shared'
import type { Database } from './types'
import { desc, eq } from 'drizzle-orm'
import { residentConsents } from './schema'

export type ConsentRecord = Omit<typeof residentConsents.$inferSelect, 'action' | 'channel'> & {
  action: 'agree' | 'withdraw'
  channel: ConsentChannel
}
export type NewConsentRecord = Omit<ConsentRecord, 'id'>

/** Appends an agreement or a withdrawal to the account's consent record. */
export async function recordConsent(db: Database, record: NewConsentRecord): Promise<ConsentRecord> {
  const [row] = await db.insert(residentConsents).values(record).returning()
  return row as ConsentRecord
}

/** Where an account stands: its newest agreement or withdrawal, or `null` when it never agreed to anything. */
export async function latestConsent(db: Database, accountId: string): Promise<ConsentRecord | null> {
  const rows = await db.select().from(residentConsents)
    .where(eq(residentConsents.accountId, accountId))
    .orderBy(desc(residentConsents.id))
    .limit(1)
  return (rows[0] as ConsentRecord | undefined) ?? null
}
