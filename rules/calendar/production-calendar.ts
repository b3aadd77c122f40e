// Parses a production calendar in the xmlcalendar/data format (ru/<YEAR>/calendar.xml): pure, no I/O.
import { isCivilDate } from './civil-date.js'

/** How the production calendar marks a day: a day off, a shortened working day, a working (weekend) day. */
export type DayKind = 'off' | 'short' | 'work'

/** One year of a country's production calendar: only the days it marks; others follow the weekdays. */
export interface ProductionYear {
  year: number
  country: string | null
  /** 'YYYY-MM-DD' → the kind the calendar gives the day. */
  days: ReadonlyMap<string, DayKind>
}

const KINDS: Readonly<Record<string, DayKind>> = { '1': 'off', '2': 'short', '3': 'work' }
const TAGS = new Set(['calendar', 'holidays', 'holiday', 'days', 'day'])

/** The year and marked days of one calendar.xml; throws an Error whose one-line message names what is wrong. */
export function parseProductionCalendar(xml: string): ProductionYear {
  const body = xml.replace(/^\uFEFF/, '').replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '')
  let year: number | undefined
  let country: string | null = null
  const days = new Map<string, DayKind>()
  let last = 0
  for (const match of body.matchAll(/<(\/?)([A-Za-z]+)((?:\s+[A-Za-z]+\s*=\s*"[^"]*")*)\s*(\/?)>/g)) {
    const between = body.slice(last, match.index)
    if (between.trim() !== '') throw new Error(`unexpected content ${quote(between)}`)
    last = match.index + match[0].length
    const [, closing, name = '', attributeText = ''] = match
    if (!TAGS.has(name)) throw new Error(`unexpected element <${name}>`)
    if (closing) continue
    const attributes = attributesOf(attributeText)
    if (name === 'calendar') {
      const value = attributes.get('year') ?? ''
      if (!/^\d{4}$/.test(value)) throw new Error(`<calendar> needs year="YYYY" (got ${quote(value)})`)
      year = Number(value)
      country = attributes.get('country') ?? null
    }
    if (name === 'day') {
      if (year === undefined) throw new Error('<day> outside <calendar year="...">')
      const [date, kind] = dayOf(year, attributes)
      if (days.has(date)) throw new Error(`<day d="${attributes.get('d')}"> appears twice`)
      days.set(date, kind)
    }
  }
  if (body.slice(last).trim() !== '') throw new Error(`unexpected content ${quote(body.slice(last))}`)
  if (year === undefined) throw new Error('no <calendar year="YYYY"> element')
  return { year, country, days }
}

function dayOf(year: number, attributes: ReadonlyMap<string, string>): [string, DayKind] {
  const d = attributes.get('d') ?? ''
  const date = `${year}-${d.replace('.', '-')}`
  if (!/^\d\d\.\d\d$/.test(d) || !isCivilDate(date)) throw new Error(`<day d=${quote(d)}> is not a date MM.DD of ${year}`)
  const kind = KINDS[attributes.get('t') ?? '']
  if (!kind) throw new Error(`<day d="${d}"> has t=${quote(attributes.get('t') ?? '')}, expected 1 (off), 2 (shortened) or 3 (working)`)
  const from = attributes.get('f')
  if (from !== undefined && (!/^\d\d\.\d\d$/.test(from) || !isCivilDate(`${year}-${from.replace('.', '-')}`))) {
    throw new Error(`<day d="${d}"> has f=${quote(from)}, expected a date MM.DD`)
  }
  return [date, kind]
}

function attributesOf(text: string): Map<string, string> {
  const attributes = new Map<string, string>()
  for (const [, key = '', value = ''] of text.matchAll(/([A-Za-z]+)\s*=\s*"([^"]*)"/g)) attributes.set(key, value)
  return attributes
}

function quote(text: string): string {
  const line = text.trim().replace(/\s+/g, ' ')
  return JSON.stringify(line.length > 40 ? `${line.slice(0, 40)}…` : line)
}
