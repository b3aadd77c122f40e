// IANA time zones through Intl: an instant's local day, and the instant of a local wall time (DST-safe).

const formats = new Map<string, Intl.DateTimeFormat>()

function formatOf(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    })
    formats.set(timeZone, format)
  }
  return format
}

/** True when Intl knows the IANA zone (e.g. 'Europe/Moscow'). */
export function isTimeZone(timeZone: string): boolean {
  if (timeZone.trim() === '') return false
  try {
    formatOf(timeZone)
    return true
  } catch {
    return false
  }
}

// Each zone's last wall clock asked: a round of due clocks asks the same instant (its now) once per notice.
const lastWallClock = new Map<string, { instant: number; wall: number }>()

// The zone's wall clock at an instant, as if it were UTC (milliseconds, whole seconds).
function wallClock(timeZone: string, instant: number): number {
  const last = lastWallClock.get(timeZone)
  if (last && last.instant === instant) return last.wall
  const parts: Record<string, number> = {}
  for (const part of formatOf(timeZone).formatToParts(instant)) parts[part.type] = Number(part.value)
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!)
  lastWallClock.set(timeZone, { instant, wall })
  return wall
}

/** The zone's offset from UTC at an instant, in milliseconds (Moscow: +3 h). */
export function offsetAt(timeZone: string, instant: number): number {
  return wallClock(timeZone, instant) - Math.floor(instant / 1000) * 1000
}

/** The local day (days since 1970-01-01) an instant falls on in the zone. */
export function localDayNumber(timeZone: string, instant: number): number {
  return Math.floor(wallClock(timeZone, instant) / 86_400_000)
}

/**
 * The instant the zone's clocks show `minutes` after the midnight of a local day, as Temporal's "compatible"
 * disambiguation: a wall time repeated when clocks go back is its first occurrence; one skipped when they jump
 * forward is read with the offset before the jump (02:30 in a 02:00→03:00 gap is 03:30).
 */
export function instantOfLocal(timeZone: string, dayNumber: number, minutes: number): number {
  const wall = dayNumber * 86_400_000 + minutes * 60_000
  // At most one transition lies within a day of the wall time, so the offsets a day either side are the candidates.
  const earlier = wall - offsetAt(timeZone, wall - 86_400_000)
  const later = wall - offsetAt(timeZone, wall + 86_400_000)
  const candidates = [earlier, later].filter((instant) => wallClock(timeZone, instant) === wall)
  if (candidates.length === 0) return earlier
  return Math.min(...candidates)
}
