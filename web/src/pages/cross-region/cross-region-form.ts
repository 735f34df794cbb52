import type { CrossRegionFilingInput, CrossRegionType, LongTermBasis, ResidenceProofKind } from '@yibao/shared'
import type { FieldErrors } from '../../api/form-rules'
import { CrossRegionFilingInputSchema, insideInsuredPool, isLongTerm, SAME_POOL_MESSAGE, temporaryEndDate } from '@yibao/shared'
import { parseFields } from '../../api/form-rules'

/** What the 异地就医备案 form holds (empty strings for fields not filled in yet). */
export interface FilingForm {
  type: CrossRegionType | null
  destination: string
  startDate: string
  phone: string
  address: string
  referralHospital: string
  /** 异地长期居住: on a residence proof or on a personal promise (the resident chooses). */
  basis: LongTermBasis | null
  proofKind: ResidenceProofKind | ''
  proofNumber: string
  promise: boolean
  /** 补办: the resident confirms the stay has not been settled yet (出院结算前). */
  unsettled: boolean
}

/** The 参保地's dates as the BFF gives them (its day, not the phone's): `minStartDate` null = 补办 has no day count. */
export interface FormRules {
  today: string
  minStartDate: string | null
  maxStartDate: string
  /** The 参保地 (6 digits) whose 统筹区 a 就医地 may not lie in; '' until the BFF has said. */
  insuredRegion: string
}

/** The last day of a filing of `type` starting on `start`: null = 长期有效. */
export function endDateOf(type: CrossRegionType, start: string): string | null {
  return isLongTerm(type) ? null : temporaryEndDate(start)
}

/** A start before today is a 补办: the form asks whether the stay is settled yet. */
export function isLateFiling(form: Pick<FilingForm, 'startDate'>, today: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(form.startDate) && form.startDate < today
}

/**
 * The request body: the fields of the chosen type (and basis) only, trimmed; `unsettled` for a 补办 (a start before
 * `confirmFrom`).
 */
export function filingBody(form: FilingForm, memberId: string | null, confirmFrom: string): Record<string, unknown> {
  const longTerm = form.type === 'long_term_resident'
  return {
    ...(memberId && { memberId }),
    type: form.type ?? undefined,
    destination: form.destination || undefined,
    startDate: form.startDate || undefined,
    phone: form.phone.trim(),
    ...(longTerm && { address: form.address.trim(), basis: form.basis ?? undefined }),
    ...(longTerm && form.basis === 'residence_proof' && {
      residenceProof: { kind: form.proofKind || undefined, number: form.proofNumber.trim() },
    }),
    ...(longTerm && form.basis === 'promise' && { promise: form.promise }),
    ...(form.type === 'referral' && { referralHospital: form.referralHospital.trim() }),
    ...(isLateFiling(form, confirmFrom) && { unsettled: form.unsettled }),
  }
}

/** Stand-ins that pass the plain field rules, so the shared schema's rules that depend on the type run too. */
const PASSING = { destination: '110000', startDate: '2000-01-01', phone: '13800000000' }
/** Messages of the type-dependent rules, checked at the same time as the plain ones. */
const TYPE_FIELDS = [
  'address',
  'basis',
  'residenceProof',
  'residenceProof.kind',
  'residenceProof.number',
  'promise',
  'referralHospital',
]

/** Messages of the date rules (Chinese, from the page's locale). */
export interface DateMessages {
  early: (min: string) => string
  late: (max: string) => string
  ended: (start: string, end: string) => string
  unsettled: () => string
}

/**
 * Checks the form with the shared schema (the BFF's own Chinese messages). Zod checks the
 * type-dependent rules (address, basis and proof or promise, 转出医院) only once every plain field passes;
 * they are checked here at the same time, so every message shows after one tap. The dates are checked
 * too, as the BFF does: the 参保地's window, a temporary filing that still reaches today, and for a 补办 the
 * confirmation that the stay is not settled yet (医保发〔2022〕22号: 出院结算前); and a 就医地 outside the 参保地's 统筹区.
 */
export function checkFiling(
  form: FilingForm,
  memberId: string | null,
  rules: FormRules,
  messages: DateMessages,
  /** A change keeps the days its old filing covered: a 补办 only before them. */
  confirmFrom: string = rules.today,
): { success: true, data: CrossRegionFilingInput } | { success: false, fields: FieldErrors } {
  const body = filingBody(form, memberId, confirmFrom)
  const parsed = parseFields(CrossRegionFilingInputSchema, body)
  const fields: FieldErrors = parsed.success ? {} : { ...parsed.fields }
  if (form.type) {
    const probe = parseFields(CrossRegionFilingInputSchema, { ...body, ...PASSING })
    if (!probe.success) {
      for (const key of TYPE_FIELDS) {
        if (probe.fields[key]) fields[key] ??= probe.fields[key]
      }
    }
  }
  // The BFF's own rule and words: a 就医地 in one's own 统筹区 is not 异地.
  if (form.destination && rules.insuredRegion && !fields.destination && insideInsuredPool(form.destination, rules.insuredRegion))
    fields.destination = SAME_POOL_MESSAGE
  if (form.startDate && !fields.startDate) {
    const end = form.type ? endDateOf(form.type, form.startDate) : null
    const min = rules.minStartDate
    if (min !== null && form.startDate < min) fields.startDate = messages.early(min)
    else if (form.startDate > rules.maxStartDate) fields.startDate = messages.late(rules.maxStartDate)
    else if (end !== null && end < rules.today) fields.startDate = messages.ended(form.startDate, end)
    else if (isLateFiling(form, confirmFrom) && !form.unsettled) fields.unsettled = messages.unsettled()
  }
  if (parsed.success && !Object.keys(fields).length) return { success: true, data: parsed.data }
  return { success: false, fields }
}
