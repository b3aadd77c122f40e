// A portal's business calendar from its settings, its language and the shipped production calendars.
import { createBusinessCalendar, ROUND_THE_CLOCK, type BusinessCalendar, type ExtraDay } from './business-calendar.js'
import type { Span, WeeklyHours } from './hours.js'
import type { DayKind, ProductionYear } from './production-calendar.js'

/** The `calendar` settings, validated: null time zone or country means "by the portal's language". */
export interface CalendarSettings {
  timeZone: string | null
  hours: WeeklyHours | '24/7'
  /** Two-letter code of the production calendar (src/calendars/<country>/), 'none' for weekdays only, null by language. */
  country: string | null
  daysOff: readonly string[]
  workingDays: readonly { date: string; hours: Span | null }[]
}

/** Every shipped production calendar: country → its years. */
export type ProductionCalendars = ReadonlyMap<string, readonly ProductionYear[]>

/** The time zone a portal gets when the settings name none, by the portal's language (Bitrix24 language ids). */
export const TIME_ZONE_BY_LANGUAGE: Readonly<Record<string, string>> = {
  ru: 'Europe/Moscow', by: 'Europe/Minsk', kz: 'Asia/Almaty', ua: 'Europe/Kyiv', de: 'Europe/Berlin', pl: 'Europe/Warsaw',
  fr: 'Europe/Paris', it: 'Europe/Rome', la: 'Europe/Madrid', br: 'America/Sao_Paulo', tr: 'Europe/Istanbul',
}
/** The zone of any other language. */
export const FALLBACK_TIME_ZONE = 'UTC'

/** The production calendar a portal gets when the settings name none, by language; other languages get weekdays only. */
export const COUNTRY_BY_LANGUAGE: Readonly<Record<string, string>> = { ru: 'ru', by: 'by', kz: 'kz' }

/** What a rule chooses: the portal's working time, or round the clock. */
export type TimeBasis = 'working' | '24/7'

/** The portal's calendar, or round the clock when the rule counts every minute. */
export function timeFor(calendar: BusinessCalendar, basis: TimeBasis): BusinessCalendar {
  return basis === '24/7' ? ROUND_THE_CLOCK : calendar
}

/** The time zone and country a portal's calendar uses, after the language defaults. */
export function resolvedCalendarSettings(settings: CalendarSettings, language: string | null): { timeZone: string; country: string | null } {
  const lang = (language ?? '').toLowerCase()
  const country = settings.country ?? COUNTRY_BY_LANGUAGE[lang] ?? null
  return { timeZone: settings.timeZone ?? TIME_ZONE_BY_LANGUAGE[lang] ?? FALLBACK_TIME_ZONE, country: country === 'none' ? null : country }
}

/** The business calendar of a portal; a country without shipped files counts weekdays only. */
export function calendarFor(settings: CalendarSettings, language: string | null, calendars: ProductionCalendars): BusinessCalendar {
  if (settings.hours === '24/7') return ROUND_THE_CLOCK
  const { timeZone, country } = resolvedCalendarSettings(settings, language)
  const production = new Map<string, DayKind>()
  for (const year of (country && calendars.get(country)) || []) for (const [date, kind] of year.days) production.set(date, kind)
  const extraDays = new Map<string, ExtraDay>()
  for (const date of settings.daysOff) extraDays.set(date, { kind: 'off' })
  for (const { date, hours } of settings.workingDays) extraDays.set(date, { kind: 'work', hours })
  return createBusinessCalendar({ timeZone, hours: settings.hours, production, extraDays })
}
