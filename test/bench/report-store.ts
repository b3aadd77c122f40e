// A store holding a month of a big portal's work for the report to read: leads, deals and tasks in the mirror, their
import type { Entity } from '../../rules/types.js'
// deadline clocks (first contact, task deadlines, feedback) and violations, 40 managers in two departments. Deterministic;
// some records fall outside the period or the departments, some violations are resolved or excused, so that the report
// has something to leave out. Used by the reports bench (a file) and the streaming report's test (in memory).
import type { SqliteStore } from '../../src/store/index.js'
import type { NewClock } from '../../src/store/clocks.js'
import { listCounts } from './report-rows.js'

export const SEEDED_MEMBER = 'b5c1e0d2a7f94e3c8d6b1a0f2e4c6d8a'
/** The seeded month: November 2026 in Moscow. */
export const SEEDED_FROM = Date.parse('2026-11-01T00:00:00+03:00')
export const SEEDED_PERIOD = { from: { year: 2026, month: 11, day: 1 }, to: { year: 2026, month: 12, day: 1 } }
const MONTH_MS = 30 * 86_400_000
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const MANAGERS = 40
// Rows written in one transaction.
const CHUNK = 2_000

const COMPANIES = ['ООО «Вектор»', '"Ромашка", АО', 'ИП Сидоров А. В.', 'ООО «Северный ветер»', 'АО «Уралмашзавод»']
const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!
const manager = (i: number) => String(10 + (i % MANAGERS))
// Every 23rd record was created the month before: the report leaves it out.
const createdAt = (i: number) => SEEDED_FROM + (i % 23 === 0 ? -86_400_000 : (i * 7_919_000) % MONTH_MS)
const iso = (ms: number) => new Date(ms).toISOString()

/** The directory: 40 managers, the first half in «Отдел продаж» (id 1), the rest in «Тендеры» (id 2), both headed by user 5. */
export function seedDirectory(store: SqliteStore, at: Date): void {
  const users = Array.from({ length: MANAGERS }, (_, m) => ({ id: manager(m), name: `${pick(['Иванова', 'Смирнов', 'Кузнецова', 'Попов'], m)} ${m}`, active: true, departments: [m < MANAGERS / 2 ? '1' : '2'] }))
  users.push({ id: '5', name: 'Дмитрий Соколов', active: true, departments: ['1'] })
  store.sync.directory.replace(SEEDED_MEMBER, users, [
    { id: '1', name: 'Отдел продаж', parentId: null, headId: '5' }, { id: '2', name: 'Тендеры', parentId: null, headId: '5' },
  ], at)
}

/** Seeds `rows` list rows (split as the bench's lists are) into `store` on the clock `setTime` moves; the portal must be installed. */
export function seedReportStore(store: SqliteStore, rows: number, setTime: (ms: number) => void): void {
  const counts = listCounts(rows)
  const { mirror, clocks, violations } = store.sync
  const clock = (ruleId: string, entity: Entity, id: string, i: number, started: number): NewClock => ({
    ruleId, ruleVersion: 1, entity, entityId: id, variant: '', responsibleId: manager(i), warnTo: [manager(i)], basis: '24/7',
    startedAt: iso(started), dueAt: iso(started + HOUR), steps: [], nextAt: null, pausedAt: null, audit: false, eventAt: iso(started),
  })
  const chunked = (count: number, one: (i: number) => void) => {
    for (let start = 0; start < count; start += CHUNK) store.sync.transaction(() => { for (let i = start; i < Math.min(count, start + CHUNK); i++) one(i) })
  }
  chunked(counts.leads, (i) => {
    const id = String(i + 1)
    const at = createdAt(i)
    const status = pick(['NEW', 'IN_PROCESS', 'CONVERTED', 'JUNK'], i * 3)
    mirror.put(SEEDED_MEMBER, { entity: 'lead', entityId: id, deleted: i % 101 === 0, modifiedAt: null, snapshot: {
      ID: id, TITLE: `Заявка с сайта: ${pick(COMPANIES, i)} №${i}`, STATUS_ID: status, STATUS_SEMANTIC_ID: status === 'CONVERTED' ? 'S' : status === 'JUNK' ? 'F' : 'P',
      ASSIGNED_BY_ID: manager(i), DATE_CREATE: iso(at), OPPORTUNITY: '0', SOURCE_ID: 'WEB' } })
    if (i % 4 === 0) return
    setTime(at)
    const { id: clockId } = clocks.start(SEEDED_MEMBER, clock('LEAD-CONTACT-SLA', 'lead', id, i, at))
    if (i % 11 === 0) clocks.update(clockId, { breachedAt: iso(at + HOUR) })
    setTime(at + (i % 97) * MINUTE)
    clocks.stop(clockId, i % 11 === 0 ? 'late' : 'met', (i % 97) * MINUTE)
  })
  chunked(counts.deals, (i) => {
    const id = String(i + 1)
    const at = createdAt(i)
    const stage = pick(['NEW', 'PREPARATION', 'EXECUTING', 'WON', 'LOSE'], i)
    mirror.put(SEEDED_MEMBER, { entity: 'deal', entityId: id, deleted: false, modifiedAt: null, snapshot: {
      ID: id, TITLE: `Поставка серверов — ${pick(COMPANIES, i)}`, STAGE_ID: stage, STAGE_SEMANTIC_ID: stage === 'WON' ? 'S' : stage === 'LOSE' ? 'F' : 'P',
      CATEGORY_ID: i % 5 === 0 ? '2' : '0', OPPORTUNITY: String(((i * 7_331) % 5_000_000) + (i % 100) / 100), CURRENCY_ID: i % 8 === 0 ? 'USD' : 'RUB',
      ASSIGNED_BY_ID: manager(i), DATE_CREATE: iso(at) } })
    if (i % 9 !== 0 && i % 9 !== 4) return
    setTime(at + HOUR)
    violations.open(SEEDED_MEMBER, { ruleId: 'DEAL-NEXT-STEP', ruleVersion: 1, entity: 'deal', entityId: id, variant: i % 9 === 0 ? 'none:' : `after:${iso(at)}`,
      responsibleId: manager(i), message: { problem: { ru: 'Нет следующего шага', en: 'No next step' }, todo: { ru: 'Запланируйте дело', en: 'Plan an activity' } } })
  })
  chunked(counts.tasks, (i) => {
    const id = String(i + 1)
    const at = createdAt(i)
    mirror.put(SEEDED_MEMBER, { entity: 'task', entityId: id, deleted: false, modifiedAt: null, snapshot: {
      id, title: `Перезвонить клиенту ${pick(COMPANIES, i)}`, responsibleId: manager(i), createdBy: '5', createdDate: iso(at),
      deadline: i % 6 === 0 ? '' : iso(at + ((i % 72) + 1) * HOUR), status: '2' } })
    setTime(at)
    const overdue = clocks.start(SEEDED_MEMBER, clock('TASK-OVERDUE', 'task', id, i, at)).id
    if (i % 5 === 0) clocks.update(overdue, { breachedAt: iso(at + 2 * HOUR) })
    if (i % 3 !== 0) {
      setTime(at + 3 * HOUR)
      clocks.stop(overdue, i % 5 === 0 ? 'late' : 'met', 3 * HOUR)
    }
    if (i % 13 !== 0) return
    const feedback = clocks.start(SEEDED_MEMBER, clock('TASK-FEEDBACK-SLA', 'task', id, i, at)).id
    clocks.update(feedback, { breachedAt: iso(at + 4 * HOUR) })
  })
  // The rest of the violations: a lead's fields, some resolved, some excused.
  const dealViolations = Math.ceil(counts.deals / 9) * 2
  chunked(Math.max(0, counts.violations - dealViolations), (i) => {
    setTime(createdAt(i) + 4 * HOUR)
    const id = violations.open(SEEDED_MEMBER, { ruleId: 'LEAD-FIELDS', ruleVersion: 1, entity: 'lead', entityId: String((i % Math.max(1, counts.leads)) + 1), variant: String(i),
      responsibleId: manager(i), message: { problem: { ru: 'Не заполнен телефон', en: 'No phone' }, todo: { ru: 'Заполните', en: 'Fill it in' } } })
    setTime(createdAt(i) + 5 * HOUR)
    if (i % 10 === 0) violations.excuse(id, manager(i + 1), 'Клиент в отпуске до понедельника')
    if (i % 3 !== 0) violations.resolve(id, 'fixed')
  })
}
