import type { Logger } from '../lib/logger'
import type { TtlCache } from '../lib/ttl-cache'
import type { AppDeps } from '../lib/types'
import type { CarrierCheckResult } from '../upstream/carrier/client'
import { maskIdCard } from '@yibao/shared'
import { AppError, UpstreamError } from '../lib/errors'
import { phoneActorId } from '../lib/session'
import { createTtlCache } from '../lib/ttl-cache'

/**
 * A match is remembered this long (per instance) for one person + phone: the retry of /bind after the
 * face step does not ask the carrier (a charged call) a second time. Refusals and unknowns are not kept.
 */
export const CARRIER_MATCH_REUSE_MS = 10 * 60_000
const recentMatches = new WeakMap<AppDeps, TtlCache<true>>()

export interface PhoneOwnerInput {
  /** The name on the bureau's record of `certNo` (already confirmed by the bureau). */
  name: string
  certNo: string
  /** Plain; proven by an SMS code in this sign-in. Never logged (only its last four digits are audited). */
  phone: string
  requestId?: string
  clientIp?: string
  logger?: Logger
}

/**
 * 运营商三要素 at binding: the phone used to sign in must be registered with its carrier to the person
 * being bound (name + ID number). 不一致 or no real-name record → 409 PHONE_NOT_REAL_NAME (the resident
 * uses their own phone, or binds at the desk, where the clerk sees the ID card). When the carrier cannot
 * answer (late, down, throttled, an answer that decides nothing) binding goes on: a warning is logged and
 * the audit trail records that the phone was not checked; the face check still guards a first binding.
 * Every outcome is audited with the person as subject, so it shows in their 访问记录.
 */
export async function checkPhoneOwner(deps: AppDeps, input: PhoneOwnerInput): Promise<CarrierCheckResult['verdict']> {
  const logger = input.logger ?? deps.logger
  const matches = recentMatches.get(deps) ?? createTtlCache<true>(CARRIER_MATCH_REUSE_MS)
  recentMatches.set(deps, matches)
  // A keyed hash of the pair: no ID or phone number is held in memory as a key.
  const pair = deps.vault.ref(`carrier:${input.certNo}:${input.phone}`)
  const at = deps.now().getTime()
  if (matches.get(pair, at)) return 'match'
  let result: CarrierCheckResult
  let failure: { kind: string, upstreamCode?: string } | undefined
  try {
    const elements = { name: input.name, certNo: input.certNo, phone: input.phone }
    result = await deps.carrier.verifyThreeElements(elements, logger)
  }
  catch (error) {
    if (!(error instanceof UpstreamError)) throw error
    failure = { kind: error.kind, ...(error.detail.upstreamCode && { upstreamCode: error.detail.upstreamCode }) }
    result = { verdict: 'unknown' }
  }
  const { verdict } = result
  const refused = verdict === 'mismatch' || verdict === 'unregistered'
  if (verdict === 'unknown')
    logger.warn({ system: 'carrier', ...failure }, 'carrier check gave no answer: binding goes on without it')
  await deps.audit.record({
    actorType: 'anonymous',
    // The phone was proved by SMS in this sign-in: the step is the phone holder's (see phoneActorId).
    actorId: phoneActorId(deps.vault.ref(input.phone)),
    subjectRef: deps.vault.ref(input.certNo),
    subjectMasked: maskIdCard(input.certNo),
    channel: 'self',
    action: 'auth.carrier_check',
    success: verdict === 'match',
    requestId: input.requestId,
    clientIp: input.clientIp,
    detail: {
      verdict,
      outcome: refused ? 'refused' : verdict === 'unknown' ? 'unchecked_proceeded' : 'passed',
      phoneTail: input.phone.slice(-4),
      ...(result.carrier && { carrier: result.carrier }),
      ...(failure && { failure }),
    },
  })
  if (refused) throw new AppError('PHONE_NOT_REAL_NAME', 409)
  if (verdict === 'match') matches.set(pair, true, at)
  return verdict
}
