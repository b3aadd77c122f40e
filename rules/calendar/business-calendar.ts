// The business calendar: working time of a portal, day by day, from hours, time zone, production calendar and extra days.
import { civilDate, weekdayOf, WEEKDAYS } from './civil-date.js'
import { SHORTENED_BY_MINUTES, type Span, type WeeklyHours } from './hours.js'
import type { DayKind } from './production-calendar.js'
import { instantOfLocal, localDayNumber } from './time-zone.js'

/** An instant: a Date or epoch milliseconds. */
export type Instant = Date | number

/** Working time of one portal; every function is pure and goes day by day, so months cost only their days. */
export interface BusinessCalendar {
  /** True when every minute counts (`hours: "24/7"`). */
  readonly roundTheClock: boolean
  /** Working minutes in [from, to); 0 when to is not after from. May be fractional. */
  workingMinutesBetween(from: Instant, to: Instant): number
  /** The instant when `minutes` working minutes have passed since start; a deadline that fills a period exactly ends at its close. */
  addWorkingMinutes(start: Instant, minutes: number): Date
  /**
   * `days` working days after the start, at the same time into the working day (clipped to that day's close): a task
   * set Monday 10:00 with three working days is due Thursday 10:00. A start outside working time counts from the next one.
   */
  addWorkingDays(start: Instant, days: number): Date
  /** The working periods in [from, to), clipped to it, in order, at most `limit` of them (epoch ms pairs). */
  workingPeriods(from: Instant, to: Instant, limit: number): Array<[number, number]>
  /** The first working moment at or after the instant (the instant itself while working). */
  nextWorkingMoment(at: Instant): Date
  /** True when the instant lies in working time. */
  isWorkingTime(at: Instant): boolean
}

/** A day the portal's settings add: off, or working (with its own hours, or the usual ones when null). */
export type ExtraDay = { kind: 'off' } | { kind: 'work'; hours: Span | null }

/** What a business calendar is built from. */
export interface BusinessCalendarOptions {
  timeZone: string
  /** Per weekday, or '24/7' for round the clock (which ignores everything else). */
  hours: WeeklyHours | '24/7'
  /** The country's production calendar, 'YYYY-MM-DD' → kind (every year shipped). */
  production: ReadonlyMap<string, DayKind>
  /** The portal's own days, 'YYYY-MM-DD' → kind; they override the production calendar. */
  extraDays: ReadonlyMap<string, ExtraDay>
}

// Looking further than this for working time means the calendar has none (e.g. every weekday off).
const MAX_DAYS = 3660

/** A round-the-clock calendar: every minute is working time. */
export const ROUND_THE_CLOCK: BusinessCalendar = {
  roundTheClock: true,
  workingMinutesBetween: (from, to) => Math.max(0, +to - +from) / 60_000,
  addWorkingMinutes: (start, minutes) => new Date(+start + minutes * 60_000),
  addWorkingDays: (start, days) => new Date(+start + days * 86_400_000),
  workingPeriods: (from, to, limit) => (+to > +from && limit > 0 ? [[+from, +to]] : []),
  nextWorkingMoment: (at) => new Date(+at),
  isWorkingTime: () => true,
}

/** A business calendar; with `hours: '24/7'` it is ROUND_THE_CLOCK. */
export function createBusinessCalendar(options: BusinessCalendarOptions): BusinessCalendar {
  const { hours } = options
  if (hours === '24/7') return ROUND_THE_CLOCK
  const spanOf = daySpans(options, hours)
  const periods = new Map<number, readonly [number, number] | null>()
  // The working period of a local day as instants, or null; cached, since deadlines revisit the same days.
  const periodOf = (day: number): readonly [number, number] | null => {
    if (periods.has(day)) return periods.get(day)!
    const span = spanOf(day)
    const period = span ? ([instantOfLocal(options.timeZone, day, span.start), instantOfLocal(options.timeZone, day, span.end)] as const) : null
    if (periods.size > 20_000) periods.clear()
    periods.set(day, period)
    return period
  }
  // Each working period that ends after `from`, clipped to start no earlier than it, in order.
  function* periodsFrom(from: number): Generator<readonly [number, number]> {
    const first = localDayNumber(options.timeZone, from)
    for (let day = first; day < first + MAX_DAYS; day++) {
      const period = periodOf(day)
      if (period && period[1] > from) yield [Math.max(period[0], from), period[1]]
    }
    throw new Error(`the calendar has no working time within ${MAX_DAYS} days of ${new Date(from).toISOString()}`)
  }
  function nextWorkingMoment(at: Instant): Date {
    for (const [begin] of periodsFrom(+at)) return new Date(begin)
    throw new Error('unreachable')
  }
  return {
    roundTheClock: false,
    workingMinutesBetween(fromInstant, toInstant) {
      const from = +fromInstant
      const to = +toInstant
      if (to <= from) return 0
      let ms = 0
      for (let day = localDayNumber(options.timeZone, from); day <= localDayNumber(options.timeZone, to); day++) {
        const period = periodOf(day)
        if (period) ms += Math.max(0, Math.min(period[1], to) - Math.max(period[0], from))
      }
      return ms / 60_000
    },
    addWorkingMinutes(start, minutes) {
      let remaining = minutes * 60_000
      if (remaining <= 0) return nextWorkingMoment(start)
      for (const [begin, end] of periodsFrom(+start)) {
        if (end - begin >= remaining) return new Date(begin + remaining)
        remaining -= end - begin
      }
      throw new Error('unreachable')
    },
    addWorkingDays(start, days) {
      const from = nextWorkingMoment(start).getTime()
      let day = localDayNumber(options.timeZone, from)
      const into = from - periodOf(day)![0]
      for (let counted = 0; counted < days; ) {
        day += 1
        if (day > localDayNumber(options.timeZone, from) + MAX_DAYS) throw new Error(`the calendar has no ${days} working days after ${new Date(from).toISOString()}`)
        if (periodOf(day)) counted += 1
      }
      const [begin, end] = periodOf(day)!
      return new Date(Math.min(begin + into, end))
    },
    workingPeriods(from, to, limit) {
      const periods: Array<[number, number]> = []
      if (+to <= +from) return periods
      for (const [begin, end] of periodsFrom(+from)) {
        if (begin >= +to || periods.length >= limit) break
        periods.push([begin, Math.min(end, +to)])
      }
      return periods
    },
    nextWorkingMoment,
    isWorkingTime(at) {
      const period = periodOf(localDayNumber(options.timeZone, +at))
      return period !== null && period[0] <= +at && +at < period[1]
    },
  }
}

// A day's working span in local minutes: the portal's extra days first, then the production calendar, then the weekday.
function daySpans(options: BusinessCalendarOptions, hours: WeeklyHours): (day: number) => Span | null {
  // A working weekend day (or a working day the settings add without hours) keeps the first weekday's hours, Monday first.
  const usual = WEEKDAYS.slice(1).concat('sun').map((weekday) => hours[weekday]).find((span) => span !== null) ?? null
  return (day) => {
    const date = civilDate(day)
    const extra = options.extraDays.get(date)
    if (extra?.kind === 'off') return null
    if (extra?.kind === 'work') return extra.hours ?? hours[weekdayOf(day)] ?? usual
    const weekdaySpan = hours[weekdayOf(day)]
    switch (options.production.get(date)) {
      case 'off':
        return null
      case 'work':
        return weekdaySpan ?? usual
      case 'short': {
        const span = weekdaySpan ?? usual
        if (!span) return null
        return { start: span.start, end: Math.max(span.start, span.end - SHORTENED_BY_MINUTES) }
      }
      default:
        return weekdaySpan
    }
  }
}
