import type { Database } from './types'
import { and, desc, eq, gt, isNull } from 'drizzle-orm'
import { faceChecks } from './schema'
import { isUuid } from './ids'

export type FaceCheck = typeof faceChecks.$inferSelect
export type FacePurpose = 'bind' | 'unmask_self' | 'family_bind' | 'recover'
export type FaceCheckStatus = 'pending' | 'passed' | 'failed' | 'not_same_person' | 'expired'

export async function insertFaceCheck(db: Database, check: typeof faceChecks.$inferInsert): Promise<FaceCheck> {
  const [row] = await db.insert(faceChecks).values(check).returning()
  return row!
}

export async function findFaceCheck(db: Database, id: string): Promise<FaceCheck | null> {
  if (!isUuid(id)) return null
  const rows = await db.select().from(faceChecks).where(eq(faceChecks.id, id)).limit(1)
  return rows[0] ?? null
}

/** The newest check a session started for a purpose (and a person, when `certRef` is given). */
export async function latestFaceCheck(
  db: Database,
  sessionId: string,
  purpose: FacePurpose,
  certRef?: string,
): Promise<FaceCheck | null> {
  const rows = await db.select().from(faceChecks)
    .where(and(
      eq(faceChecks.sessionId, sessionId),
      eq(faceChecks.purpose, purpose),
      certRef === undefined ? undefined : eq(faceChecks.certRef, certRef),
    ))
    .orderBy(desc(faceChecks.createdAt)).limit(1)
  return rows[0] ?? null
}

/** Records how a pending check ended (once: a check that already has a result keeps it). */
export async function settleFaceCheck(
  db: Database,
  id: string,
  status: Exclude<FaceCheckStatus, 'pending'>,
  at: Date,
): Promise<FaceCheck | null> {
  const rows = await db.update(faceChecks).set({ status, resultAt: at })
    .where(and(eq(faceChecks.id, id), eq(faceChecks.status, 'pending'))).returning()
  return rows[0] ?? null
}

/**
 * Uses a passed check: one conditional UPDATE, so of two requests racing for it exactly one gets the row.
 * Only a check of this session, person and purpose, passed, unused and unexpired at `at`.
 */
export async function consumeFaceCheck(
  db: Database,
  c: { id: string, sessionId: string, certRef: string, purpose: FacePurpose, at: Date },
): Promise<boolean> {
  const rows = await db.update(faceChecks).set({ consumedAt: c.at })
    .where(and(
      eq(faceChecks.id, c.id),
      eq(faceChecks.sessionId, c.sessionId),
      eq(faceChecks.certRef, c.certRef),
      eq(faceChecks.purpose, c.purpose),
      eq(faceChecks.status, 'passed'),
      isNull(faceChecks.consumedAt),
      gt(faceChecks.expiresAt, c.at),
    ))
    .returning({ id: faceChecks.id })
  return rows.length === 1
}
