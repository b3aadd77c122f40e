// TASK-OBSERVER — "The Observer role only after delegation: was RESPONSIBLE, delegated the task, became OBSERVER" (seed 000).
// An observer who has never been the task's responsible (by its history) is reported to the creator; one finding per task.
import { userName } from './directory.js'
import { idList, isTaskClosed, responsibleOf, taskHistory, text } from './record.js'
import type { Finding, RecordInput, Rule, RuleContext, TaskHistoryEntry } from './types.js'

/** TASK-OBSERVER's own settings. */
export interface TaskObserverSettings {
  /** The creator may observe their own task. */
  creatorMayObserve: boolean
  /** Users who may observe any task (a secretary who follows everything). */
  allowed: readonly string[]
}


/** Everyone the history shows as this task's responsible before a change, and the first responsible when NEW names one. */
export function formerResponsibles(history: readonly TaskHistoryEntry[]): Set<string> {
  const former = new Set<string>()
  for (const entry of history) {
    if (entry.field === 'RESPONSIBLE_ID' && entry.from !== '') former.add(String(entry.from))
    // Some portals write the first responsible into the creation entry.
    if (entry.field === 'NEW' && /^\d+$/.test(String(entry.to ?? ''))) former.add(String(entry.to))
  }
  return former
}

/** The rule as the catalogue lists it. */
export const taskObserver: Rule<TaskObserverSettings> = {
  id: 'TASK-OBSERVER',
  version: 1,
  title: { ru: 'Наблюдатель — только после делегирования', en: 'An observer only after delegating the task' },
  entities: ['task'],
  check(record: RecordInput, context: RuleContext<TaskObserverSettings>): Finding[] {
    const task = record.current
    if (isTaskClosed(task)) return []
    const creator = text(task, 'createdBy')
    const judged = idList(task, 'auditors').filter((id) => {
      if (context.settings.allowed.includes(id)) return false
      if (id === creator && context.settings.creatorMayObserve) return false
      return true
    })
    if (judged.length === 0) return []
    const base = { ruleId: this.id, variant: '', responsibleId: responsibleOf('task', task), ...(creator ? { recipients: [creator] } : {}) }
    const history = taskHistory(task)
    if (history === undefined) {
      const why = {
        ru: 'Неизвестно, были ли наблюдатели ответственными: портал не отдал историю задачи.',
        en: "Whether the observers were ever responsible is unknown: the portal gave no task history.",
      }
      return [{ ...base, problem: why, todo: why, undecided: why }]
    }
    const former = formerResponsibles(history)
    const strangers = judged.filter((id) => !former.has(id))
    if (strangers.length === 0) return []
    const names = strangers.map((id) => userName(context.directory, id)).join(', ')
    const title = text(task, 'title')
    const one = strangers.length === 1
    return [{
      ...base,
      problem: {
        ru: `${one ? 'Наблюдатель' : 'Наблюдатели'} ${names} в задаче «${title}» ${one ? 'не был' : 'не были'} ответственным за неё. Роль «Наблюдатель» — только после делегирования: был ответственным, делегировал задачу, стал наблюдателем.`,
        en: `${one ? 'Observer' : 'Observers'} ${names} of the task "${title}" ${one ? 'was' : 'were'} never its responsible. The observer role comes only after delegating: responsible, delegated, then observer.`,
      },
      todo: {
        ru: `Уберите из наблюдателей: ${names}. Если от них нужна работа — сделайте соисполнителями и опишите их часть.`,
        en: `Remove from the observers: ${names}. If they have work to do, make them co-executors and describe their part.`,
      },
    }]
  },
}
