// Each portal's settings: the defaults, RULES_FILE's JSON over them, and the portal's own (saved from its settings
// page) over that; in effect at once, without a restart. With the settings, the portal's business calendar.
import type { BusinessCalendar } from '../../rules/calendar/business-calendar.js'
import { resolvedCalendarSettings, type ProductionCalendars } from '../../rules/calendar/portal-calendar.js'
import type { DayKind } from '../../rules/calendar/production-calendar.js'
import type { RuleSettings } from '../../rules/catalogue.js'
import { portalCalendars } from './portal-calendars.js'
import { checkRuleSettings, configDiff, mergedRulesConfig, type CheckedSettings } from './rule-settings.js'
import type { StorePort } from '../store/port.js'

/** Where the rules stage, the clocks and the pages get a portal's settings and calendar. */
export interface SettingsSource {
  of(memberId: string): Promise<RuleSettings>
  calendarOf(memberId: string, language: string | null): Promise<BusinessCalendar>
}

interface Resolved {
  version: string
  settings: RuleSettings
  calendarFor: (language: string | null) => BusinessCalendar
}

/** The settings of every portal, re-resolved when a portal's own change. */
export class PortalSettings implements SettingsSource {
  readonly #resolved = new Map<string, Resolved>()
  readonly #base: Resolved

  constructor(private readonly deps: { store: StorePort; rulesFile: Record<string, unknown>; production: ProductionCalendars; source: string }) {
    const checked = checkRuleSettings(deps.rulesFile)
    if (!checked.ok) throw new Error(`${deps.source}: ${checked.path} ${checked.message}`)
    this.#base = { version: '', settings: checked.settings, calendarFor: portalCalendars(checked.settings, deps.production, deps.source) }
  }

  /** The settings a portal runs under now. */
  async of(memberId: string): Promise<RuleSettings> {
    return (await this.#of(memberId)).settings
  }

  /** The portal's business calendar for its language. */
  async calendarOf(memberId: string, language: string | null): Promise<BusinessCalendar> {
    return (await this.#of(memberId)).calendarFor(language)
  }

  /** The portal's own overrides as saved (what its settings page edits). */
  async overrides(memberId: string): Promise<Record<string, unknown>> {
    return (await this.deps.store.portalSettings.get(memberId))?.overrides ?? {}
  }

  /** The portal's settings whole, in RULES_FILE's JSON form (the settings page's fields). */
  async formConfig(memberId: string): Promise<Record<string, unknown>> {
    return mergedRulesConfig(this.deps.rulesFile, await this.overrides(memberId))
  }

  /** The settings as the defaults and RULES_FILE make them, in RULES_FILE's JSON form (what a portal's own revert to). */
  fileConfig(): Record<string, unknown> {
    return mergedRulesConfig(this.deps.rulesFile)
  }

  /** The days the production calendar of the portal's country marks (holidays, shortened days, transfers); none without one. */
  async productionDays(memberId: string, language: string | null): Promise<Map<string, DayKind>> {
    const { country } = resolvedCalendarSettings((await this.of(memberId)).calendar, language)
    const years = country === null || country === 'none' ? [] : this.deps.production.get(country) ?? []
    return new Map(years.flatMap((year) => [...year.days]))
  }

  /** The portal's own overrides that make the defaults and RULES_FILE into `config` (what differs, nothing more). */
  overridesFrom(config: unknown): Record<string, unknown> {
    return (configDiff(mergedRulesConfig(this.deps.rulesFile), config) ?? {}) as Record<string, unknown>
  }

  /** What `overrides` would make of the portal's settings, without saving: the settings, or the bad setting. */
  check(overrides: Record<string, unknown>): CheckedSettings {
    const checked = checkRuleSettings(this.deps.rulesFile, overrides)
    if (!checked.ok) return checked
    const country = checked.settings.calendar.country
    if (country !== null && country !== 'none' && !this.deps.production.has(country)) {
      return { ok: false, path: 'calendar.country', message: `has no production calendar (shipped: ${[...this.deps.production.keys()].join(', ')})` }
    }
    return checked
  }

  /** Saves a portal's overrides when they check out, and journals who changed what; nothing is saved otherwise. */
  async save(memberId: string, overrides: Record<string, unknown>, userId: string): Promise<CheckedSettings> {
    const checked = this.check(overrides)
    if (!checked.ok) return checked
    await this.deps.store.saveSettings(memberId, overrides, userId)
    return checked
  }

  async #of(memberId: string): Promise<Resolved> {
    const saved = await this.deps.store.portalSettings.get(memberId)
    if (!saved) return this.#base
    const cached = this.#resolved.get(memberId)
    if (cached && cached.version === saved.updatedAt) return cached
    const checked = checkRuleSettings(this.deps.rulesFile, saved.overrides)
    // Saved settings were checked when saved; a RULES_FILE changed since may clash with them: the file's then stand.
    const settings = checked.ok ? checked.settings : this.#base.settings
    const resolved = { version: saved.updatedAt, settings, calendarFor: portalCalendars(settings, this.deps.production, this.deps.source) }
    this.#resolved.set(memberId, resolved)
    return resolved
  }
}

/** One set of settings for every portal (tests, benchmarks). */
export function fixedSettings(settings: RuleSettings, calendarFor: (language: string | null) => BusinessCalendar): SettingsSource {
  return { of: async () => settings, calendarOf: async (_memberId, language) => calendarFor(language) }
}
