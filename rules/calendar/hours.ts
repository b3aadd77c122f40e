// Working hours: "HH:MM-HH:MM" spans of a day, the weekly schedule and its default.
import type { Weekday } from './civil-date.js'

/** A span of a day in minutes after local midnight, start < end ≤ 1440. */
export interface Span {
  start: number
  end: number
}

/** Each weekday's working span, or null for a day off. */
export type WeeklyHours = Readonly<Record<Weekday, Span | null>>

/** The settings form of the default week: Monday to Friday 09:00–18:00. */
export const DEFAULT_WEEK = { mon: '09:00-18:00', tue: '09:00-18:00', wed: '09:00-18:00', thu: '09:00-18:00', fri: '09:00-18:00', sat: 'off', sun: 'off' } as const

/** A shortened (pre-holiday) day ends this many minutes earlier. */
export const SHORTENED_BY_MINUTES = 60

/** The span of "09:00-18:00" ("24:00" may end a day); undefined when it is not a valid span. */
export function parseSpan(text: string): Span | undefined {
  const match = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(text)
  if (!match) return undefined
  const [startH, startM, endH, endM] = match.slice(1).map(Number) as [number, number, number, number]
  if (startH > 23 || endH > 24 || startM > 59 || endM > 59 || (endH === 24 && endM > 0)) return undefined
  const span = { start: startH * 60 + startM, end: endH * 60 + endM }
  return span.start < span.end ? span : undefined
}
