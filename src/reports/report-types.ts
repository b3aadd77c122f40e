// The report's shapes: what one report shows, per manager and as lists of rows, in memory or as rows read while written.
import type { ReportSettings } from '../../rules/catalogue.js'
import type { BusinessCalendar } from '../../rules/calendar/business-calendar.js'
import type { Entity, Text } from '../../rules/types.js'
import type { CrmNames } from '../store/directory.js'
import type { LocalDate } from '../shared/zoned-days.js'

/** Whose records count: a set of user ids, or everyone. */
export interface ReportScope {
  /** The department reported on, or null for the whole portal / a supervisor's people. */
  departmentId: string | null
  /** What the file and the summary call the scope (a department's name, or "all departments"). */
  name: string
  people: ReadonlySet<string> | 'all'
}

/** A period of local dates in the portal's zone: [from, to). */
export interface ReportPeriod {
  from: LocalDate
  to: LocalDate
}

export interface LeadStats {
  created: number
  converted: number
  junk: number
  /** converted / created, null when nothing was created. */
  conversion: number | null
  /** First-contact working time of the clocks decided in the period, ms. */
  contactMedianMs: number | null
  contactP90Ms: number | null
  /** First-contact deadlines breached in the period. */
  breaches: number
  /** The plan for the period (LEAD-PLAN: the month's figures in proportion to its working time), null without one. */
  planCreated: number | null
  planConverted: number | null
}

export interface DealStats {
  created: number
  won: number
  lost: number
  /** Deals created in the period with an open DEAL-NEXT-STEP violation. */
  withoutNextStep: number
  /** Deals created in the period whose next step's deadline passed with nothing new planned (DEAL-NEXT-STEP). */
  overdue: number
}

export interface TaskStats {
  created: number
  /** TASK-OVERDUE clocks stopped in the period, met or late. */
  closed: number
  onTime: number
  overdue: number
  /** onTime / closed, null when nothing closed. */
  efficiency: number | null
  /** TASK-FEEDBACK-SLA deadlines breached in the period. */
  unanswered: number
}

/** One manager's line, or the total's. */
export interface ManagerRow {
  userId: string | null
  name: string
  leads: LeadStats
  deals: DealStats
  tasks: TaskStats
  violations: number
}

export interface LeadRow {
  id: string
  title: string
  url: string
  responsible: string
  createdAt: number
  statusId: string
  outcome: 'converted' | 'junk' | 'open'
  contactMs: number | null
  breached: boolean
}

export interface DealRow {
  id: string
  title: string
  url: string
  responsibleId: string | null
  responsible: string
  createdAt: number
  categoryId: string
  stageId: string
  amount: number
  currency: string
  outcome: 'won' | 'lost' | 'open'
  withoutNextStep: boolean
  overdue: boolean
}

/** An open deal that has, as the report is made, no next step or an overdue one (DEAL-NEXT-STEP), whenever it was created. */
export interface StalledDealRow {
  id: string
  title: string
  url: string
  responsible: string
  categoryId: string
  stageId: string
  amount: number
  currency: string
  problem: 'none' | 'overdue'
  /** When the violation opened. */
  since: number
}

/** Deals of one pipeline stage in one currency. */
export interface StageRow {
  categoryId: string
  stageId: string
  currency: string
  count: number
  amount: number
}

export interface TaskRow {
  id: string
  title: string
  url: string
  responsible: string
  createdAt: number | null
  deadline: number | null
  status: 'onTime' | 'overdue' | 'open'
  unanswered: boolean
}

export interface ViolationRow {
  id: number
  ruleId: string
  rule: Text
  entity: Entity
  recordTitle: string
  url: string
  responsible: string
  openedAt: number
  resolvedAt: number | null
  resolution: string | null
  excusedAt: number | null
  excusedBy: string | null
  excuse: string | null
  escalatedAt: number | null
}

/**
 * A list's rows: in memory, or read as they are iterated (each iteration reads them again) with `count`, what the
 * report's figures counted before the rows were read (a record changed in between may make the list differ by it).
 */
export type Rows<T> = readonly T[] | (AsyncIterable<T> & { readonly count: number })

/** How many rows a list has: an array's length, or the count taken with the figures. */
export function rowsCount<T>(rows: Rows<T>): number {
  return Array.isArray(rows) ? rows.length : (rows as { count: number }).count
}

/** What the workbook writes: the figures, and the lists in memory or as rows read while the workbook is written. */
export interface ReportSource {
  memberId: string
  origin: string
  timeZone: string
  scope: ReportScope
  period: ReportPeriod
  /** The period's bounds, epoch ms. */
  fromMs: number
  toMs: number
  managers: ManagerRow[]
  total: ManagerRow
  leads: Rows<LeadRow>
  /** The deals; the workbook adds up their stages and currencies as it writes them. */
  deals: Rows<DealRow>
  tasks: Rows<TaskRow>
  violations: Rows<ViolationRow>
  /** Counted as the findings in scope: a deal closed since may make the list a row shorter. */
  stalled: Rows<StalledDealRow>
  /** What the portal calls its deal stages and pipelines. */
  names: CrmNames
}

/** Everything one report shows, in memory. */
export interface ReportData extends ReportSource {
  leads: LeadRow[]
  deals: DealRow[]
  /** The deals counted and summed by pipeline, stage and currency. */
  stages: StageRow[]
  tasks: TaskRow[]
  violations: ViolationRow[]
  stalled: StalledDealRow[]
}

/** Where a report's period sits: the portal's zone and working time, its pages' origin, the managers' monthly plans. */
export interface ReportFrame {
  timeZone: string
  calendar: BusinessCalendar
  origin: string
  plans: ReportSettings['plans']
}
