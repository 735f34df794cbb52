import { z } from 'zod'
import { FenSchema, RegionCodeSchema } from '../schemas/common'
import { DISABILITY_GRADES, DISABILITY_KINDS } from '../schemas/disability'
import { SPECIAL_STATUSES, SpecialStatusSchema } from '../schemas/person'
import { BP_ONE } from './arithmetic'
import { POLICY_IDS } from './ids'

/**
 * Policies are data. Every number the engine uses is a parameter `{ value, source, assumed?, reason? }`:
 * `source` cites `<document> <clause>`; `assumed: true` marks a value the documents do not give,
 * and `reason` then says in one Chinese line why that value was chosen.
 */
export function paramSchema<T extends z.ZodType>(value: T) {
  return z
    .object({
      value,
      source: z.string().min(1),
      assumed: z.literal(true).optional(),
      reason: z.string().min(1).optional(),
    })
    .refine(p => (p.assumed === true) === (p.reason !== undefined), {
      message: 'an assumed parameter needs a one-line reason, and only assumed parameters have one',
      path: ['reason'],
    })
}

/** A parameter as stored in a policy. */
export interface Param<T> {
  value: T
  source: string
  assumed?: true
  reason?: string
}

/** A rate as a decimal in [0, 1] with at most 4 decimals (whole basis points), e.g. 0.6. */
export const RateSchema = z
  .number()
  .min(0)
  .max(1)
  .refine(v => Math.abs(v * BP_ONE - Math.round(v * BP_ONE)) < 1e-7, 'a rate has at most 4 decimals')

const StatusListSchema = z.array(SpecialStatusSchema)

function levels<T extends z.ZodType>(schema: T) {
  return z.object({ 1: schema, 2: schema, 3: schema })
}

const FenParam = paramSchema(FenSchema)
const RateParam = paramSchema(RateSchema)

/** A critical-illness table given explicitly: threshold, tiers `[from, next from)` with their rate, annual cap. */
export const CriticalTableSchema = z
  .object({
    kind: z.literal('table'),
    threshold: FenParam,
    /** Tiers of the annual cumulative burden; the first starts at the threshold, the last is open-ended. */
    segments: z.array(z.object({ from: FenParam, rate: RateParam })).min(1),
    /** Annual cap of critical-illness payouts; `null` = no cap. */
    cap: paramSchema(FenSchema.nullable()),
  })
  .superRefine((t, ctx) => {
    if (t.segments[0]?.from.value !== t.threshold.value)
      ctx.addIssue({ code: 'custom', message: 'the first segment starts at the threshold', path: ['segments', 0, 'from'] })
    for (let i = 1; i < t.segments.length; i++) {
      if (t.segments[i]!.from.value <= t.segments[i - 1]!.from.value)
        ctx.addIssue({ code: 'custom', message: 'segments must be in increasing order', path: ['segments', i, 'from'] })
    }
  })

/** Poverty critical-illness table derived from the ordinary one (threshold × factor, every rate + bonus). */
export const CriticalAdjustedSchema = z.object({
  kind: z.literal('adjusted'),
  thresholdFactor: RateParam,
  rateBonus: RateParam,
  cap: paramSchema(FenSchema.nullable()),
})

const AssistanceRuleSchema = z.object({
  /** Share of the remaining in-policy personal burden paid by assistance. */
  rate: RateParam,
  /** Annual assistance limit; `null` = none. */
  annualLimit: paramSchema(FenSchema.nullable()),
})

/** Medical assistance (医疗救助): a share of the remaining in-policy burden, or a top-up to a target ratio of the total. */
export const AssistanceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('ratio'),
    /** Clause for people without assistance. */
    source: z.string().min(1),
    byStatus: z.partialRecord(SpecialStatusSchema, AssistanceRuleSchema),
  }),
  z.object({
    kind: z.literal('topUp'),
    source: z.string().min(1),
    statuses: paramSchema(StatusListSchema),
    /** basic + critical + assistance reach at least this share of the TOTAL cost. */
    targetRatio: RateParam,
    annualLimit: paramSchema(FenSchema.nullable()),
  }),
])

const GradesSchema = z.array(z.literal(DISABILITY_GRADES))

/**
 * Which 重度残疾人 count for the policy's preferences (a policy with no such clause: `null`, every
 * severe_disability status counts). A status outside the scope is treated as if the person did not hold it.
 */
export const DisabilityScopeSchema = z.object({
  /** Grades that count whatever the kind of disability. */
  grades: GradesSchema,
  /** Further grades that count for one kind only. */
  gradesByKind: z.partialRecord(z.enum(DISABILITY_KINDS), GradesSchema),
  /** Only people still poor (未脱贫) count. */
  poorOnly: z.boolean(),
})
export type DisabilityScope = z.infer<typeof DisabilityScopeSchema>

/** A whole policy. */
export const PolicySchema = z
  .object({
    id: z.enum(POLICY_IDS),
    title: z.string().min(1),
    region: z.string().min(1),
    regionCode: RegionCodeSchema,
    year: z.number().int().min(2000).max(2100),
    /** Short name used to cite clauses, e.g. `东医保发〔2020〕56号`. */
    document: z.string().min(1),
    /** Full citation of the source document. */
    source: z.string().min(1),
    /** Order in which statuses are tried when several give the same result (most generous first). */
    statusPriority: z.array(SpecialStatusSchema).length(SPECIAL_STATUSES.length),
    /** Which 重度残疾人 (severe_disability) hold the status for this policy; `null`: all of them. */
    severeDisabilityScope: paramSchema(DisabilityScopeSchema).nullable(),
    /** Several statuses at once: the single most favourable one applies (就高), never added up. */
    multipleStatuses: paramSchema(z.literal('highest')),
    /** Clause of the one-stop settlement (what the patient pays at discharge). */
    settlementSource: z.string().min(1),
    premium: z.object({
      adult: FenParam,
      student: FenParam,
      /** People younger than this on 1 January of the policy year pay the student rate. */
      minorAgeBelow: paramSchema(z.number().int().min(1).max(30)),
      /** Subsidy of the individual contribution per status: `'full'` or a fixed amount in fen (0 = none). */
      subsidies: z.record(SpecialStatusSchema, paramSchema(z.union([z.literal('full'), FenSchema]))),
      /** Targets identified up to the end of this month join this year's insurance; later ones the next year's. */
      newTargetCutoffMonth: paramSchema(z.number().int().min(1).max(12)),
    }),
    basic: z.object({
      deductible: levels(FenParam),
      rate: levels(RateParam),
      povertyRateBonus: levels(RateParam),
      povertyStatuses: paramSchema(StatusListSchema),
      annualCap: FenParam,
    }),
    critical: z.object({
      povertyStatuses: paramSchema(StatusListSchema),
      ordinary: CriticalTableSchema,
      poverty: z.union([CriticalTableSchema, CriticalAdjustedSchema]),
    }),
    assistance: AssistanceSchema,
    /** Out-of-list costs of targets above `maxShare` of the total are borne by the hospital. */
    outOfList: z.object({ statuses: paramSchema(StatusListSchema), maxShare: RateParam }).nullable(),
    /** Unreferred targets at `fromLevel` or above lose the lowered threshold and raised ratios. */
    referral: z.object({ fromLevel: paramSchema(z.literal([1, 2, 3])), statuses: paramSchema(StatusListSchema) }).nullable(),
  })
  .superRefine((p, ctx) => {
    for (const level of [1, 2, 3] as const) {
      if (p.basic.rate[level].value + p.basic.povertyRateBonus[level].value > 1 + 1e-9)
        ctx.addIssue({ code: 'custom', message: 'basic rate plus bonus exceeds 100 %', path: ['basic', 'povertyRateBonus', level] })
    }
    if (new Set(p.statusPriority).size !== SPECIAL_STATUSES.length)
      ctx.addIssue({ code: 'custom', message: 'statusPriority lists every status once', path: ['statusPriority'] })
    if (p.critical.poverty.kind === 'adjusted') {
      const bonus = p.critical.poverty.rateBonus.value
      p.critical.ordinary.segments.forEach((s, i) => {
        if (s.rate.value + bonus > 1 + 1e-9)
          ctx.addIssue({ code: 'custom', message: 'adjusted critical rate exceeds 100 %', path: ['critical', 'ordinary', 'segments', i, 'rate'] })
      })
    }
  })

/** A validated policy. */
export type Policy = z.infer<typeof PolicySchema>

/** A policy as written in a data file (before validation). */
export type PolicyInput = z.input<typeof PolicySchema>
