import type { ConsentChannel, ConsentState } from '@yibao/shared'
import type { ConsentRecord } from '../storage/consents'
import type { ResidentAccount } from '../storage/residents'
import type { SessionRecord } from '../storage/sessions'
import type { AppDeps } from './types'
import { CONSENT_VERSION, toShanghaiIso } from '@yibao/shared'
import { latestConsent } from '../storage/consents'

/**
 * 用户协议、隐私政策 and the separate consent to sensitive personal information (PIPL Art. 14, 29): the version
 * residents must have agreed to before the app processes their data, and where an account stands. The guard
 * itself is `currentResident` (lib/resident.ts): every resident data route goes through it.
 */

/** The version residents are asked to agree to: the texts' own, or the sandbox's override (env CONSENT_VERSION). */
export function consentVersion(deps: Pick<AppDeps, 'env'>): string {
  return deps.env.CONSENT_VERSION ?? CONSENT_VERSION
}

/**
 * The account's newest consent record (`null`: none of its present holder), through the per-instance cache: read on
 * every resident data request. This instance's writes evict it; another instance's are seen within the cache's bound
 * (a withdrawal also ends every session, which the session cache bounds alike). A record from before the account
 * last moved to another phone (刷脸找回, or 换绑 at the desk) does not count: it was given by whoever held the
 * account then, or on a phone that is gone; the person now holding it is asked.
 */
export async function accountConsent(
  deps: AppDeps,
  account: Pick<ResidentAccount, 'id' | 'recoveredAt'>,
): Promise<ConsentRecord | null> {
  const at = deps.now().getTime()
  let record = deps.consentCache.get(account.id, at)?.record
  if (record === undefined) {
    record = await latestConsent(deps.storage.db, account.id)
    deps.consentCache.set(account.id, { record }, at)
  }
  return record && account.recoveredAt && record.at < account.recoveredAt ? null : record
}

/** Whether a record is a standing agreement, to everything, of this version. */
export function consentValid(record: ConsentRecord | null, version: string): boolean {
  return record?.action === 'agree' && record.version === version && record.general && record.sensitive
}

/** Where the resident stands, as `GET /me/consent` and the session view tell the app. */
export function consentState(record: ConsentRecord | null, version: string): ConsentState {
  return {
    version,
    required: !consentValid(record, version),
    agreed: record?.action === 'agree'
      ? {
          version: record.version,
          at: toShanghaiIso(record.at),
          general: record.general,
          sensitive: record.sensitive,
          channel: record.channel,
        }
      : null,
    withdrawnAt: record?.action === 'withdraw' ? toShanghaiIso(record.at) : null,
  }
}

/** How a resident session was signed in (WeChat sign-ins say so in the session; every other one proved a phone). */
export function sessionChannel(session: Pick<SessionRecord, 'data'>): ConsentChannel {
  return session.data.via === 'wechat' ? 'wechat' : 'phone'
}
