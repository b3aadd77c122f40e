// The list sheets: leads, deals (with their totals per currency and by stage), tasks, violations and stalled deals,
// each row written as it comes, whether the list is in memory or read from the store while it is written.
import { COUNT, DATE, DURATION, SHEETS, TOTAL, YES, moneyFormat, quoted, round2, t } from './excel-cells.js'
import { StageTotals } from './report-figures.js'
import type { DealRow, LeadRow, Rows, StalledDealRow, TaskRow, ViolationRow } from './report-types.js'
import type { SheetWriter } from './sheet-writer.js'

const LEAD_OUTCOME = { converted: t('Конвертирован', 'Converted'), junk: t('Некачественный', 'Junk'), open: t('В работе', 'In work') }
const DEAL_OUTCOME = { won: t('Выиграна', 'Won'), lost: t('Проиграна', 'Lost'), open: t('В работе', 'In work') }
const TASK_STATUS = { onTime: t('Вовремя', 'On time'), overdue: t('Просрочена', 'Overdue') }
const PROBLEM = { none: t('Нет следующего шага', 'No next step'), overdue: t('Следующий шаг просрочен', 'Next step overdue') }
const LEAD_FORMATS = [undefined, undefined, DATE, undefined, undefined, DURATION]
const TASK_FORMATS = [undefined, undefined, DATE, DATE]
const VIOLATION_FORMATS = [undefined, undefined, undefined, DATE, DATE, undefined, DATE, undefined, undefined, DATE]

/** Leads created in the period. */
export async function writeLeads(w: SheetWriter, leads: Rows<LeadRow>): Promise<void> {
  const { L } = w
  const worksheet = w.sheet(SHEETS.leads, [
    { header: t('Лид', 'Lead'), width: 40 }, { header: t('Ответственный', 'Responsible'), width: 24 }, { header: t('Создан', 'Created'), width: 17 },
    { header: t('Статус', 'Status'), width: 20 }, { header: t('Итог', 'Outcome'), width: 16 }, { header: t('Первый контакт', 'First contact'), width: 14 },
    { header: t('Просрочен первый контакт', 'First contact late'), width: 14 },
  ])
  let rows = 0
  for await (const lead of leads) {
    w.put(worksheet, [w.link(lead.url, lead.title || `#${lead.id}`), lead.responsible, w.wall(lead.createdAt), w.statusName(lead.statusId), L(LEAD_OUTCOME[lead.outcome]),
      w.duration(lead.contactMs), lead.breached ? L(YES) : ''], LEAD_FORMATS)
    rows += 1
    const paced = w.step(worksheet)
    if (paced) await paced
  }
  w.closeList(worksheet, rows, 7)
}

/** Deals created in the period, totals per currency, then by pipeline and stage (both added up as the deals pass). */
export async function writeDeals(w: SheetWriter, deals: Rows<DealRow>): Promise<void> {
  const { L } = w
  const worksheet = w.sheet(SHEETS.deals, [
    { header: t('Сделка', 'Deal'), width: 40 }, { header: t('Воронка', 'Pipeline'), width: 20 }, { header: t('Стадия', 'Stage'), width: 24 },
    { header: t('Ответственный', 'Responsible'), width: 24 }, { header: t('Создана', 'Created'), width: 17 }, { header: t('Сумма', 'Amount'), width: 16 },
    { header: t('Валюта', 'Currency'), width: 9 }, { header: t('Итог', 'Outcome'), width: 12 }, { header: t('Без следующего шага', 'No next step'), width: 13 },
    { header: t('Следующий шаг просрочен', 'Next step overdue'), width: 13 },
  ])
  const stages = new StageTotals()
  const currencies = new Map<string, { count: number; amount: number }>()
  const formats = new Map<string, Array<string | undefined>>()
  let rows = 0
  for await (const deal of deals) {
    const money = formats.get(deal.currency) ?? [undefined, undefined, undefined, undefined, DATE, moneyFormat(deal.currency)]
    formats.set(deal.currency, money)
    w.put(worksheet, [w.link(deal.url, deal.title || `#${deal.id}`), w.pipeline(deal.categoryId), w.stageName(deal.stageId), deal.responsible, w.wall(deal.createdAt),
      deal.amount, deal.currency, L(DEAL_OUTCOME[deal.outcome]), deal.withoutNextStep ? L(YES) : '', deal.overdue ? L(YES) : ''], money)
    rows += 1
    stages.add(deal)
    const sum = currencies.get(deal.currency) ?? { count: 0, amount: 0 }
    sum.count += 1
    sum.amount += deal.amount
    currencies.set(deal.currency, sum)
    const paced = w.step(worksheet)
    if (paced) await paced
  }
  const last = rows + 1
  w.filter(worksheet, 10, last)
  for (const currency of [...currencies.keys()].sort()) {
    const { count, amount } = currencies.get(currency)!
    w.put(worksheet, [`${L(TOTAL)} ${currency}`, { formula: `COUNTIF(G2:G${last},${quoted(currency)})`, result: count }, null, null, null,
      { formula: `SUMIF(G2:G${last},${quoted(currency)},F2:F${last})`, result: round2(amount) }, currency],
    [undefined, COUNT, undefined, undefined, undefined, moneyFormat(currency)], true)
  }
  if (currencies.size === 0) w.put(worksheet, [L(TOTAL), { formula: '0', result: 0 }], [undefined, COUNT], true)
  w.put(worksheet, [])
  w.put(worksheet, [L(t('Воронка', 'Pipeline')), L(t('Стадия', 'Stage')), L(t('Сделок', 'Deals')), L(t('Валюта', 'Currency')), null, L(t('Сумма', 'Amount'))], [], true)
  for (const stage of stages.rows()) {
    w.put(worksheet, [w.pipeline(stage.categoryId), w.stageName(stage.stageId), stage.count, stage.currency, null, round2(stage.amount)],
      [undefined, undefined, COUNT, undefined, undefined, moneyFormat(stage.currency)])
    const paced = w.step(worksheet)
    if (paced) await paced
  }
  w.commit(worksheet)
}

/** Tasks created in the period. */
export async function writeTasks(w: SheetWriter, tasks: Rows<TaskRow>): Promise<void> {
  const { L } = w
  const worksheet = w.sheet(SHEETS.tasks, [
    { header: t('Задача', 'Task'), width: 40 }, { header: t('Ответственный', 'Responsible'), width: 24 }, { header: t('Создана', 'Created'), width: 17 },
    { header: t('Крайний срок', 'Deadline'), width: 17 }, { header: t('Срок', 'Deadline kept'), width: 14 }, { header: t('Без ответа', 'Unanswered'), width: 11 },
  ])
  let rows = 0
  for await (const task of tasks) {
    w.put(worksheet, [w.link(task.url, task.title || `#${task.id}`), task.responsible, w.wall(task.createdAt), w.wall(task.deadline),
      task.status === 'open' ? '' : L(TASK_STATUS[task.status]), task.unanswered ? L(YES) : ''], TASK_FORMATS)
    rows += 1
    const paced = w.step(worksheet)
    if (paced) await paced
  }
  w.closeList(worksheet, rows, 6)
}

/** Every violation opened in the period. */
export async function writeViolations(w: SheetWriter, violations: Rows<ViolationRow>): Promise<void> {
  const worksheet = w.sheet(SHEETS.violations, [
    { header: t('Правило', 'Rule'), width: 36 }, { header: t('Запись', 'Record'), width: 40 }, { header: t('Ответственный', 'Responsible'), width: 24 },
    { header: t('Открыто', 'Opened'), width: 17 }, { header: t('Решено', 'Resolved'), width: 17 }, { header: t('Как решено', 'Resolution'), width: 18 },
    { header: t('Извинено', 'Excused'), width: 17 }, { header: t('Кем извинено', 'Excused by'), width: 22 }, { header: t('Причина', 'Reason'), width: 30 },
    { header: t('Эскалировано', 'Escalated'), width: 17 },
  ])
  let rows = 0
  for await (const violation of violations) {
    w.put(worksheet, [w.L(violation.rule), w.link(violation.url, violation.recordTitle || `#${violation.id}`), violation.responsible, w.wall(violation.openedAt),
      w.wall(violation.resolvedAt), violation.resolution ?? '', w.wall(violation.excusedAt), violation.excusedBy ?? '', violation.excuse ?? '', w.wall(violation.escalatedAt)],
    VIOLATION_FORMATS)
    rows += 1
    const paced = w.step(worksheet)
    if (paced) await paced
  }
  w.closeList(worksheet, rows, 10, 'B')
}

/** The open deals that have no next step, or an overdue one, as the report is made — whenever they were created. */
export async function writeStalled(w: SheetWriter, stalled: Rows<StalledDealRow>): Promise<void> {
  const worksheet = w.sheet(SHEETS.stalled, [
    { header: t('Сделка', 'Deal'), width: 40 }, { header: t('Ответственный', 'Responsible'), width: 24 }, { header: t('Воронка', 'Pipeline'), width: 20 },
    { header: t('Стадия', 'Stage'), width: 24 }, { header: t('Сумма', 'Amount'), width: 16 }, { header: t('Валюта', 'Currency'), width: 9 },
    { header: t('Что не так', 'What is wrong'), width: 26 }, { header: t('С', 'Since'), width: 17 },
  ])
  let rows = 0
  for await (const deal of stalled) {
    w.put(worksheet, [w.link(deal.url, deal.title || `#${deal.id}`), deal.responsible, w.pipeline(deal.categoryId), w.stageName(deal.stageId), deal.amount, deal.currency,
      w.L(PROBLEM[deal.problem]), w.wall(deal.since)], [undefined, undefined, undefined, undefined, moneyFormat(deal.currency), undefined, undefined, DATE])
    rows += 1
    const paced = w.step(worksheet)
    if (paced) await paced
  }
  w.closeList(worksheet, rows, 8)
}
