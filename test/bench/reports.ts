// npm run bench, the reports phase: the app's writeWorkbook against exceljs's bare streaming writer on the same rows, at
// 10,000, 100,000 and 1,000,000 list rows, and the same two on @cj-tech-master/excelts; then the app's whole report read
// from a SQLite file holding that many rows as it is written. Rows per second, CPU time, peak memory, event-loop stalls,
// file size. Each run is a child process of its own (test/bench/report-run.ts), so one run's peak never shows in
// another's; the writers take turns, each size BENCH_REPORT_REPEAT times (default 3, 1 for a million), the fastest run of
// each kept. Runnable alone: npx tsx test/bench/reports.ts (or BENCH_ONLY=reports npm run bench);
// BENCH_REPORT_ROWS=10000,100000 picks the sizes (npm run bench writes all three).
import { spawnSync } from 'node:child_process'
import { closeSync, createReadStream, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import ExcelJS from 'exceljs'
import { figure, print, record } from './figures.js'
import { listCounts } from './report-rows.js'
import type { RunFigures, Writer } from './report-run.js'

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

// report-run.ts compiled to one file (its packages left to node_modules), so that a run's memory is the report's and the
// libraries', as `npm run report` runs compiled code, not tsx's compiling (about 120 MB of RSS).
const COMPILED = join(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'rules-bench', 'report-run.mjs')
async function compileRun(): Promise<void> {
  await build({ entryPoints: [join(import.meta.dirname, 'report-run.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20',
    packages: 'external', outfile: COMPILED, logLevel: 'warning' })
}

function run(writer: Writer, rows: number, out: string, database?: string): RunFigures {
  const args = ['--expose-gc', COMPILED, writer, String(rows), out, ...(database ? [database] : [])]
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 900_000, stdio: ['ignore', 'pipe', 'inherit'] })
  if (child.status !== 0) throw new Error(`the ${writer} run of ${rows} rows failed (exit ${String(child.status)}${child.signal ? `, ${child.signal}` : ''})`)
  return JSON.parse(child.stdout) as RunFigures
}

function repeats(rows: number): number {
  const chosen = Number(process.env.BENCH_REPORT_REPEAT)
  if (Number.isInteger(chosen) && chosen > 0) return chosen
  return rows >= 1_000_000 ? 1 : 3
}

// The store the db run reads: `rows` list rows seeded into a SQLite file by a process of its own.
function seeded(rows: number, path: string): number {
  const began = performance.now()
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'report-seed.ts'), String(rows), path], { timeout: 1_800_000, stdio: 'inherit' })
  if (child.status !== 0) throw new Error(`seeding ${rows} rows failed (exit ${String(child.status)})`)
  return performance.now() - began
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

const LIBRARY_WRITERS = ['app', 'exceljs', 'app-excelts', 'excelts'] as const

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rules-reports-bench-'))
  await compileRun()
  print(`Reports: the app's writeWorkbook (styles, formats, HYPERLINK formulas, totals, wall-clock dates) against the library's own`)
  print(`         streaming WorkbookWriter writing the same cells plainly, on exceljs 4.4.0 and on @cj-tech-master/excelts, over rows made as`)
  print(`         they are read; then the app's report read from a SQLite file of as many rows (db). Each run a child process; load average ${loadavg()[0]!.toFixed(2)}`)
  try {
    const lines: string[] = []
    for (const rows of sizes()) {
      const best = new Map<Writer, RunFigures>()
      for (let turn = 0; turn < repeats(rows); turn++) {
        for (const writer of LIBRARY_WRITERS) {
          const figures = run(writer, rows, join(dir, `${writer}-${rows}.xlsx`))
          if (!best.has(writer) || figures.writeMs < best.get(writer)!.writeMs) best.set(writer, figures)
        }
      }
      const database = join(dir, `report-${rows}.db`)
      const seedMs = seeded(rows, database)
      best.set('db', run('db', rows, join(dir, `db-${rows}.xlsx`), database))
      rmSync(database, { force: true })
      for (const writer of ['app', 'app-excelts', 'db'] as const) {
        const file = join(dir, `${writer}-${rows}.xlsx`)
        if (!endsLikeZip(file)) throw new Error(`the ${writer} ${rows}-row workbook is not a complete zip`)
        if (rows <= VERIFIED && writer !== 'db') await verify(file, rows, writer)
      }
      const pick = (writer: Writer): RunFigures => best.get(writer)!
      const [app, bare, appX, bareX, db] = [pick('app'), pick('exceljs'), pick('app-excelts'), pick('excelts'), pick('db')]
      const cells = (f: RunFigures) => [perSecond(rows, f.writeMs).toLocaleString('en-US').padStart(9), `${(f.cpuMs / 1000).toFixed(1)} s`.padStart(7), mb(f.peakRss).padStart(7)]
      const size = rows >= 1_000_000 ? `${rows / 1_000_000}M` : `${rows / 1_000}k`
      lines.push([size.padStart(5), ...cells(app), ...cells(bare), `${(app.writeMs / bare.writeMs).toFixed(2)}×`.padStart(6), `${(app.cpuMs / bare.cpuMs).toFixed(2)}×`.padStart(6),
        ...cells(appX), ...cells(bareX), `${(appX.writeMs / bareX.writeMs).toFixed(2)}×`.padStart(6), ...cells(db),
        `${mb(app.fileBytes, 1)} / ${mb(appX.fileBytes, 1)}`.padStart(16)].join(' '))
      record(figure(`report ${size} rows: time to write`, 's', app.writeMs / 1000, bare.writeMs / 1000, "baseline: exceljs's bare writer", { atMostTimes: 1.5 }))
      record(figure(`report ${size} rows from the database: peak RSS`, 'MB', db.peakRss / 1024 / 1024, bare.peakRss / 1024 / 1024, "baseline: exceljs's bare writer", { atMost: 300 }))
      print(`  ${size} rows: app ${(app.writeMs / 1000).toFixed(1)} s, exceljs ${(bare.writeMs / 1000).toFixed(1)} s, app on excelts ${(appX.writeMs / 1000).toFixed(1)} s,`
        + ` excelts ${(bareX.writeMs / 1000).toFixed(1)} s (fastest of ${repeats(rows)}); from the database: seeded in ${(seedMs / 1000).toFixed(0)} s, figures read in`
        + ` ${(db.buildMs / 1000).toFixed(1)} s, written in ${(db.writeMs / 1000).toFixed(1)} s; longest event-loop stall: app ${(app.longestStallMs / 1000).toFixed(2)} s,`
        + ` db ${(db.longestStallMs / 1000).toFixed(2)} s, exceljs ${(bare.longestStallMs / 1000).toFixed(2)} s, excelts ${(bareX.longestStallMs / 1000).toFixed(2)} s`)
    }
    print()
    print('               ----- app on exceljs -----  ----- exceljs bare ------   cost vs bare   ---- app on excelts -----  ----- excelts bare ------  cost  ------ app from db -------         file')
    print(' rows             rows/s     CPU     RSS     rows/s     CPU     RSS   time    CPU     rows/s     CPU     RSS     rows/s     CPU     RSS   time     rows/s     CPU     RSS   exceljs / excelts')
    for (const line of lines) print(line)
    print()
    print('rows/s = list rows over the wall time to write; CPU = the process\'s CPU time while writing (zlib\'s threads included); RSS = the')
    print('child\'s peak RSS (maxRSS); cost = app / bare on the same library. The db run reads the figures first (one streaming pass), then')
    print('the rows a page at a time as it writes them: its time includes the store\'s reads, which the others do not have.')
    print(`Every app file ends as a complete zip; those of ${VERIFIED.toLocaleString('en-US')} rows or fewer were read back, each list sheet holding its rows.`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// Reads an app workbook of the bench's rows back: each list sheet holds its linked rows.
async function verify(file: string, rows: number, writer: string): Promise<void> {
  const expected = listCounts(rows)
  const read = await listRowsOf(file)
  const want = { Лиды: expected.leads, Сделки: expected.deals, Задачи: expected.tasks, Нарушения: expected.violations }
  for (const [sheet, count] of Object.entries(want)) {
    if (read[sheet] !== count) throw new Error(`the ${writer} ${rows}-row workbook: sheet ${sheet} has ${String(read[sheet])} linked rows, expected ${count}`)
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`reports bench failed: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
