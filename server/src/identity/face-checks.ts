import type { FaceCheckView } from '@yibao/shared'
import type { Logger } from '../lib/logger'
import type { AppDeps } from '../lib/types'
import type { AuditChannel, AuditEvent } from '../storage/audit'
import type { FaceCheck, FaceCheckStatus, FacePurpose } from '../storage/face-checks'
import { randomUUID } from 'node:crypto'
import { maskIdCard } from '@yibao/shared'
import { AppError } from '../lib/errors'
import {
  consumeFaceCheck,
  findFaceCheck,
  insertFaceCheck,
  latestFaceCheck,
  settleFaceCheck,
} from '../storage/face-checks'

export type { FaceCheck, FaceCheckStatus, FacePurpose }

/** How long a started check can be used: the person finishes it and the guarded action runs within this. */
export const FACE_CHECK_TTL_MS = 10 * 60_000

/** Where the browser lands back in the app after the provider's page (a fixed page per purpose: no open redirect). */
export const FACE_RETURN_PATHS: Record<FacePurpose, string> = {
  bind: '/login?step=bind',
  recover: '/login?step=recover',
  unmask_self: '/me',
  family_bind: '/family',
}

/** The path of the browser's return from the provider (mounted under /api/v1). */
export function faceReturnPath(id: string): string {
  return `/api/v1/face-checks/${id}/return`
}

/** Who is asking, for the audit trail. */
export interface FaceCaller {
  sessionId: string
  actor: { type: 'resident' | 'anonymous', id: string }
  requestId?: string
  clientIp?: string
  logger?: Logger
}

const CHANNEL: Record<FacePurpose, AuditChannel> = {
  bind: 'self',
  recover: 'self',
  unmask_self: 'self',
  family_bind: 'family',
}

type AuditBase = Omit<AuditEvent, 'action' | 'success'>

function auditBase(caller: FaceCaller, purpose: FacePurpose, certRef: string, subjectMasked?: string): AuditBase {
  return {
    actorType: caller.actor.type,
    actorId: caller.actor.id,
    subjectRef: certRef,
    subjectMasked,
    channel: CHANNEL[purpose],
    requestId: caller.requestId,
    clientIp: caller.clientIp,
  }
}

/**
 * Starts a 人脸核身 for a person: the provider gives a BizToken and the URL of its H5 page; the browser
 * comes back to `origin` + `faceReturnPath(id)`. Only the keyed hash of the ID number is stored.
 */
export async function startFaceCheck(deps: AppDeps, caller: FaceCaller, input: {
  purpose: FacePurpose
  name: string
  certNo: string
  origin: string
}): Promise<{ id: string, url: string, expiresAt: Date }> {
  const { vault, faceid, storage, now, audit } = deps
  const id = randomUUID()
  const certRef = vault.ref(input.certNo)
  const base = auditBase(caller, input.purpose, certRef, maskIdCard(input.certNo))
  let started: { bizToken: string, url: string }
  try {
    const redirectUrl = `${input.origin}${faceReturnPath(id)}`
    started = await faceid.start({ name: input.name, certNo: input.certNo, redirectUrl }, caller.logger)
  }
  catch (error) {
    const detail = { purpose: input.purpose }
    await audit.record({ ...base, action: 'face_check.start', success: false, target: `face_check:${id}`, detail })
    throw error
  }
  const at = now()
  const check = await insertFaceCheck(storage.db, {
    id,
    sessionId: caller.sessionId,
    certRef,
    purpose: input.purpose,
    status: 'pending',
    provider: faceid.provider,
    bizToken: started.bizToken,
    returnPath: FACE_RETURN_PATHS[input.purpose],
    createdAt: at,
    expiresAt: new Date(at.getTime() + FACE_CHECK_TTL_MS),
  })
  const detail = { purpose: input.purpose }
  await audit.record({ ...base, action: 'face_check.start', success: true, target: `face_check:${id}`, detail })
  return { id: check.id, url: started.url, expiresAt: check.expiresAt }
}

/**
 * Brings a pending check up to date: past its validity on our clock it is expired; otherwise the provider
 * is asked by BizToken (its answer is the only truth: never the return URL's parameters). A provider error
 * or timeout leaves it pending and throws (a clear Chinese message through the error envelope), never a pass.
 */
export async function refreshFaceCheck(deps: AppDeps, caller: FaceCaller, check: FaceCheck): Promise<FaceCheck> {
  if (check.status !== 'pending') return check
  const { faceid, storage, now, audit } = deps
  let status: Exclude<FaceCheckStatus, 'pending'> | null
  let code: string | null = null
  if (check.expiresAt <= now()) {
    status = 'expired'
  }
  else {
    const result = await faceid.result(check.bizToken, caller.logger)
    code = result.code
    status = result.outcome === 'pending' ? null : result.outcome
  }
  if (!status) return check
  const settled = await settleFaceCheck(storage.db, check.id, status, now())
  if (!settled) return (await findFaceCheck(storage.db, check.id)) ?? check
  const base = auditBase(caller, check.purpose as FacePurpose, check.certRef)
  await audit.record({
    ...base,
    action: 'face_check.result',
    success: status === 'passed',
    target: `face_check:${check.id}`,
    detail: { purpose: check.purpose, status, code },
  })
  return settled
}

/** A check of this session, refreshed from the provider when still pending; 404 for anyone else's. */
export async function readFaceCheck(deps: AppDeps, caller: FaceCaller, id: string): Promise<FaceCheck> {
  const check = await findFaceCheck(deps.storage.db, id)
  if (!check || check.sessionId !== caller.sessionId) throw new AppError('NOT_FOUND', 404)
  return refreshFaceCheck(deps, caller, check)
}

/** The status a browser sees: `expired` also for a passed check past its validity, `used` once consumed. */
export function faceCheckView(check: FaceCheck, at: Date): FaceCheckView {
  const status = check.consumedAt
    ? 'used' as const
    : check.status === 'passed' && check.expiresAt <= at ? 'expired' as const : check.status as FaceCheckStatus
  return { id: check.id, purpose: check.purpose as FacePurpose, status, expiresAt: check.expiresAt.toISOString() }
}

/** Why a guarded action was refused (403). */
export type FaceRefusal = 'FACE_VERIFICATION_REQUIRED' | 'FACE_CHECK_MISMATCH' | 'FACE_CHECK_FAILED'
  | 'FACE_NOT_SAME_PERSON' | 'FACE_CHECK_PENDING' | 'FACE_CHECK_EXPIRED' | 'FACE_CHECK_USED'

const REFUSAL: Record<Exclude<FaceCheckStatus, 'passed'>, FaceRefusal> = {
  failed: 'FACE_CHECK_FAILED',
  not_same_person: 'FACE_NOT_SAME_PERSON',
  pending: 'FACE_CHECK_PENDING',
  expired: 'FACE_CHECK_EXPIRED',
}

/**
 * The guard of an action that needs a face check: uses (once) this session's newest passed check of the
 * purpose for this person, or refuses with 403 and why (none: FACE_VERIFICATION_REQUIRED; another
 * person's: FACE_CHECK_MISMATCH; failed, not the same person, unfinished, expired, already used).
 * Every outcome is audited with the person as subject.
 */
export async function requirePassedFaceCheck(deps: AppDeps, caller: FaceCaller, need: {
  purpose: FacePurpose
  certNo: string
}): Promise<void> {
  const { storage, vault, now, audit } = deps
  const certRef = vault.ref(need.certNo)
  const base = auditBase(caller, need.purpose, certRef, maskIdCard(need.certNo))
  const refuse = async (code: FaceRefusal, checkId?: string) => {
    const target = checkId && `face_check:${checkId}`
    const detail = { purpose: need.purpose, refused: code }
    await audit.record({ ...base, action: 'face_check.consume', success: false, target, detail })
    return new AppError(code, 403)
  }
  let check = await latestFaceCheck(storage.db, caller.sessionId, need.purpose, certRef)
  if (!check) {
    const other = await latestFaceCheck(storage.db, caller.sessionId, need.purpose)
    throw await refuse(other ? 'FACE_CHECK_MISMATCH' : 'FACE_VERIFICATION_REQUIRED', other?.id)
  }
  check = await refreshFaceCheck(deps, caller, check)
  if (check.status !== 'passed')
    throw await refuse(REFUSAL[check.status as Exclude<FaceCheckStatus, 'passed'>], check.id)
  if (check.consumedAt) throw await refuse('FACE_CHECK_USED', check.id)
  const at = now()
  if (check.expiresAt <= at) throw await refuse('FACE_CHECK_EXPIRED', check.id)
  // One conditional UPDATE: of two requests racing for the same check, exactly one gets it.
  const use = { id: check.id, sessionId: caller.sessionId, certRef, purpose: need.purpose, at }
  if (!await consumeFaceCheck(storage.db, use))
    throw await refuse('FACE_CHECK_USED', check.id)
  const detail = { purpose: need.purpose }
  await audit.record({ ...base, action: 'face_check.consume', success: true, target: `face_check:${check.id}`, detail })
}
