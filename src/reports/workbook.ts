// The report as an Excel workbook, streamed with exceljs's WorkbookWriter: a summary sheet and one sheet a topic.
// The streaming writer's traps (../shared/notes/pages-reports-delivery.md, "Excel with exceljs 4.4.0"): a sheet is
// added only after the previous one is committed, views are given when a sheet is added, columns are defined before
// the first row, dates are written as UTC (so they are shifted to the portal's wall clock here), formulas always carry
// a cached result, and record links are HYPERLINK formulas rather than cell hyperlinks. The lists may be read from the
// store as they are written (report-data.ts): nothing here holds more than the row being written.
import type { Writable } from 'node:stream'
import ExcelJS from 'exceljs'
import { addDays, isoDate } from '../shared/zoned-days.js'
import type { Lang } from './excel-cells.js'
import { writeDeals, writeLeads, writeStalled, writeTasks, writeViolations } from './list-sheets.js'
import { rowsCount, type ReportSource } from './report-types.js'
import { SheetWriter, type Progress } from './sheet-writer.js'
import { writeSummary } from './summary-sheet.js'

export { columnLetter, moneyFormat } from './excel-cells.js'
export type { Progress } from './sheet-writer.js'

/** A streaming workbook writer of exceljs's shape: exceljs's own, or a compatible library's (the bench measures one). */
export type WorkbookWriterClass = new (options: { stream: Writable; useStyles: boolean; useSharedStrings: boolean }) => ExcelJS.stream.xlsx.WorkbookWriter

/** The report's file name: `Отчет_Отдел-продаж_2026-11-16_2026-11-22.xlsx` (the period's first and last day). */
export function reportFileName(data: Pick<ReportSource, 'scope' | 'period'>, lang: Lang): string {
  const scope = data.scope.name.trim().replace(/\s+/g, '-').replace(/[^\p{L}\p{N}_-]/gu, '').replace(/-+/g, '-').replace(/^-|-$/g, '') || 'report'
  return `${lang === 'ru' ? 'Отчет' : 'Report'}_${scope}_${isoDate(data.period.from)}_${isoDate(addDays(data.period.to, -1))}.xlsx`
}

/** Writes the report's workbook to `stream` (a file, an HTTP reply), stamped `created`, and resolves when it is complete. */
export async function writeWorkbook(data: ReportSource, stream: Writable, lang: Lang, created: Date, onProgress: Progress = () => {},
  Writer: WorkbookWriterClass = ExcelJS.stream.xlsx.WorkbookWriter): Promise<void> {
  const workbook = new Writer({ stream, useStyles: true, useSharedStrings: false })
  workbook.creator = 'b24-rules-app'
  workbook.created = created
  // The deals' stage rows count too; their number is known only once the deals are written.
  const total = data.managers.length + rowsCount(data.leads) + rowsCount(data.deals) + rowsCount(data.tasks) + rowsCount(data.violations) + rowsCount(data.stalled)
    + ('stages' in data && Array.isArray(data.stages) ? data.stages.length : 0)
  const w = new SheetWriter(workbook, stream, lang, data, total, onProgress)
  await writeSummary(w, data)
  await writeLeads(w, data.leads)
  await writeDeals(w, data.deals)
  await writeTasks(w, data.tasks)
  await writeViolations(w, data.violations)
  await writeStalled(w, data.stalled)
  await w.finish()
}
