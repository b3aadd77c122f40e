// LEAD-CONTACT-SLA — "On being notified of a new lead the responsible must within 15 minutes contact the client …
// When the deadline is broken, your supervisor is notified" (seed 004). From the assignment (the lead leaves its first
// status, or gets another responsible, which starts the time again) to the first contact: a call, e-mail, meeting or
// open-line activity bound to the lead, a move to a further status, conversion or junk.
import { demandOf, durationText, spanText, type ClockSettings } from './clock.js'
import type { LeadStatus } from './lead-statuses.js'
import { isOpen, responsibleOf, text } from './record.js'
import type { Finding, RecordInput, Rule, RuleContext, Snapshot } from './types.js'

/** The status a dispatched lead is in until its responsible acts: the working status after the first by sort. */
export function assignedStatus(statuses: readonly LeadStatus[], first: string): string {
  const working = statuses.filter((status) => status.semantics === null).sort((a, b) => a.sort - b.sort)
  const index = working.findIndex((status) => status.statusId === first)
  return working[index + 1]?.statusId ?? 'IN_PROCESS'
}

// Activity kinds that reach the client (crm.enum.activitytype): meeting 1, call 2, e-mail 4; and providers of newer portals.
const CONTACT_TYPES = new Set(['1', '2', '4'])
const CONTACT_PROVIDERS = new Set(['IMOPENLINES_SESSION', 'VOXIMPLANT_CALL', 'CRM_EMAIL', 'CRM_MEETING', 'CRM_CALL_TRACKER'])

/** True for a finished call, e-mail or meeting, or an open-line conversation, started at or after `since`. */
export function isContact(activity: Snapshot, since: number): boolean {
  const created = Date.parse(text(activity, 'CREATED') || text(activity, 'START_TIME'))
  if (Number.isNaN(created) || created < since) return false
  const provider = text(activity, 'PROVIDER_ID')
  if (provider === 'IMOPENLINES_SESSION') return true
  return (CONTACT_TYPES.has(text(activity, 'TYPE_ID')) || CONTACT_PROVIDERS.has(provider)) && text(activity, 'COMPLETED') === 'Y'
}

/** The rule as the catalogue lists it. */
export const leadContactSla: Rule<ClockSettings> = {
  id: 'LEAD-CONTACT-SLA',
  version: 1,
  title: { ru: 'С клиентом по лиду связались вовремя', en: "The lead's client is contacted in time" },
  entities: ['lead'],
  check(record: RecordInput, context: RuleContext<ClockSettings>): Finding[] {
    const status = text(record.current, 'STATUS_ID')
    if (!isOpen('lead', record.current) || status !== assignedStatus(context.leadStatuses, context.firstLeadStatus)) return []
    const responsibleId = responsibleOf('lead', record.current)
    if (!responsibleId) return []
    // Another responsible starts the time again, from now; otherwise it runs from the move into this status.
    const reassigned = record.previous !== undefined && responsibleOf('lead', record.previous) !== responsibleId
    const startedAt = reassigned ? undefined : text(record.current, 'MOVED_TIME') || text(record.current, 'DATE_MODIFY') || undefined
    const since = startedAt === undefined ? context.now.getTime() : Date.parse(startedAt)
    if (context.activities.some((activity) => isContact(activity, since))) return []
    const waited = spanText(context.calendar.workingMinutesBetween(since, context.now))
    const allowed = durationText(context.settings.within, context.settings.time)
    return [{
      ruleId: this.id,
      variant: `to:${responsibleId}`,
      responsibleId,
      problem: {
        ru: `С клиентом не связались: с назначения прошло ${waited.ru} рабочего времени (норма — ${allowed.ru}).`,
        en: `Nobody has contacted the client: ${waited.en} of working time since the assignment (allowed: ${allowed.en}).`,
      },
      todo: {
        ru: 'Позвоните или напишите клиенту, выясните потребность, заполните карточку и сконвертируйте лид или отметьте его как некачественный.',
        en: "Call or write to the client, find out the need, fill in the card, and convert the lead or mark it as junk.",
      },
      clock: demandOf(context.settings, startedAt),
    }]
  },
}
