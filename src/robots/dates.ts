// Date-times a robot reads from its properties and writes to its return values, in the portal's time zone.
import { offsetAt, wallClockAt } from '../shared/zoned-days.js'

const LOCAL_ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::\d{2})?)?$/
const LOCAL_RU = /^(\d{2})\.(\d{2})\.(\d{4})(?: (\d{2}):(\d{2})(?::\d{2})?)?$/
const ZONED = /(Z|[+-]\d{2}:?\d{2})$/

/**
 * A datetime property as the portal sends it: ISO 8601 with an offset, or the portal's wall clock as `2025-12-30 17:00`
 * or `30.12.2025 17:00[:00]` (the Russian site format), read in `timeZone`. Undefined when empty, NaN-free, or unreadable.
 */
export function parsePortalDateTime(value: string, timeZone: string): Date | undefined | 'invalid' {
  const text = value.trim()
  if (text === '') return undefined
  if (ZONED.test(text)) {
    const at = Date.parse(text)
    return Number.isNaN(at) ? 'invalid' : new Date(at)
  }
  const iso = LOCAL_ISO.exec(text)
  const ru = LOCAL_RU.exec(text)
  const parts = iso ? [iso[1], iso[2], iso[3], iso[4], iso[5]] : ru ? [ru[3], ru[2], ru[1], ru[4], ru[5]] : undefined
  if (!parts) return 'invalid'
  const [year, month, day, hour, minute] = parts.map((part) => Number(part ?? 0))
  if (!year || !month || !day || month > 12 || day > 31 || (hour ?? 0) > 23 || (minute ?? 0) > 59) return 'invalid'
  return new Date(wallClockAt({ year, month, day }, hour ?? 0, minute ?? 0, timeZone))
}

/** An instant as ISO 8601 with the portal's offset (`2026-01-12T10:00:00+03:00`): what a datetime return value holds. */
export function isoInZone(at: Date, timeZone: string): string {
  const offsetMinutes = Math.round(offsetAt(at.getTime(), timeZone) / 60_000)
  const wall = new Date(at.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19)
  const sign = offsetMinutes < 0 ? '-' : '+'
  const abs = Math.abs(offsetMinutes)
  return `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}
