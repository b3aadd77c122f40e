// Reads the shipped production calendars, src/calendars/<country>/<YEAR>/calendar.xml, for the pure business calendar.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ProductionCalendars } from '../../rules/calendar/portal-calendar.js'
import { parseProductionCalendar, type ProductionYear } from '../../rules/calendar/production-calendar.js'
import { ConfigError } from '../shared/app-error.js'
import { projectFile } from '../shared/project-files.js'
import { errorMessage } from '../shared/errors.js'

/** Where the calendars ship: src/calendars in the project folder (the build compiles code only). */
export const CALENDARS_DIR = projectFile('src', 'calendars')

/** Every calendar.xml present, by country, years in order; a malformed file throws ConfigError naming the file. */
export function loadProductionCalendars(dir = CALENDARS_DIR): ProductionCalendars {
  const calendars = new Map<string, ProductionYear[]>()
  if (!existsSync(dir)) return calendars
  for (const country of readdirSync(dir).filter((name) => /^[a-z]{2}$/.test(name)).sort()) {
    const years: ProductionYear[] = []
    for (const folder of readdirSync(join(dir, country)).filter((name) => /^\d{4}$/.test(name)).sort()) {
      const path = join(dir, country, folder, 'calendar.xml')
      if (!existsSync(path)) continue
      years.push(parseFile(path, country, Number(folder)))
    }
    if (years.length > 0) calendars.set(country, years)
  }
  return calendars
}

function parseFile(path: string, country: string, folderYear: number): ProductionYear {
  let year: ProductionYear
  try {
    year = parseProductionCalendar(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new ConfigError(`Invalid calendar file ${path}: ${errorMessage(error)}`)
  }
  if (year.year !== folderYear) throw new ConfigError(`Invalid calendar file ${path}: year="${year.year}" but the folder says ${folderYear}`)
  if (year.country !== null && year.country !== country) {
    throw new ConfigError(`Invalid calendar file ${path}: country="${year.country}" but the folder says ${country}`)
  }
  return year
}
