// npm run bench, the reports phase: the app's writeWorkbook against exceljs's bare streaming writer on the same rows, at
// 10,000, 100,000 and 1,000,000 list rows; rows per second, peak memory, event-loop stalls, file size. Each run is a child process of its own
// (test/bench/report-run.ts), so one run's peak never shows in another's. Runnable alone (all three sizes, 2–4 minutes on
// 2 cores): npx tsx test/bench/reports.ts; BENCH_REPORT_ROWS=10000,100000 picks the sizes (npm run bench writes all three).
import { spawnSync } from 'node:child_process'
import { closeSync, createReadStream, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import { figure, print, record } from './figures.js'
import { listCounts } from './report-rows.js'
import type { RunFigures } from './report-run.js'

const SIZES = [10_000, 100_000, 1_000_000]
// Reading a workbook back takes about as long as writing it: only the small ones are read.
const VERIFIED = 10_000

const mb = (bytes: number, digits = 0) => `${(bytes / 1024 / 1024).toFixed(digits)} MB`
const perSecond = (rows: number, ms: number) => Math.round(rows / (ms / 1000))

function sizes(): number[] {
  const chosen = process.env.BENCH_REPORT_ROWS
  if (!chosen) return SIZES
  const list = chosen.split(',').map(Number)
  if (list.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`BENCH_REPORT_ROWS=${chosen}: expected row counts such as 10000,100000`)
  return list
}

function run(writer: 'app' | 'exceljs', rows: number, out: string): RunFigures {
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, 'report-run.ts'), writer, String(rows), out], {
    encoding: 'utf8', timeout: 600_000, stdio: ['ignore', 'pipe', 'inherit'],
  })
  if (child.status !== 0) throw new Error(`the ${writer} run of ${rows} rows failed (exit ${String(child.status)}${child.signal ? `, ${child.signal}` : ''})`)
  return JSON.parse(child.stdout) as RunFigures
}

// A finished zip ends with its end-of-central-directory record (PK\5\6, 22 bytes without a comment): a cut-off file does not.
function endsLikeZip(file: string): boolean {
  const fd = openSync(file, 'r')
  try {
    const tail = Buffer.alloc(22)
    readSync(fd, tail, 0, 22, statSync(file).size - 22)
    return tail.readUInt32LE(0) === 0x06054b50
  } finally {
    closeSync(fd)
  }
}

// A list row links to its record: column A, or B on the violations sheet (the totals and stage rows link nowhere).
const linked = (row: ExcelJS.Row) => [1, 2].some((column) => {
  const value = row.getCell(column).value
  return typeof value === 'object' && value !== null && 'formula' in value && String(value.formula).startsWith('HYPERLINK(')
})

// Reads the app's workbook back with exceljs's streaming reader: the linked rows of each sheet.
async function listRowsOf(file: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(createReadStream(file), { worksheets: 'emit', sharedStrings: 'ignore', styles: 'ignore', hyperlinks: 'ignore' })
  for await (const sheet of reader) {
    const worksheet = sheet as unknown as AsyncIterable<ExcelJS.Row> & { name: string }
    let rows = 0
    for await (const row of worksheet) if (row.number > 1 && linked(row)) rows += 1
    counts[worksheet.name] = rows
  }
  return counts
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rules-reports-bench-'))
  print(`Reports: the app's writeWorkbook (styles, formats, HYPERLINK formulas, totals, wall-clock dates) against exceljs's own`)
  print(`         stream.xlsx.WorkbookWriter writing the same cells plainly; each run a child process; load average before ${loadavg()[0]!.toFixed(2)}`)
  try {
    const lines: string[] = []
    for (const rows of sizes()) {
      const appFile = join(dir, `app-${rows}.xlsx`)
      const app = run('app', rows, appFile)
      const bare = run('exceljs', rows, join(dir, `exceljs-${rows}.xlsx`))
      if (!endsLikeZip(appFile)) throw new Error(`the app's ${rows}-row workbook is not a complete zip`)
      if (rows <= VERIFIED) {
        const expected = listCounts(rows)
        const read = await listRowsOf(appFile)
        const want = { Лиды: expected.leads, Сделки: expected.deals, Задачи: expected.tasks, Нарушения: expected.violations }
        for (const [sheet, count] of Object.entries(want)) {
          if (read[sheet] !== count) throw new Error(`the app's ${rows}-row workbook: sheet ${sheet} has ${String(read[sheet])} linked rows, expected ${count}`)
        }
      }
      lines.push([
        rows.toLocaleString('en-US').padStart(9), perSecond(rows, app.writeMs).toLocaleString('en-US').padStart(10),
        perSecond(rows, bare.writeMs).toLocaleString('en-US').padStart(10), `${(app.writeMs / bare.writeMs).toFixed(1)}×`.padStart(5),
        mb(app.peakRss).padStart(8), mb(bare.peakRss).padStart(8), mb(app.dataHeap).padStart(9),
        mb(app.peakRss - app.dataRss).padStart(9), mb(bare.peakRss - bare.dataRss).padStart(9),
        mb(app.peakBuffers).padStart(9), mb(bare.peakBuffers).padStart(9), `${mb(app.fileBytes, 1)} / ${mb(bare.fileBytes, 1)}`.padStart(14),
      ].join('  '))
      const size = rows >= 1_000_000 ? `${rows / 1_000_000}M` : `${rows / 1_000}k`
      record(figure(`report ${size} rows: time to write`, 's', app.writeMs / 1000, bare.writeMs / 1000, "baseline: exceljs's bare writer", { atMostTimes: 1.5 }))
      if (rows >= 1_000_000) record(figure(`report ${size} rows: peak RSS`, 'MB', app.peakRss / 1024 / 1024, bare.peakRss / 1024 / 1024, "baseline: exceljs's bare writer", { atMost: 300 }))
      print(`  ${rows} rows: app ${(app.writeMs / 1000).toFixed(1)} s, exceljs ${(bare.writeMs / 1000).toFixed(1)} s (data built in ${(app.buildMs / 1000).toFixed(1)} s);`
        + ` longest event-loop stall while writing: app ${(app.longestStallMs / 1000).toFixed(1)} s, exceljs ${(bare.longestStallMs / 1000).toFixed(1)} s`)
    }
    print()
    print('                      rows/s             peak RSS              writer RSS         Buffers, peak')
    print('     rows         app     exceljs   cost       app   exceljs  data heap        app   exceljs        app   exceljs  file app / xls')
    for (const line of lines) print(line)
    print()
    print('cost = app time / exceljs time; peak RSS = the child\'s maxRSS; data heap = the ReportData after a full collection, before')
    print('writing; writer RSS = peak RSS less the RSS with the data built; Buffers = the most memory held in Buffers while writing.')
    print(`Every app file ends as a complete zip; those of ${VERIFIED.toLocaleString('en-US')} rows or fewer were read back, each list sheet holding its rows.`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`reports bench failed: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
