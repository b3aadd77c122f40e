// Durations as the page shows them — a number and a unit — and back to the ISO 8601 the settings file keeps.
import { plural } from '../../rules/plural.js'
import { parseIsoDuration } from '../../src/settings/durations.js'

export { plural }

/** The units a duration is shown in on the page: seconds only when nothing larger divides it. */
export const UNITS = ['S', 'M', 'H', 'D'] as const
/** One unit of UNITS. */
export type Unit = (typeof UNITS)[number]

const UNIT_MS: Record<Unit, number> = { S: 1000, M: 60_000, H: 3_600_000, D: 86_400_000 }

/** A duration on the page: `amount` of `unit`, with the file's text and milliseconds it came from. */
export interface DurationParts {
  amount: number | null
  unit: Unit
  iso: string
  ms: number | null
}

/**
 * Days as days (P3D → 3 days: working days where the rule counts working time), else the largest unit that divides the
 * duration exactly (PT90M → 90 minutes, PT24H → 24 hours, P1DT2H → 26 hours); unreadable text keeps no amount.
 */
export function durationParts(iso: unknown): DurationParts {
  const text = typeof iso === 'string' ? iso : ''
  const negative = text.startsWith('-')
  const parsed = parseIsoDuration(negative ? text.slice(1) : text)
  if (parsed === undefined) return { amount: null, unit: 'M', iso: text, ms: null }
  const sign = negative ? -1 : 1
  const ms = parsed.days * UNIT_MS.D + parsed.ms
  if (ms === 0) return { amount: 0, unit: 'M', iso: text, ms: 0 }
  if (parsed.ms === 0) return { amount: sign * parsed.days, unit: 'D', iso: text, ms: sign * ms }
  for (const unit of ['H', 'M'] as const) {
    if (ms % UNIT_MS[unit] === 0) return { amount: sign * (ms / UNIT_MS[unit]), unit, iso: text, ms: sign * ms }
  }
  return { amount: sign * (ms / 1000), unit: 'S', iso: text, ms: sign * ms }
}

/** The ISO-8601 text of `amount` `unit`s (the page's script does the same); a negative amount keeps its sign for the check to refuse. */
export function isoOf(amount: number, unit: Unit): string {
  const sign = amount < 0 ? '-' : ''
  const n = Math.abs(amount)
  if (unit === 'D') return `${sign}P${n}D`
  return `${sign}PT${n}${unit}`
}
