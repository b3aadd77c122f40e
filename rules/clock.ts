// Deadline clocks, pure: the steps of a clock (warnings, the breach, the escalation ladder) from what a rule asks
// for and the portal's calendar, and how a pause moves them. The engine (src/enforce/clock-engine.ts) keeps them.
import type { BusinessCalendar } from './calendar/business-calendar.js'
import type { TimeBasis } from './calendar/portal-calendar.js'
import { plural } from './plural.js'

/**
 * A deadline's time as the settings give it: whole days and milliseconds more. In working time a day is a working day
 * (the same moment of the N-th working day after, by the production calendar); round the clock it is 24 hours.
 */
export interface Duration {
  days: number
  ms: number
}

/** No time at all: in breach at once. */
export const NO_TIME: Duration = { days: 0, ms: 0 }

/** A duration of milliseconds only. */
export const msDuration = (ms: number): Duration => ({ days: 0, ms })

/** A warning point: a share of the allowed time ("80%") or a lead before the deadline (milliseconds). */
export type WarnPoint = { share: number } | { beforeMs: number }

/** The clock a rule asks for while a record has not yet done what it must. */
export interface ClockDemand {
  /** When the time started (ISO-8601): the record's creation, its move, its assignment; absent for "from now on". */
  startedAt?: string
  /** Allowed time in the rule's basis; none means the record is in breach at once. */
  within: Duration
  basis: TimeBasis
  warnAt: readonly WarnPoint[]
  /** The escalation ladder: level i + 1 (the supervisor, then the supervisor's supervisor…) this long after the breach. */
  escalate: readonly Duration[]
  /** Who is warned (default: the record's responsible), e.g. the office managers for a lead nobody dispatched. */
  warnTo?: readonly string[]
  /** True while the time does not run (the clock is kept, its steps move on by the paused working time). */
  paused?: boolean
}

/** One step of a clock. */
export interface ClockStep {
  kind: 'warning' | 'breach' | 'escalation'
  /** 1 for the supervisor, 2 for the supervisor's supervisor; 0 for warnings and the breach. */
  level: number
  at: string
  /** When it was taken (told or recorded), null while it waits. */
  doneAt: string | null
  /** True when it was recorded without telling anyone (already past at the first-install audit). */
  silent?: boolean
}

/** A clock's timing: its due instant and its steps in order. */
export interface ClockTiming {
  dueAt: string
  steps: ClockStep[]
}

const iso = (instant: Date | number): string => new Date(instant).toISOString()

/** Settings every rule with a deadline has, validated. */
export interface ClockSettings {
  within: Duration
  warnAt: readonly WarnPoint[]
  escalate: readonly Duration[]
  /** The portal's working time, or every minute. */
  time: TimeBasis
}

/** The clock a rule's settings ask for, from `startedAt`. */
export function demandOf(settings: ClockSettings, startedAt: string | undefined, extra: Pick<ClockDemand, 'warnTo' | 'paused'> = {}): ClockDemand {
  const demand: ClockDemand = { within: settings.within, basis: settings.time, warnAt: settings.warnAt, escalate: settings.escalate, ...extra }
  if (startedAt !== undefined) demand.startedAt = startedAt
  return demand
}

/** When a new clock starts: the rule's start, or now. */
export function startOf(demand: ClockDemand, now: Date): string {
  const start = demand.startedAt === undefined ? Number.NaN : Date.parse(demand.startedAt)
  return iso(Number.isNaN(start) ? now : start)
}

/** The steps of a clock starting at `startedAt`; warnings that would fall at or before the start or at the deadline are dropped. */
export function planClock(demand: ClockDemand, startedAt: string, calendar: BusinessCalendar): ClockTiming {
  const start = Date.parse(startedAt)
  // Nothing allowed: in breach at the start itself, whatever the hour.
  const due = demand.within.days === 0 && demand.within.ms === 0 ? start : after(calendar, start, demand.within)
  const withinMinutes = demand.within.days === 0 ? demand.within.ms / 60_000 : calendar.workingMinutesBetween(start, due)
  const warnings = new Set<number>()
  for (const point of demand.warnAt) {
    const minutes = 'share' in point ? withinMinutes * point.share : withinMinutes - point.beforeMs / 60_000
    if (minutes <= 0 || minutes >= withinMinutes) continue
    warnings.add(calendar.addWorkingMinutes(start, minutes).getTime())
  }
  const steps: ClockStep[] = [...warnings].sort((a, b) => a - b).map((at) => ({ kind: 'warning', level: 0, at: iso(at), doneAt: null }))
  steps.push({ kind: 'breach', level: 0, at: iso(due), doneAt: null })
  demand.escalate.forEach((step, index) => {
    steps.push({ kind: 'escalation', level: index + 1, at: iso(after(calendar, due, step)), doneAt: null })
  })
  return { dueAt: iso(due), steps }
}

/** The instant `duration` after `start` by the calendar: its days first (working days in working time), then its minutes. */
function after(calendar: BusinessCalendar, start: number, duration: Duration): number {
  if (duration.days === 0) return calendar.addWorkingMinutes(start, duration.ms / 60_000).getTime()
  const dayLater = calendar.addWorkingDays(start, duration.days).getTime()
  return duration.ms === 0 ? dayLater : calendar.addWorkingMinutes(dayLater, duration.ms / 60_000).getTime()
}

/** The steps that have fallen due by `now` and wait, in order. */
export function dueSteps(steps: readonly ClockStep[], now: Date): number[] {
  const due: number[] = []
  steps.forEach((step, index) => {
    if (step.doneAt === null && Date.parse(step.at) <= now.getTime()) due.push(index)
  })
  return due
}

/** The earliest waiting step's instant, or null when every step is taken. */
export function nextStepAt(steps: readonly ClockStep[]): string | null {
  let next: string | null = null
  for (const step of steps) if (step.doneAt === null && (next === null || step.at < next)) next = step.at
  return next
}

/**
 * The timing after a pause from `pausedAt` to `resumedAt`: each waiting step keeps the working time it had left,
 * counted from the resumption. Returns the paused working milliseconds too.
 */
export function resumeClock(timing: ClockTiming, pausedAt: string, resumedAt: Date, calendar: BusinessCalendar): ClockTiming & { pausedMs: number } {
  const paused = Date.parse(pausedAt)
  const move = (at: string): string => {
    const left = calendar.workingMinutesBetween(paused, Date.parse(at))
    return iso(calendar.addWorkingMinutes(resumedAt, left))
  }
  const steps = timing.steps.map((step) => (step.doneAt === null ? { ...step, at: move(step.at) } : step))
  const breach = steps.find((step) => step.kind === 'breach')
  const dueAt = breach && breach.doneAt === null ? breach.at : timing.dueAt
  return { dueAt, steps, pausedMs: calendar.workingMinutesBetween(paused, resumedAt) * 60_000 }
}

/** Working milliseconds from the start to `end`, less the paused ones: how long the record took. */
export function elapsedWorkingMs(startedAt: string, end: Date, pausedMs: number, calendar: BusinessCalendar): number {
  return Math.max(0, calendar.workingMinutesBetween(Date.parse(startedAt), end) * 60_000 - pausedMs)
}

/** An allowed time as people say it: «15 мин», «3 рабочих дня», «1 рабочий день 2 ч 0 мин»; round the clock a day is 24 hours («3 дн 0 ч»). */
export function durationText(duration: Duration, basis: TimeBasis): { ru: string; en: string } {
  if (duration.days === 0 || basis === '24/7') return spanText(duration.days * 1440 + duration.ms / 60_000)
  const days = workingDaysText(duration.days)
  if (duration.ms === 0) return days
  const rest = spanText(duration.ms / 60_000)
  return { ru: `${days.ru} ${rest.ru}`, en: `${days.en} ${rest.en}` }
}

/** «1 рабочий день», «3 рабочих дня», «5 рабочих дней». */
export function workingDaysText(n: number): { ru: string; en: string } {
  return { ru: `${n} ${plural(n, ['рабочий день', 'рабочих дня', 'рабочих дней'])}`, en: `${n} working day${n === 1 ? '' : 's'}` }
}

/** A span of minutes as people say it: «12 мин», «1 ч 5 мин», «2 дн 3 ч» (seconds only under a minute). */
export function spanText(minutes: number): { ru: string; en: string } {
  if (minutes > 0 && minutes < 1) {
    const seconds = Math.round(minutes * 60)
    return { ru: `${seconds} с`, en: `${seconds} s` }
  }
  const total = Math.max(0, Math.round(minutes))
  const days = Math.floor(total / 1440)
  const hours = Math.floor((total % 1440) / 60)
  const rest = total % 60
  if (days > 0) return { ru: `${days} дн ${hours} ч`, en: `${days} d ${hours} h` }
  if (hours > 0) return { ru: `${hours} ч ${rest} мин`, en: `${hours} h ${rest} min` }
  return { ru: `${rest} мин`, en: `${rest} min` }
}
