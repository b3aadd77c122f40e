// Calendar dates without a time zone ('YYYY-MM-DD'): validation, weekday, the next day.

/** The weekdays as settings name them, Sunday first (the index of Date#getUTCDay). */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
export type Weekday = (typeof WEEKDAYS)[number]

/** True for an existing date written 'YYYY-MM-DD' ('2026-02-30' is not one). */
export function isCivilDate(value: string): boolean {
  if (!/^\d{4}-\d\d-\d\d$/.test(value)) return false
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)
}

/** The civil date of a UTC-based day number (days since 1970-01-01). */
export function civilDate(dayNumber: number): string {
  return new Date(dayNumber * 86_400_000).toISOString().slice(0, 10)
}

/** Days since 1970-01-01 of a civil date. */
export function dayNumberOf(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / 86_400_000
}

/** The weekday of a day number. */
export function weekdayOf(dayNumber: number): Weekday {
  return WEEKDAYS[new Date(dayNumber * 86_400_000).getUTCDay()]!
}
