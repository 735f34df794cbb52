import type { Context } from 'hono'
import type { ResidentAccount } from '../storage/residents'
import type { AppDeps, AppEnv } from './types'
import { maskIdCard } from '@yibao/shared'
import { findLink } from '../storage/family'
import { findResidentBy } from '../storage/residents'
import { accountConsent, consentValid, consentVersion } from './consent'
import { AppError } from './errors'
import { requireResident } from './session'

export interface CurrentResident {
  account: ResidentAccount
  /** Full ID number, decrypted for the bureau call; never returned or logged. */
  certNo: string
}

/**
 * A resident account by id, through the per-instance cache (read on every signed-in request; the
 * binding flow evicts what it changes, other instances see changes within the cache bound).
 */
export async function residentAccount(c: Context<AppEnv>, id: string): Promise<ResidentAccount | null> {
  const { storage, accountCache, now } = c.get('deps')
  const at = now().getTime()
  const cached = accountCache.get(id, at)
  if (cached) return cached
  const account = await findResidentBy(storage.db, 'id', id)
  if (account) accountCache.set(id, account, at)
  return account
}

// Masked ID numbers of cached account objects: the session view is read on every page load, and
// decrypting to mask costs more than the rest of that route. Dies with the cached object.
const maskedCertNos = new WeakMap<ResidentAccount, string>()

/** The account's ID number masked for display (`110101********1234`). */
export function maskedCertNo(c: Context<AppEnv>, account: ResidentAccount): string {
  let masked = maskedCertNos.get(account)
  if (masked === undefined) {
    masked = maskIdCard(c.get('deps').vault.decrypt(account.certNoEnc))
    maskedCertNos.set(account, masked)
  }
  return masked
}

/**
 * The signed-in resident whose data the request may process: 401 when nobody is signed in, 403 CONSENT_REQUIRED
 * until the resident has agreed to the current 用户协议 and 隐私政策, sensitive information included (never,
 * withdrawn, or an older version). The one consent check of every resident data route.
 */
export async function currentResident(c: Context<AppEnv>): Promise<CurrentResident> {
  const resident = await signedInResident(c)
  const deps = c.get('deps')
  if (!consentValid(await accountConsent(deps, resident.account), consentVersion(deps)))
    throw new AppError('CONSENT_REQUIRED', 403)
  return resident
}

/**
 * The signed-in resident with their ID number, or 401, whatever their consent: only for what stays open without
 * it (their sessions and signing out, the consent itself), never to process their data (`currentResident`).
 */
export async function signedInResident(c: Context<AppEnv>): Promise<CurrentResident> {
  const session = requireResident(c)
  const account = await residentAccount(c, session.accountId)
  if (!account) throw new AppError('UNAUTHENTICATED', 401)
  return { account, certNo: c.get('deps').vault.decrypt(account.certNoEnc) }
}

/** The signed-in resident and the principal their orders and refunds belong to (`resident:<id>`). */
export async function residentPrincipal(c: Context<AppEnv>): Promise<CurrentResident & { principal: string }> {
  const current = await currentResident(c)
  return { ...current, principal: `resident:${current.account.id}` }
}

export interface Subject {
  /** Whose data: the signed-in resident, or a family member through an active link they own. */
  channel: 'self' | 'family'
  certNo: string
  certRef: string
  /** The family link, when channel is `family`. */
  linkId: string | null
  /** The signed-in resident asking. */
  asker: ResidentAccount
}

/**
 * Resolves whose personal data a request may read: the caller's own (no `memberId`), or a family
 * member's through an ACTIVE link the caller owns. Anything else is 404, so ids of other people's links
 * reveal nothing (IDOR).
 */
export async function resolveSubject(c: Context<AppEnv>, memberId?: string | null): Promise<Subject> {
  return subjectOf(c.get('deps'), await currentResident(c), memberId)
}

/** `resolveSubject` for a resident already known (services take the app's dependencies, not a request). */
export async function subjectOf(deps: AppDeps, { account, certNo }: CurrentResident, memberId?: string | null): Promise<Subject & { nameMasked: string }> {
  if (!memberId) return { channel: 'self', certNo, certRef: account.certRef, linkId: null, asker: account, nameMasked: account.nameMasked }
  const link = await findLink(deps.storage.db, memberId)
  if (!link || link.ownerAccountId !== account.id || link.status !== 'active') throw new AppError('NOT_FOUND', 404)
  return { channel: 'family', certNo: deps.vault.decrypt(link.memberCertNoEnc), certRef: link.memberCertRef, linkId: link.id, asker: account, nameMasked: link.memberNameMasked }
}

/** The family link a read went through, as an audit target (none for one's own data). */
export function linkTarget(subject: Subject): string | undefined {
  return subject.linkId ? `family_link:${subject.linkId}` : undefined
}

/**
 * Records a resident's access to a subject's data (their own, or a bound member's through the link),
 * with the request's id and address: the one shape every resident-facing read and change is audited in.
 */
export function auditSubject(c: Context<AppEnv>, subject: Subject, event: { action: string, success: boolean, target?: string, detail?: Record<string, unknown> }) {
  const deps = c.get('deps')
  return deps.audit.record({
    actorType: 'resident',
    actorId: subject.asker.id,
    subjectRef: subject.certRef,
    subjectMasked: maskIdCard(subject.certNo),
    channel: subject.channel,
    action: event.action,
    ...(event.target && { target: event.target }),
    success: event.success,
    requestId: c.get('requestId'),
    clientIp: deps.clientIp(c),
    ...(event.detail && { detail: event.detail }),
  })
}
