// The catalogue: every rule the app enforces, and one pure pass of them over a record.
import type { BusinessCalendar } from './calendar/business-calendar.js'
import { timeFor, type CalendarSettings } from './calendar/portal-calendar.js'
import type { ClockSettings } from './clock.js'
import { clientDuplicate } from './client-duplicate.js'
import { dealNextStep, type DealNextStepSettings } from './deal-next-step.js'
import { dealStageStuck, type DealStageStuckSettings } from './deal-stage-stuck.js'
import { leadContactSla } from './lead-contact-sla.js'
import { leadDispatchSla, type LeadDispatchSettings } from './lead-dispatch-sla.js'
import type { Directory } from './directory.js'
import { leadCompanyName } from './lead-company-name.js'
import { leadFields, type LeadFieldsSettings } from './lead-fields.js'
import { leadTitle, type LeadTitleSettings } from './lead-title.js'
import type { LegalForm } from './legal-forms.js'
import { taskFeedbackSla } from './task-feedback-sla.js'
import { taskOverdue, type TaskOverdueSettings } from './task-overdue.js'
import type { LeadStatus } from './lead-statuses.js'
import { taskPrForm, type TaskPrFormSettings } from './task-pr-form.js'
import { taskPrefix, type TaskPrefixSettings } from './task-prefix.js'
import { createdAtOf, responsibleOf, text } from './record.js'
import { taskDeadline, type TaskDeadlineSettings } from './task-deadline.js'
import { taskObserver, type TaskObserverSettings } from './task-observer.js'
import { taskOneResponsible, type TaskOneResponsibleSettings } from './task-one-responsible.js'
import type { CommonSettings, Finding, Mode, Peer, RecordInput, Rule, RuleContext, Snapshot } from './types.js'

/** Every rule, by id. */
export const CATALOGUE = {
  'LEAD-COMPANY-NAME': leadCompanyName,
  'LEAD-TITLE': leadTitle,
  'LEAD-FIELDS': leadFields,
  'CLIENT-DUPLICATE': clientDuplicate,
  'LEAD-DISPATCH-SLA': leadDispatchSla,
  'LEAD-CONTACT-SLA': leadContactSla,
  'DEAL-NEXT-STEP': dealNextStep,
  'DEAL-STAGE-STUCK': dealStageStuck,
  'TASK-FEEDBACK-SLA': taskFeedbackSla,
  'TASK-OVERDUE': taskOverdue,
  'TASK-PREFIX': taskPrefix,
  'TASK-PR-FORM': taskPrForm,
  'TASK-OBSERVER': taskObserver,
  'TASK-DEADLINE': taskDeadline,
  'TASK-ONE-RESPONSIBLE': taskOneResponsible,
} as const

/** The ids of the rules the app knows. */
export type RuleId = keyof typeof CATALOGUE
export const RULE_IDS = Object.keys(CATALOGUE) as RuleId[]

/** What the reports take from the settings (see rules/defaults.ts). */
export interface ReportSettings {
  historyMs: number
  /** The workbooks' language; null for the portal's. */
  language: 'ru' | 'en' | null
  weekly: string | null
  monthly: string | null
  plans: Readonly<Record<string, { created: number | null; converted: number | null }>>
}

/** One portal's settings, already validated and converted (durations in milliseconds). */
export interface RuleSettings {
  calendar: CalendarSettings
  supervisors: Readonly<Record<string, string>>
  legalForms: readonly LegalForm[]
  /** Past `limit` notices to one person within `windowMs`, the rest are folded into one digest. */
  notifications: { digest: { limit: number; windowMs: number } }
  reports: ReportSettings
  rules: {
    'LEAD-COMPANY-NAME': CommonSettings
    'LEAD-TITLE': CommonSettings & LeadTitleSettings
    'LEAD-FIELDS': CommonSettings & LeadFieldsSettings
    'CLIENT-DUPLICATE': CommonSettings
    'LEAD-DISPATCH-SLA': CommonSettings & LeadDispatchSettings
    'LEAD-CONTACT-SLA': CommonSettings & ClockSettings
    'DEAL-NEXT-STEP': CommonSettings & DealNextStepSettings
    'DEAL-STAGE-STUCK': CommonSettings & DealStageStuckSettings
    'TASK-FEEDBACK-SLA': CommonSettings & ClockSettings
    'TASK-OVERDUE': CommonSettings & TaskOverdueSettings
    'TASK-PREFIX': CommonSettings & TaskPrefixSettings
    'TASK-PR-FORM': CommonSettings & TaskPrFormSettings
    'TASK-OBSERVER': CommonSettings & TaskObserverSettings
    'TASK-DEADLINE': CommonSettings & TaskDeadlineSettings
    'TASK-ONE-RESPONSIBLE': CommonSettings & TaskOneResponsibleSettings
  }
}

/** What a pass over a record needs besides the record and the settings. */
export interface PassContext {
  now: Date
  directory: Directory
  firstLeadStatus: string
  leadStatuses: readonly LeadStatus[]
  peers: readonly Peer[]
  activities: readonly Snapshot[]
  leadsHeld: number
  sameTasks: readonly Snapshot[]
  /** The portal's working time; a rule whose `time` is "24/7" gets round the clock instead. */
  calendar: BusinessCalendar
}

/** A finding with the rule's version and the mode it was found under. */
export interface RuledFinding {
  ruleId: RuleId
  ruleVersion: number
  mode: Exclude<Mode, 'off'>
  finding: Finding
}

/** The outcome of one pass: the rules that looked (their absent findings mean "complies") and what they found. */
export interface Pass {
  /** Rules that apply to this record kind: each either checked it or does not apply (off, out of scope). */
  applicable: RuleId[]
  checked: RuleId[]
  findings: RuledFinding[]
}

/** Runs every rule that applies to the record under the portal's settings; pure. */
export function runRules(record: RecordInput, settings: RuleSettings, context: PassContext): Pass {
  const pass: Pass = { applicable: [], checked: [], findings: [] }
  for (const ruleId of RULE_IDS) {
    const rule = CATALOGUE[ruleId] as Rule<object>
    if (!rule.entities.includes(record.entity)) continue
    pass.applicable.push(ruleId)
    const ruleSettings = settings.rules[ruleId]
    if (ruleSettings.mode === 'off' || !inScope(record, ruleSettings, context)) continue
    pass.checked.push(ruleId)
    const calendar = timeFor(context.calendar, 'time' in ruleSettings ? ruleSettings.time : 'working')
    // Object.assign rather than a spread followed by fields, which Node 20's V8 builds about ten times slower (every record, every rule).
    const ruleContext: RuleContext<object> = Object.assign({}, context, { calendar, settings: ruleSettings, legalForms: settings.legalForms, supervisors: settings.supervisors })
    for (const finding of rule.check(record, ruleContext)) {
      pass.findings.push({ ruleId, ruleVersion: rule.version, mode: ruleSettings.mode, finding })
    }
  }
  return pass
}

/** True when the record falls under the rule's enforcement date, sources, pipelines and departments. */
export function inScope(record: RecordInput, settings: CommonSettings, context: Pick<PassContext, 'directory'>): boolean {
  if (settings.since) {
    const created = Date.parse(createdAtOf(record.entity, record.current))
    if (!Number.isNaN(created) && created < Date.parse(settings.since)) return false
  }
  if (settings.sources.length > 0 && !settings.sources.includes(text(record.current, 'SOURCE_ID'))) return false
  if (record.entity === 'deal' && settings.pipelines.length > 0 && !settings.pipelines.includes(text(record.current, 'CATEGORY_ID'))) {
    return false
  }
  if (settings.departments.length > 0) {
    const responsible = responsibleOf(record.entity, record.current)
    const departments = responsible ? context.directory.users.get(responsible)?.departments ?? [] : []
    if (!departments.some((id) => settings.departments.includes(id))) return false
  }
  return true
}
