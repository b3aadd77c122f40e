// One run of the reports bench, in a process of its own so that its peaks are its own (reports.ts runs it compiled, as
// `npm run report` runs the app; `node --expose-gc --import tsx test/bench/report-run.ts …` runs it as it is):
//   report-run <writer> <rows> <file.xlsx> [database]
// Writes the rows with one writer and prints one JSON line of figures (see RunFigures). Writers: `app` (writeWorkbook on
// exceljs), `exceljs` (its bare streaming writer), `app-excelts` and `excelts` (the same two on @cj-tech-master/excelts),
// each over rows made as they are iterated; `db`: the app's report read from the seeded SQLite `database` as it is written.
import { createWriteStream, statSync } from 'node:fs'
import { finished } from 'node:stream/promises'
import { ROUND_THE_CLOCK } from '../../rules/calendar/business-calendar.js'
import { reportSourceOf, type ReportSource } from '../../src/reports/report-data.js'
import { scopeOf } from '../../src/reports/report.js'
import { writeWorkbook, type WorkbookWriterClass } from '../../src/reports/workbook.js'
import { systemClock } from '../../src/shared/clock.js'
import { writeBareWorkbook } from './bare-workbook.js'
import { SEEDED_MEMBER, SEEDED_PERIOD } from './report-store.js'
import { reportSourceOfRows } from './report-rows.js'

export const WRITERS = ['app', 'exceljs', 'app-excelts', 'excelts', 'db'] as const
export type Writer = (typeof WRITERS)[number]
// excelts and the store are loaded only by the runs that use them, so that the others' memory is their own.
const excelts = async () => (await import('@cj-tech-master/excelts')).WorkbookWriter as unknown as WorkbookWriterClass

/** What one run measured; bytes unless named otherwise. */
export interface RunFigures {
  writer: Writer
  rows: number
  /** Rows the writer said it wrote (writeWorkbook's progress counts the stages' rows too). */
  written: number
  /** Making the rows once without writing them (the writers' runs make them again as they write); db: the figures' pass. */
  buildMs: number
  writeMs: number
  /** CPU time of the whole process while writing (its threads too: zlib compresses in the pool), ms. */
  cpuMs: number
  /** After start-up, before the rows exist (after a full collection). */
  baseRss: number
  baseHeap: number
  /** Before writing (after a full collection). */
  dataRss: number
  dataHeap: number
  /** The highest heap used, and Buffers held (where exceljs keeps the XML it has not zipped yet), seen while writing (sampled every 500 rows, garbage included). */
  peakHeap: number
  peakBuffers: number
  /** The longest the event loop was held while writing, ms: how long a server writing this report would answer nothing. */
  longestStallMs: number
  /** The process's peak RSS. */
  peakRss: number
  fileBytes: number
}

const SAMPLE_EVERY = 500

// Makes every list once, holding nothing: what the rows cost before any writer touches them.
async function makeAll(data: ReportSource): Promise<void> {
  for (const list of [data.leads, data.deals, data.tasks, data.violations]) for await (const row of list) if (row === undefined) throw new Error('no row')
}

async function main(): Promise<void> {
  const [writer, rowsText, out, database] = process.argv.slice(2) as [Writer, string, string, string | undefined]
  const rows = Number(rowsText)
  if (!WRITERS.includes(writer) || !Number.isInteger(rows) || rows <= 0 || !out || (writer === 'db' && !database)) {
    throw new Error(`usage: report-run.ts <${WRITERS.join('|')}> <rows> <file.xlsx> [database]`)
  }
  const gc = globalThis.gc ?? (() => {})
  gc()
  const base = process.memoryUsage()
  const began = performance.now()
  const store = writer === 'db' ? (await import('../../src/store/index.js')).openStore(database!, systemClock) : undefined
  let data: ReportSource
  if (store) {
    const directory = store.sync.directory.load(SEEDED_MEMBER)
    data = await reportSourceOf({ store, directory }, SEEDED_MEMBER, scopeOf(directory, undefined, 'ru')!, SEEDED_PERIOD,
      { timeZone: 'Europe/Moscow', calendar: ROUND_THE_CLOCK, origin: 'https://vector.bitrix24.ru', plans: {} })
  } else {
    data = reportSourceOfRows(rows)
    await makeAll(data)
  }
  const buildMs = performance.now() - began
  gc()
  const built = process.memoryUsage()

  // The writing loops never yield, so a timer would not fire: sample from the writers' own per-row callbacks instead.
  let peakHeap = built.heapUsed
  let peakBuffers = built.arrayBuffers
  const sample = () => {
    const { heapUsed, arrayBuffers } = process.memoryUsage()
    peakHeap = Math.max(peakHeap, heapUsed)
    peakBuffers = Math.max(peakBuffers, arrayBuffers)
  }
  // The longest gap between ticks of a 10 ms timer (perf_hooks' monitorEventLoopDelay missed these stalls in a trial).
  let lastTick = performance.now()
  let longestStallMs = 0
  const ticker = setInterval(() => {
    const now = performance.now()
    longestStallMs = Math.max(longestStallMs, now - lastTick)
    lastTick = now
  }, 10)
  const file = createWriteStream(out)
  let written = 0
  const start = performance.now()
  const cpu = process.cpuUsage()
  const library = writer.endsWith('excelts') ? await excelts() : undefined
  if (writer === 'app' || writer === 'app-excelts' || writer === 'db') {
    await writeWorkbook(data, file, 'ru', new Date(), (done) => {
      written = done
      sample()
    }, library)
  } else {
    let n = 0
    await writeBareWorkbook(data, file, () => {
      n += 1
      if (n % SAMPLE_EVERY === 0) sample()
    }, library)
    written = n
  }
  store?.close()
  await finished(file)
  const writeMs = performance.now() - start
  const used = process.cpuUsage(cpu)
  const cpuMs = (used.user + used.system) / 1000
  clearInterval(ticker)
  longestStallMs = Math.max(longestStallMs, performance.now() - lastTick)
  sample()
  const figures: RunFigures = {
    writer, rows, written, buildMs, writeMs, cpuMs, baseRss: base.rss, baseHeap: base.heapUsed, dataRss: built.rss, dataHeap: built.heapUsed,
    peakHeap, peakBuffers, longestStallMs, peakRss: process.resourceUsage().maxRSS * 1024, fileBytes: statSync(out).size,
  }
  process.stdout.write(`${JSON.stringify(figures)}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`report run failed: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
