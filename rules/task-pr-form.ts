// TASK-PR-FORM — ПР: "title = the topic, and the deal's number if it concerns a deal; the responsible is the direct
// supervisor; deadline +3 days; body: kind ПР, essence, full information, proposed solution; … the decision is written
// by the supervisor in the comments" (seed 000). The creator is told, in one message, everything the ПР lacks.
import { workingDaysText } from './clock.js'
import { supervisorOf, userName } from './directory.js'
import { createdAtOf, idList, isTaskClosed, responsibleOf, taskHistory, text } from './record.js'
import { missingParts } from './task-pr-body.js'
import { hasPrefix } from './task-prefix.js'
import type { Finding, RecordInput, Rule, RuleContext, Snapshot, Text } from './types.js'

/** TASK-PR-FORM's own settings. */
export interface TaskPrFormSettings {
  /** The title's prefix that makes a task a letter-decision. */
  prefix: string
  /** The deadline is this many working days after the task was set… */
  deadlineDays: number
  /** …give or take this much, milliseconds. */
  toleranceMs: number
}

// What the checks found: the items the ПР lacks, and the checks that could not be made (why).
interface Outcome {
  missing: Text[]
  undecided: Text[]
}

// The responsible must be the creator's direct supervisor; an unknown creator leaves the check open.
function checkResponsible(task: Snapshot, context: RuleContext<TaskPrFormSettings>, outcome: Outcome, supervisor: string | undefined): void {
  if (supervisor === undefined) {
    const creator = text(task, 'createdBy')
    outcome.undecided.push({ ru: `неизвестен непосредственный руководитель автора #${creator}`, en: `the direct supervisor of the author #${creator} is unknown` })
    return
  }
  if (responsibleOf('task', task) === supervisor) return
  const name = userName(context.directory, supervisor)
  outcome.missing.push({ ru: `ответственный — ваш непосредственный руководитель (${name})`, en: `the responsible: your direct supervisor (${name})` })
}

// The deadline must be set, `deadlineDays` working days after creation within the tolerance.
function checkDeadline(task: Snapshot, context: RuleContext<TaskPrFormSettings>, outcome: Outcome): void {
  const days = context.settings.deadlineDays
  const inDays = workingDaysText(days)
  const term = { ru: `срок — ${inDays.ru} после постановки`, en: `a deadline ${inDays.en} after the task was set` }
  const deadline = Date.parse(text(task, 'deadline'))
  if (Number.isNaN(deadline)) {
    outcome.missing.push(term)
    return
  }
  const created = Date.parse(createdAtOf('task', task))
  if (Number.isNaN(created)) {
    outcome.undecided.push({ ru: 'неизвестно, когда задача поставлена', en: 'when the task was set is unknown' })
    return
  }
  const expected = context.calendar.addWorkingDays(created, days).getTime()
  if (Math.abs(deadline - expected) <= context.settings.toleranceMs) return
  outcome.missing.push({ ru: `${term.ru} (стоит другой)`, en: `${term.en} (another is set)` })
}

// A task bound to a deal (D_<n>) names the deal's number in its title, as a number of its own.
function checkDeals(task: Snapshot, outcome: Outcome): void {
  const title = text(task, 'title')
  for (const binding of idList(task, 'ufCrmTask')) {
    const deal = /^D_(\d+)$/.exec(binding)?.[1]
    if (deal === undefined || new RegExp(`(?<!\\d)${deal}(?!\\d)`).test(title)) continue
    outcome.missing.push({ ru: `номер сделки ${deal} в названии`, en: `the deal's number ${deal} in the title` })
  }
}

// The supervisor's decision in a comment closes the ПР; without a known supervisor, the responsible's comment does.
function isDecided(task: Snapshot, supervisor: string | undefined): boolean {
  const decider = supervisor ?? responsibleOf('task', task)
  return (taskHistory(task) ?? []).some((entry) => entry.field === 'COMMENT' && entry.userId === decider)
}

/** The rule as the catalogue lists it. */
export const taskPrForm: Rule<TaskPrFormSettings> = {
  id: 'TASK-PR-FORM',
  version: 1,
  title: { ru: 'Письмо-решение (ПР) оформлено по структуре', en: 'A letter-decision (ПР) follows its structure' },
  entities: ['task'],
  check(record: RecordInput, context: RuleContext<TaskPrFormSettings>): Finding[] {
    const task = record.current
    const creator = text(task, 'createdBy')
    if (creator === '' || creator === '0') return []
    if (isTaskClosed(task)) return []
    if (!hasPrefix(text(task, 'title'), context.settings.prefix)) return []
    const supervisor = supervisorOf(context.directory, creator, context.supervisors)
    if (isDecided(task, supervisor)) return []
    const outcome: Outcome = { missing: [], undecided: [] }
    checkResponsible(task, context, outcome, supervisor)
    checkDeadline(task, context, outcome)
    for (const part of missingParts(text(task, 'description'))) {
      outcome.missing.push({ ru: `раздел «${part.name.ru}»`, en: `the part "${part.name.en}"` })
    }
    checkDeals(task, outcome)
    const base = { ruleId: this.id, variant: '', responsibleId: responsibleOf('task', task), recipients: [creator] }
    if (outcome.missing.length === 0) {
      if (outcome.undecided.length === 0) return []
      const why = { ru: `ПР не проверить: ${outcome.undecided.map((item) => item.ru).join('; ')}.`, en: `The ПР cannot be checked: ${outcome.undecided.map((item) => item.en).join('; ')}.` }
      return [{ ...base, problem: why, todo: why, undecided: why }]
    }
    const ru = outcome.missing.map((item) => item.ru).join(', ')
    const en = outcome.missing.map((item) => item.en).join(', ')
    return [{
      ...base,
      problem: { ru: `В ПР не хватает: ${ru}.`, en: `The ПР lacks: ${en}.` },
      todo: {
        ru: `Дополните ПР: ${ru}. Структура ПР: тема (и № сделки), ответственный — непосредственный руководитель, срок +${context.settings.deadlineDays} раб. дн., в описании — вид ПР, суть вопроса, полная информация, предлагаемое решение.`,
        en: `Complete the ПР: ${en}. A ПР has the topic (and the deal's number), your direct supervisor as the responsible, a deadline +${context.settings.deadlineDays} working days, and a body with the kind ПР, the essence, the full information and the proposed solution.`,
      },
    }]
  },
}
