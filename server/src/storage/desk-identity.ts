import type { NewResident, ResidentAccount } from './residents'
import type { Database } from './types'
import { isNull } from 'drizzle-orm'
import { isPhoneTaken } from './residents'
import { residentAccounts } from './schema'

export type DeskBindResult
  = | { ok: true, account: ResidentAccount }
    | { ok: false, reason: 'already_bound' | 'phone_taken' }

/**
 * Binds a person no phone holds yet to a phone, in one statement: creates their account, or gives the
 * phone to an existing account that has none. An account that has a phone is left alone (`already_bound`:
 * someone bound or moved it in the meantime, and the caller recovers instead), so two desks binding one
 * person at once bind once. `phone_taken`: another person's account holds the phone (unique index).
 */
export async function bindUnboundPerson(
  db: Database,
  a: NewResident & { phoneRef: string, phoneEnc: string, now: Date },
): Promise<DeskBindResult> {
  const { now, ...values } = a
  try {
    const rows = await db.insert(residentAccounts).values({ ...values, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: residentAccounts.certRef,
        set: {
          phoneRef: a.phoneRef,
          phoneEnc: a.phoneEnc,
          nameMasked: a.nameMasked,
          regionCode: a.regionCode,
          updatedAt: now,
        },
        setWhere: isNull(residentAccounts.phoneRef),
      })
      .returning()
    return rows[0] ? { ok: true, account: rows[0] } : { ok: false, reason: 'already_bound' }
  }
  catch (error) {
    if (isPhoneTaken(error)) return { ok: false, reason: 'phone_taken' }
    throw error
  }
}
