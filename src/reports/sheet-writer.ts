// One workbook being written: sheets added one after another, rows committed with their formats (the plain ones as XML,
// row-xml.ts, when the writer is exceljs's own), the writer paced to its output, progress told, dates on the portal's
// wall clock, links as HYPERLINK formulas, the portal's own names.
import type { Writable } from 'node:stream'
import type ExcelJS from 'exceljs'
import type { Text } from '../../rules/types.js'
import { offsetAt } from '../shared/zoned-days.js'
import { COUNT, TOTAL, columnLetter, countOf, quoted, t, type Cell, type Column, type Lang } from './excel-cells.js'
import type { ReportSource } from './report-types.js'
import { rowXmlWriter, type RowXmlWriter } from './row-xml.js'
import { caughtUp, forgetFormulae } from './workbook-pacing.js'

/** Progress as rows are written: `done` of `total`. */
export type Progress = (done: number, total: number) => void

const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000
// How many rows go into the zip between two looks at whether it has caught up.
const PACE_ROWS = 200
// Frozen header row: views must be given when the sheet is added (setting them later has no effect).
const FROZEN: Partial<ExcelJS.AddWorksheetOptions> = { views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }] }

// A cell's style by its number format (none: no format), one frozen object each.
const STYLES = new Map<string, Partial<ExcelJS.Style>>()
function styleOf(format: string | undefined): Partial<ExcelJS.Style> {
  const key = format ?? ''
  let style = STYLES.get(key)
  if (!style) STYLES.set(key, (style = Object.freeze(format ? { numFmt: format } : {})))
  return style
}

/** Writes sheets and rows of one report into a streaming workbook. */
export class SheetWriter {
  #done = 0
  // The sheets whose plain rows are written as XML directly (exceljs's own writer's; none for another library's).
  readonly #rowXml = new WeakMap<ExcelJS.Worksheet, RowXmlWriter>()

  constructor(
    private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter,
    private readonly output: Writable,
    readonly lang: Lang,
    private readonly data: Pick<ReportSource, 'timeZone' | 'names'>,
    /** The rows expected in all, for the progress (a list read as it is written may hold a few more or fewer). */
    private total: number,
    private readonly onProgress: Progress,
  ) {}

  /** The text in the workbook's language. */
  L = (text: Text): string => text[this.lang]

  /** A sheet with its header row (bold, frozen) and column widths; add it only once the previous one is committed. */
  sheet(name: Text, columns: Column[]): ExcelJS.Worksheet {
    const worksheet = this.workbook.addWorksheet(this.L(name), FROZEN)
    worksheet.columns = columns.map((column) => ({ header: this.L(column.header), width: column.width }))
    worksheet.getRow(1).font = { bold: true }
    const rowXml = rowXmlWriter(this.workbook, worksheet, styleOf)
    if (rowXml) this.#rowXml.set(worksheet, rowXml)
    return worksheet
  }

  /** Adds a row of values with per-cell number formats and commits it; an empty text is an empty cell. */
  put(worksheet: ExcelJS.Worksheet, values: Cell[], formats: ReadonlyArray<string | undefined> = [], bold = false): void {
    // The values are the caller's fresh array: emptied texts in place rather than copied.
    for (let i = 0; i < values.length; i++) if (values[i] === '') values[i] = null
    const rowXml = this.#rowXml.get(worksheet)
    if (!bold && rowXml?.add(values, formats)) return
    // exceljs writes this row: the rows written as XML go before it.
    rowXml?.flush()
    const row = worksheet.addRow(values)
    if (bold) {
      formats.forEach((format, i) => {
        if (format) row.getCell(i + 1).numFmt = format
      })
      row.font = { bold: true }
    } else {
      // One style object a format, shared by every cell that has it: exceljs finds a style it has seen by the object
      // (a WeakMap) instead of rendering each cell's style to XML to look it up. The same styles, the same ids.
      // The row's cells as addRow made them (`_cells`, by column): getCell would encode each address again.
      const cells = (row as unknown as { _cells: Array<{ style: Partial<ExcelJS.Style> } | undefined> })._cells
      ;(row as unknown as { style: Partial<ExcelJS.Style> }).style = styleOf(undefined)
      for (let i = 0; i < values.length; i++) {
        const cell = cells[i]
        if (cell) cell.style = styleOf(formats[i])
      }
    }
    row.commit()
  }

  /**
   * After each list row: the progress, and every so many rows a wait for the zip to take what it was given (a promise
   * then, to be awaited; undefined otherwise, so that a row costs no turn of the microtask queue).
   */
  step(worksheet: ExcelJS.Worksheet): Promise<void> | undefined {
    this.#done += 1
    if (this.#done > this.total) this.total = this.#done
    if (this.#done % 500 === 0 || this.#done === this.total) this.onProgress(this.#done, this.total)
    if (this.#done % PACE_ROWS !== 0) return undefined
    this.#rowXml.get(worksheet)?.flush()
    forgetFormulae(worksheet)
    return caughtUp(worksheet, this.output)
  }

  /** The auto-filter over the header and rows 2..lastRow of `columns` columns (as a range text: exceljs-compatible libraries all take it). */
  filter(worksheet: ExcelJS.Worksheet, columns: number, lastRow: number): void {
    worksheet.autoFilter = `A1:${columnLetter(columns)}${Math.max(1, lastRow)}`
  }

  /** A list sheet's end: the totals row counting its `rows` in `column`, the filter over them, the commit. */
  closeList(worksheet: ExcelJS.Worksheet, rows: number, columns: number, column = 'A'): void {
    const last = rows + 1
    this.put(worksheet, [this.L(TOTAL), countOf(column, last, rows)], [undefined, COUNT], true)
    this.filter(worksheet, columns, last)
    this.commit(worksheet)
  }

  /** The sheet complete: its rows written, its end. */
  commit(worksheet: ExcelJS.Worksheet): void {
    this.#rowXml.get(worksheet)?.flush()
    worksheet.commit()
  }

  /** The workbook complete, the progress at its end. */
  async finish(): Promise<void> {
    await this.workbook.commit()
    this.onProgress(this.total, this.total)
  }

  /** exceljs writes a Date's UTC fields: the portal's wall-clock time as if it were UTC. */
  wall = (at: number | null): Cell => (at === null || Number.isNaN(at) ? null : new Date(at + this.#offsetAt(at)))

  // The zone's offset, looked up once an hour of time: an hour with the same offset at both ends has it throughout.
  readonly #offsets = new Map<number, number>()
  #offsetAt(at: number): number {
    const hour = Math.floor(at / HOUR_MS)
    let offset = this.#offsets.get(hour)
    if (offset === undefined) {
      const start = offsetAt(hour * HOUR_MS, this.data.timeZone)
      offset = start === offsetAt(hour * HOUR_MS + HOUR_MS - 1, this.data.timeZone) ? start : Number.NaN
      if (this.#offsets.size > 100_000) this.#offsets.clear()
      this.#offsets.set(hour, offset)
    }
    return Number.isNaN(offset) ? offsetAt(at, this.data.timeZone) : offset
  }
  /** A duration in ms as a fraction of a day, Excel's unit. */
  duration = (ms: number | null): Cell => (ms === null ? null : ms / DAY_MS)
  /** A link to a record: a HYPERLINK formula with its cached result (a cell hyperlink would be held in memory). */
  link = (url: string, name: string): Cell => ({ formula: `HYPERLINK(${quoted(url)},${quoted(name.slice(0, 250))})`, result: name })
  // The portal's own names; an id the directory has not read yet stays as it is.
  pipeline = (categoryId: string): string => this.data.names.pipelines.get(categoryId) ?? (categoryId === '0' ? this.L(t('Общая', 'General')) : `#${categoryId}`)
  stageName = (stageId: string): string => this.data.names.stages.get(stageId) ?? stageId
  statusName = (statusId: string): string => this.data.names.statuses.get(statusId) ?? statusId
}
