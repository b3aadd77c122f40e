// ISO-8601 durations as the settings file writes them: whole days kept apart (in working time a day is a working day).
import type { Duration } from '../../rules/clock.js'

const ISO_DURATION = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/

/** An ISO-8601 duration such as PT15M, P3D or P1DT2H as whole days (weeks count 7) and milliseconds; undefined if it is not one. */
export function parseIsoDuration(value: string): Duration | undefined {
  const match = ISO_DURATION.exec(value)
  if (!match || value === 'P' || value.endsWith('T')) return undefined
  const [, weeks, days, hours, minutes, seconds] = match.map((part) => Number(part ?? 0))
  return { days: (weeks ?? 0) * 7 + (days ?? 0), ms: (((hours ?? 0) * 60 + (minutes ?? 0)) * 60 + (seconds ?? 0)) * 1000 }
}

/** Milliseconds of an ISO-8601 duration, a day being 24 hours; undefined if it is not one. */
export function parseDuration(value: string): number | undefined {
  const parsed = parseIsoDuration(value)
  return parsed && parsed.days * 86_400_000 + parsed.ms
}
