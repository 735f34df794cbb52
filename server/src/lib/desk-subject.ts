import type { PiiVault } from './pii'
import { AppError } from './errors'

/**
 * 办理对象: the person a help-desk staff member opened by scanning their 医保电子凭证. The page never
 * holds that person's full ID number, so it gets a sealed handle instead: AES-256-GCM (the PII vault)
 * over `{ k, staff, certNo, name, exp }`. Only this BFF can read it, it works for the staff account
 * that scanned and nobody else, and it lives as long as one visit at the window. The handle travels
 * only in POST bodies (never a URL) and the desk answers with masked views as before.
 */

/** How long a scanned person stays open at the window. */
export const DESK_SUBJECT_TTL_MS = 15 * 60_000
const KIND = 'desk-subject/1'

export interface DeskSubject {
  certNo: string
  /** The name on the bureau's record (needed to 代缴). */
  name: string
}

/** How the person was opened: a scan of their 电子凭证 (they are at the window with their phone), or a look-up. */
export type DeskSubjectVia = 'evoucher' | 'lookup'

/** An opened handle: the person, and how and when this staff member opened them (consent to an act, desk-consent.ts). */
export interface OpenedDeskSubject extends DeskSubject {
  via: DeskSubjectVia | null
  /** When the handle was sealed (the scan); null for a handle sealed before this was recorded. */
  openedAt: Date | null
}

interface Sealed extends DeskSubject {
  k: string
  staff: string
  exp: number
  via?: DeskSubjectVia
  at?: number
}

export function sealDeskSubject(
  vault: PiiVault,
  staffId: string,
  subject: DeskSubject,
  now: Date,
  via: DeskSubjectVia = 'lookup',
): { subject: string, expiresAt: Date } {
  const exp = now.getTime() + DESK_SUBJECT_TTL_MS
  const sealed: Sealed = { k: KIND, staff: staffId, certNo: subject.certNo, name: subject.name, exp, via, at: now.getTime() }
  return { subject: vault.encrypt(JSON.stringify(sealed)), expiresAt: new Date(exp) }
}

/** The person behind a handle, for the staff member who scanned; otherwise 400 DESK_SUBJECT_EXPIRED. */
export function openDeskSubject(vault: PiiVault, staffId: string, handle: string, now: Date): OpenedDeskSubject {
  let sealed: Partial<Sealed> | null = null
  try {
    sealed = JSON.parse(vault.decrypt(handle)) as Partial<Sealed>
  }
  catch {
    // Tampered, truncated or from another key: the same answer as an old one.
  }
  if (!sealed || sealed.k !== KIND || sealed.staff !== staffId || typeof sealed.exp !== 'number' || sealed.exp <= now.getTime()
    || typeof sealed.certNo !== 'string' || typeof sealed.name !== 'string')
    throw new AppError('DESK_SUBJECT_EXPIRED', 400)
  const via = sealed.via === 'evoucher' || sealed.via === 'lookup' ? sealed.via : null
  return { certNo: sealed.certNo, name: sealed.name, via, openedAt: typeof sealed.at === 'number' ? new Date(sealed.at) : null }
}
