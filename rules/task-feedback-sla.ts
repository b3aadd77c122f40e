// TASK-FEEDBACK-SLA — "Feedback must be given within 24 hours at most" (seed 000). From getting the task (its creation,
// or a reassignment, which starts the time again) the responsible comments, starts or finishes it in time: warned
// before, the supervisor told at the breach.
import { demandOf, durationText, spanText, type ClockSettings } from './clock.js'
import { isTaskClosed, responsibleOf, taskHistory, text } from './record.js'
import type { Finding, RecordInput, Rule, RuleContext } from './types.js'

/** Statuses that answer a task: in progress, awaiting control, completed (tasks.task.* `status`). */
const ANSWERED = new Set(['3', '4', '5'])

/** The rule as the catalogue lists it. */
export const taskFeedbackSla: Rule<ClockSettings> = {
  id: 'TASK-FEEDBACK-SLA',
  version: 1,
  title: { ru: 'По задаче дана обратная связь вовремя', en: 'A task is answered in time' },
  entities: ['task'],
  check(record: RecordInput, context: RuleContext<ClockSettings>): Finding[] {
    const task = record.current
    const responsibleId = responsibleOf('task', task)
    if (!responsibleId || isTaskClosed(task) || text(task, 'createdBy') === responsibleId) return []
    const history = taskHistory(task)
    const base = { ruleId: this.id, variant: `to:${responsibleId}`, responsibleId }
    if (!history) {
      if (ANSWERED.has(text(task, 'status'))) return []
      const why = { ru: 'История задачи не прочитана: неизвестно, отвечал ли ответственный.', en: "The task's history could not be read: whether the responsible answered is unknown." }
      return [{ ...base, problem: why, todo: why, undecided: why }]
    }
    // Got the task: the last hand-over to the responsible, or the creation.
    const handOver = history.filter((entry) => entry.field === 'RESPONSIBLE_ID' && entry.to === responsibleId).at(-1)
    const startedAt = handOver?.at || text(task, 'createdDate')
    const since = Date.parse(startedAt)
    const answered = history.some((entry) => entry.userId === responsibleId && Date.parse(entry.at) >= since
      && (entry.field === 'COMMENT' || (entry.field === 'STATUS' && ANSWERED.has(entry.to))))
    if (answered || Number.isNaN(since)) return []
    const waited = spanText(context.calendar.workingMinutesBetween(since, context.now))
    const allowed = durationText(context.settings.within, context.settings.time)
    return [{
      ...base,
      problem: {
        ru: `Ответственный не ответил по задаче: ни комментария, ни начала работы — прошло ${waited.ru} (норма — ${allowed.ru}).`,
        en: `The responsible has not answered the task: no comment, not started — ${waited.en} so far (allowed: ${allowed.en}).`,
      },
      todo: {
        ru: 'Ответьте постановщику в комментарии, начните задачу или завершите её; если срок нереален, напишите реальные сроки.',
        en: 'Answer the creator in a comment, start the task or finish it; if the deadline cannot be met, say when it can.',
      },
      clock: demandOf(context.settings, startedAt),
    }]
  },
}
