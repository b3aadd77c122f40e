// The plain data rules take and return; no I/O, no clock: everything arrives as arguments.
import type { BusinessCalendar } from './calendar/business-calendar.js'
import type { ClockDemand } from './clock.js'
import type { Directory } from './directory.js'
import type { LeadStatus } from './lead-statuses.js'
import type { LegalForm } from './legal-forms.js'

/** A message in the app's two languages. */
export interface Text {
  ru: string
  en: string
}

/** The record kinds rules look at. */
export type Entity = 'lead' | 'deal' | 'company' | 'contact' | 'activity' | 'task'

/** A record as the mirror holds it: the portal's field names and string values. */
export type Snapshot = Readonly<Record<string, unknown>>

/** One change in a task's history (tasks.task.history.list), oldest first in the task's `history` field. */
export interface TaskHistoryEntry {
  /** NEW (created), TITLE, RESPONSIBLE_ID, AUDITORS, ACCOMPLICES, DEADLINE, STATUS, COMMENT… */
  field: string
  from: string
  to: string
  /** Who made the change. */
  userId: string
  at: string
}

/** What a rule does about its findings, per portal. */
export const MODES = ['off', 'report', 'notify', 'autofix'] as const
export type Mode = (typeof MODES)[number]

/** Settings every rule has: its mode and where it applies. */
export interface CommonSettings {
  mode: Mode
  /** Records created before this moment (ISO-8601) are not flagged; null for all. */
  since: string | null
  /** Only records from these sources (SOURCE_ID); all when empty. */
  sources: readonly string[]
  /** Only deals in these pipelines (CATEGORY_ID); all when empty. */
  pipelines: readonly string[]
  /** Only records whose responsible is in one of these departments; all when empty. */
  departments: readonly string[]
}

/** The record a rule looks at, now and as the app saw it before. */
export interface RecordInput {
  entity: Entity
  id: string
  current: Snapshot
  /** Undefined the first time the app sees the record. */
  previous: Snapshot | undefined
}

/** Another open lead or deal that shares a phone or an e-mail with the record. */
export interface Peer {
  entity: 'lead' | 'deal'
  id: string
  title: string
  responsibleId: string | null
  createdAt: string
  /** The shared phone or e-mail, as normalised. */
  matchedBy: string
}

/** Everything besides the record a rule may look at. */
export interface RuleContext<S = object> {
  now: Date
  settings: Readonly<S & CommonSettings>
  directory: Directory
  /** user id → supervisor id, over the department heads (the settings' `supervisors`). */
  supervisors: Readonly<Record<string, string>>
  legalForms: readonly LegalForm[]
  /** The portal's first lead status (crm.status.list, lowest SORT), usually NEW. */
  firstLeadStatus: string
  /** The portal's lead statuses (crm.status.list, ENTITY_ID=STATUS). */
  leadStatuses: readonly LeadStatus[]
  peers: readonly Peer[]
  /** The portal's working time in the rule's basis (its `time` setting), for rules that say how long something took. */
  calendar: BusinessCalendar
  /** For a lead in the first status: how many such leads its responsible holds now, this one included (else 0). */
  leadsHeld: number
  /** For a task: the other tasks of its creator with the same title (as mirrored), whatever their responsible. */
  sameTasks: readonly Snapshot[]
  /** The CRM activities bound to the record (calls, e-mails, meetings, open lines, to-dos), as mirrored. */
  activities: readonly Snapshot[]
}

/** A record a finding points to besides its own, whose responsible is told too. */
export interface RelatedRecord {
  entity: Entity
  id: string
  title: string
  responsibleId: string | null
}

/** One violation a rule sees on a record; plain data. */
export interface Finding {
  ruleId: string
  /** Tells apart several violations of one rule on one record ('' when there is one). */
  variant: string
  responsibleId: string | null
  /** Who is told instead of the responsible (a task's creator); escalations still go up from the responsible. */
  recipients?: readonly string[]
  problem: Text
  todo: Text
  /** A safe change that makes the record comply: only these fields are written. */
  fix?: { fields: Record<string, unknown>; describe: Text }
  /**
   * A deadline instead of a violation now: the record owes this by the clock's due instant. The violation opens
   * at the breach; the problem and todo are read again from the rule when each step falls due.
   */
  clock?: ClockDemand
  /** Set when the rule could not decide for want of data (no stage history, an unknown user): why. Nothing else is done. */
  undecided?: Text
  related?: RelatedRecord[]
}

/** A company rule: a pure check of one record. */
export interface Rule<S = object> {
  id: string
  /** Bumped when what the rule flags changes; stored with every violation. */
  version: number
  title: Text
  entities: readonly Entity[]
  check(record: RecordInput, context: RuleContext<S>): Finding[]
}
