/**
 * Policy engine: policies as data, premium quotes and inpatient settlement estimates with
 * plain-Chinese explanations. Pure TypeScript (no I/O); runs in the browser and on the server.
 */
export * from './api-schemas'
export { listAssumptions } from './assumptions'
export {
  addMonths,
  benefitStartsAt,
  benefitYearState,
  collectionDays,
  collectionPhase,
  WAITING_PERIOD_MONTHS,
  waitingPeriodFor,
} from './benefit-year'
export type {
  BenefitYearInput,
  BenefitYearState,
  BenefitYearStatus,
  CollectionPhase,
  WaitingPeriod,
} from './benefit-year'
export type { AssumedParameter } from './assumptions'
export { CollectionCalendarSchema } from './calendar-schema'
export type { CollectionCalendar, CollectionCalendarInput } from './calendar-schema'
export { benchEngine } from './bench'
export { applyDisabilityScope, describeDisabilityScope, inDisabilityScope } from './disability-scope'
export type { DisabilityScopeOutcome } from './disability-scope'
export { HOSPITAL_LEVELS, POLICY_IDS } from './ids'
export type { HospitalLevel, PolicyId } from './ids'
export { getPolicy, isPolicyId, listPolicies, POLICIES } from './policies'
export { calendarFor, DEFAULT_CALENDAR, REGION_CALENDARS } from './policies/calendars'
export { DisabilityScopeSchema, PolicySchema } from './policy-schema'
export type { DisabilityScope, Param, Policy, PolicyInput } from './policy-schema'
export { ageOnNewYear, enrolmentYearForNewTarget, quotePremium } from './premium'
export type { PremiumInput } from './premium'
export { estimateSettlement } from './settlement'
export type { SettlementInput, YearToDate } from './settlement'
