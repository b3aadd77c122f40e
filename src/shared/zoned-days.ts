// Calendar days in a portal's time zone with Intl alone: where a local day and a local week start.
import { offsetAt as zoneOffsetAt } from '../../rules/calendar/time-zone.js'

/** A calendar date (month 1–12) as the portal's clock shows it. */
export interface LocalDate {
  year: number
  month: number
  day: number
}

/** The local date of `at` in `timeZone`, and its weekday (1 Monday … 7 Sunday). */
export function localDateOf(at: number, timeZone: string): LocalDate & { weekday: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short' }).formatToParts(new Date(at))
  const part = (type: string) => parts.find((item) => item.type === type)?.value ?? ''
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(part('weekday')) + 1
  return { year: Number(part('year')), month: Number(part('month')), day: Number(part('day')), weekday }
}

/** The date `days` after (or before) `date`, over month and year ends. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days))
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() }
}

/** The instant the local day `date` begins in `timeZone` (epoch ms), daylight saving included. */
export function startOfDay(date: LocalDate, timeZone: string): number {
  return wallClockAt(date, 0, 0, timeZone)
}

/** The instant `timeZone`'s wall clock shows `hour:minute` on `date` (a time skipped by a DST jump lands after it). */
export function wallClockAt(date: LocalDate, hour: number, minute: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute)
  const guess = wall - offsetAt(wall, timeZone)
  // Once more at the guess: the offset may change between the wall time read as UTC and the true instant.
  return wall - offsetAt(guess, timeZone)
}

/** Monday 00:00 of the local week `at` falls in. */
export function startOfWeek(at: number, timeZone: string): number {
  const today = localDateOf(at, timeZone)
  return startOfDay(addDays(today, 1 - today.weekday), timeZone)
}

/** YYYY-MM-DD of a local date. */
export function isoDate(date: LocalDate): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`
}

/** How far the zone's wall clock is ahead of UTC at `at`, ms. */
export function offsetAt(at: number, timeZone: string): number {
  // The calendar's offset keeps one Intl formatter a zone: building one a call cost ~0.1 ms, most of a report's writing time.
  return zoneOffsetAt(timeZone, at)
}
