import type { PersonCategory, SpecialStatus } from '@yibao/shared'
import type { PolicyRegion } from './model'

/**
 * Amounts the sandbox bureau records for yearly resident contributions. These are synthetic data, not
 * the product's policy engine: the BFF must compute estimates from its own rules. Figures marked
 * `assumed` are plausible values chosen for the sandbox, not taken from a document.
 */

/**
 * National minimum individual contribution per benefit year, in yuan. 2024 (400) is from 医保发〔2024〕19号;
 * 2022 (350) and 2023 (380) follow the yearly increments; 2025 and 2026 keep 400 (assumed, as Hebei did).
 */
const STANDARD_YUAN: Record<number, number> = { 2022: 350, 2023: 380, 2024: 400, 2025: 400, 2026: 400 }

/**
 * Dongying charged students 100 yuan less than other residents in 2020 (310 vs 210, 东医保发〔2020〕56号);
 * the sandbox keeps that gap for later years (assumed).
 */
const DONGYING_STUDENT_DISCOUNT_YUAN = 100

/** Individual contribution standard in fen for a region, year and category. */
export function standardFen(region: PolicyRegion, year: number, category: PersonCategory): number {
  const base = STANDARD_YUAN[year] ?? 400
  const student = category === 'student' || category === 'college_student'
  return (region === '370500' && student ? base - DONGYING_STUDENT_DISCOUNT_YUAN : base) * 100
}

/**
 * Government 资助 in fen for one status. 特困: full (Guizhou 2019 plan; national 国办发〔2021〕42号).
 * 建档立卡: 100 yuan fixed (Guizhou 2019 plan; assumed elsewhere). 低保 and 监测对象: 60 % (assumed, after
 * Hebei's "≥60 % 定额资助"). 重度残疾: full (assumed).
 */
function subsidyFor(status: SpecialStatus, standard: number): number {
  switch (status) {
    case 'extreme_poverty':
    case 'severe_disability':
      return standard
    case 'poverty_registered':
      return Math.min(10_000, standard)
    case 'minimum_living':
    case 'marginal':
      return Math.round(standard * 0.6)
  }
}

/** Subsidy for several statuses: the most favourable one applies, never two (就高不重复). */
export function subsidyFen(statuses: readonly SpecialStatus[], standard: number): number {
  return statuses.reduce((best, status) => Math.max(best, subsidyFor(status, standard)), 0)
}
