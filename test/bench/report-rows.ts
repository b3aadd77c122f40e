// The reports bench's data: a report of any number of list rows, as a big portal's month would give, without a store —
// in memory (reportOfRows) or made row by row as it is iterated (reportSourceOfRows). Deterministic (row i is always the
// same row), so every run and every writer sees the same cells.
import { CATALOGUE } from '../../rules/catalogue.js'
import { pathOf } from '../../rules/record.js'
import type { Entity } from '../../rules/types.js'
import type { CrmNames } from '../../src/store/directory.js'
import { stagesOf, type DealRow, type LeadRow, type ManagerRow, type ReportData, type ReportSource, type Rows, type TaskRow, type ViolationRow } from '../../src/reports/report-data.js'

const ORIGIN = 'https://vector.bitrix24.ru'
const FROM_MS = Date.parse('2026-11-01T00:00:00+03:00')
const MONTH_MS = 30 * 86_400_000
const HOUR_MS = 3_600_000
// Of every 20 list rows: 6 leads, 5 deals, 7 tasks, 2 violations — a sales floor's month, tasks the most, violations the fewest.
const SHARES = { leads: 6, deals: 5, tasks: 7, violations: 2 } as const
const MANAGERS = 40

const SURNAMES = ['Иванова', 'Смирнов', 'Кузнецова', 'Попов', 'Васильева', 'Петров', 'Соколова', 'Михайлов', 'Новикова', 'Фёдоров']
const FIRST_NAMES = ['Мария', 'Алексей', 'Ольга', 'Дмитрий', 'Екатерина', 'Сергей', 'Анна', 'Игорь']
const COMPANIES = ['ООО «Вектор»', '"Ромашка", АО', 'ИП Сидоров А. В.', 'ООО «Северный ветер»', 'АО «Уралмашзавод»', 'ООО «Грузовичкоф»', 'ПАО «Ёлки-Палки»']
const LEAD_SUBJECTS = ['Заявка с сайта', 'Звонок', 'Запрос КП', 'Выставка «Иннопром»', 'Письмо на info@']
const DEAL_SUBJECTS = ['Поставка серверов', 'Внедрение 1С', 'Годовое обслуживание', 'Аренда стоек', 'Лицензии на 50 мест']
const TASK_SUBJECTS = ['Перезвонить клиенту', 'Подготовить договор для', 'Согласовать скидку с', 'Отправить счёт', 'Встреча в офисе']
const STAGES = ['NEW', 'PREPARATION', 'PREPAYMENT_INVOICE', 'EXECUTING', 'FINAL_INVOICE', 'WON', 'LOSE']
const LEAD_STATUSES = ['NEW', 'IN_PROCESS', 'PROCESSED', 'CONVERTED', 'JUNK']
// What the portal calls them (crm.status.list, crm.category.list), as the report reads them with the directory.
const NAMES: CrmNames = {
  statuses: new Map([['NEW', 'Не обработан'], ['IN_PROCESS', 'В работе'], ['PROCESSED', 'Обработан'], ['CONVERTED', 'Качественный лид'], ['JUNK', 'Некачественный лид']]),
  stages: new Map([['NEW', 'Новая'], ['PREPARATION', 'Подготовка документов'], ['PREPAYMENT_INVOICE', 'Счёт на предоплату'], ['EXECUTING', 'В работе'],
    ['FINAL_INVOICE', 'Финальный счёт'], ['WON', 'Сделка успешна'], ['LOSE', 'Сделка провалена']]),
  pipelines: new Map([['0', 'Продажи'], ['2', 'Тендеры']]),
}
const RULES = ['LEAD-CONTACT-SLA', 'DEAL-NEXT-STEP', 'TASK-OVERDUE', 'TASK-FEEDBACK-SLA', 'LEAD-FIELDS'] as const

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!
const managerName = (m: number) => `${pick(SURNAMES, m)} ${pick(FIRST_NAMES, Math.floor(m / SURNAMES.length) + m)}`
const createdAt = (i: number) => FROM_MS + ((i * 7_919_000) % MONTH_MS)
const url = (entity: Entity, id: number) => ORIGIN + pathOf(entity, String(id))

/** How `rows` list rows split across the four list sheets (they add up to `rows`). */
export function listCounts(rows: number): { leads: number; deals: number; tasks: number; violations: number } {
  const whole = SHARES.leads + SHARES.deals + SHARES.tasks + SHARES.violations
  const leads = Math.round((rows * SHARES.leads) / whole)
  const deals = Math.round((rows * SHARES.deals) / whole)
  const tasks = Math.round((rows * SHARES.tasks) / whole)
  return { leads, deals, tasks, violations: rows - leads - deals - tasks }
}

function lead(i: number): LeadRow {
  const status = pick(LEAD_STATUSES, i * 3)
  return {
    id: String(100_000 + i), title: `${pick(LEAD_SUBJECTS, i)}: ${pick(COMPANIES, i >> 2)}, ${pick(SURNAMES, i >> 1)} №${i}`, url: url('lead', 100_000 + i),
    responsible: managerName(i % MANAGERS), createdAt: createdAt(i), statusId: status,
    outcome: status === 'CONVERTED' ? 'converted' : status === 'JUNK' ? 'junk' : 'open',
    contactMs: i % 4 === 0 ? null : (i % 97) * 60_000, breached: i % 11 === 0,
  }
}

function deal(i: number): DealRow {
  const stageId = pick(STAGES, i)
  const m = i % MANAGERS
  return {
    id: String(200_000 + i), title: `${pick(DEAL_SUBJECTS, i >> 1)} — ${pick(COMPANIES, i)}`, url: url('deal', 200_000 + i),
    responsibleId: String(10 + m), responsible: managerName(m), createdAt: createdAt(i), categoryId: i % 5 === 0 ? '2' : '0', stageId,
    // One deal in eight in dollars; amounts with kopecks, as portals hold them.
    amount: ((i * 7_331) % 5_000_000) + (i % 100) / 100, currency: i % 8 === 0 ? 'USD' : 'RUB',
    outcome: stageId === 'WON' ? 'won' : stageId === 'LOSE' ? 'lost' : 'open', withoutNextStep: i % 9 === 0, overdue: i % 9 === 4,
  }
}

function task(i: number): TaskRow {
  const created = createdAt(i)
  return {
    id: String(300_000 + i), title: `${pick(TASK_SUBJECTS, i)} ${pick(COMPANIES, i >> 3)}`, url: url('task', 300_000 + i),
    responsible: managerName(i % MANAGERS), createdAt: created, deadline: i % 6 === 0 ? null : created + ((i % 72) + 1) * HOUR_MS,
    status: i % 5 === 0 ? 'overdue' : i % 3 === 0 ? 'open' : 'onTime', unanswered: i % 13 === 0,
  }
}

function violation(i: number): ViolationRow {
  const ruleId = pick(RULES, i)
  const entity: Entity = ruleId.startsWith('LEAD') ? 'lead' : ruleId.startsWith('DEAL') ? 'deal' : 'task'
  const opened = createdAt(i) + 4 * HOUR_MS
  const excused = i % 10 === 0
  return {
    id: 400_000 + i, ruleId, rule: CATALOGUE[ruleId].title, entity, recordTitle: `${pick(DEAL_SUBJECTS, i)} — ${pick(COMPANIES, i >> 1)}`,
    url: url(entity, 500_000 + i), responsible: managerName(i % MANAGERS), openedAt: opened,
    resolvedAt: i % 3 === 0 ? null : opened + (i % 48) * HOUR_MS, resolution: i % 3 === 0 ? null : 'fixed',
    excusedAt: excused ? opened + HOUR_MS : null, excusedBy: excused ? managerName((i + 1) % MANAGERS) : null,
    excuse: excused ? 'Клиент в отпуске до понедельника' : null, escalatedAt: i % 7 === 0 ? opened + 8 * HOUR_MS : null,
  }
}

function managerRow(userId: string | null, name: string, share: number): ManagerRow {
  const n = Math.round(share * 100)
  return {
    userId, name,
    leads: {
      created: n, converted: n >> 2, junk: n >> 3, conversion: n === 0 ? null : 0.25, contactMedianMs: 1_800_000, contactP90Ms: 5_400_000, breaches: n >> 4,
      planCreated: userId === null ? null : n + 5, planConverted: userId === null ? null : (n >> 2) + 1,
    },
    deals: { created: n, won: n >> 2, lost: n >> 3, withoutNextStep: n >> 4, overdue: n >> 5 },
    tasks: { created: n, closed: n >> 1, onTime: n >> 2, overdue: n >> 3, efficiency: n === 0 ? null : 0.5, unanswered: n >> 4 },
    violations: n >> 3,
  }
}

// A list of `count` rows made one by one as it is iterated, as the store's are read.
function made<T>(count: number, row: (i: number) => T): Rows<T> {
  return {
    count,
    async* [Symbol.asyncIterator]() {
      for (let i = 0; i < count; i++) yield row(i)
    },
  }
}

/** The same report as reportOfRows, its lists made row by row as they are iterated: nothing held but the row. */
export function reportSourceOfRows(rows: number): ReportSource {
  const counts = listCounts(rows)
  const { leads: _leads, deals: _deals, tasks: _tasks, violations: _violations, stages: _stages, ...figures } = reportOfRows(0)
  return {
    ...figures,
    managers: Array.from({ length: MANAGERS }, (_, m) => managerRow(String(10 + m), managerName(m), rows / MANAGERS / 100)),
    total: managerRow(null, '', rows / 100),
    leads: made(counts.leads, lead), deals: made(counts.deals, deal), tasks: made(counts.tasks, task), violations: made(counts.violations, violation),
  }
}

/** A month's report of `rows` list rows (leads + deals + tasks + violations), with 40 managers and the deals' stages. */
export function reportOfRows(rows: number): ReportData {
  const counts = listCounts(rows)
  const leads = Array.from({ length: counts.leads }, (_, i) => lead(i))
  const deals = Array.from({ length: counts.deals }, (_, i) => deal(i))
  return {
    memberId: 'b5c1e0d2a7f94e3c8d6b1a0f2e4c6d8a', origin: ORIGIN, timeZone: 'Europe/Moscow',
    scope: { departmentId: null, name: 'Все отделы', people: 'all' },
    period: { from: { year: 2026, month: 11, day: 1 }, to: { year: 2026, month: 12, day: 1 } },
    fromMs: FROM_MS, toMs: FROM_MS + MONTH_MS,
    managers: Array.from({ length: MANAGERS }, (_, m) => managerRow(String(10 + m), managerName(m), rows / MANAGERS / 100)),
    total: managerRow(null, '', rows / 100),
    leads, deals, stages: stagesOf(deals),
    tasks: Array.from({ length: counts.tasks }, (_, i) => task(i)),
    violations: Array.from({ length: counts.violations }, (_, i) => violation(i)),
    // The deals-without-a-step sheet is left empty: the rows counted are the four lists'.
    stalled: [],
    names: NAMES,
  }
}
