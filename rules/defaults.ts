// The default rule settings, as RULES.md states them; RULES_FILE and a portal's settings override them.
// Durations are ISO-8601 (PT15M); the app validates and converts this object at start-up.
import { DEFAULT_WEEK } from './calendar/hours.js'
import { DEFAULT_LEGAL_FORMS } from './legal-forms.js'

/** Every rule's default mode and thresholds, plus the shared settings, in the JSON form RULES_FILE uses. */
export const DEFAULT_RULES_CONFIG = {
  /** Working time: the time zone and country come from the portal's language unless set; hours may be "24/7". */
  calendar: { hours: DEFAULT_WEEK as Record<string, string> | string, daysOff: [] as string[], workingDays: [] as { date: string; hours?: string }[] },
  /** user id → supervisor id, over the department heads. */
  supervisors: {} as Record<string, string>,
  legalForms: DEFAULT_LEGAL_FORMS,
  /** More than `limit` notices to one person within `window`: the rest go as one digest. */
  notifications: { digest: { limit: 5, window: 'PT10M' } },
  /**
   * Reports: `history` how far back the first sweep after an install mirrors changed records (closed ones too);
   * `weekly` and `monthly` when each supervisor gets the past week's and month's report (cron in the portal's time,
   * null for none); `plans` user id → leads a month to create and to convert (LEAD-PLAN); `language` of the workbooks,
   * "ru" or "en" (null: the portal's).
   */
  reports: {
    history: 'P90D',
    language: null as 'ru' | 'en' | null,
    weekly: '0 9 * * 1' as string | null,
    monthly: '0 9 1 * *' as string | null,
    plans: {} as Record<string, { created?: number; converted?: number }>,
  },
  rules: {
    'LEAD-COMPANY-NAME': { mode: 'autofix' },
    'LEAD-TITLE': {
      mode: 'notify',
      escalateAfter: 'PT2H',
      time: 'working',
      defaultTitles: [
        '^(лид|lead)\\s*(№|#)?\\s*\\d*$',
        '^(новый лид|new lead)(?!\\p{L})',
        '^заявка (с сайта|с формы|с лендинга)',
        '^(входящий|исходящий|пропущенный) звонок',
        '^(incoming|outgoing|missed) call',
        '^лид из открытой линии',
        '^(open ?channel|открытая линия)(?!\\p{L})',
        '^(crm-форма|crm form|веб-форма|web form|форма обратной связи|обратный звонок)',
        '^(re|fw|fwd|ответ|пересл)\\s*:',
      ],
    },
    'LEAD-FIELDS': { mode: 'notify', required: ['TITLE', 'COMPANY_TITLE', 'NAME|LAST_NAME', 'PHONE|EMAIL', 'COMMENTS'] },
    'CLIENT-DUPLICATE': { mode: 'notify' },
    // Deadlines: `within` the allowed time, `warnAt` shares ("80%") or leads ("PT5M"), `escalate` the ladder after the
    // breach (the supervisor, then the supervisor's supervisor), `time` "working" or "24/7".
    'LEAD-DISPATCH-SLA': {
      mode: 'notify', within: 'PT10M', warnAt: ['80%'], escalate: ['PT0S'], time: 'working',
      officeManagers: { users: [] as string[], departments: [] as string[] },
    },
    'LEAD-CONTACT-SLA': { mode: 'notify', within: 'PT15M', warnAt: ['80%'], escalate: ['PT0S', 'PT1H'], time: 'working' },
    // Open deals are checked whenever they were created ("since": "all"); a grace of an hour before the responsible is told.
    // `pausedStages`: stages where a deal waits on purpose; its clock stops running there and resumes after.
    'DEAL-NEXT-STEP': { mode: 'notify', since: 'all', within: 'PT1H', warnAt: [] as string[], escalate: ['PT4H'], time: 'working', pausedStages: [] as string[] },
    // No limits until the settings give them: pipeline → stage → the longest stay, every minute counted.
    'DEAL-STAGE-STUCK': {
      mode: 'notify', since: 'all', warnAt: [] as string[], escalate: ['P1D'], time: '24/7',
      limits: {} as Record<string, Record<string, string>>,
    },
    // Tasks: an answer (a comment, the start or the end) within a day of getting the task; the deadline kept.
    'TASK-FEEDBACK-SLA': { mode: 'notify', within: 'PT24H', warnAt: ['80%'], escalate: ['PT0S'], time: '24/7' },
    'TASK-OVERDUE': { mode: 'notify', escalate: ['P1D'], time: '24/7' },
    // Task forms (seed 000): a title starts with a prefix or contains a word; exempt the bot's and robots' tasks by user,
    // group, or `exemptCrmBound` (CRM robots make bound tasks).
    'TASK-PREFIX': {
      mode: 'notify',
      forms: [
        { text: 'РЗ', at: 'start', name: { ru: 'рабочая задача', en: 'work task' } },
        { text: 'ПР', at: 'start', name: { ru: 'письмо-решение', en: 'letter-decision' } },
        { text: 'отчёт', at: 'anywhere', name: { ru: 'отчёт', en: 'report' } },
      ] as { text: string; at: string; name: { ru: string; en: string } }[],
      exemptCreators: [] as string[], exemptGroups: [] as string[], exemptCrmBound: false,
    },
    // A ПР goes to the creator's direct supervisor (the department head, or the `supervisors` map above), due
    // `deadlineDays` working days after it was set, give or take `tolerance`.
    'TASK-PR-FORM': { mode: 'notify', prefix: 'ПР', deadlineDays: 3, tolerance: 'PT2H' },
    // Tasks: the creator is told. `allowed`: users who may observe any task; the creator may observe their own.
    'TASK-OBSERVER': { mode: 'notify', creatorMayObserve: true, allowed: [] as string[] },
    // At most `maxDays` working days from creation to deadline (plus `tolerance`), unless the responsible set a longer one.
    'TASK-DEADLINE': { mode: 'notify', maxDays: 3, tolerance: 'PT1H', time: 'working', exemptReports: true },
    // Tasks of one creator with one title created within `window` of each other are one task set for several responsibles.
    'TASK-ONE-RESPONSIBLE': { mode: 'notify', window: 'PT2M' },
  },
}
