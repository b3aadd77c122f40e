// One run of the reports bench, in a process of its own so that its peaks are its own:
//   node --expose-gc --import tsx test/bench/report-run.ts <app|exceljs> <rows> <file.xlsx>
// Builds the rows, writes them with one writer, and prints one JSON line of figures (see RunFigures).
import { createWriteStream, statSync } from 'node:fs'
import { finished } from 'node:stream/promises'
import { writeWorkbook } from '../../src/reports/workbook.js'
import { writeBareWorkbook } from './bare-workbook.js'
import { reportOfRows } from './report-rows.js'

/** What one run measured; bytes unless named otherwise. */
export interface RunFigures {
  writer: 'app' | 'exceljs'
  rows: number
  /** Rows the writer said it wrote (writeWorkbook's progress counts the stages' rows too). */
  written: number
  buildMs: number
  writeMs: number
  /** After start-up, before the rows exist (after a full collection). */
  baseRss: number
  baseHeap: number
  /** With the rows built, before writing (after a full collection): the ReportData's own share. */
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

async function main(): Promise<void> {
  const [writer, rowsText, out] = process.argv.slice(2)
  const rows = Number(rowsText)
  if ((writer !== 'app' && writer !== 'exceljs') || !Number.isInteger(rows) || rows <= 0 || !out) throw new Error('usage: report-run.ts <app|exceljs> <rows> <file.xlsx>')
  const gc = globalThis.gc ?? (() => {})
  gc()
  const base = process.memoryUsage()
  const began = performance.now()
  const data = reportOfRows(rows)
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
  if (writer === 'app') {
    await writeWorkbook(data, file, 'ru', new Date(), (done) => {
      written = done
      sample()
    })
  } else {
    let n = 0
    await writeBareWorkbook(data, file, () => {
      n += 1
      if (n % SAMPLE_EVERY === 0) sample()
    })
    written = n
  }
  await finished(file)
  const writeMs = performance.now() - start
  clearInterval(ticker)
  longestStallMs = Math.max(longestStallMs, performance.now() - lastTick)
  sample()
  const figures: RunFigures = {
    writer, rows, written, buildMs, writeMs, baseRss: base.rss, baseHeap: base.heapUsed, dataRss: built.rss, dataHeap: built.heapUsed,
    peakHeap, peakBuffers, longestStallMs, peakRss: process.resourceUsage().maxRSS * 1024, fileBytes: statSync(out).size,
  }
  process.stdout.write(`${JSON.stringify(figures)}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`report run failed: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
