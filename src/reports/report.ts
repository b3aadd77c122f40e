// A report from a request: the period's local dates checked, the scope resolved, the data read, the file named.
import { resolvedCalendarSettings } from '../../rules/calendar/portal-calendar.js'
import type { Directory } from '../../rules/directory.js'
import { languageOf } from '../notify/messages.js'
import type { SettingsSource } from '../settings/portal-settings.js'
import type { StorePort } from '../store/port.js'
import type { Portal } from '../store/portals.js'
import type { LocalDate } from '../shared/zoned-days.js'
import { departmentPeople, reportOf, reportSourceOf, type ReportData, type ReportScope, type ReportSource } from './report-data.js'
import { reportFileName } from './workbook.js'

/** A local date from YYYY-MM-DD, or undefined when it is not a real calendar date. */
export function parseLocalDate(text: string): LocalDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!match) return undefined
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined
  return { year, month, day }
}

/**
 * The period from two YYYY-MM-DD texts, both days included as people say it (`--from 2026-11-01 --to 2026-11-30` is
 * November), or why not. Returned as [from, to) with `to` the day after the last.
 */
export function parsePeriod(from: string, to: string): { from: LocalDate; to: LocalDate } | { error: string } {
  const start = parseLocalDate(from)
  if (!start) return { error: `--from ${JSON.stringify(from)} is not a date (YYYY-MM-DD)` }
  const last = parseLocalDate(to)
  if (!last) return { error: `--to ${JSON.stringify(to)} is not a date (YYYY-MM-DD)` }
  if (to < from) return { error: `--to ${to} is before --from ${from}` }
  const next = new Date(Date.UTC(last.year, last.month - 1, last.day + 1))
  return { from: start, to: { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() } }
}

/** Everyone, or one department (undefined when the directory does not know it). */
export function scopeOf(directory: Directory, departmentId: string | undefined, lang: 'ru' | 'en'): ReportScope | undefined {
  if (departmentId === undefined) return { departmentId: null, name: lang === 'ru' ? 'Все отделы' : 'All departments', people: 'all' }
  const department = directory.departments.get(departmentId)
  if (!department) return undefined
  return { departmentId, name: department.name, people: departmentPeople(directory, departmentId) }
}

type ReportDeps = { store: StorePort; settings: SettingsSource; directory: Directory }

/** The report's data (every list in memory), language and file name for a portal: for small reports and tests. */
export async function prepareReport(deps: ReportDeps, portal: Portal, scope: ReportScope, period: { from: LocalDate; to: LocalDate }): Promise<{ data: ReportData; lang: 'ru' | 'en'; fileName: string }> {
  const { frame, lang } = await reportFrame(deps, portal)
  const data = await reportOf({ store: deps.store, directory: deps.directory }, portal.memberId, scope, period, frame)
  return { data, lang, fileName: reportFileName(data, lang) }
}

/** The report's figures and its lists read from the store as the workbook is written, language and file name for a portal. */
export async function prepareReportSource(deps: ReportDeps, portal: Portal, scope: ReportScope, period: { from: LocalDate; to: LocalDate }): Promise<{ data: ReportSource; lang: 'ru' | 'en'; fileName: string }> {
  const { frame, lang } = await reportFrame(deps, portal)
  const data = await reportSourceOf({ store: deps.store, directory: deps.directory }, portal.memberId, scope, period, frame)
  return { data, lang, fileName: reportFileName(data, lang) }
}

async function reportFrame(deps: ReportDeps, portal: Portal) {
  const settings = await deps.settings.of(portal.memberId)
  const lang = settings.reports.language ?? languageOf(portal.language)
  const { timeZone } = resolvedCalendarSettings(settings.calendar, portal.language)
  const frame = { timeZone, calendar: await deps.settings.calendarOf(portal.memberId, portal.language), origin: new URL(portal.clientEndpoint).origin, plans: settings.reports.plans }
  return { frame, lang }
}
