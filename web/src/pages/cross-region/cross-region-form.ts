import type { CrossRegionFilingInput, CrossRegionType } from '@yibao/shared'
import type { FieldErrors } from '../../api/form-rules'
import { CROSS_REGION_RULES, CrossRegionFilingInputSchema, isLongTerm, temporaryEndDate } from '@yibao/shared'
import { parseFields } from '../../api/form-rules'

/** What the 异地就医备案 form holds (empty strings for fields not filled in yet). */
export interface FilingForm {
  type: CrossRegionType | null
  destination: string
  startDate: string
  phone: string
  address: string
  referralHospital: string
  promise: boolean
}

/** `YYYY-MM-DD` plus (or minus) whole days. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** The start dates the bureau takes: 补办 up to 30 days back, at most 180 days ahead. */
export function startRange(today: string): { min: string, max: string } {
  return { min: addDays(today, -CROSS_REGION_RULES.backdateDays.value), max: addDays(today, CROSS_REGION_RULES.aheadDays.value) }
}

/** The last day of a filing of `type` starting on `start`: null = 长期有效. */
export function endDateOf(type: CrossRegionType, start: string): string | null {
  return isLongTerm(type) ? null : temporaryEndDate(start)
}

/** The request body: the fields of the chosen type only, trimmed. */
export function filingBody(form: FilingForm, memberId: string | null): Record<string, unknown> {
  return {
    ...(memberId && { memberId }),
    type: form.type ?? undefined,
    destination: form.destination || undefined,
    startDate: form.startDate || undefined,
    phone: form.phone.trim(),
    ...(form.type === 'long_term_resident' && { address: form.address.trim(), promise: form.promise }),
    ...(form.type === 'referral' && { referralHospital: form.referralHospital.trim() }),
  }
}

/** Stand-ins that pass the plain field rules, so the shared schema's rules that depend on the type run too. */
const PASSING = { destination: '110000', startDate: '2000-01-01', phone: '13800000000' }

/**
 * Checks the form with the shared schema (the BFF's own Chinese messages). Zod checks the
 * type-dependent rules (address, promise, 转出医院) only once every plain field passes; they are
 * checked here at the same time, so every message shows after one tap. The date range is checked
 * too, with the messages `dateMessages` gives.
 */
export function checkFiling(
  form: FilingForm,
  memberId: string | null,
  today: string,
  dateMessages: { early: (min: string) => string, late: (max: string) => string },
): { success: true, data: CrossRegionFilingInput } | { success: false, fields: FieldErrors } {
  const body = filingBody(form, memberId)
  const parsed = parseFields(CrossRegionFilingInputSchema, body)
  const fields: FieldErrors = parsed.success ? {} : { ...parsed.fields }
  if (form.type) {
    const probe = parseFields(CrossRegionFilingInputSchema, { ...body, ...PASSING })
    if (!probe.success) {
      for (const key of ['address', 'promise', 'referralHospital']) {
        if (probe.fields[key]) fields[key] ??= probe.fields[key]
      }
    }
  }
  if (form.startDate && !fields.startDate) {
    const { min, max } = startRange(today)
    if (form.startDate < min) fields.startDate = dateMessages.early(min)
    else if (form.startDate > max) fields.startDate = dateMessages.late(max)
  }
  if (parsed.success && !Object.keys(fields).length) return { success: true, data: parsed.data }
  return { success: false, fields }
}
