// DEAL-NEXT-STEP — "There must be no overdue active deals"; "always get from the client the date of the next step"
// (seeds 004, 001). An open deal always has an open activity with a deadline ahead; without one, or once its last
// deadline has passed, the responsible is told (after a grace) and the supervisor later.
import { demandOf, type ClockSettings } from './clock.js'
import { isOpen, responsibleOf, text } from './record.js'
import type { Finding, RecordInput, Rule, RuleContext, Snapshot } from './types.js'

/** DEAL-NEXT-STEP's own settings. */
export interface DealNextStepSettings extends ClockSettings {
  /** Stages where a deal waits on purpose (a tender, a frozen budget): its clock is paused there, not stopped. */
  pausedStages: readonly string[]
}

const instant = (record: Snapshot, field: string): number => Date.parse(text(record, field))

function latest(values: number[]): number | undefined {
  const known = values.filter((value) => !Number.isNaN(value))
  return known.length === 0 ? undefined : Math.max(...known)
}

/** The rule as the catalogue lists it. */
export const dealNextStep: Rule<DealNextStepSettings> = {
  id: 'DEAL-NEXT-STEP',
  version: 1,
  title: { ru: 'У сделки есть следующий шаг', en: 'The deal has a next step' },
  entities: ['deal'],
  check(record: RecordInput, context: RuleContext<DealNextStepSettings>): Finding[] {
    if (!isOpen('deal', record.current)) return []
    const open = context.activities.filter((activity) => text(activity, 'COMPLETED') !== 'Y')
    const nextDeadline = latest(open.map((activity) => instant(activity, 'DEADLINE')))
    // The finding's fields are listed, not spread from a shared base: Node 20 builds a spread followed by fields ten times slower.
    const responsibleId = responsibleOf('deal', record.current)
    const paused = { paused: context.settings.pausedStages.includes(text(record.current, 'STAGE_ID')) }
    // The clock runs from the last deadline on, so it falls due without any event when that day passes unanswered.
    if (nextDeadline !== undefined) {
      const startedAt = new Date(nextDeadline).toISOString()
      const overdue = nextDeadline <= context.now.getTime()
      return [{
        ruleId: this.id,
        responsibleId,
        variant: `after:${startedAt}`,
        problem: overdue
          ? { ru: 'Следующий шаг по сделке просрочен: срок дела прошёл, нового шага нет.', en: "The deal's next step is overdue: its deadline has passed and there is no new one." }
          : { ru: 'Следующий шаг запланирован.', en: 'The next step is planned.' },
        todo: { ru: 'Завершите дело и запланируйте следующий шаг с датой, согласованной с клиентом.', en: 'Complete the activity and plan the next step on a date agreed with the client.' },
        clock: demandOf(context.settings, startedAt, paused),
      }]
    }
    // No open activity: the time runs from the deal's creation or the last activity that ended.
    const since = latest([instant(record.current, 'DATE_CREATE'), ...context.activities.map((activity) => instant(activity, 'LAST_UPDATED'))])
    const startedAt = since === undefined ? undefined : new Date(since).toISOString()
    return [{
      ruleId: this.id,
      responsibleId,
      variant: `none:${startedAt ?? ''}`,
      problem: { ru: 'У сделки нет следующего шага: нет ни одного запланированного дела.', en: 'The deal has no next step: no activity is planned.' },
      todo: { ru: 'Запланируйте звонок, встречу или задачу с датой, согласованной с клиентом.', en: 'Plan a call, a meeting or a to-do on a date agreed with the client.' },
      clock: demandOf(context.settings, startedAt, paused),
    }]
  },
}
