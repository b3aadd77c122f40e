// The report as an Excel workbook, streamed with exceljs's WorkbookWriter: a summary sheet and one sheet a topic.
// The streaming writer's traps (../shared/notes/pages-reports-delivery.md, "Excel with exceljs 4.4.0"): a sheet is
// added only after the previous one is committed, views are given when a sheet is added, columns are defined before
// the first row, dates are written as UTC (so they are shifted to the portal's wall clock here), formulas always carry
// a cached result, and record links are HYPERLINK formulas rather than cell hyperlinks.
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import ExcelJS from 'exceljs'
import type { Text } from '../../rules/types.js'
import { addDays, isoDate, offsetAt } from '../shared/zoned-days.js'
import type { ManagerRow, ReportData } from './report-data.js'

type Lang = 'ru' | 'en'
type Cell = ExcelJS.CellValue
interface Column { header: Text; width: number }

const DATE = 'dd.mm.yyyy hh:mm'
const DURATION = '[h]:mm'
const PERCENT = '0.0%'
const COUNT = '0'
const PLAN = '0.0'
const DAY_MS = 86_400_000
// How many rows go into the zip between two looks at whether it has caught up.
const PACE_ROWS = 200

const SHEETS = {
  summary: { ru: 'Сводка', en: 'Summary' },
  leads: { ru: 'Лиды', en: 'Leads' },
  deals: { ru: 'Сделки', en: 'Deals' },
  tasks: { ru: 'Задачи', en: 'Tasks' },
  violations: { ru: 'Нарушения', en: 'Violations' },
  stalled: { ru: 'Сделки без шага', en: 'Deals without a step' },
} satisfies Record<string, Text>

const t = (ru: string, en: string): Text => ({ ru, en })
const TOTAL = t('Итого', 'Total')
const YES = t('да', 'yes')

/** The currency's number format: the amount with two decimals and the currency's sign or code. */
export function moneyFormat(currency: string): string {
  const sign: Record<string, string> = { RUB: '₽', USD: '$', EUR: '€', KZT: '₸', BYN: 'Br', UAH: '₴' }
  return `#,##0.00 "${(sign[currency] ?? currency).replace(/"/g, '')}"`
}

/** The report's file name: `Отчет_Отдел-продаж_2026-11-16_2026-11-22.xlsx` (the period's first and last day). */
export function reportFileName(data: Pick<ReportData, 'scope' | 'period'>, lang: Lang): string {
  const scope = data.scope.name.trim().replace(/\s+/g, '-').replace(/[^\p{L}\p{N}_-]/gu, '').replace(/-+/g, '-').replace(/^-|-$/g, '') || 'report'
  return `${lang === 'ru' ? 'Отчет' : 'Report'}_${scope}_${isoDate(data.period.from)}_${isoDate(addDays(data.period.to, -1))}.xlsx`
}

/** Progress as rows are written: `done` of `total`. */
export type Progress = (done: number, total: number) => void

/** Writes the report's workbook to `stream` (a file, an HTTP reply), stamped `created`, and resolves when it is complete. */
export async function writeWorkbook(data: ReportData, stream: Writable, lang: Lang, created: Date, onProgress: Progress = () => {}): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false })
  workbook.creator = 'b24-rules-app'
  workbook.created = created
  const total = data.managers.length + data.leads.length + data.deals.length + data.stages.length + data.tasks.length + data.violations.length + data.stalled.length
  let done = 0
  // After each row: the progress, and every so many rows a wait for the zip to take what it was given.
  const step = async (worksheet: ExcelJS.Worksheet) => {
    done += 1
    if (done % 500 === 0 || done === total) onProgress(done, total)
    if (done % PACE_ROWS === 0) {
      forgetFormulae(worksheet)
      await caughtUp(worksheet, stream)
    }
  }
  const tz = data.timeZone
  // exceljs writes a Date's UTC fields: give it the portal's wall-clock time as if it were UTC.
  const wall = (at: number | null): Cell => (at === null || Number.isNaN(at) ? null : new Date(at + offsetAt(at, tz)))
  const duration = (ms: number | null): Cell => (ms === null ? null : ms / DAY_MS)
  const link = (url: string, name: string): Cell => ({ formula: `HYPERLINK(${quoted(url)},${quoted(name.slice(0, 250))})`, result: name })
  const L = (text: Text) => text[lang]
  // The portal's own names; an id the directory has not read yet stays as it is.
  const pipeline = (categoryId: string) => data.names.pipelines.get(categoryId) ?? (categoryId === '0' ? L(t('Общая', 'General')) : `#${categoryId}`)
  const stageName = (stageId: string) => data.names.stages.get(stageId) ?? stageId
  const statusName = (statusId: string) => data.names.statuses.get(statusId) ?? statusId

  const sheet = (name: Text, columns: Column[]) => {
    const worksheet = workbook.addWorksheet(L(name), { views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }] })
    worksheet.columns = columns.map((column) => ({ header: L(column.header), width: column.width }))
    worksheet.getRow(1).font = { bold: true }
    return worksheet
  }
  // Adds a row of values with per-cell number formats and commits it.
  const put = (worksheet: ExcelJS.Worksheet, values: Cell[], formats: Array<string | undefined> = [], bold = false) => {
    // An empty text is an empty cell, not an empty string cell.
    const row = worksheet.addRow(values.map((value) => (value === '' ? null : value)))
    formats.forEach((format, i) => {
      if (format) row.getCell(i + 1).numFmt = format
    })
    if (bold) row.font = { bold: true }
    row.commit()
  }
  const filter = (worksheet: ExcelJS.Worksheet, columns: number, lastRow: number) => {
    worksheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, lastRow), column: columns } }
  }
  // A list sheet's end: the totals row counting its `rows` in `column`, the filter over them, the commit.
  const closeList = (worksheet: ExcelJS.Worksheet, rows: number, columns: number, column = 'A') => {
    const last = rows + 1
    put(worksheet, [L(TOTAL), countOf(column, last, rows)], [undefined, COUNT], true)
    filter(worksheet, columns, last)
    worksheet.commit()
  }

  // Summary: one line a manager, the total with formulas.
  {
    // Each column: its header, width and format, a manager's value, and how the totals row gets it (a sum of the column,
    // a share of two of its columns, or the total's own value where neither adds up, such as a median).
    type Total = 'sum' | { share: [part: number, whole: number] } | { planShare: [done: number, plan: number] } | 'value'
    const columns: Array<Column & { format?: string; value: (row: ManagerRow) => Cell; total: Total }> = [
      { header: t('Менеджер', 'Manager'), width: 28, value: (row) => row.name, total: 'value' },
      { header: t('Лидов', 'Leads'), width: 9, format: COUNT, value: (row) => row.leads.created, total: 'sum' },
      { header: t('Конвертировано', 'Converted'), width: 15, format: COUNT, value: (row) => row.leads.converted, total: 'sum' },
      { header: t('Некачественных', 'Junk'), width: 15, format: COUNT, value: (row) => row.leads.junk, total: 'sum' },
      { header: t('Конверсия', 'Conversion'), width: 11, format: PERCENT, value: (row) => row.leads.conversion, total: { share: [3, 2] } },
      { header: t('Первый контакт, медиана', 'First contact, median'), width: 14, format: DURATION, value: (row) => duration(row.leads.contactMedianMs), total: 'value' },
      { header: t('Первый контакт, 90-й перцентиль', 'First contact, 90th percentile'), width: 14, format: DURATION, value: (row) => duration(row.leads.contactP90Ms), total: 'value' },
      { header: t('Просрочен первый контакт', 'First contact late'), width: 13, format: COUNT, value: (row) => row.leads.breaches, total: 'sum' },
      { header: t('План лидов', 'Leads planned'), width: 10, format: PLAN, value: (row) => row.leads.planCreated, total: 'sum' },
      { header: t('План лидов выполнен', 'Leads plan done'), width: 12, format: PERCENT, value: (row) => fulfilment(row.leads.created, row.leads.planCreated), total: { planShare: [2, 9] } },
      { header: t('План конверсий', 'Conversions planned'), width: 12, format: PLAN, value: (row) => row.leads.planConverted, total: 'sum' },
      { header: t('План конверсий выполнен', 'Conversions plan done'), width: 13, format: PERCENT, value: (row) => fulfilment(row.leads.converted, row.leads.planConverted), total: { planShare: [3, 11] } },
      { header: t('Сделок', 'Deals'), width: 9, format: COUNT, value: (row) => row.deals.created, total: 'sum' },
      { header: t('Выиграно', 'Won'), width: 10, format: COUNT, value: (row) => row.deals.won, total: 'sum' },
      { header: t('Проиграно', 'Lost'), width: 10, format: COUNT, value: (row) => row.deals.lost, total: 'sum' },
      { header: t('Без следующего шага', 'No next step'), width: 13, format: COUNT, value: (row) => row.deals.withoutNextStep, total: 'sum' },
      { header: t('Следующий шаг просрочен', 'Next step overdue'), width: 13, format: COUNT, value: (row) => row.deals.overdue, total: 'sum' },
      { header: t('Задач', 'Tasks'), width: 9, format: COUNT, value: (row) => row.tasks.created, total: 'sum' },
      { header: t('Закрыто', 'Closed'), width: 10, format: COUNT, value: (row) => row.tasks.closed, total: 'sum' },
      { header: t('Вовремя', 'On time'), width: 10, format: COUNT, value: (row) => row.tasks.onTime, total: 'sum' },
      { header: t('Просрочено', 'Overdue'), width: 11, format: COUNT, value: (row) => row.tasks.overdue, total: 'sum' },
      { header: t('Эффективность', 'Efficiency'), width: 13, format: PERCENT, value: (row) => row.tasks.efficiency, total: { share: [20, 19] } },
      { header: t('Без ответа', 'Unanswered'), width: 11, format: COUNT, value: (row) => row.tasks.unanswered, total: 'sum' },
      { header: t('Нарушений', 'Violations'), width: 11, format: COUNT, value: (row) => row.violations, total: 'sum' },
    ]
    const worksheet = sheet(SHEETS.summary, columns)
    const formats = columns.map((column) => column.format)
    for (const manager of data.managers) {
      put(worksheet, columns.map((column) => column.value(manager)), formats)
      await step(worksheet)
    }
    const last = data.managers.length + 1
    const row = last + 1
    const range = (column: number) => `${columnLetter(column)}2:${columnLetter(column)}${last}`
    const totalOf = (column: (typeof columns)[number], index: number): Cell => {
      const result = column.value(data.total)
      const { total } = column
      if (index === 0) return L(TOTAL)
      // Nothing to add up (no manager has a plan): an empty cell, not a zero.
      if (total === 'value' || result === null) return result
      if (total === 'sum') return last < 2 ? { formula: '0', result: 0 } : { formula: `SUM(${range(index + 1)})`, result: result as number }
      if ('share' in total) {
        const [part, whole] = total.share.map(columnLetter)
        return { formula: `IF(${whole}${row}>0,${part}${row}/${whole}${row},"")`, result: (result as number | null) ?? '' }
      }
      // Against the plan, only the managers who have one count.
      const [done, plan] = total.planShare
      if (last < 2) return { formula: '""', result: '' }
      return { formula: `IF(SUM(${range(plan)})>0,SUMIF(${range(plan)},">0",${range(done)})/SUM(${range(plan)}),"")`, result: planDone(data.managers, columns[done - 1]!.value, columns[plan - 1]!.value) ?? '' }
    }
    put(worksheet, columns.map(totalOf), formats, true)
    filter(worksheet, columns.length, last)
    put(worksheet, [])
    put(worksheet, [L(t('Период', 'Period')), `${isoDate(data.period.from)} — ${isoDate(addDays(data.period.to, -1))}`])
    put(worksheet, [L(t('Отдел', 'Department')), data.scope.name])
    put(worksheet, [L(t('Часовой пояс', 'Time zone')), tz])
    worksheet.commit()
  }

  // Leads created in the period.
  {
    const worksheet = sheet(SHEETS.leads, [
      { header: t('Лид', 'Lead'), width: 40 }, { header: t('Ответственный', 'Responsible'), width: 24 }, { header: t('Создан', 'Created'), width: 17 },
      { header: t('Статус', 'Status'), width: 20 }, { header: t('Итог', 'Outcome'), width: 16 }, { header: t('Первый контакт', 'First contact'), width: 14 },
      { header: t('Просрочен первый контакт', 'First contact late'), width: 14 },
    ])
    const outcome = { converted: t('Конвертирован', 'Converted'), junk: t('Некачественный', 'Junk'), open: t('В работе', 'In work') }
    for (const lead of data.leads) {
      put(worksheet, [link(lead.url, lead.title || `#${lead.id}`), lead.responsible, wall(lead.createdAt), statusName(lead.statusId), L(outcome[lead.outcome]),
        duration(lead.contactMs), lead.breached ? L(YES) : ''], [undefined, undefined, DATE, undefined, undefined, DURATION])
      await step(worksheet)
    }
    closeList(worksheet, data.leads.length, 7)
  }

  // Deals created in the period, totals per currency, then by pipeline and stage.
  {
    const worksheet = sheet(SHEETS.deals, [
      { header: t('Сделка', 'Deal'), width: 40 }, { header: t('Воронка', 'Pipeline'), width: 20 }, { header: t('Стадия', 'Stage'), width: 24 },
      { header: t('Ответственный', 'Responsible'), width: 24 }, { header: t('Создана', 'Created'), width: 17 }, { header: t('Сумма', 'Amount'), width: 16 },
      { header: t('Валюта', 'Currency'), width: 9 }, { header: t('Итог', 'Outcome'), width: 12 }, { header: t('Без следующего шага', 'No next step'), width: 13 },
      { header: t('Следующий шаг просрочен', 'Next step overdue'), width: 13 },
    ])
    const outcome = { won: t('Выиграна', 'Won'), lost: t('Проиграна', 'Lost'), open: t('В работе', 'In work') }
    for (const deal of data.deals) {
      put(worksheet, [link(deal.url, deal.title || `#${deal.id}`), pipeline(deal.categoryId), stageName(deal.stageId), deal.responsible, wall(deal.createdAt),
        deal.amount, deal.currency, L(outcome[deal.outcome]), deal.withoutNextStep ? L(YES) : '', deal.overdue ? L(YES) : ''], [undefined, undefined, undefined, undefined, DATE, moneyFormat(deal.currency)])
      await step(worksheet)
    }
    const last = data.deals.length + 1
    filter(worksheet, 10, last)
    const currencies = [...new Set(data.deals.map((deal) => deal.currency))].sort()
    for (const currency of currencies) {
      const mine = data.deals.filter((deal) => deal.currency === currency)
      put(worksheet, [`${L(TOTAL)} ${currency}`, { formula: `COUNTIF(G2:G${last},${quoted(currency)})`, result: mine.length }, null, null, null,
        { formula: `SUMIF(G2:G${last},${quoted(currency)},F2:F${last})`, result: round2(mine.reduce((sum, deal) => sum + deal.amount, 0)) }, currency],
      [undefined, COUNT, undefined, undefined, undefined, moneyFormat(currency)], true)
    }
    if (currencies.length === 0) put(worksheet, [L(TOTAL), { formula: '0', result: 0 }], [undefined, COUNT], true)
    put(worksheet, [])
    put(worksheet, [L(t('Воронка', 'Pipeline')), L(t('Стадия', 'Stage')), L(t('Сделок', 'Deals')), L(t('Валюта', 'Currency')), null, L(t('Сумма', 'Amount'))], [], true)
    for (const stage of data.stages) {
      put(worksheet, [pipeline(stage.categoryId), stageName(stage.stageId), stage.count, stage.currency, null, round2(stage.amount)], [undefined, undefined, COUNT, undefined, undefined, moneyFormat(stage.currency)])
      await step(worksheet)
    }
    worksheet.commit()
  }

  // Tasks created in the period.
  {
    const worksheet = sheet(SHEETS.tasks, [
      { header: t('Задача', 'Task'), width: 40 }, { header: t('Ответственный', 'Responsible'), width: 24 }, { header: t('Создана', 'Created'), width: 17 },
      { header: t('Крайний срок', 'Deadline'), width: 17 }, { header: t('Срок', 'Deadline kept'), width: 14 }, { header: t('Без ответа', 'Unanswered'), width: 11 },
    ])
    const status = { onTime: t('Вовремя', 'On time'), overdue: t('Просрочена', 'Overdue') }
    for (const task of data.tasks) {
      put(worksheet, [link(task.url, task.title || `#${task.id}`), task.responsible, wall(task.createdAt), wall(task.deadline),
        task.status === 'open' ? '' : L(status[task.status]), task.unanswered ? L(YES) : ''], [undefined, undefined, DATE, DATE])
      await step(worksheet)
    }
    closeList(worksheet, data.tasks.length, 6)
  }

  // Every violation opened in the period.
  {
    const worksheet = sheet(SHEETS.violations, [
      { header: t('Правило', 'Rule'), width: 36 }, { header: t('Запись', 'Record'), width: 40 }, { header: t('Ответственный', 'Responsible'), width: 24 },
      { header: t('Открыто', 'Opened'), width: 17 }, { header: t('Решено', 'Resolved'), width: 17 }, { header: t('Как решено', 'Resolution'), width: 18 },
      { header: t('Извинено', 'Excused'), width: 17 }, { header: t('Кем извинено', 'Excused by'), width: 22 }, { header: t('Причина', 'Reason'), width: 30 },
      { header: t('Эскалировано', 'Escalated'), width: 17 },
    ])
    for (const violation of data.violations) {
      put(worksheet, [L(violation.rule), link(violation.url, violation.recordTitle || `#${violation.id}`), violation.responsible, wall(violation.openedAt),
        wall(violation.resolvedAt), violation.resolution ?? '', wall(violation.excusedAt), violation.excusedBy ?? '', violation.excuse ?? '', wall(violation.escalatedAt)],
      [undefined, undefined, undefined, DATE, DATE, undefined, DATE, undefined, undefined, DATE])
      await step(worksheet)
    }
    closeList(worksheet, data.violations.length, 10, 'B')
  }

  // The open deals that have no next step, or an overdue one, as the report is made — whenever they were created.
  {
    const worksheet = sheet(SHEETS.stalled, [
      { header: t('Сделка', 'Deal'), width: 40 }, { header: t('Ответственный', 'Responsible'), width: 24 }, { header: t('Воронка', 'Pipeline'), width: 20 },
      { header: t('Стадия', 'Stage'), width: 24 }, { header: t('Сумма', 'Amount'), width: 16 }, { header: t('Валюта', 'Currency'), width: 9 },
      { header: t('Что не так', 'What is wrong'), width: 26 }, { header: t('С', 'Since'), width: 17 },
    ])
    const problem = { none: t('Нет следующего шага', 'No next step'), overdue: t('Следующий шаг просрочен', 'Next step overdue') }
    for (const deal of data.stalled) {
      put(worksheet, [link(deal.url, deal.title || `#${deal.id}`), deal.responsible, pipeline(deal.categoryId), stageName(deal.stageId), deal.amount, deal.currency,
        L(problem[deal.problem]), wall(deal.since)], [undefined, undefined, undefined, undefined, moneyFormat(deal.currency), undefined, undefined, DATE])
      await step(worksheet)
    }
    closeList(worksheet, data.stalled.length, 8)
  }
  await workbook.commit()
  onProgress(total, total)
}

// What share of its plan a figure reached; null without a plan.
function fulfilment(done: number, plan: number | null): number | null {
  return plan === null || plan <= 0 ? null : done / plan
}

// The totals row's share of the plan: of the managers with a plan, what they did over what they planned.
function planDone(managers: readonly ManagerRow[], done: (row: ManagerRow) => Cell, plan: (row: ManagerRow) => Cell): number | null {
  const planned = managers.filter((row) => typeof plan(row) === 'number' && (plan(row) as number) > 0)
  const whole = planned.reduce((sum, row) => sum + (plan(row) as number), 0)
  return whole > 0 ? planned.reduce((sum, row) => sum + (done(row) as number), 0) / whole : null
}

/**
 * Waits until the sheet's zip entry and the output have taken what they were given. exceljs's streaming writer never
 * waits: each committed row goes into the entry however far the zip is behind, so a large report would pile up in
 * memory and hold the event loop until the end. The entry is exceljs's StreamBuf (`_stream`); its `pipes`, once the zip
 * has reached this sheet, are archiver's streams (readable-stream's, without `writableNeedDrain`).
 */
async function caughtUp(worksheet: ExcelJS.Worksheet, output: Writable): Promise<void> {
  const entry = (worksheet as unknown as { _stream?: { pipes?: Writable[]; buffers?: unknown[] } })._stream
  for (;;) {
    // A download whose client went away: nothing will drain any more.
    if (output.destroyed) throw new Error('the report’s output closed before the report was written')
    const behind = [...(entry?.pipes ?? []), output].find(needsDrain)
    if (behind) await drainedOrClosed(behind, output)
    // Not yet reached by the zip (the previous sheet's entry still being written): let it get there.
    else if ((entry?.pipes?.length ?? 0) === 0 && (entry?.buffers?.length ?? 0) > 1) await new Promise((resolve) => setImmediate(resolve))
    else return
  }
}

/**
 * exceljs's streaming writer keeps every formula cell a sheet has written (`_formulae`, for shared formulas to find
 * their master), so memory grows with the rows; the app writes no shared formula, so the written ones are let go.
 */
function forgetFormulae(worksheet: ExcelJS.Worksheet): void {
  const writer = worksheet as unknown as { _formulae?: Record<string, unknown> }
  if (writer._formulae) writer._formulae = {}
}

async function drainedOrClosed(behind: Writable, output: Writable): Promise<void> {
  const done = new AbortController()
  try {
    await Promise.race([once(behind, 'drain', { signal: done.signal }), once(output, 'close', { signal: done.signal })])
  } finally {
    done.abort()
  }
}

function needsDrain(stream: Writable): boolean {
  return (stream as Writable & { _writableState?: { needDrain?: boolean } })._writableState?.needDrain ?? stream.writableNeedDrain
}

function countOf(column: string, last: number, result: number): Cell {
  return last < 2 ? { formula: '0', result: 0 } : { formula: `COUNTA(${column}2:${column}${last})`, result }
}

// An Excel string literal: quotes doubled.
function quoted(text: string): string {
  return `"${text.replace(/"/g, '""')}"`
}

function round2(value: number): number {
  return Math.round(value * 100) / 100
}

/** A, B, …, Z, AA… for a 1-based column number. */
export function columnLetter(column: number): string {
  let letters = ''
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters
  return letters
}
