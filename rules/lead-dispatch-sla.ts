// LEAD-DISPATCH-SLA — "All leads in status «Не обработан» go to the supervisor or office manager, who assigns the
// responsible and moves the lead to «Назначен ответственный»" (seed 004). A lead in the portal's first status longer
// than the allowed working minutes: the office manager is warned, the supervisor told at the breach. "The office manager
// may not have more than one unprocessed lead": an office manager holding several at once is told so.
import { demandOf, durationText, spanText, type ClockSettings } from './clock.js'
import { plural } from './plural.js'
import { isOpen, responsibleOf, text } from './record.js'
import type { Finding, RecordInput, Rule, RuleContext } from './types.js'

/** LEAD-DISPATCH-SLA's own settings. */
export interface LeadDispatchSettings extends ClockSettings {
  /** Who dispatches new leads: these users and everyone in these departments. */
  officeManagers: { users: readonly string[]; departments: readonly string[] }
}

/** The office managers of the settings, by the directory. */
export function officeManagersOf(settings: LeadDispatchSettings, context: Pick<RuleContext, 'directory'>): string[] {
  const managers = new Set(settings.officeManagers.users)
  for (const user of context.directory.users.values()) {
    if (user.active && user.departments.some((id) => settings.officeManagers.departments.includes(id))) managers.add(user.id)
  }
  return [...managers]
}

/** The rule as the catalogue lists it. */
export const leadDispatchSla: Rule<LeadDispatchSettings> = {
  id: 'LEAD-DISPATCH-SLA',
  version: 1,
  title: { ru: 'Новый лид распределён вовремя', en: 'A new lead is dispatched in time' },
  entities: ['lead'],
  check(record: RecordInput, context: RuleContext<LeadDispatchSettings>): Finding[] {
    const status = text(record.current, 'STATUS_ID')
    if (!isOpen('lead', record.current) || status !== context.firstLeadStatus) return []
    const responsibleId = responsibleOf('lead', record.current)
    const managers = officeManagersOf(context.settings, context)
    // The lead's own office manager dispatches it; a lead that landed elsewhere is every office manager's.
    const warnTo = responsibleId && managers.includes(responsibleId) ? [responsibleId] : managers
    const startedAt = text(record.current, 'MOVED_TIME') || text(record.current, 'DATE_CREATE')
    const waited = spanText(context.calendar.workingMinutesBetween(Date.parse(startedAt), context.now))
    const allowed = durationText(context.settings.within, context.settings.time)
    const findings: Finding[] = [{
      ruleId: this.id,
      variant: '',
      responsibleId,
      problem: {
        ru: `Лид ждёт распределения ${waited.ru} рабочего времени (норма — ${allowed.ru}).`,
        en: `The lead has waited to be dispatched for ${waited.en} of working time (allowed: ${allowed.en}).`,
      },
      todo: {
        ru: 'Назначьте ответственного и переведите лид в статус «Назначен ответственный».',
        en: 'Assign a responsible and move the lead to its next status.',
      },
      clock: demandOf(context.settings, startedAt || undefined, warnTo.length > 0 ? { warnTo } : {}),
    }]
    if (responsibleId && managers.includes(responsibleId) && context.leadsHeld > 1) {
      findings.push({
        ruleId: this.id,
        variant: 'pile',
        responsibleId,
        problem: {
          ru: `У офис-менеджера одновременно ${context.leadsHeld} ${plural(context.leadsHeld, ['нераспределённый лид', 'нераспределённых лида', 'нераспределённых лидов'])} (допускается один).`,
          en: `The office manager holds ${context.leadsHeld} undispatched leads at once (one is allowed).`,
        },
        todo: { ru: 'Распределите новые лиды по менеджерам.', en: 'Dispatch the new leads to the managers.' },
      })
    }
    return findings
  },
}
