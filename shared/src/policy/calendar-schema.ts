import { z } from 'zod'
import { paramSchema } from './policy-schema'

// The shape of a collection calendar, apart from the benefit-year rule that reads it: the rule and the
// calendars themselves load no zod (a payment screen reads them at start); a test checks every calendar
// against this schema.

const MonthDaySchema = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/)

/** A region's collection calendar (each date a parameter with its source; `MM-DD`). */
export const CollectionCalendarSchema = z.object({
  /** Day of year Y−1 on which the tax bureau starts collecting benefit year Y's premiums. */
  opens: paramSchema(MonthDaySchema),
  /** Last day of year Y−1 of the concentrated enrolment period (集中参保期). */
  concentratedEnds: paramSchema(MonthDaySchema),
  /** 延长缴费期: payments from 1 January to the end of February of Y still count as on time. */
  februaryExtension: paramSchema(z.boolean()),
  /** Last day of year Y on which its premiums are still collected (late). */
  closes: paramSchema(MonthDaySchema),
})
export type CollectionCalendar = z.infer<typeof CollectionCalendarSchema>
export type CollectionCalendarInput = z.input<typeof CollectionCalendarSchema>
