import type { DeskIdentityResult } from '@yibao/shared'
import type { AppDeps } from '../lib/types'
import { maskIdCard, maskName, maskPiiInText } from '@yibao/shared'
import { AppError } from '../lib/errors'
import { bindUnboundPerson } from '../storage/desk-identity'
import { findResidentBy } from '../storage/residents'
import { recoverIdentity } from './recovery'

export interface DeskBindingInput {
  /** Checked by the clerk against the ID card in person, and found at the bureau. */
  certNo: string
  /** The name on the bureau's record. */
  name: string
  /** The person's 参保地 (the account's region). */
  regionCode: string
  /** Proven by the SMS code the resident read back. */
  newPhone: string
  /** Required (at least 4 characters, checked by the route's schema). */
  reason: string
  staffId: string
  requestId?: string
  clientIp?: string
}

/**
 * 换绑手机（找回账号） at the help desk. A person whose identity is bound to a phone is moved to the new one by
 * `recoverIdentity` (`via: 'desk'`, the clerk as actor: old phone and openid unbound, every session
 * ended, both phones told). A person no phone holds yet is bound to the new phone (the way in for
 * residents without a phone of their own in their name, whom the carrier check refuses online). When the
 * person was bound by someone else meanwhile, the move decides (two desks racing: one wins, the other
 * gets RECOVERY_ALREADY_DONE). The new phone held by another person: 409 PHONE_BOUND_ELSEWHERE.
 */
export async function moveOrBindAtDesk(deps: AppDeps, input: DeskBindingInput): Promise<DeskIdentityResult> {
  const { vault, storage } = deps
  const certRef = vault.ref(input.certNo)
  // Kept in the trail with any ID or phone number typed into it masked.
  const reason = maskPiiInText(input.reason)
  const recover = async (): Promise<DeskIdentityResult> => {
    await recoverIdentity(deps, {
      certNo: input.certNo,
      newPhone: input.newPhone,
      via: 'desk',
      actor: { type: 'staff', id: input.staffId },
      reason,
      requestId: input.requestId,
      clientIp: input.clientIp,
    })
    return { outcome: 'recovered', phoneTail: input.newPhone.slice(-4) }
  }
  const existing = await findResidentBy(storage.db, 'certRef', certRef)
  if (existing?.phoneRef) return recover()
  const bound = await bindUnboundPerson(storage.db, {
    certRef,
    certNoEnc: vault.encrypt(input.certNo),
    nameMasked: maskName(input.name),
    regionCode: input.regionCode,
    phoneRef: vault.ref(input.newPhone),
    phoneEnc: vault.encrypt(input.newPhone),
    now: deps.now(),
  })
  if (!bound.ok && bound.reason === 'already_bound') return recover()
  const event = {
    actorType: 'staff' as const,
    actorId: input.staffId,
    subjectRef: certRef,
    subjectMasked: maskIdCard(input.certNo),
    channel: 'help_desk' as const,
    action: 'identity.desk_bind',
    requestId: input.requestId,
    clientIp: input.clientIp,
  }
  if (!bound.ok) {
    await deps.audit.record({ ...event, success: false, detail: { refused: bound.reason } })
    throw new AppError('PHONE_BOUND_ELSEWHERE', 409, { fields: { phone: '该手机号已绑定其他参保人' } })
  }
  deps.accountCache.delete(bound.account.id)
  const phoneTail = input.newPhone.slice(-4)
  await deps.audit.record({ ...event, success: true, target: bound.account.id, detail: { phoneTail, reason } })
  return { outcome: 'bound', phoneTail }
}
