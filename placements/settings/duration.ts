// Durations as the page shows them — a number and a unit — and back to the ISO 8601 the settings file keeps.
import { parseDuration } from '../../src/settings/rule-settings.js'

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

/** The largest unit that divides the duration exactly (PT90M → 90 minutes, PT2H → 2 hours, P1D → 1 day); unreadable text keeps no amount. */
export function durationParts(iso: unknown): DurationParts {
  const text = typeof iso === 'string' ? iso : ''
  const negative = text.startsWith('-')
  const ms = parseDuration(negative ? text.slice(1) : text)
  if (ms === undefined) return { amount: null, unit: 'M', iso: text, ms: null }
  const sign = negative ? -1 : 1
  if (ms === 0) return { amount: 0, unit: 'M', iso: text, ms: 0 }
  for (const unit of ['D', 'H', 'M'] as const) {
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

/** Russian plural form: 1 минута, 2 минуты, 5 минут. */
export function plural(n: number, forms: readonly [string, string, string]): string {
  const abs = Math.abs(n)
  if (!Number.isInteger(abs)) return forms[1]
  const ten = abs % 10
  const hundred = abs % 100
  if (ten === 1 && hundred !== 11) return forms[0]
  if (ten >= 2 && ten <= 4 && (hundred < 12 || hundred > 14)) return forms[1]
  return forms[2]
}
