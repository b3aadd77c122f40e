// The summary sheet: one line a manager, then the total with formulas (each with its cached result), then the period,
// the scope and the time zone.
import { addDays, isoDate } from '../shared/zoned-days.js'
import { COUNT, PERCENT, PLAN, DURATION, SHEETS, TOTAL, columnLetter, t, type Cell, type Column } from './excel-cells.js'
import type { ManagerRow, ReportSource } from './report-types.js'
import type { SheetWriter } from './sheet-writer.js'

/** Writes and commits the summary sheet of `data`. */
export async function writeSummary(w: SheetWriter, data: Pick<ReportSource, 'managers' | 'total' | 'period' | 'scope' | 'timeZone'>): Promise<void> {
  // Each column: its header, width and format, a manager's value, and how the totals row gets it (a sum of the column,
  // a share of two of its columns, or the total's own value where neither adds up, such as a median).
  type Total = 'sum' | { share: [part: number, whole: number] } | { planShare: [done: number, plan: number] } | 'value'
  const columns: Array<Column & { format?: string; value: (row: ManagerRow) => Cell; total: Total }> = [
    { header: t('Менеджер', 'Manager'), width: 28, value: (row) => row.name, total: 'value' },
    { header: t('Лидов', 'Leads'), width: 9, format: COUNT, value: (row) => row.leads.created, total: 'sum' },
    { header: t('Конвертировано', 'Converted'), width: 15, format: COUNT, value: (row) => row.leads.converted, total: 'sum' },
    { header: t('Некачественных', 'Junk'), width: 15, format: COUNT, value: (row) => row.leads.junk, total: 'sum' },
    { header: t('Конверсия', 'Conversion'), width: 11, format: PERCENT, value: (row) => row.leads.conversion, total: { share: [3, 2] } },
    { header: t('Первый контакт, медиана', 'First contact, median'), width: 14, format: DURATION, value: (row) => w.duration(row.leads.contactMedianMs), total: 'value' },
    { header: t('Первый контакт, 90-й перцентиль', 'First contact, 90th percentile'), width: 14, format: DURATION, value: (row) => w.duration(row.leads.contactP90Ms), total: 'value' },
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
  const worksheet = w.sheet(SHEETS.summary, columns)
  const formats = columns.map((column) => column.format)
  for (const manager of data.managers) {
    w.put(worksheet, columns.map((column) => column.value(manager)), formats)
    const paced = w.step(worksheet)
    if (paced) await paced
  }
  const last = data.managers.length + 1
  const row = last + 1
  const range = (column: number) => `${columnLetter(column)}2:${columnLetter(column)}${last}`
  const totalOf = (column: (typeof columns)[number], index: number): Cell => {
    const result = column.value(data.total)
    const { total } = column
    if (index === 0) return w.L(TOTAL)
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
  w.put(worksheet, columns.map(totalOf), formats, true)
  w.filter(worksheet, columns.length, last)
  w.put(worksheet, [])
  w.put(worksheet, [w.L(t('Период', 'Period')), `${isoDate(data.period.from)} — ${isoDate(addDays(data.period.to, -1))}`])
  w.put(worksheet, [w.L(t('Отдел', 'Department')), data.scope.name])
  w.put(worksheet, [w.L(t('Часовой пояс', 'Time zone')), data.timeZone])
  w.commit(worksheet)
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
