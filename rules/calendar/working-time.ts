// «Срок в рабочем времени» and «Дождаться рабочего времени» as pure functions over a portal's business calendar.
import type { BusinessCalendar, Instant } from './business-calendar.js'

/** The units «Срок в рабочем времени» counts in. */
export const WORKING_UNITS = ['minutes', 'hours', 'days'] as const

/** A unit of working time. */
export type WorkingUnit = (typeof WORKING_UNITS)[number]

/** A span of working time: N working minutes, hours or days. */
export interface WorkingSpan {
  amount: number
  unit: WorkingUnit
}

/**
 * The due date-time `span` of working time after `from`, by the portal's business calendar (its hours, the production
 * calendar with its shortened pre-holiday days and working Saturdays, the portal's own extra days).
 *
 * - minutes and hours count working minutes only: 30.12.2025 17:00 + 2 working hours is 12.01.2026 10:00 in Moscow
 *   (one hour on the 30th, then the New Year holidays, then one hour on the 12th). A span that fills a working period
 *   exactly ends at its close (17:00 + 1 hour on a 09:00–18:00 day is 18:00, not 09:00 the next morning).
 * - N working days is the same moment of the working day N working days later: the start's offset from the opening of
 *   its working day, added to the opening of the N-th working day after it (Monday 10:00 + 3 days = Thursday 10:00),
 *   clipped to that day's close (a shortened day ends an hour early). A start outside working time counts from the next
 *   working moment (Saturday 23:00 + 1 day = Tuesday 09:00).
 * - A span of 0 (any unit) is the next working moment: now, if it is working time.
 * Throws RangeError for a negative or non-finite amount; fractions of minutes and hours are kept, days must be whole.
 */
export function workingDue(calendar: BusinessCalendar, from: Instant, span: WorkingSpan): Date {
  const { amount, unit } = span
  if (!Number.isFinite(amount) || amount < 0) throw new RangeError(`a working span must be a finite amount ≥ 0, got ${amount}`)
  if (amount === 0) return calendar.nextWorkingMoment(from)
  if (unit === 'minutes') return calendar.addWorkingMinutes(from, amount)
  if (unit === 'hours') return calendar.addWorkingMinutes(from, amount * 60)
  if (!Number.isInteger(amount)) throw new RangeError(`working days must be whole, got ${amount}`)
  return calendar.addWorkingDays(from, amount)
}

/** «Дождаться рабочего времени»: the first working moment at or after `at` (`at` itself while it is working time). */
export function nextWorkingMoment(calendar: BusinessCalendar, at: Instant): Date {
  return calendar.nextWorkingMoment(at)
}
