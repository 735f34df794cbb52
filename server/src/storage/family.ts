import type { Database } from './types'
import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import { familyLinks } from './schema'
import { isUuid } from './ids'

export type FamilyLink = typeof familyLinks.$inferSelect
const OPEN = ['pending_consent', 'active']

/** Links a resident made that are active or awaiting consent. */
export async function listOpenLinksOfOwner(db: Database, ownerAccountId: string): Promise<FamilyLink[]> {
  return db.select().from(familyLinks).where(and(eq(familyLinks.ownerAccountId, ownerAccountId), inArray(familyLinks.status, OPEN))).orderBy(desc(familyLinks.createdAt))
}

/** Links that name this person as the member (requests to consent to, and who can see them). */
export async function listOpenLinksOfMember(db: Database, memberCertRef: string): Promise<FamilyLink[]> {
  return db.select().from(familyLinks).where(and(eq(familyLinks.memberCertRef, memberCertRef), inArray(familyLinks.status, OPEN))).orderBy(desc(familyLinks.createdAt))
}

export async function insertLink(db: Database, link: typeof familyLinks.$inferInsert): Promise<FamilyLink> {
  const rows = await db.insert(familyLinks).values(link).returning()
  return rows[0]!
}

/** Moves an open link to a new status; `null` when it is not open (or not there). */
export async function updateOpenLink(db: Database, id: string, from: string[], to: { status: string, consentMethod?: string, now: Date }): Promise<FamilyLink | null> {
  const set = to.status === 'active'
    ? { status: to.status, consentMethod: to.consentMethod, activatedAt: to.now }
    : { status: to.status, endedAt: to.now }
  const rows = await db.update(familyLinks).set(set).where(and(eq(familyLinks.id, id), inArray(familyLinks.status, from))).returning()
  return rows[0] ?? null
}

export async function findLink(db: Database, id: string): Promise<FamilyLink | null> {
  // ids come from URLs: a malformed uuid is simply "not found", not a database error.
  if (!isUuid(id)) return null
  const rows = await db.select().from(familyLinks).where(eq(familyLinks.id, sql`${id}::uuid`)).limit(1)
  return rows[0] ?? null
}
