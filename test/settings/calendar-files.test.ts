// The shipped production calendars load at start-up; a new year or country drops in; bad files and settings stop it in one line.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CALENDARS_DIR, loadProductionCalendars } from '../../src/settings/calendar-files.js'
import { portalCalendars } from '../../src/settings/portal-calendars.js'
import { resolveRuleSettings } from '../../src/settings/rule-settings.js'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })))

function copyOfShipped(): string {
  const dir = mkdtempSync(join(tmpdir(), 'calendars-'))
  dirs.push(dir)
  cpSync(CALENDARS_DIR, dir, { recursive: true })
  return dir
}

function put(dir: string, country: string, year: number, xml: string): string {
  mkdirSync(join(dir, country, String(year)), { recursive: true })
  const path = join(dir, country, String(year), 'calendar.xml')
  writeFileSync(path, xml)
  return path
}

describe('loadProductionCalendars', () => {
  it('loads every shipped year of Russia', () => {
    const calendars = loadProductionCalendars()
    expect([...calendars.keys()]).toEqual(['ru'])
    expect(calendars.get('ru')?.map((year) => year.year)).toEqual([2025, 2026, 2027])
  })

  it('takes next year and another country as they drop in', () => {
    const dir = copyOfShipped()
    put(dir, 'ru', 2028, '<calendar year="2028" country="ru"><days><day d="01.10" t="1"/></days></calendar>')
    put(dir, 'kz', 2026, '<calendar year="2026" country="kz"><days><day d="03.23" t="1"/></days></calendar>')
    const calendars = loadProductionCalendars(dir)
    expect(calendars.get('ru')?.map((year) => year.year)).toEqual([2025, 2026, 2027, 2028])
    const kz = portalCalendars(resolveRuleSettings({}), calendars)('kz')
    // Mon 23 Mar 2026 is off on a Kazakh portal: Almaty (UTC+5) works again on Tue at 09:00 = 04:00Z.
    expect(kz.nextWorkingMoment(new Date('2026-03-23T05:00:00Z')).toISOString()).toBe('2026-03-24T04:00:00.000Z')
  })

  it.each([
    ['<calendar year="2026"><days><day d="02.30" t="1"/></days></calendar>', '<day d="02.30"> is not a date MM.DD of 2026'],
    ['<calendar year="2025"><days/></calendar>', 'year="2025" but the folder says 2026'],
    ['<calendar year="2026" country="by"><days/></calendar>', 'country="by" but the folder says ru'],
  ])('stops on a malformed file, one line naming it: %s', (xml, message) => {
    const dir = copyOfShipped()
    const path = put(dir, 'ru', 2026, xml)
    expect(() => loadProductionCalendars(dir)).toThrow(`Invalid calendar file ${path}: ${message}`)
  })
})

describe('calendar settings', () => {
  it.each([
    [{ timeZone: 'Europe/Mowcow' }, 'calendar.timeZone must be an IANA time zone such as Europe/Moscow (got "Europe/Mowcow")'],
    [{ hours: { mon: '09:00-25:00' } }, 'calendar.hours.mon must be "off" or working hours HH:MM-HH:MM such as 09:00-18:00 (got "09:00-25:00")'],
    [{ hours: { mon: '18:00-09:00' } }, 'calendar.hours.mon must be "off" or working hours'],
    [{ hours: { monday: '09:00-18:00' } }, 'calendar.hours.monday is not a weekday (sun, mon, tue, wed, thu, fri, sat)'],
    [{ hours: '24x7' }, 'calendar.hours must be "24/7" or hours per weekday such as {"mon": "09:00-18:00"} (got "24x7")'],
    [{ daysOff: ['31.12.2026'] }, 'calendar.daysOff.0 must be a date YYYY-MM-DD (got "31.12.2026")'],
    [{ daysOff: ['2026-02-29'] }, 'calendar.daysOff.0 must be a date YYYY-MM-DD (got "2026-02-29")'],
    [{ workingDays: [{ date: '2026-12-26', hours: '10:00-25:00' }] }, 'calendar.workingDays.0.hours must be working hours HH:MM-HH:MM such as 09:00-18:00 (got "10:00-25:00")'],
    [{ daysOff: ['2026-12-26'], workingDays: ['2026-12-26'] }, 'calendar.workingDays.0.date is also in calendar.daysOff (got "2026-12-26")'],
    [{ country: 'Russia' }, 'calendar.country must be a two-letter country code such as ru, or none (got "Russia")'],
    [{ timezone: 'Europe/Moscow' }, 'calendar.timezone is not a known setting'],
  ])('refuses %j', (calendar, message) => {
    expect(() => resolveRuleSettings({ calendar })).toThrow(`Invalid RULES_FILE: ${message}`)
  })

  it('keeps the default hours of the days a file leaves out, and reads "off", "24/7" and a bare working date', () => {
    const settings = resolveRuleSettings({ calendar: { hours: { fri: '09:00-16:45', sat: '10:00-14:00', mon: 'off' }, workingDays: ['2026-12-26'] } })
    expect(settings.calendar).toEqual({
      timeZone: null,
      country: null,
      hours: {
        mon: null, tue: { start: 540, end: 1080 }, wed: { start: 540, end: 1080 }, thu: { start: 540, end: 1080 },
        fri: { start: 540, end: 1005 }, sat: { start: 600, end: 840 }, sun: null,
      },
      daysOff: [],
      workingDays: [{ date: '2026-12-26', hours: null }],
    })
    expect(resolveRuleSettings({ calendar: { hours: '24/7' } }).calendar.hours).toBe('24/7')
  })

  it('a country with no calendar files stops start-up naming the setting', () => {
    const settings = resolveRuleSettings({ calendar: { country: 'by' } })
    expect(() => portalCalendars(settings, loadProductionCalendars(), 'RULES_FILE ./rules.json')).toThrow(
      'Invalid RULES_FILE ./rules.json: calendar.country has no production calendar in src/calendars (got "by"; shipped: ru)',
    )
  })

  it('gives the app one calendar per portal language, built once', () => {
    const calendarFor = portalCalendars(resolveRuleSettings({}), loadProductionCalendars())
    expect(calendarFor('ru')).toBe(calendarFor('ru'))
    // 17:55 Moscow on 31 Dec 2025 + 15 working minutes → Mon 12 Jan 2026 09:15 Moscow.
    expect(calendarFor('ru').addWorkingMinutes(new Date('2025-12-31T14:55:00Z'), 15).toISOString()).toBe('2026-01-12T06:15:00.000Z')
    const roundTheClock = portalCalendars(resolveRuleSettings({ calendar: { hours: '24/7' } }), loadProductionCalendars())('ru')
    expect(roundTheClock.roundTheClock).toBe(true)
  })
})
