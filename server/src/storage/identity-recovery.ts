import type { ResidentAccount } from './residents'
import type { Database } from './types'
import { and, eq, isNull } from 'drizzle-orm'
import { isPhoneTaken } from './residents'
import { residentAccounts, sessions } from './schema'

export type MoveAccountResult
  = | { ok: true, account: ResidentAccount, oldPhoneEnc: string | null, sessionsEnded: number }
    | { ok: false, reason: 'no_account' | 'same_phone' | 'phone_taken' | 'recently_recovered' }

/**
 * 找回: moves a person's account to a new phone in one transaction. The account row is locked first, so two
 * recoveries of one person (or a recovery and a bind) run one after the other: the second sees the first's
 * result. The old phone and the WeChat openid are unbound and every live session of the account is ended
 * in the same commit. `notRecoveredSince`: refuse when the account was already recovered after this instant.
 */
export async function moveAccountToPhone(db: Database, m: {
  certRef: string
  phoneRef: string
  phoneEnc: string
  now: Date
  notRecoveredSince?: Date
}): Promise<MoveAccountResult> {
  try {
    return await db.transaction(async (tx) => {
      const [account] = await tx.select().from(residentAccounts).where(eq(residentAccounts.certRef, m.certRef))
        .for('update')
      if (!account) return { ok: false, reason: 'no_account' } as const
      if (account.phoneRef === m.phoneRef) return { ok: false, reason: 'same_phone' } as const
      if (m.notRecoveredSince && account.recoveredAt && account.recoveredAt > m.notRecoveredSince)
        return { ok: false, reason: 'recently_recovered' } as const
      const [holder] = await tx.select({ id: residentAccounts.id }).from(residentAccounts)
        .where(eq(residentAccounts.phoneRef, m.phoneRef)).limit(1)
      if (holder) return { ok: false, reason: 'phone_taken' } as const
      const [moved] = await tx.update(residentAccounts)
        .set({ phoneRef: m.phoneRef, phoneEnc: m.phoneEnc, openid: null, recoveredAt: m.now, updatedAt: m.now })
        .where(eq(residentAccounts.id, account.id))
        .returning()
      const ended = await tx.update(sessions).set({ revokedAt: m.now })
        .where(and(eq(sessions.kind, 'resident'), eq(sessions.accountId, account.id), isNull(sessions.revokedAt)))
        .returning({ id: sessions.id })
      return { ok: true, account: moved!, oldPhoneEnc: account.phoneEnc, sessionsEnded: ended.length } as const
    })
  }
  catch (error) {
    // Another account took the new phone between the look-up and the update (the unique index decides).
    if (isPhoneTaken(error)) return { ok: false, reason: 'phone_taken' }
    throw error
  }
}
