import type { AuditEvent } from '../storage/audit'
import type { AppDeps } from '../lib/types'
import type { SmsNoticeTemplate } from '../upstream/sms/client'
import { maskIdCard, maskPiiInText } from '@yibao/shared'
import { AppError } from '../lib/errors'
import { moveAccountToPhone } from '../storage/identity-recovery'

/** An online (face) recovery of the same person again within this long is refused: the desk decides. */
export const FACE_RECOVERY_COOLDOWN_MS = 24 * 3600_000

export interface RecoverIdentityInput {
  /** Plain, already proven (face or ID card at the counter); never logged. */
  certNo: string
  /** Plain, already proven by SMS code. */
  newPhone: string
  via: 'face' | 'desk'
  actor: { type: 'resident' | 'staff', id: string }
  /** Required for 'desk'. */
  reason?: string
  requestId?: string
  clientIp?: string
}

const VIA_TEXT = { face: '刷脸找回', desk: '窗口办理' } as const

/**
 * 找回: moves the account of a person whose identity is bound to someone else's phone to the phone they
 * proved, in one transaction: the old phone and the WeChat openid are unbound and every session of the
 * account ends at once. Both phones are then told by SMS (last four digits of the other phone only). Every
 * step is audited with the person as subject, so it shows in their 访问记录.
 *
 * Callers prove the person first: a passed `recover` face check (online) or the ID card in person (desk,
 * `via: 'desk'` with a staff actor and a reason). Two recoveries of one person racing: the account row is
 * locked, the second sees the first's result (same phone: RECOVERY_ALREADY_DONE; another face recovery within
 * `FACE_RECOVERY_COOLDOWN_MS`: RECOVERY_RECENTLY_DONE). The new phone held by another account: 409
 * PHONE_BOUND_ELSEWHERE.
 */
export async function recoverIdentity(deps: AppDeps, input: RecoverIdentityInput): Promise<{ accountId: string }> {
  // Free text a clerk typed: an ID number or phone in it is masked before it reaches the trail (访问记录).
  const reason = input.reason === undefined ? undefined : maskPiiInText(input.reason.trim())
  if (input.via === 'desk' && (!reason || input.actor.type !== 'staff'))
    throw new AppError('VALIDATION_FAILED', 400, { fields: { reason: '窗口办理找回须由工作人员填写办理原因' } })
  const { vault, storage, now, audit, logger } = deps
  const certRef = vault.ref(input.certNo)
  const at = now()
  const base: Omit<AuditEvent, 'action' | 'success'> = {
    actorType: input.actor.type,
    actorId: input.actor.id,
    subjectRef: certRef,
    subjectMasked: maskIdCard(input.certNo),
    channel: input.via === 'desk' ? 'help_desk' : 'self',
    requestId: input.requestId,
    clientIp: input.clientIp,
  }
  const tail = (phone: string) => phone.slice(-4)
  const newTail = tail(input.newPhone)
  const result = await moveAccountToPhone(storage.db, {
    certRef,
    phoneRef: vault.ref(input.newPhone),
    phoneEnc: vault.encrypt(input.newPhone),
    now: at,
    notRecoveredSince: input.via === 'face' ? new Date(at.getTime() - FACE_RECOVERY_COOLDOWN_MS) : undefined,
  })
  if (!result.ok) {
    const detail = { via: input.via, refused: result.reason }
    await audit.record({ ...base, action: 'identity.recover', success: false, detail })
    switch (result.reason) {
      case 'no_account': throw new AppError('RECOVERY_NOT_NEEDED', 409)
      case 'same_phone': throw new AppError('RECOVERY_ALREADY_DONE', 409)
      case 'recently_recovered': throw new AppError('RECOVERY_RECENTLY_DONE', 409)
      case 'phone_taken': throw new AppError('PHONE_BOUND_ELSEWHERE', 409, { fields: { phone: '该手机号已绑定其他参保人' } })
    }
  }
  const { account, oldPhoneEnc, sessionsEnded } = result
  // This instance forgets the account and its sessions now; others within SESSION_CACHE_MS.
  deps.accountCache.delete(account.id)
  deps.sessionCache.deleteWhere(s => s.kind === 'resident' && s.accountId === account.id)
  const oldPhone = oldPhoneEnc ? vault.decrypt(oldPhoneEnc) : null
  const detail = { via: input.via, newPhoneTail: newTail, oldPhoneTail: oldPhone ? tail(oldPhone) : null }
  const target = account.id
  const done = { ...detail, ...(reason && { reason }) }
  await audit.record({ ...base, action: 'identity.recover', success: true, target, detail: done })
  const ended = { count: sessionsEnded }
  await audit.record({ ...base, action: 'identity.recover.sessions_ended', success: true, target, detail: ended })

  // Told after the commit: a failed SMS does not undo the recovery; it is logged and audited.
  const notify = async (phone: string, to: 'old' | 'new', template: SmsNoticeTemplate, otherTail: string) => {
    let success = true
    try {
      await deps.sms.sendNotice(phone, template, { tail: otherTail, via: VIA_TEXT[input.via] })
    }
    catch (error) {
      success = false
      logger.warn({ err: error, to }, 'recovery notice SMS failed')
    }
    await audit.record({ ...base, action: 'identity.recover.sms', success, target, detail: { to, tail: tail(phone) } })
  }
  if (oldPhone) await notify(oldPhone, 'old', 'SMS_YIBAO_ACCOUNT_MOVED_AWAY', newTail)
  await notify(input.newPhone, 'new', 'SMS_YIBAO_ACCOUNT_MOVED_HERE', oldPhone ? tail(oldPhone) : '----')
  return { accountId: account.id }
}
