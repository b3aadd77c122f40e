// TASK-DEADLINE — "The longest time for a task is 3 working days; if you know it needs more, reply with the real dates" (seed 000).
// A task without a deadline, or with one further than `maxDays` working days after its creation that its responsible did not set.
import { plural } from './plural.js'
import { fold, isTaskClosed, responsibleOf, taskHistory, text } from './record.js'
import type { Finding, RecordInput, Rule, RuleContext } from './types.js'

/** TASK-DEADLINE's own settings. */
export interface TaskDeadlineSettings {
  /** The longest time for a task, working days after its creation. */
  maxDays: number
  /** How far past the limit a deadline may still fall (a deadline rounded to the hour), milliseconds. */
  toleranceMs: number
  /** Report tasks (a title with «отчёт») need no deadline check. */
  exemptReports: boolean
  time: 'working' | '24/7'
}

/** `YYYY-MM-DD…` as the portal wrote it → `DD.MM.YYYY`; anything else as it is. */
export function civilDateText(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value)
  if (!match) return value
  return `${match[3]}.${match[2]}.${match[1]}`
}

/** The rule as the catalogue lists it. */
export const taskDeadline: Rule<TaskDeadlineSettings> = {
  id: 'TASK-DEADLINE',
  version: 1,
  title: { ru: 'Срок задачи — не больше 3 рабочих дней', en: "A task's deadline is at most 3 working days away" },
  entities: ['task'],
  check(record: RecordInput, context: RuleContext<TaskDeadlineSettings>): Finding[] {
    const task = record.current
    if (isTaskClosed(task)) return []
    const title = text(task, 'title')
    if (context.settings.exemptReports && fold(title).includes('отчет')) return []
    const { maxDays } = context.settings
    const days = { ru: `${maxDays} ${plural(maxDays, ['рабочего дня', 'рабочих дней', 'рабочих дней'])}`, en: `${maxDays} working day${maxDays === 1 ? '' : 's'}` }
    const creator = text(task, 'createdBy')
    const responsibleId = responsibleOf('task', task)
    const recipients = creator ? { recipients: [creator] } : {}
    const deadline = text(task, 'deadline')
    if (deadline === '') {
      return [{
        ruleId: this.id, variant: 'none', responsibleId, ...recipients,
        problem: { ru: `У задачи «${title}» нет срока.`, en: `The task "${title}" has no deadline.` },
        todo: {
          ru: `Поставьте срок — не больше ${days.ru} после постановки; если нужно больше, ответственный отвечает реальными сроками и ставит их сам.`,
          en: `Set a deadline at most ${days.en} after the task was set; if it needs more, the responsible replies with the real dates and sets them.`,
        },
      }]
    }
    const base = { ruleId: this.id, variant: 'long', responsibleId, ...recipients }
    const createdDate = text(task, 'createdDate')
    const due = Date.parse(deadline)
    const created = Date.parse(createdDate)
    if (Number.isNaN(due) || Number.isNaN(created)) {
      const why = { ru: `Не удалось прочитать срок или дату постановки задачи («${deadline}», «${createdDate}»).`, en: `The task's deadline or creation date cannot be read ("${deadline}", "${createdDate}").` }
      return [{ ...base, problem: why, todo: why, undecided: why }]
    }
    const limit = context.calendar.addWorkingDays(created, maxDays).getTime() + context.settings.toleranceMs
    if (due <= limit) return []
    // The responsible may answer with the real dates: a deadline they set last stands. Set at creation = set by the creator.
    if (responsibleId !== null && responsibleId === creator) return []
    const history = taskHistory(task)
    if (history === undefined) {
      const why = { ru: 'Неизвестно, кто поставил длинный срок задачи: портал не отдал историю задачи.', en: "Who set the task's long deadline is unknown: the portal gave no task history." }
      return [{ ...base, problem: why, todo: why, undecided: why }]
    }
    const lastChange = history.filter((entry) => entry.field === 'DEADLINE').at(-1)
    const setBy = lastChange === undefined ? creator : String(lastChange.userId)
    if (responsibleId !== null && setBy === responsibleId) return []
    const dueText = civilDateText(deadline)
    const createdText = civilDateText(createdDate)
    return [{
      ...base,
      problem: {
        ru: `У задачи «${title}» срок ${dueText} — больше ${days.ru} после постановки ${createdText}.`,
        en: `The task "${title}" is due ${dueText}, more than ${days.en} after it was set on ${createdText}.`,
      },
      todo: {
        ru: `Сократите срок до ${days.ru} или разбейте задачу на части; если ответственный знает, что нужно больше, он сам ставит реальный срок.`,
        en: `Shorten the deadline to ${days.en} or split the task; if the responsible knows it needs longer, they set the real date themselves.`,
      },
    }]
  },
}
