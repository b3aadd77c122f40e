// npm run test:office: the reports as LibreOffice reads them. The demo's day is played, its report written (read from the
// store as it is written) once with exceljs and once with @cj-tech-master/excelts, and LibreOffice headless converts
// every sheet of each to CSV; each sheet's cells are then compared with what the app wrote
// (LibreOffice exits 0 even when it fails to read a file, so only what comes out counts). Needs `soffice`
// (Debian: libreoffice-calc-nogui; .ci/run installs it); SOFFICE may name another binary.
import { execFile } from 'node:child_process'
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import { promisify } from 'node:util'
import { WorkbookWriter as ExceltsWriter } from '@cj-tech-master/excelts'
import ExcelJS from 'exceljs'
import { parsePeriod, prepareReportSource, scopeOf } from '../../src/reports/report.js'
import { rowsCount } from '../../src/reports/report-types.js'
import { writeWorkbook, type WorkbookWriterClass } from '../../src/reports/workbook.js'
import { addDays, isoDate, localDateOf } from '../../src/shared/zoned-days.js'
import { playDay } from '../demo/day.js'

const run = promisify(execFile)
const SOFFICE = process.env.SOFFICE || 'soffice'
// CSV, comma, double quotes, UTF-8 (76), from row 1; cells as stored (not as shown), every sheet to a file of its own (-1).
const CSV_FILTER = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1'

/** The cells of a CSV text (RFC 4180 quoting), row by row. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') { cell += '"'; i++ } else if (char === '"') quoted = false
      else cell += char
    } else if (char === '"') quoted = true
    else if (char === ',') { row.push(cell); cell = '' } else if (char === '\n') { row.push(cell); rows.push(row); row = []; cell = '' } else if (char !== '\r') cell += char
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell])
  return rows
}

// What a cell holds as LibreOffice's CSV shows it: text as is, numbers as numbers, formulas by their result.
function expected(cell: ExcelJS.Cell): string | number | Date | null {
  const value = cell.value
  if (value === null || value === undefined) return null
  // exceljs writes a cached 0 (<v>0</v>) but reads it back as no result: a formula without one here stands for 0.
  if (typeof value === 'object' && 'formula' in value) return (value.result ?? 0) as string | number
  if (value instanceof Date) return value
  if (typeof value === 'object' && 'richText' in value) return value.richText.map((part) => part.text).join('')
  return value as string | number
}

// Excel's day zero: a duration is a time of day on it.
const DAY_ZERO = Date.UTC(1899, 11, 30)

function same(want: string | number | Date | null, got: string): boolean {
  if (want === null) return got === ''
  // Cells come out as shown: a share with its %, a money amount with its currency, a duration as [h:]mm:ss.
  if (typeof want === 'number') {
    const percent = got.endsWith('%')
    const shown = Number(got.replace(/[^\d,.-]/g, '').replace(',', '.'))
    return Math.abs((percent ? shown / 100 : shown) - want) < (percent ? 0.0005 : 0.005)
  }
  if (want instanceof Date && want.getTime() - DAY_ZERO < 86_400_000 * 366) {
    const ms = got.split(':').map(Number).reduce((total, part) => total * 60 + part, 0) * 1000
    return Math.abs(ms - (want.getTime() - DAY_ZERO)) < 1000
  }
  // A date comes out in the locale's short form; its day, month and year must be there.
  if (want instanceof Date) {
    const [y, m, d] = [want.getUTCFullYear(), want.getUTCMonth() + 1, want.getUTCDate()]
    return got.includes(String(y)) && new RegExp(`\\b0?${d}\\b`).test(got) && new RegExp(`\\b0?${m}\\b`).test(got)
  }
  return got === String(want)
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rules-office-'))
  const day = await playDay()
  const failures: string[] = []
  try {
    const { h } = day
    const portal = (await h.store.portals.get(h.portal.memberId))!
    const directory = await h.store.directory.load(portal.memberId)
    const timeZone = 'Europe/Moscow'
    const today = localDateOf(Date.now(), timeZone)
    const period = parsePeriod(isoDate(addDays(today, -6)), isoDate(addDays(today, 1)))
    if ('error' in period) throw new Error(period.error)
    const { data, lang, fileName } = await prepareReportSource({ store: h.store, settings: h.app.portalSettings, directory }, portal, scopeOf(directory, undefined, 'ru')!, period)
    const libraries: Array<[string, WorkbookWriterClass]> = [['exceljs', ExcelJS.stream.xlsx.WorkbookWriter], ['excelts', ExceltsWriter as unknown as WorkbookWriterClass]]
    for (const [library, Writer] of libraries) {
      const base = `${fileName.replace(/\.xlsx$/, '')}-${library}`
      const file = join(dir, `${base}.xlsx`)
      const out = createWriteStream(file)
      await writeWorkbook(data, out, lang, new Date(), () => {}, Writer)
      await finished(out)
      const written = new ExcelJS.Workbook()
      await written.xlsx.readFile(file)
      const { stdout, stderr } = await run(SOFFICE, ['--headless', '--norestore', `-env:UserInstallation=file://${join(dir, 'profile')}`, '--convert-to', CSV_FILTER, '--outdir', dir, file], { timeout: 120_000 })
      for (const sheet of written.worksheets) {
        const csv = join(dir, `${base}-${sheet.name}.csv`)
        if (!existsSync(csv)) {
          failures.push(`${library}: LibreOffice wrote no CSV for sheet «${sheet.name}» (it said: ${(stdout + stderr).trim()}; in ${dir}: ${readdirSync(dir).join(', ')})`)
          continue
        }
        const rows = parseCsv(readFileSync(csv, 'utf8'))
        if (rows.length !== sheet.rowCount) failures.push(`${library}: «${sheet.name}»: LibreOffice read ${rows.length} rows, the app wrote ${sheet.rowCount}`)
        sheet.eachRow((row, rowNumber) => {
          row.eachCell({ includeEmpty: true }, (cell, column) => {
            const got = rows[rowNumber - 1]?.[column - 1] ?? ''
            const want = expected(cell)
            if (!same(want, got)) failures.push(`${library}: «${sheet.name}»!${cell.address}: LibreOffice shows ${JSON.stringify(got)}, the app wrote ${JSON.stringify(want)}`)
          })
        })
        console.log(`office: ${library}: «${sheet.name}» ${rows.length} rows, ${rows[0]?.length ?? 0} columns read by LibreOffice`)
      }
    }
    console.log(`office: ${fileName} (${rowsCount(data.leads)} leads, ${rowsCount(data.deals)} deals, ${rowsCount(data.tasks)} tasks, ${rowsCount(data.violations)} violations)`)
  } finally {
    await day.close()
    rmSync(dir, { recursive: true, force: true })
  }
  if (failures.length > 0) {
    console.error(failures.slice(0, 20).join('\n'))
    if (failures.length > 20) console.error(`… and ${failures.length - 20} more`)
    process.exit(1)
  }
  console.log('office: every sheet opened in LibreOffice and every cell matches')
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : String(error))
  process.exit(1)
})
