import type { Database } from './types'
import { inArray } from 'drizzle-orm'
import { isUuid } from './ids'
import { deskActs, staffAccounts } from './schema'
import { eq } from 'drizzle-orm'

export type DeskActKind = 'refund' | 'cross_region.file' | 'cross_region.change' | 'cross_region.cancel'
export type NewDeskAct = typeof deskActs.$inferInsert

/** Records an act the desk did for a resident; the same act (kind + target) again is a no-op (a replayed request). */
export async function insertDeskAct(db: Database, act: NewDeskAct): Promise<void> {
  await db.insert(deskActs).values(act).onConflictDoNothing({ target: [deskActs.kind, deskActs.target] })
}

export interface DeskActRow {
  kind: string
  target: string
  hallRegion: string
  consent: string
  staffName: string
  at: Date
}

/** The desk acts on these targets (`refund:<id>`, `filing:<id>`), with the clerk's display name, oldest first. */
export async function deskActsOn(db: Database, targets: string[]): Promise<DeskActRow[]> {
  if (!targets.length) return []
  return db.select({
    kind: deskActs.kind,
    target: deskActs.target,
    hallRegion: deskActs.hallRegion,
    consent: deskActs.consent,
    staffName: staffAccounts.displayName,
    at: deskActs.at,
  }).from(deskActs)
    .innerJoin(staffAccounts, eq(staffAccounts.id, deskActs.staffId))
    .where(inArray(deskActs.target, targets))
    .orderBy(deskActs.at)
}

/** Display names and regions of staff accounts by id (who served a resident, and at which hall); unknown ids left out. */
export async function staffByIds(db: Database, ids: string[]): Promise<Map<string, { name: string, regionCodes: string[] }>> {
  const uuids = [...new Set(ids)].filter(isUuid)
  if (!uuids.length) return new Map()
  const rows = await db.select({ id: staffAccounts.id, name: staffAccounts.displayName, regionCodes: staffAccounts.regionCodes })
    .from(staffAccounts).where(inArray(staffAccounts.id, uuids))
  return new Map(rows.map(r => [r.id, { name: r.name, regionCodes: r.regionCodes }]))
}
