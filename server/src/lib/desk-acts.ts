import type { DeskClerk, DeskConsentInput, DeskConsentKind, StaffAtHall } from '@yibao/shared'
import type { Context } from 'hono'
import type { Person } from '../domain/person'
import type { DeskActKind } from '../storage/desk-acts'
import type { ResidentAccount } from '../storage/residents'
import type { DeskEnv } from './staff'
import type { AppDeps, AppEnv } from './types'
import { DESK_CONSENT_SCAN_MINUTES, maskIdCard } from '@yibao/shared'
import { regionName } from '@yibao/shared/region-names'
import { regionCovers } from '../domain/region'
import { servingRegion } from '../routes/desk'
import { deskActsOn, insertDeskAct, staffByIds } from '../storage/desk-acts'
import { findResidentBy } from '../storage/residents'
import { openDeskSubject } from './desk-subject'
import { AppError } from './errors'
import { sendOtp, verifyOtp } from './otp'
import { assertRegion, auditStaff } from './staff'

/**
 * 窗口代办: the person a clerk acts for at the counter, and the resident's consent to an act with consequences
 * (退费, 异地就医备案). The person is a scanned 电子凭证's handle or a typed ID number, found at the bureau and within
 * the clerk's region; the consent is a scan of the resident's 医保码 by this clerk in the last few minutes, or the
 * SMS code sent to the phone on file of their account, read out by the resident. Every refusal is audited.
 */

const CONSENT_SCAN_MS = DESK_CONSENT_SCAN_MINUTES * 60_000

export interface DeskPerson {
  person: Person
  certNo: string
  /** The name on the bureau's record. */
  name: string
  /** 参保地 deciding which desk may serve them. */
  region: string
  /** The clerk's region that covers the person: the hall the act is done in. */
  hallRegion: string
  /** The handle's scan, when the person was opened by scanning (null for a typed ID number). */
  scannedAt: Date | null
  audit: { subjectRef: string, subjectMasked: string, subjectRegion?: string }
}

/** The region of `scopes` that covers `region` (the narrowest first), or the region itself. */
export function hallOf(scopes: readonly string[], region: string): string {
  const covering = scopes.filter(s => regionCovers(s, region))
  // A county code over a city code over a province code: the most specific is the hall's.
  const rank = (s: string) => (s.endsWith('0000') ? 2 : s.endsWith('00') ? 1 : 0)
  return covering.sort((a, b) => rank(a) - rank(b))[0] ?? region
}

/** The person a desk act is for (handle or typed number), at the bureau and in the clerk's region; refusals audited. */
export async function openDeskPerson(
  c: Context<DeskEnv>,
  input: { certNo?: string, subject?: string },
  action: string,
  detail: Record<string, unknown> = {},
): Promise<DeskPerson> {
  const { nhsa, subjectRef, vault, now } = c.get('deps')
  const staff = c.get('staff')
  let opened: { certNo: string, scannedAt: Date | null }
  if (input.subject !== undefined) {
    try {
      const s = openDeskSubject(vault, staff.id, input.subject, now())
      opened = { certNo: s.certNo, scannedAt: s.via === 'evoucher' ? s.openedAt : null }
    }
    catch (error) {
      await auditStaff(c, { action, success: false, detail: { ...detail, outcome: 'DESK_SUBJECT_EXPIRED' } })
      throw error
    }
  }
  else {
    opened = { certNo: input.certNo!, scannedAt: null }
  }
  const { certNo } = opened
  const audit: DeskPerson['audit'] = { subjectRef: subjectRef(certNo), subjectMasked: maskIdCard(certNo) }
  const person = await nhsa.getPersonInfo(certNo, { logger: c.get('logger') }).catch(async (error: unknown) => {
    await auditStaff(c, { ...audit, action, success: false, detail: { ...detail, outcome: error instanceof AppError ? error.code : 'upstream_failed' } })
    throw error
  })
  const region = servingRegion(person)
  audit.subjectRegion = region
  try {
    assertRegion(staff, region)
  }
  catch (error) {
    await auditStaff(c, { ...audit, action, success: false, detail: { ...detail, outcome: 'out_of_region' } })
    throw error
  }
  return { person, certNo, name: person.name, region, hallRegion: hallOf(staff.regionCodes, region), scannedAt: opened.scannedAt, audit }
}

/** The resident account of a person (their phone on file, their records), or null when they have none. */
export function residentOf(deps: AppDeps, who: DeskPerson): Promise<ResidentAccount | null> {
  return findResidentBy(deps.storage.db, 'certRef', who.audit.subjectRef)
}

/** The SMS code's purpose: consent to this clerk acting for this person. */
function consentPurpose(staffId: string, certRef: string): string {
  return `desk_consent:${staffId}:${certRef}`
}

/** The phone on file of the person's account; 409 DESK_CONSENT_NO_PHONE without one. */
async function phoneOnFile(c: Context<DeskEnv>, who: DeskPerson): Promise<string> {
  const account = await residentOf(c.get('deps'), who)
  if (!account?.phoneEnc) throw new AppError('DESK_CONSENT_NO_PHONE', 409)
  return c.get('deps').vault.decrypt(account.phoneEnc)
}

/** Sends the consent code to the resident's phone on file; returns its last four digits. */
export async function sendDeskConsentCode(c: Context<DeskEnv>, who: DeskPerson): Promise<string> {
  const phone = await phoneOnFile(c, who)
  await sendOtp(c as unknown as Context<AppEnv>, phone, consentPurpose(c.get('staff').id, who.audit.subjectRef))
  return phone.slice(-4)
}

/**
 * The resident's consent to `action`, or a refusal (audited under `action` with its outcome): none given or a scan
 * too old (or a typed ID number claiming one) → 403 DESK_CONSENT_REQUIRED; a wrong or used code → 400 OTP_INVALID.
 */
export async function requireDeskConsent(
  c: Context<DeskEnv>,
  who: DeskPerson,
  consent: DeskConsentInput | undefined,
  action: string,
  detail: Record<string, unknown> = {},
): Promise<DeskConsentKind> {
  const refuse = async (error: unknown) => {
    const outcome = error instanceof AppError ? error.code : 'failed'
    await auditStaff(c, { ...who.audit, action, success: false, detail: { ...detail, consent: consent?.kind ?? null, outcome } })
    return error
  }
  if (!consent) throw await refuse(new AppError('DESK_CONSENT_REQUIRED', 403))
  if (consent.kind === 'evoucher') {
    const now = c.get('deps').now().getTime()
    if (!who.scannedAt || now - who.scannedAt.getTime() > CONSENT_SCAN_MS)
      throw await refuse(new AppError('DESK_CONSENT_REQUIRED', 403))
    return 'evoucher'
  }
  try {
    const phone = await phoneOnFile(c, who)
    await verifyOtp(c as unknown as Context<AppEnv>, phone, consentPurpose(c.get('staff').id, who.audit.subjectRef), consent.code)
  }
  catch (error) {
    throw await refuse(error)
  }
  return 'sms'
}

/** Records the act on its target (`refund:<id>`, `filing:<id>`) with the clerk, hall and consent. */
export function recordDeskAct(
  c: Context<DeskEnv>,
  who: DeskPerson,
  act: { kind: DeskActKind, target: string, consent: DeskConsentKind },
): Promise<void> {
  const deps = c.get('deps')
  return insertDeskAct(deps.storage.db, {
    ...act,
    subjectRef: who.audit.subjectRef,
    staffId: c.get('staff').id,
    hallRegion: who.hallRegion,
    at: deps.now(),
  })
}

/** The hall's name as residents read it: 东营市 (or the code when the data package does not know it). */
export function hallName(code: string): string {
  return regionName(code) ?? code
}

/** 经办人 of each target the desk acted on (the first act: who applied or filed), for the resident's records. */
export async function clerksOf(deps: AppDeps, targets: string[]): Promise<Map<string, DeskClerk>> {
  const rows = await deskActsOn(deps.storage.db, targets)
  const clerks = new Map<string, DeskClerk>()
  for (const r of rows) {
    if (clerks.has(r.target)) continue
    clerks.set(r.target, {
      name: r.staffName,
      hallRegion: r.hallRegion,
      hallName: hallName(r.hallRegion),
      consent: r.consent as DeskConsentKind,
    })
  }
  return clerks
}

/** Who of the staff served a resident, at which hall, for each staff actor of these audit events (访问记录). */
export async function staffAtHalls(
  deps: AppDeps,
  events: { actorType: string, actorId: string, subjectRegion: string | null }[],
): Promise<(StaffAtHall | null)[]> {
  const staff = await staffByIds(deps.storage.db, events.filter(e => e.actorType === 'staff').map(e => e.actorId))
  return events.map((e) => {
    const s = e.actorType === 'staff' ? staff.get(e.actorId) : undefined
    if (!s) return null
    const hall = e.subjectRegion ? hallOf(s.regionCodes, e.subjectRegion) : s.regionCodes[0] ?? ''
    return { name: s.name, hallRegion: hall, hallName: hallName(hall) }
  })
}
