// Portal time: ISO-8601 with the portal's fixed server offset, and parsing of the dates clients send.

/** Minutes east of UTC for an offset such as '+03:00' or '-0530'. */
export function offsetMinutes(offset: string): number {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(offset)
  if (!m) throw new Error(`bad time zone offset: ${offset}`)
  const sign = m[1] === '-' ? -1 : 1
  return sign * (Number(m[2]) * 60 + Number(m[3]))
}

const pad = (n: number): string => String(n).padStart(2, '0')

/** `YYYY-MM-DDTHH:mm:ss+03:00` for an instant, the way every datetime leaves the portal. */
export function formatIso(ms: number, offset: string): string {
  const local = new Date(ms + offsetMinutes(offset) * 60_000)
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`
  return `${date}T${time}${normaliseOffset(offset)}`
}

function normaliseOffset(offset: string): string {
  const minutes = offsetMinutes(offset)
  const sign = minutes < 0 ? '-' : '+'
  const abs = Math.abs(minutes)
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/
const RU = /^(\d{2})\.(\d{2})\.(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/

/**
 * The instant a client's date string means, or null when it is not a date. A value without an
 * offset is read in the portal's zone ("all dates and times are stored according to the server parameters").
 */
export function parseInstant(value: unknown, offset: string): number | null {
  if (typeof value !== 'string') return null
  const text = value.trim()
  const iso = ISO.exec(text)
  if (iso) {
    const [, y, mo, d, h, mi, s, zone] = iso
    const zoneMinutes = zone === undefined ? offsetMinutes(offset) : zone === 'Z' ? 0 : offsetMinutes(zone)
    return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)) - zoneMinutes * 60_000
  }
  const ru = RU.exec(text)
  if (ru) {
    const [, d, mo, y, h, mi, s] = ru
    return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)) - offsetMinutes(offset) * 60_000
  }
  return null
}

/** Normalises a client's date value to the portal's ISO form; '' for empty, the raw string if unparseable. */
export function normaliseDate(value: unknown, offset: string): string {
  if (value === null || value === undefined || value === '') return ''
  const ms = parseInstant(value, offset)
  if (ms === null) return String(value)
  return formatIso(ms, offset)
}
