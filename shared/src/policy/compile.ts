import type { SpecialStatus } from '../terms/person'
import type { PolicyId } from './ids'
import type { Param, Policy } from './policy-schema'
import { SPECIAL_STATUSES } from '../terms/person'
import { applyRate, toBasisPoints } from './arithmetic'
import { POLICIES } from './policies'

/**
 * A policy turned into flat numbers (fen, basis points) with the citations of every step prepared
 * once, so that an estimate does no lookups, parsing or string joins of sources.
 */

/** Sources and assumption reasons of the parameters a step used. */
export interface Cite {
  /** `<document> <clause>` entries, deduplicated, in order. */
  sources: readonly string[]
  /** Display form: clauses of the same document joined, e.g. `东医保发〔2020〕56号 二(一)、二(二)`. */
  source: string
  /** Reasons of the assumed parameters among them; empty when none was assumed. */
  assumptions: readonly string[]
}

type CiteInput = Param<unknown> | string | Cite | null | undefined

function isCite(x: object): x is Cite {
  return 'sources' in x
}

/** `doc a`, `doc b`, `other c` → `doc a、b；other c` (a source is `<document> <clause>`; documents have no spaces). */
function renderSources(sources: readonly string[]): string {
  const docs: string[] = []
  const clauses: string[][] = []
  for (const s of sources) {
    const i = s.indexOf(' ')
    const doc = i < 0 ? s : s.slice(0, i)
    const clause = i < 0 ? '' : s.slice(i + 1)
    const k = docs.indexOf(doc)
    if (k < 0) {
      docs.push(doc)
      clauses.push(clause ? [clause] : [])
    }
    else if (clause) {
      clauses[k]!.push(clause)
    }
  }
  return docs.map((d, k) => (clauses[k]!.length ? `${d} ${clauses[k]!.join('、')}` : d)).join('；')
}

/** Joins the sources (deduplicated, in order) and the assumption reasons of parameters or other cites. */
export function cite(...items: CiteInput[]): Cite {
  const sources: string[] = []
  const assumptions: string[] = []
  const addSource = (s: string): void => {
    if (!sources.includes(s)) sources.push(s)
  }
  for (const item of items) {
    if (item == null) continue
    if (typeof item === 'string') {
      addSource(item)
    }
    else if (isCite(item)) {
      for (const s of item.sources) addSource(s)
      for (const a of item.assumptions) if (!assumptions.includes(a)) assumptions.push(a)
    }
    else {
      addSource(item.source)
      if (item.assumed && item.reason && !assumptions.includes(item.reason)) assumptions.push(item.reason)
    }
  }
  return { sources, source: renderSources(sources), assumptions }
}

/** Adds `source` (and `assumed` / `assumptions` when an assumed parameter was used) to a step. */
export function withCite<T extends { source: string, assumed?: true, assumptions?: string[] }>(step: T, ct: Cite): T {
  step.source = ct.source
  if (ct.assumptions.length > 0) {
    step.assumed = true
    step.assumptions = ct.assumptions.slice()
  }
  return step
}

/** A critical-illness table in fen / basis points. Tier i covers cumulative burden [from[i], to[i]). */
export interface CompiledTable {
  group: 'ordinary' | 'poverty'
  threshold: number
  from: readonly number[]
  to: readonly number[]
  bp: readonly number[]
  cap: number | null
  cite: Cite
  /** `cite` plus the referral rule (the step mentions referral). */
  citeReferral: Cite
}

/** Medical-assistance rule of one status. */
export interface CompiledAssistance {
  kind: 'ratio' | 'topUp'
  bp: number
  limit: number | null
  cite: Cite
}

/** How one status (or none) is treated in a settlement. */
export interface Profile {
  /** Profiles with the same key give identical settlements. */
  key: string
  status: SpecialStatus | null
  basicPoverty: boolean
  criticalPoverty: boolean
  assistance: CompiledAssistance | null
  hospital: boolean
  /** Subject to the referral rule. */
  referral: boolean
}

/** Basic-insurance numbers of one hospital level. */
export interface CompiledLevel {
  deductible: number
  bp: number
  bonusBp: number
  /** Basic step without bonus / with the poverty bonus / with the bonus lost for want of a referral. */
  cite: Cite
  citeBonus: Cite
  citeLost: Cite
}

/** A policy ready for fast evaluation. */
export interface CompiledPolicy {
  policy: Policy
  levels: readonly [CompiledLevel, CompiledLevel, CompiledLevel, CompiledLevel]
  basicCap: number
  ordinary: CompiledTable
  poverty: CompiledTable
  profiles: Readonly<Record<SpecialStatus, Profile>>
  ordinaryProfile: Profile
  /** Statuses in tie-break order. */
  priority: readonly SpecialStatus[]
  hospital: { bp: number, cite: Cite } | null
  referral: { fromLevel: 1 | 2 | 3, cite: Cite } | null
  assistanceNone: Cite
  multiple: Cite
  settlement: Cite
  /** Settlement clause plus the 就高 rule. */
  settlementMultiple: Cite
}

function compileTable(group: 'ordinary' | 'poverty', t: Extract<Policy['critical']['ordinary'], { kind: 'table' }>, extra: Cite, referral: Cite): CompiledTable {
  const from = t.segments.map(s => s.from.value)
  const to = [...from.slice(1), Number.POSITIVE_INFINITY]
  const tableCite = cite(t.threshold, ...t.segments.flatMap(s => [s.from, s.rate]), t.cap, extra)
  return {
    group,
    threshold: t.threshold.value,
    from,
    to,
    bp: t.segments.map(s => toBasisPoints(s.rate.value)),
    cap: t.cap.value,
    cite: tableCite,
    citeReferral: cite(tableCite, referral),
  }
}

function compile(policy: Policy): CompiledPolicy {
  const b = policy.basic
  const referralCite = policy.referral ? cite(policy.referral.fromLevel, policy.referral.statuses) : cite()
  const level = (l: 1 | 2 | 3): CompiledLevel => {
    const base = cite(b.deductible[l], b.rate[l], b.annualCap)
    return {
      deductible: b.deductible[l].value,
      bp: toBasisPoints(b.rate[l].value),
      bonusBp: toBasisPoints(b.povertyRateBonus[l].value),
      cite: base,
      citeBonus: cite(base, b.povertyRateBonus[l], b.povertyStatuses),
      citeLost: cite(base, referralCite),
    }
  }
  const ordinary = compileTable('ordinary', policy.critical.ordinary, cite(), referralCite)
  const pov = policy.critical.poverty
  let poverty: CompiledTable
  if (pov.kind === 'table') {
    poverty = compileTable('poverty', pov, cite(policy.critical.povertyStatuses), referralCite)
  }
  else {
    const threshold = applyRate(ordinary.threshold, toBasisPoints(pov.thresholdFactor.value))
    const bonus = toBasisPoints(pov.rateBonus.value)
    const tableCite = cite(ordinary.cite, pov.thresholdFactor, pov.rateBonus, pov.cap, policy.critical.povertyStatuses)
    poverty = {
      group: 'poverty',
      threshold,
      from: [threshold, ...ordinary.from.slice(1)],
      to: ordinary.to,
      bp: ordinary.bp.map(x => x + bonus),
      cap: pov.cap.value,
      cite: tableCite,
      citeReferral: cite(tableCite, referralCite),
    }
  }

  const a = policy.assistance
  const assistanceFor = (s: SpecialStatus): CompiledAssistance | null => {
    if (a.kind === 'ratio') {
      const rule = a.byStatus[s]
      if (!rule) return null
      return { kind: 'ratio', bp: toBasisPoints(rule.rate.value), limit: rule.annualLimit.value, cite: cite(rule.rate, rule.annualLimit) }
    }
    if (!a.statuses.value.includes(s)) return null
    return { kind: 'topUp', bp: toBasisPoints(a.targetRatio.value), limit: a.annualLimit.value, cite: cite(a.targetRatio, a.annualLimit, a.statuses) }
  }

  const profileFor = (s: SpecialStatus | null): Profile => {
    const basicPoverty = s !== null && b.povertyStatuses.value.includes(s)
    const criticalPoverty = s !== null && policy.critical.povertyStatuses.value.includes(s)
    const assistance = s === null ? null : assistanceFor(s)
    const hospital = s !== null && policy.outOfList !== null && policy.outOfList.statuses.value.includes(s)
    const referral = s !== null && policy.referral !== null && policy.referral.statuses.value.includes(s)
    const key = [
      basicPoverty ? 1 : 0,
      criticalPoverty ? 1 : 0,
      assistance ? `${assistance.kind}:${assistance.bp}:${assistance.limit}` : '-',
      hospital ? 1 : 0,
      referral ? 1 : 0,
    ].join('|')
    return { key, status: s, basicPoverty, criticalPoverty, assistance, hospital, referral }
  }

  const profiles = {} as Record<SpecialStatus, Profile>
  for (const s of SPECIAL_STATUSES) profiles[s] = profileFor(s)

  return {
    policy,
    levels: [level(1), level(1), level(2), level(3)],
    basicCap: b.annualCap.value,
    ordinary,
    poverty,
    profiles,
    ordinaryProfile: profileFor(null),
    priority: policy.statusPriority,
    hospital: policy.outOfList
      ? { bp: toBasisPoints(policy.outOfList.maxShare.value), cite: cite(policy.outOfList.maxShare, policy.outOfList.statuses) }
      : null,
    referral: policy.referral ? { fromLevel: policy.referral.fromLevel.value, cite: referralCite } : null,
    assistanceNone: cite(a.source),
    multiple: cite(policy.multipleStatuses),
    settlement: cite(policy.settlementSource),
    settlementMultiple: cite(policy.settlementSource, policy.multipleStatuses),
  }
}

const cache = new WeakMap<object, CompiledPolicy>()

/**
 * The compiled form of a policy (by object or id), cached per policy object. A policy object that is not one
 * of `POLICIES` must be one `PolicySchema` has parsed (this module loads no zod: the estimate screen runs it).
 */
export function compiledPolicy(policy: Policy | PolicyId): CompiledPolicy {
  const p: Policy = typeof policy === 'string' ? lookup(policy) : policy
  let c = cache.get(p)
  if (!c) {
    c = compile(p)
    cache.set(p, c)
  }
  return c
}

function lookup(id: string): Policy {
  const p = (POLICIES as Record<string, Policy | undefined>)[id]
  if (!p) throw new RangeError(`unknown policy id: ${id}`)
  return p
}
