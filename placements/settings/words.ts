// The settings page's words in Russian and English: the rules' groups and one-line descriptions (RULES.md), modes, units.
import type { RuleId } from '../../rules/catalogue.js'
import type { Mode, Text } from '../../rules/types.js'
import type { Unit } from './duration.js'

/** The page's two languages. */
export type Lang = keyof Text

/** The rules as the page groups them: leads, deals, tasks. */
export const GROUPS: ReadonlyArray<{ title: Text; rules: readonly RuleId[] }> = [
  { title: { ru: 'Лиды', en: 'Leads' }, rules: ['LEAD-COMPANY-NAME', 'LEAD-TITLE', 'LEAD-FIELDS', 'LEAD-DISPATCH-SLA', 'LEAD-CONTACT-SLA', 'CLIENT-DUPLICATE'] },
  { title: { ru: 'Сделки', en: 'Deals' }, rules: ['DEAL-NEXT-STEP', 'DEAL-STAGE-STUCK'] },
  { title: { ru: 'Задачи', en: 'Tasks' }, rules: ['TASK-PREFIX', 'TASK-PR-FORM', 'TASK-ONE-RESPONSIBLE', 'TASK-OBSERVER', 'TASK-DEADLINE', 'TASK-FEEDBACK-SLA', 'TASK-OVERDUE'] },
]

/** What each rule checks, in one line (RULES.md's «violation» column, in the company's words). */
export const DESCRIPTIONS: Readonly<Record<RuleId, Text>> = {
  'LEAD-COMPANY-NAME': { ru: 'Кавычки в названии компании или форма собственности перед ним: ООО "Вектор" должно быть «Вектор ООО» — для поиска.', en: 'Quotes in a company name or the legal form before it: LLC "Vector" should read "Vector LLC", for search.' },
  'LEAD-TITLE': { ru: 'Название лида говорит, что нужно клиенту, а не «Новый лид» или «Входящий звонок».', en: 'A lead’s title says what the client needs, not "New lead" or "Incoming call".' },
  'LEAD-FIELDS': { ru: 'Лид, ушедший дальше первого статуса, заполнен: компания, контакт, телефон или почта, комментарий.', en: 'A lead past its first status has its fields filled in: company, contact, phone or e-mail, comment.' },
  'LEAD-DISPATCH-SLA': { ru: 'Новый лид быстро получает ответственного; у офис-менеджера не копятся нераспределённые лиды.', en: 'A new lead quickly gets its responsible; office managers do not pile up undispatched leads.' },
  'LEAD-CONTACT-SLA': { ru: 'Ответственный связался с клиентом (звонок, письмо, встреча или смена статуса) вовремя.', en: 'The responsible contacts the client (call, e-mail, meeting or a status change) in time.' },
  'CLIENT-DUPLICATE': { ru: 'Нет второго открытого лида или сделки с той же почтой или телефоном клиента.', en: 'No second open lead or deal with the client’s same e-mail or phone.' },
  'DEAL-NEXT-STEP': { ru: 'У открытой сделки запланирован следующий шаг, и он не просрочен.', en: 'An open deal has a planned next step, and it is not overdue.' },
  'DEAL-STAGE-STUCK': { ru: 'Сделка не задерживается на стадии дольше, чем для неё задано.', en: 'A deal does not stay at a stage longer than allowed for it.' },
  'TASK-PREFIX': { ru: 'Название задачи показывает её вид: РЗ, ПР или «отчёт».', en: 'A task’s title shows its kind: РЗ, ПР or "отчёт".' },
  'TASK-PR-FORM': { ru: 'Письмо-решение: ответственный — непосредственный руководитель, срок +3 рабочих дня, четыре части описания.', en: 'A letter-decision: the direct supervisor is responsible, due in 3 working days, four parts in the description.' },
  'TASK-ONE-RESPONSIBLE': { ru: 'Одна задача — один ответственный; соисполнителям расписано, что делать.', en: 'One task, one responsible; co-executors are told what to do.' },
  'TASK-OBSERVER': { ru: 'Наблюдатель — только тот, кто был ответственным и делегировал задачу.', en: 'An observer only after being the responsible and delegating the task.' },
  'TASK-DEADLINE': { ru: 'У задачи есть срок, и он не дальше заданного числа рабочих дней.', en: 'A task has a deadline, no further away than the set number of working days.' },
  'TASK-FEEDBACK-SLA': { ru: 'Ответственный отозвался по задаче (комментарий, начал или завершил) вовремя.', en: 'The responsible answers a task (a comment, starting or finishing it) in time.' },
  'TASK-OVERDUE': { ru: 'Задача закрыта в срок.', en: 'A task is closed on time.' },
}

/** The rules that can fix what they find themselves. */
export const CAN_FIX: ReadonlySet<RuleId> = new Set(['LEAD-COMPANY-NAME'])

/** Each mode as words. */
export const MODE_WORDS: Readonly<Record<Mode, Text>> = {
  off: { ru: 'Выключено', en: 'Off' },
  report: { ru: 'Только в отчёт', en: 'Report only' },
  notify: { ru: 'Уведомлять', en: 'Notify' },
  autofix: { ru: 'Исправлять сам', en: 'Fix it myself' },
}

/** A unit's forms for 1, 2 and 5 in Russian, and English singular and plural. */
export const UNIT_WORDS: Readonly<Record<Unit | 'now', { ru: readonly [string, string, string]; en: readonly [string, string] }>> = {
  now: { ru: ['сразу', 'сразу', 'сразу'], en: ['at once', 'at once'] },
  S: { ru: ['секунду', 'секунды', 'секунд'], en: ['second', 'seconds'] },
  M: { ru: ['минуту', 'минуты', 'минут'], en: ['minute', 'minutes'] },
  H: { ru: ['час', 'часа', 'часов'], en: ['hour', 'hours'] },
  D: { ru: ['сутки', 'суток', 'суток'], en: ['day (24 h)', 'days (24 h)'] },
}

/** A day where the rule counts working time: the same moment of the next working day. */
export const WORKING_DAY_WORDS = { ru: ['рабочий день', 'рабочих дня', 'рабочих дней'], en: ['working day', 'working days'] } as const
