// The business calendar the app hands a portal's rules: settings + shipped production calendars + the portal's language.
import type { BusinessCalendar } from '../../rules/calendar/business-calendar.js'
import { calendarFor, resolvedCalendarSettings, type ProductionCalendars } from '../../rules/calendar/portal-calendar.js'
import type { RuleSettings } from '../../rules/catalogue.js'
import { ConfigError } from '../shared/app-error.js'

/** A portal's calendar by its language, built once per language; throws ConfigError when the settings name a country with no calendar files. */
export function portalCalendars(settings: RuleSettings, production: ProductionCalendars, source = 'RULES_FILE'): (language: string | null) => BusinessCalendar {
  const { country } = settings.calendar
  if (country !== null && country !== 'none' && !production.has(country)) {
    const shipped = [...production.keys()].join(', ') || 'none'
    throw new ConfigError(`Invalid ${source}: calendar.country has no production calendar in src/calendars (got "${country}"; shipped: ${shipped})`)
  }
  const built = new Map<string, BusinessCalendar>()
  return (language) => {
    const { timeZone, country: resolved } = resolvedCalendarSettings(settings.calendar, language)
    const key = `${timeZone} ${resolved}`
    let calendar = built.get(key)
    if (!calendar) {
      calendar = calendarFor(settings.calendar, language, production)
      built.set(key, calendar)
    }
    return calendar
  }
}
