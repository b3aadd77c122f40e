// TASK-OVERDUE — "A task must be closed on time. The more overdue tasks, the lower your efficiency." (seed 000).
// An open task past its deadline: its responsible is told at the deadline, the supervisor later. The clock runs from
// the creation to the deadline, so the closing on time or late is kept with it (the reports' efficiency).
import { demandOf, NO_TIME, spanText, type ClockSettings } from './clock.js'
import { isTaskClosed, responsibleOf, text } from './record.js'
import type { Finding, RecordInput, Rule, RuleContext } from './types.js'

/** TASK-OVERDUE's settings: the deadline is the task's own, so only the ladder and the time basis are set. */
export type TaskOverdueSettings = Omit<ClockSettings, 'within' | 'warnAt'>

/** The rule as the catalogue lists it. */
export const taskOverdue: Rule<TaskOverdueSettings> = {
  id: 'TASK-OVERDUE',
  version: 1,
  title: { ru: 'Задача закрыта в срок', en: 'A task is closed on time' },
  entities: ['task'],
  check(record: RecordInput, context: RuleContext<TaskOverdueSettings>): Finding[] {
    const task = record.current
    const deadline = Date.parse(text(task, 'deadline'))
    const responsibleId = responsibleOf('task', task)
    if (isTaskClosed(task) || Number.isNaN(deadline) || !responsibleId) return []
    const dueAt = new Date(deadline).toISOString()
    const late = spanText(Math.max(0, context.now.getTime() - deadline) / 60_000)
    return [{
      ruleId: this.id,
      // A moved deadline is a new promise: its own clock.
      variant: `due:${dueAt}`,
      responsibleId,
      problem: { ru: `Задача просрочена на ${late.ru}.`, en: `The task is ${late.en} overdue.` },
      todo: {
        ru: 'Завершите задачу или согласуйте с постановщиком новый срок.',
        en: 'Finish the task or agree a new deadline with its creator.',
      },
      clock: demandOf({ ...context.settings, within: NO_TIME, warnAt: [] }, dueAt),
    }]
  },
}
