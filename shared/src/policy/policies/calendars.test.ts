import { describe, expect, it } from 'vitest'
import { CollectionCalendarSchema } from '../calendar-schema'
import { DEFAULT_CALENDAR, REGION_CALENDARS } from './calendars'

// The calendars are not parsed when they load (a payment screen reads them at start without zod): here each one
// is held to the schema instead, as it is written.
describe('collection calendars', () => {
  const all = { default: DEFAULT_CALENDAR, ...REGION_CALENDARS }

  it.each(Object.entries(all))('%s is a valid calendar, exactly as written', (_, calendar) => {
    expect(CollectionCalendarSchema.parse(calendar)).toEqual(calendar)
    expect(Object.isFrozen(calendar)).toBe(true)
  })

  it('the schema refuses what a mistyped calendar would hold', () => {
    const bad = [
      { ...DEFAULT_CALENDAR, opens: { ...DEFAULT_CALENDAR.opens, value: '9-01' } },
      { ...DEFAULT_CALENDAR, closes: { ...DEFAULT_CALENDAR.closes, value: '06-31x' } },
      { ...DEFAULT_CALENDAR, concentratedEnds: { value: '12-31', source: '', assumed: true, reason: '因为' } },
      { ...DEFAULT_CALENDAR, februaryExtension: { value: true, source: '文件', assumed: true } },
    ]
    for (const calendar of bad) expect(CollectionCalendarSchema.safeParse(calendar).success).toBe(false)
  })
})
