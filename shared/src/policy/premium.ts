import type { DisabilityFacts } from '../schemas/disability'
import type { SpecialStatus } from '../terms/person'
import type { PersonalStep, PremiumQuote, PremiumStep, PremiumStandardStep, SubsidyStep } from './api-schemas'
import type { Cite } from './compile'
import type { PolicyId } from './ids'
import type { Policy } from './policy-schema'
import { SPECIAL_STATUS_LABELS } from '../terms/person'
import { yuan } from './arithmetic'
import { cite, compiledPolicy, withCite } from './compile'
import { applyDisabilityScope } from './disability-scope'

/** Who asks for a premium quote. */
export interface PremiumInput {
  statuses: readonly SpecialStatus[]
  /** Kind, grade and 脱贫 state of a severe_disability status (see `SettlementInput.disability`). */
  disability?: DisabilityFacts | null
  /** In school (incl. college students). */
  student?: boolean
  /** `YYYY-MM-DD`; someone younger than `premium.minorAgeBelow` (18) on 1 January of the policy year pays the student rate. */
  birthDate?: string
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/

function parseDate(s: string): { y: number, m: number, d: number } {
  const m = DATE_RE.exec(s)
  if (!m) throw new RangeError(`date must be YYYY-MM-DD: ${s}`)
  const y = Number(m[1])
  const mo = Number(m[2])
  const d = Number(m[3])
  const dt = new Date(Date.UTC(y, mo - 1, d))
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) throw new RangeError(`not a calendar date: ${s}`)
  return { y, m: mo, d }
}

/** Whole years of age on 1 January of `year`. */
export function ageOnNewYear(birthDate: string, year: number): number {
  const b = parseDate(birthDate)
  return year - b.y - (b.m > 1 || b.d > 1 ? 1 : 0)
}

/**
 * The individual contribution due for one person for the policy year, in fen.
 *
 * - Category: the student rate applies when `student` is true, or when `birthDate` shows the person is
 *   younger than `premium.minorAgeBelow` (18) on 1 January of the policy year; otherwise the resident rate.
 * - Subsidy: each status's subsidy (`'full'` = the whole standard, or a fixed amount, never more than the
 *   standard); with several statuses the single largest applies (就高, ties by `statusPriority`), never a sum.
 * - `due = standard − subsidy`, never negative.
 *
 * Steps use the tiers `premium` (standard), `subsidy` and `personal` (what is due).
 */
export function quotePremium(policy: Policy | PolicyId, input: PremiumInput): PremiumQuote {
  const c = compiledPolicy(policy)
  const p = c.policy
  const pr = p.premium

  const minor = input.birthDate !== undefined && ageOnNewYear(input.birthDate, p.year) < pr.minorAgeBelow.value
  const isStudent = input.student === true || minor
  const standardParam = isStudent ? pr.student : pr.adult
  const standard = standardParam.value
  const sameRate = pr.student.value === pr.adult.value
  const byAge = minor && input.student !== true && !sameRate

  let text: string
  if (sameRate) {
    text = `${p.year}年${p.region}城乡居民医保个人缴费标准是每人每年 ${yuan(standard)} 元。`
  }
  else if (isStudent) {
    text = `${p.year}年${p.region}城乡居民医保个人缴费标准：学生（含在校大学生）每人每年 ${yuan(pr.student.value)} 元，其他居民 ${yuan(pr.adult.value)} 元。`
    text += byAge ? `您在${p.year}年1月1日未满${pr.minorAgeBelow.value}周岁，按学生标准缴费。` : '您按学生标准缴费。'
  }
  else {
    text = `${p.year}年${p.region}城乡居民医保个人缴费标准：居民（不含学生）每人每年 ${yuan(pr.adult.value)} 元，学生 ${yuan(pr.student.value)} 元。您按居民标准缴费。`
  }
  const premiumCite = cite(standardParam, byAge ? pr.minorAgeBelow : null)
  const premiumStep: PremiumStandardStep = withCite({ tier: 'premium' as const, source: '', text, amount: standard, category: isStudent ? 'student' as const : 'adult' as const }, premiumCite)

  // 就高: the single largest subsidy, among the statuses the policy recognises.
  const scoped = applyDisabilityScope(p, input.statuses, input.disability)
  const present = c.priority.filter(s => scoped.statuses.includes(s))
  let applied: SpecialStatus | null = null
  let subsidy = 0
  for (const s of present) {
    const v = pr.subsidies[s].value
    const amount = v === 'full' ? standard : Math.min(v, standard)
    if (amount > subsidy) {
      subsidy = amount
      applied = s
    }
  }
  const several = present.length > 1
  let subsidyText: string
  let kind: 'full' | 'fixed' | 'none'
  let subsidyCite: Cite
  if (applied === null) {
    kind = 'none'
    if (present.length === 0) {
      subsidyText = scoped.note ? '不享受参保资助。' : '您没有特困、低保、建档立卡等身份，不享受参保资助。'
      subsidyCite = cite(p.premium.subsidies.extreme_poverty.source)
    }
    else {
      subsidyText = `您的身份（${present.map(s => SPECIAL_STATUS_LABELS[s]).join('、')}）在这里没有参保资助。`
      subsidyCite = cite(...present.map(s => pr.subsidies[s]))
    }
  }
  else {
    const param = pr.subsidies[applied]
    const v = param.value
    const label = SPECIAL_STATUS_LABELS[applied]
    if (v === 'full') {
      kind = 'full'
      subsidyText = `您是${label}，个人缴费由政府全额资助 ${yuan(subsidy)} 元。`
    }
    else {
      kind = 'fixed'
      subsidyText = `您是${label}，政府每人每年定额资助 ${yuan(v)} 元${v > standard ? `（不超过缴费标准，按 ${yuan(subsidy)} 元计）` : ''}。`
    }
    if (several) {
      subsidyText += `您同时是${present.map(s => SPECIAL_STATUS_LABELS[s]).join('、')}，按就高原则只享受资助最多的一项，不重复资助。`
    }
    subsidyCite = cite(param, several ? c.multiple : null)
  }
  if (scoped.note) {
    subsidyText = `${scoped.note.text}${subsidyText}`
    subsidyCite = cite(scoped.note.cite, subsidyCite)
  }
  const subsidyStep: SubsidyStep = withCite({
    tier: 'subsidy' as const,
    source: '',
    text: subsidyText,
    amount: subsidy,
    kind,
    appliedStatus: applied,
  }, subsidyCite)

  const due = standard - subsidy
  const personal: PersonalStep = withCite({
    tier: 'personal' as const,
    source: '',
    text: due === 0 ? '您个人今年不需要缴费。' : `您今年需要自己缴纳 ${yuan(due)} 元。`,
    amount: due,
    appliedStatus: applied,
  }, cite(premiumCite, subsidyCite))

  const steps: PremiumStep[] = [premiumStep, subsidyStep, personal]
  return { policy: p.id, category: isStudent ? 'student' : 'adult', standard, subsidy, due, appliedStatus: applied, steps }
}

/**
 * The insurance year a newly identified target (e.g. 建档立卡) joins: identified up to the end of
 * `premium.newTargetCutoffMonth` → that calendar year, later → the next year (Guizhou: by 31 August → this
 * year; September–December → next year). `identifiedOn` is `YYYY-MM-DD`; throws `RangeError` otherwise.
 */
export function enrolmentYearForNewTarget(policy: Policy | PolicyId, identifiedOn: string): number {
  const { y, m } = parseDate(identifiedOn)
  return m <= compiledPolicy(policy).policy.premium.newTargetCutoffMonth.value ? y : y + 1
}
