// «Срок в рабочем времени» and «Дождаться рабочего времени» on real dates of the shipped Russian production calendar.
import { describe, expect, it } from 'vitest'
import type { BusinessCalendar } from '../../rules/calendar/business-calendar.js'
import { calendarFor } from '../../rules/calendar/portal-calendar.js'
import { nextWorkingMoment, workingDue, type WorkingUnit } from '../../rules/calendar/working-time.js'
import { loadProductionCalendars } from '../../src/settings/calendar-files.js'
import { resolveRuleSettings } from '../../src/settings/rule-settings.js'

const production = loadProductionCalendars()
const calendar = (settings: Record<string, unknown> = {}): BusinessCalendar => calendarFor(resolveRuleSettings({ calendar: settings }).calendar, 'ru', production)
const moscow = calendar()
// The portal's own days: Mon 07.12.2026 off, Sat 12.12.2026 working with the usual hours.
const withOwnDays = calendar({ daysOff: ['2026-12-07'], workingDays: [{ date: '2026-12-12' }] })

// Moscow is UTC+3 all year; times below are Moscow's, converted in one place.
const msk = (local: string): Date => new Date(`${local}:00+03:00`)
const mskText = (date: Date): string => new Date(+date + 3 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')

describe('workingDue («Срок в рабочем времени»), default hours Mon–Fri 09:00–18:00', () => {
  it.each<[string, BusinessCalendar, string, number, WorkingUnit, string]>([
    // 30 Dec an ordinary Tuesday: one hour; 31 Dec off (moved from 5 Jan), 1–8 Jan holidays, 9 Jan off, 10–11 weekend.
    ['across the New Year holidays', moscow, '2025-12-30T17:00', 2, 'hours', '2026-01-12 10:00'],
    ['the same in minutes', moscow, '2025-12-30T17:00', 120, 'minutes', '2026-01-12 10:00'],
    // Thu 30.04.2026 is shortened to 17:00; 1 May holiday, 2–3 May weekend.
    ['a shortened pre-holiday day', moscow, '2026-04-30T16:00', 2, 'hours', '2026-05-04 10:00'],
    // Sat 01.11.2025 is a working (shortened) Saturday: the second hour falls on it.
    ['a working Saturday', moscow, '2025-10-31T17:00', 2, 'hours', '2025-11-01 10:00'],
    ['the working Saturday closes at 17:00', moscow, '2025-11-01T16:30', 1, 'hours', '2025-11-05 09:30'],
    // The portal's own day off: Monday 07.12.2026 is skipped.
    ['the portal\'s own day off', withOwnDays, '2026-12-04T17:00', 2, 'hours', '2026-12-08 10:00'],
    ['the portal\'s own working Saturday', withOwnDays, '2026-12-11T17:00', 2, 'hours', '2026-12-12 10:00'],
    ['a span that fills the day ends at its close', moscow, '2026-12-01T17:00', 1, 'hours', '2026-12-01 18:00'],
    ['from outside working time', moscow, '2026-12-05T23:00', 30, 'minutes', '2026-12-07 09:30'],
    ['half an hour as 0.5 hours', moscow, '2026-12-01T10:00', 0.5, 'hours', '2026-12-01 10:30'],
    // Days: the same moment of the working day N working days later.
    ['3 working days', moscow, '2026-12-07T10:00', 3, 'days', '2026-12-10 10:00'],
    ['2 working days across the New Year', moscow, '2025-12-29T10:00', 2, 'days', '2026-01-12 10:00'],
    ['1 working day onto a shortened day, clipped to its close', moscow, '2026-04-29T17:30', 1, 'days', '2026-04-30 17:00'],
    ['1 working day onto a working Saturday', moscow, '2025-10-31T10:00', 1, 'days', '2025-11-01 10:00'],
    ['1 working day over the portal\'s own day off', withOwnDays, '2026-12-04T10:00', 1, 'days', '2026-12-08 10:00'],
    ['1 working day from Saturday night counts from Monday 09:00', moscow, '2026-12-05T23:00', 1, 'days', '2026-12-08 09:00'],
    ['0 of anything is the next working moment', moscow, '2026-12-05T23:00', 0, 'days', '2026-12-07 09:00'],
  ])('%s: %s + %s %s', (_name, cal, from, amount, unit, due) => {
    expect(mskText(workingDue(cal, msk(from), { amount, unit }))).toBe(due)
  })

  it.each([[-1, 'hours'], [Number.NaN, 'minutes'], [1.5, 'days']] as const)('refuses %s %s', (amount, unit) => {
    expect(() => workingDue(moscow, msk('2026-12-01T10:00'), { amount, unit })).toThrow(RangeError)
  })
})

describe('nextWorkingMoment («Дождаться рабочего времени»)', () => {
  it.each<[string, BusinessCalendar, string, string]>([
    ['Saturday 23:00 → Monday 09:00', moscow, '2026-12-05T23:00', '2026-12-07 09:00'],
    ['Friday 23:00 before a working Saturday → that Saturday 09:00', moscow, '2025-10-31T23:00', '2025-11-01 09:00'],
    ['during working time: now', moscow, '2026-12-01T11:15', '2026-12-01 11:15'],
    ['after a shortened day\'s close → the next working morning', moscow, '2026-04-30T17:30', '2026-05-04 09:00'],
    ['New Year\'s Eve → 12 January', moscow, '2025-12-31T12:00', '2026-01-12 09:00'],
    ['Saturday before the portal\'s own day off → Tuesday', withOwnDays, '2026-12-05T23:00', '2026-12-08 09:00'],
  ])('%s', (_name, cal, at, expected) => {
    expect(mskText(nextWorkingMoment(cal, msk(at)))).toBe(expected)
  })
})
