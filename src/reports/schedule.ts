// Which report periods are due on a portal now: the latest moment of its weekly and monthly cron (portal time), and
// the week or month that moment reports on. Pure: the settings, the time zone and `now` come in as arguments.
import { addDays, localDateOf, wallClockAt, type LocalDate } from '../shared/zoned-days.js'

/** The two scheduled reports. */
export type PeriodKind = 'week' | 'month'

/** A period whose delivery is due: the scheduled moment, and the local days it covers as [from, to). */
export interface DuePeriod {
  kind: PeriodKind
  /** The cron occurrence (epoch ms) that made it due. */
  scheduledAt: number
  from: LocalDate
  to: LocalDate
}

// How far back an occurrence is looked for: a week's cron fires at least weekly, a month's at least monthly.
const LOOKBACK_DAYS: Record<PeriodKind, number> = { week: 8, month: 32 }

/**
 * The periods due at `now`: for each cron that is set, its latest occurrence at or before `now` (never one before the
 * portal was installed, never an older one — a fresh install does not receive a backlog), with the Monday–Sunday
 * week, or the calendar month, before that occurrence's local date.
 */
export function duePeriods(schedule: { weekly: string | null; monthly: string | null }, timeZone: string, now: number, installedAt: number): DuePeriod[] {
  const due: DuePeriod[] = []
  const kinds: Array<[PeriodKind, string | null]> = [['week', schedule.weekly], ['month', schedule.monthly]]
  for (const [kind, expression] of kinds) {
    if (expression === null) continue
    const at = latestOccurrence(expression, timeZone, now, LOOKBACK_DAYS[kind])
    if (at === undefined || at < installedAt) continue
    due.push({ kind, scheduledAt: at, ...periodBefore(kind, localDateOf(at, timeZone)) })
  }
  return due
}

/** The week (Monday–Sunday) or the month before the one `date` falls in, as [from, to). */
export function periodBefore(kind: PeriodKind, date: LocalDate & { weekday: number }): { from: LocalDate; to: LocalDate } {
  if (kind === 'week') {
    const monday = addDays(date, 1 - date.weekday)
    return { from: addDays(monday, -7), to: monday }
  }
  const first = { year: date.year, month: date.month, day: 1 }
  const previous = date.month === 1 ? { year: date.year - 1, month: 12, day: 1 } : { year: date.year, month: date.month - 1, day: 1 }
  return { from: previous, to: first }
}

/**
 * The latest moment at or before `now` (whole minutes, portal time) that the 5-field cron `expression` matches,
 * looking back at most `days` local days; undefined when there is none or the expression uses what this matcher does
 * not read (node-cron's `L`, `#`: such a schedule never fires rather than fires wrongly).
 */
export function latestOccurrence(expression: string, timeZone: string, now: number, days: number): number | undefined {
  const cron = parseCron(expression)
  if (!cron) return undefined
  const today = localDateOf(now, timeZone)
  for (let back = 0; back <= days; back++) {
    const date = addDays(today, -back)
    const weekday = localWeekday(date)
    if (!cron.month.has(date.month) || !dayMatches(cron, date.day, weekday)) continue
    // The day's matching minutes, latest first; today only those already passed.
    for (const hour of [...cron.hour].sort((a, b) => b - a)) {
      for (const minute of [...cron.minute].sort((a, b) => b - a)) {
        const at = wallClockAt(date, hour, minute, timeZone)
        if (at <= now && localDateOf(at, timeZone).day === date.day) return at
      }
    }
  }
  return undefined
}

interface Cron { minute: Set<number>; hour: Set<number>; day: Set<number>; month: Set<number>; weekday: Set<number>; dayAny: boolean; weekdayAny: boolean }

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']

// Five fields (a sixth, leading one is node-cron's seconds and is ignored: reports go by the minute).
function parseCron(expression: string): Cron | undefined {
  let fields = expression.trim().split(/\s+/)
  if (fields.length === 6) fields = fields.slice(1)
  if (fields.length !== 5) return undefined
  const [minute, hour, day, month, weekday] = fields as [string, string, string, string, string]
  const sets = [field(minute, 0, 59), field(hour, 0, 23), field(day, 1, 31), field(month, 1, 12, MONTHS, 1), field(weekday, 0, 7, WEEKDAYS, 0)]
  if (sets.some((set) => set === undefined)) return undefined
  const [m, h, d, mo, w] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>]
  // 7 is Sunday too.
  if (w.has(7)) w.add(0)
  return { minute: m, hour: h, day: d, month: mo, weekday: w, dayAny: day === '*', weekdayAny: weekday === '*' }
}

// Classic cron: when both day fields are restricted, either one matching is enough.
function dayMatches(cron: Cron, day: number, weekday: number): boolean {
  if (cron.dayAny || cron.weekdayAny) return cron.day.has(day) && cron.weekday.has(weekday)
  return cron.day.has(day) || cron.weekday.has(weekday)
}

// One field: `*`, `5`, `1-5`, `*/15`, `10-40/10`, `mon,wed`, lists of these.
function field(text: string, min: number, max: number, names: string[] = [], nameBase = 0): Set<number> | undefined {
  const values = new Set<number>()
  const value = (token: string) => {
    const named = names.indexOf(token.toLowerCase())
    if (named >= 0) return named + nameBase
    return /^\d+$/.test(token) ? Number(token) : NaN
  }
  for (const part of text.split(',')) {
    const match = /^(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:\/(\d+))?$/i.exec(part)
    if (!match) return undefined
    const [range = '', stepText] = [match[1], match[2]]
    const step = stepText === undefined ? 1 : Number(stepText)
    const [lowText, highText] = range === '*' ? [String(min), String(max)] : range.split('-')
    const low = value(lowText ?? '')
    const high = highText === undefined ? (stepText === undefined ? low : max) : value(highText)
    if (!(low >= min && high <= max && low <= high && step >= 1)) return undefined
    for (let v = low; v <= high; v += step) values.add(v)
  }
  return values
}

// 0 Sunday … 6 Saturday, of a calendar date (no time zone needed: a date is a date).
function localWeekday(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay()
}
