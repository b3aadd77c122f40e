// The reports bench's yardstick: the report's rows written by a library's own streaming writer with no report logic —
// the same sheets and cell values, but no styles, number formats, links, totals, filters or wall-clock shifts.
import type { Writable } from 'node:stream'
import ExcelJS from 'exceljs'
import type { ReportSource } from '../../src/reports/report-data.js'
import type { WorkbookWriterClass } from '../../src/reports/workbook.js'

type Cell = ExcelJS.CellValue

/** Writes `data`'s rows to `stream` as plainly as the library can; `onRow` is called after every row, as writeWorkbook's progress is. */
export async function writeBareWorkbook(data: ReportSource, stream: Writable, onRow: () => void,
  Writer: WorkbookWriterClass = ExcelJS.stream.xlsx.WorkbookWriter): Promise<void> {
  const workbook = new Writer({ stream, useStyles: false, useSharedStrings: false })
  const date = (at: number | null): Cell => (at === null ? null : new Date(at))
  // The portal's names for statuses, pipelines and stages, as the app shows them.
  const name = (names: Map<string, string>, id: string) => names.get(id) ?? id
  const sheet = async <T>(name: string, rows: Iterable<T> | AsyncIterable<T>, values: (row: T) => Cell[]) => {
    const worksheet = workbook.addWorksheet(name)
    for await (const row of rows) {
      worksheet.addRow(values(row)).commit()
      onRow()
    }
    worksheet.commit()
  }
  await sheet('Сводка', data.managers, (m) => [m.name, m.leads.created, m.leads.converted, m.leads.junk, m.leads.conversion, m.leads.contactMedianMs,
    m.leads.contactP90Ms, m.leads.breaches, m.leads.planCreated, m.leads.planConverted, m.deals.created, m.deals.won, m.deals.lost,
    m.deals.withoutNextStep, m.deals.overdue, m.tasks.created, m.tasks.closed,
    m.tasks.onTime, m.tasks.overdue, m.tasks.efficiency, m.tasks.unanswered, m.violations])
  await sheet('Лиды', data.leads, (l) => [l.title, l.responsible, date(l.createdAt), name(data.names.statuses, l.statusId), l.outcome, l.contactMs, l.breached ? 'да' : null])
  await sheet('Сделки', data.deals, (d) => [d.title, name(data.names.pipelines, d.categoryId), name(data.names.stages, d.stageId), d.responsible, date(d.createdAt), d.amount, d.currency, d.outcome,
    d.withoutNextStep ? 'да' : null, d.overdue ? 'да' : null])
  await sheet('Задачи', data.tasks, (t) => [t.title, t.responsible, date(t.createdAt), date(t.deadline), t.status, t.unanswered ? 'да' : null])
  await sheet('Нарушения', data.violations, (v) => [v.rule.ru, v.recordTitle, v.responsible, date(v.openedAt), date(v.resolvedAt), v.resolution,
    date(v.excusedAt), v.excusedBy, v.excuse, date(v.escalatedAt)])
  await workbook.commit()
}
