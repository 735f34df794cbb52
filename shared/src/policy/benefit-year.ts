import type { EnrolmentStatus } from '../schemas/person'
import type { CollectionCalendar } from './calendar-schema'
import { shanghaiDate } from '../time'

/**
 * The benefit-year rule: where benefit year Y stands on a given instant, and what a person's record of
 * it means then. One pure function (`benefitYearState`) that coverage, premium quotes, refunds and
 * 异地就医备案 all use, so they give the same answer on every day of the year. All days are Shanghai
 * calendar days (UTC+8, no daylight saving).
 *
 * The calendar of year Y (dates of a region: `policies/calendars.ts`):
 * - collection opens on `opens` of Y−1 (1 September);
 * - a payment is on time (集中参保期) until `concentratedEnds` of Y−1 (31 December), or until the end
 *   of February of Y where the region has the February extension (延长缴费期);
 * - the benefit year starts on 1 January of Y, 00:00, and ends on 31 December of Y;
 * - collection goes on, late, until `closes` of Y (30 June); after it the year can no longer be paid.
 * A late payment waits `WAITING_PERIOD_MONTHS` before benefits start (国办发〔2024〕38号: 未在集中参保期内
 * 参保的，设置固定待遇等待期3个月), unless it is exempt (finance-paid, a newborn in its birth year, a
 * 困难群众 status on the payment day: the caller decides).
 *
 * Reconciling the two upstream records of a year: the tax bureau's collection record (paid or not) and
 * the national platform's 参保状态 (which it gives for today only, so it speaks for the current year):
 * - a year paid (by the resident, or by finance for 特困/资助 people) is 正常参保 (`active`) for its
 *   benefit period, whatever the platform says today;
 * - a year unpaid while its collection is open is 待缴费 (`pending`), never 未参保, until it closes;
 * - once it has closed, unpaid is 暂停参保 (`suspended`) — for the current year only when the platform
 *   says so — and a year the tax bureau has no record of is 未参保 (`not_enrolled`);
 * - a relation the platform ended (终止/无效) before the year began gives nothing (`terminated`).
 */

/** Months without benefits after a late payment (国办发〔2024〕38号 固定待遇等待期). */
export const WAITING_PERIOD_MONTHS = 3

/** Where year Y's collection stands: before it, on time, in the February extension, late, or closed. */
export type CollectionPhase = 'not_open' | 'concentrated' | 'extension' | 'late' | 'closed'

/** What a benefit year is for a person: a subset of the enrolment statuses. */
export type BenefitYearStatus = Extract<
  EnrolmentStatus,
  'active' | 'pending' | 'suspended' | 'not_enrolled' | 'terminated'
>

/** A waiting period (等待期) after a late payment; an assumption of the app (see `WAITING_PERIOD_MONTHS`). */
export interface WaitingPeriod {
  /** Payment day: the waiting period starts here. */
  from: string
  /** Last day without benefits. */
  until: string
  reason: 'late_payment'
  assumed: true
}

export interface BenefitYearInput {
  /** Benefit year (待遇享受年度). */
  year: number
  now: Date
  calendar: CollectionCalendar
  /** The tax bureau's record of the year; `null` when it lists none. */
  payment: {
    paid: boolean
    /** ISO 8601 with offset; `null` while unpaid. */
    paidAt: string | null
    /** Never waits, even when late (finance-paid, newborn, 困难群众 on the payment day). */
    exempt: boolean
  } | null
  /** The resident relation at the national platform; `null` when there is none. */
  enrolment: {
    /** Its 参保状态 today: counts only when `year` is the current year. */
    status: EnrolmentStatus
    /** Day the relation ended (终止/无效), else `null`. */
    endedOn: string | null
  } | null
}

export interface BenefitYearState {
  year: number
  phase: CollectionPhase
  /** The tax bureau collects the year's premiums today. */
  collectionOpen: boolean
  /** 1 January of the year, 00:00 Shanghai, has come: refunds only for a death before it. */
  benefitStarted: boolean
  status: BenefitYearStatus
  /** Days the fund pays for (`YYYY-MM-DD`, inclusive); `null` when none. */
  benefitPeriod: { from: string, to: string } | null
  waitingPeriod: WaitingPeriod | null
}

function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** `YYYY-MM-DD` + n months, the day clamped to the month's end. */
export function addMonths(day: string, months: number): string {
  const y = Number(day.slice(0, 4))
  const m = Number(day.slice(5, 7)) - 1 + months
  const target = new Date(Date.UTC(y, m, 1))
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate()
  target.setUTCDate(Math.min(Number(day.slice(8, 10)), last))
  return target.toISOString().slice(0, 10)
}

/** The instant benefit year `year` starts: 1 January, 00:00 Shanghai. */
export function benefitStartsAt(year: number): Date {
  return new Date(`${year}-01-01T00:00:00+08:00`)
}

/** The calendar's days for benefit year `year` (`YYYY-MM-DD`). */
export function collectionDays(year: number, calendar: CollectionCalendar) {
  const concentratedEnds = `${year - 1}-${calendar.concentratedEnds.value}`
  return {
    opens: `${year - 1}-${calendar.opens.value}`,
    concentratedEnds,
    /** Last day a payment is on time: the end of February with the extension. */
    onTimeUntil: calendar.februaryExtension.value ? addDays(`${year}-03-01`, -1) : concentratedEnds,
    closes: `${year}-${calendar.closes.value}`,
  }
}

/** The phase of year `year`'s collection on Shanghai day `day`. */
export function collectionPhase(year: number, day: string, calendar: CollectionCalendar): CollectionPhase {
  const d = collectionDays(year, calendar)
  if (day < d.opens) return 'not_open'
  if (day <= d.concentratedEnds) return 'concentrated'
  if (day <= d.onTimeUntil) return 'extension'
  if (day <= d.closes) return 'late'
  return 'closed'
}

/** The waiting period of a payment made on `paidOn` for `year`, or `null` (on time, or exempt). */
export function waitingPeriodFor(
  year: number,
  paidOn: string,
  exempt: boolean,
  calendar: CollectionCalendar,
): WaitingPeriod | null {
  if (exempt || paidOn <= collectionDays(year, calendar).onTimeUntil) return null
  const until = addDays(addMonths(paidOn, WAITING_PERIOD_MONTHS), -1)
  return { from: paidOn, until, reason: 'late_payment', assumed: true }
}

/** Where benefit year `year` stands at `now`, and what the person's records of it mean (see the module comment). */
export function benefitYearState(input: BenefitYearInput): BenefitYearState {
  const { year, now, calendar, payment, enrolment } = input
  const today = shanghaiDate(now)
  const phase = collectionPhase(year, today, calendar)
  const yearStart = `${year}-01-01`
  const yearEnd = `${year}-12-31`
  const base = {
    year,
    phase,
    collectionOpen: phase === 'concentrated' || phase === 'extension' || phase === 'late',
    benefitStarted: now.getTime() >= benefitStartsAt(year).getTime(),
  }
  const state = (
    status: BenefitYearStatus,
    benefitPeriod: BenefitYearState['benefitPeriod'] = null,
    waitingPeriod: WaitingPeriod | null = null,
  ): BenefitYearState => ({ ...base, status, benefitPeriod, waitingPeriod })

  const gone = enrolment?.status === 'terminated' || enrolment?.status === 'invalid'
  const ended = gone ? enrolment.endedOn ?? today : null
  if (ended !== null && ended <= yearStart) return state('terminated')
  if (payment?.paid) {
    const paidOn = payment.paidAt?.slice(0, 10)
    const waiting = paidOn ? waitingPeriodFor(year, paidOn, payment.exempt, calendar) : null
    const from = waiting ? addDays(waiting.until, 1) : yearStart
    const to = ended !== null && ended < yearEnd ? ended : yearEnd
    const status = ended !== null && ended <= yearEnd ? 'terminated' : 'active'
    return state(status, from <= to ? { from, to } : null, waiting)
  }
  if (ended !== null && ended <= today) return state('terminated')
  if (base.collectionOpen) return state('pending')
  if (phase === 'not_open') return state('not_enrolled')
  // Closed and unpaid. The platform's word is today's, so it speaks only for the current year.
  const current = year === Number(today.slice(0, 4))
  if (current && enrolment) {
    const said = enrolment.status
    return state(said === 'suspended' ? 'suspended' : said === 'active' ? 'active' : 'not_enrolled')
  }
  return state(payment ? 'suspended' : 'not_enrolled')
}
