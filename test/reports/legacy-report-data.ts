// The report's data as it was built before it was read as a stream (every list in memory, kept here as the oracle the
// streaming reportOf is checked against, report-stream.test.ts). Reads the store; changes nothing; not used by the app.
import { CATALOGUE, type RuleId } from '../../rules/catalogue.js'
import { peopleUnder, userName, type Directory } from '../../rules/directory.js'
import { createdAtOf, isOpen, pathOf, responsibleOf, titleOf } from '../../rules/record.js'
import type { Entity, Snapshot, Text } from '../../rules/types.js'
import type { BusinessCalendar } from '../../rules/calendar/business-calendar.js'
import type { ReportSettings } from '../../rules/catalogue.js'
import type { Clock } from '../../src/store/clocks.js'
import type { CrmNames } from '../../src/store/directory.js'
import type { StorePort } from '../../src/store/port.js'
import type { MirrorRecord } from '../../src/store/mirror.js'
import type { Violation } from '../../src/store/violations.js'
import { localDateOf, startOfDay, type LocalDate } from '../../src/shared/zoned-days.js'

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

/** Everything one report shows. */
export interface ReportData {
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
  leads: LeadRow[]
  deals: DealRow[]
  stages: StageRow[]
  tasks: TaskRow[]
  violations: ViolationRow[]
  stalled: StalledDealRow[]
  /** What the portal calls its deal stages and pipelines. */
  names: CrmNames
}

const REPORT_RULES = ['LEAD-CONTACT-SLA', 'TASK-OVERDUE', 'TASK-FEEDBACK-SLA'] as const

/** The people of a department: everyone in it and its sub-departments, its head aside (as `peopleUnder` counts them). */
export function departmentPeople(directory: Directory, departmentId: string): Set<string> {
  const inside = new Set([departmentId])
  let grew = true
  while (grew) {
    grew = false
    for (const department of directory.departments.values()) {
      if (department.parentId !== null && inside.has(department.parentId) && !inside.has(department.id)) {
        inside.add(department.id)
        grew = true
      }
    }
  }
  const head = directory.departments.get(departmentId)?.headId ?? null
  const people = new Set<string>()
  for (const user of directory.users.values()) if (user.id !== head && user.departments.some((id) => inside.has(id))) people.add(user.id)
  return people
}


/** A supervisor's own scope: the people under them, named after the first department they head. */
export function supervisorScope(directory: Directory, userId: string, overrides: Readonly<Record<string, string>>, lang: 'ru' | 'en'): ReportScope {
  const first = [...directory.departments.values()].find((department) => department.headId === userId)
  return { departmentId: null, name: first?.name ?? (lang === 'ru' ? 'Сотрудники' : 'Staff'), people: peopleUnder(directory, userId, overrides) }
}

/** Where a report's period sits: the portal's zone and working time, its pages' origin, the managers' monthly plans. */
export interface ReportFrame {
  timeZone: string
  calendar: BusinessCalendar
  origin: string
  plans: ReportSettings['plans']
}

/**
 * A monthly figure for [fromMs, toMs): each month's share of it is the share of that month's working time the period
 * covers (a week of a 21-day month gets 5/21). One decimal; null without a figure.
 */
export function planFor(monthly: number | null | undefined, fromMs: number, toMs: number, frame: Pick<ReportFrame, 'timeZone' | 'calendar'>): number | null {
  if (monthly === null || monthly === undefined) return null
  let plan = 0
  const first = localDateOf(fromMs, frame.timeZone)
  for (let month = { year: first.year, month: first.month, day: 1 }; ; month = nextMonth(month)) {
    const start = startOfDay(month, frame.timeZone)
    if (start >= toMs) break
    const end = startOfDay(nextMonth(month), frame.timeZone)
    const whole = frame.calendar.workingMinutesBetween(start, end)
    const covered = frame.calendar.workingMinutesBetween(Math.max(start, fromMs), Math.min(end, toMs))
    if (whole > 0) plan += (monthly * covered) / whole
  }
  return Math.round(plan * 10) / 10
}

function nextMonth(date: LocalDate): LocalDate {
  return date.month === 12 ? { year: date.year + 1, month: 1, day: 1 } : { year: date.year, month: date.month + 1, day: 1 }
}

/** The report of `scope` over `period` (local dates in the frame's zone). */
export async function reportOf(deps: { store: StorePort; directory: Directory }, memberId: string, scope: ReportScope, period: ReportPeriod,
  frame: ReportFrame): Promise<ReportData> {
  const { store, directory } = deps
  const { timeZone, origin } = frame
  const fromMs = startOfDay(period.from, timeZone)
  const toMs = startOfDay(period.to, timeZone)
  const from = new Date(fromMs)
  const to = new Date(toMs)
  const inScope = (userId: string | null) => scope.people === 'all' || (userId !== null && scope.people.has(userId))
  const inPeriod = (iso: string | null) => {
    if (!iso) return false
    const at = Date.parse(iso)
    return at >= fromMs && at < toMs
  }
  const name = (userId: string | null) => (userId ? userName(directory, userId) : '')
  const link = (entity: Entity, id: string) => origin + pathOf(entity, id)

  const clocks = (await store.clocks.ofRulesBetween(memberId, REPORT_RULES, from, to)).filter((clock) => inScope(clock.responsibleId))
  const opened = (await store.violations.openedBetween(memberId, from, to)).filter((violation) => inScope(violation.responsibleId))
  // DEAL-NEXT-STEP's two findings: no activity planned (variant none:…), or the planned one's deadline passed (after:…).
  const nextStep = (await store.violations.outstanding(memberId)).filter((violation) => violation.ruleId === 'DEAL-NEXT-STEP')
  const dealsWith = (prefix: string) => new Set(nextStep.filter((violation) => violation.variant.startsWith(prefix)).map((violation) => violation.entityId))
  const noNextStep = dealsWith('none:')
  const overdueStep = dealsWith('after:')

  const listed = new Map<Entity, MirrorRecord[]>()
  for (const entity of ['lead', 'deal', 'task'] as const) listed.set(entity, await store.mirror.list(memberId, entity))
  const created = (entity: Entity) => (listed.get(entity) ?? [])
    .map((record) => ({ id: record.entityId, snapshot: record.snapshot as Snapshot }))
    .filter((record) => inPeriod(createdAtOf(entity, record.snapshot)) && inScope(responsibleOf(entity, record.snapshot)))

  // Leads: created in the period; their first contact from LEAD-CONTACT-SLA's clocks.
  const contactClocks = clocks.filter((clock) => clock.ruleId === 'LEAD-CONTACT-SLA')
  const contactDone = contactClocks.filter((clock) => inPeriod(clock.stoppedAt) && (clock.outcome === 'met' || clock.outcome === 'late') && clock.elapsedMs !== null)
  const byRecord = (list: Clock[]) => {
    const map = new Map<string, Clock[]>()
    for (const clock of list) map.set(clock.entityId, [...(map.get(clock.entityId) ?? []), clock])
    return map
  }
  const contactDoneOf = byRecord(contactDone)
  const contactOf = byRecord(contactClocks)
  const leadRecords = created('lead')
  const leads: LeadRow[] = leadRecords.map(({ id, snapshot }) => {
    const semantic = String(snapshot.STATUS_SEMANTIC_ID ?? 'P')
    const contact = contactDoneOf.get(id)?.at(-1)
    return {
      id, title: titleOf('lead', snapshot), url: link('lead', id), responsible: name(responsibleOf('lead', snapshot)),
      createdAt: Date.parse(createdAtOf('lead', snapshot)), statusId: String(snapshot.STATUS_ID ?? ''),
      outcome: semantic === 'S' ? 'converted' : semantic === 'F' ? 'junk' : 'open',
      contactMs: contact?.elapsedMs ?? null,
      breached: (contactOf.get(id) ?? []).some((clock) => inPeriod(clock.breachedAt)),
    }
  })

  // Deals: created in the period.
  const dealRecords = created('deal')
  const deals: DealRow[] = dealRecords.map(({ id, snapshot }) => {
    const semantic = String(snapshot.STAGE_SEMANTIC_ID ?? 'P')
    return {
      id, title: titleOf('deal', snapshot), url: link('deal', id), responsibleId: responsibleOf('deal', snapshot), responsible: name(responsibleOf('deal', snapshot)),
      createdAt: Date.parse(createdAtOf('deal', snapshot)), categoryId: String(snapshot.CATEGORY_ID ?? '0'), stageId: String(snapshot.STAGE_ID ?? ''),
      amount: Number(snapshot.OPPORTUNITY ?? 0) || 0, currency: String(snapshot.CURRENCY_ID || 'RUB'),
      outcome: semantic === 'S' ? 'won' : semantic === 'F' ? 'lost' : 'open', withoutNextStep: noNextStep.has(id), overdue: overdueStep.has(id),
    }
  })

  // Tasks: created in the period; closed, on time and overdue from TASK-OVERDUE's clocks, unanswered from TASK-FEEDBACK-SLA's.
  const taskRecords = created('task')
  const overdueClocks = clocks.filter((clock) => clock.ruleId === 'TASK-OVERDUE')
  const feedbackBreaches = clocks.filter((clock) => clock.ruleId === 'TASK-FEEDBACK-SLA' && inPeriod(clock.breachedAt))
  const overdueOf = byRecord(overdueClocks)
  const unansweredTasks = new Set(feedbackBreaches.map((clock) => clock.entityId))
  const tasks: TaskRow[] = taskRecords.map(({ id, snapshot }) => {
    const mine = overdueOf.get(id) ?? []
    const deadline = typeof snapshot.deadline === 'string' && snapshot.deadline !== '' ? Date.parse(snapshot.deadline) : NaN
    return {
      id, title: titleOf('task', snapshot), url: link('task', id), responsible: name(responsibleOf('task', snapshot)),
      createdAt: Date.parse(createdAtOf('task', snapshot)) || null, deadline: Number.isNaN(deadline) ? null : deadline,
      status: mine.some((clock) => inPeriod(clock.breachedAt)) ? 'overdue' : mine.some((clock) => clock.outcome === 'met' && inPeriod(clock.stoppedAt)) ? 'onTime' : 'open',
      unanswered: unansweredTasks.has(id),
    }
  })

  // Per manager.
  const ids = new Set<string>(scope.people === 'all' ? [] : scope.people)
  const owners: Array<string | null> = [
    ...dealRecords.map(({ snapshot }) => responsibleOf('deal', snapshot)), ...taskRecords.map(({ snapshot }) => responsibleOf('task', snapshot)),
    ...leadRecords.map(({ snapshot }) => responsibleOf('lead', snapshot)), ...clocks.map((clock) => clock.responsibleId), ...opened.map((violation) => violation.responsibleId),
  ]
  for (const owner of owners) if (owner !== null) ids.add(owner)
  const plans = (key: 'created' | 'converted', userIds: readonly string[]) => {
    const figures = userIds.map((userId) => planFor(frame.plans[userId]?.[key], fromMs, toMs, frame)).filter((plan): plan is number => plan !== null)
    return figures.length === 0 ? null : Math.round(figures.reduce((sum, plan) => sum + plan, 0) * 10) / 10
  }
  const row = (userId: string | null, who: (owner: string | null) => boolean): ManagerRow => {
    const mineLeads = leadRecords.filter(({ snapshot }) => who(responsibleOf('lead', snapshot)))
    const leadCount = mineLeads.length
    const converted = mineLeads.filter(({ snapshot }) => snapshot.STATUS_SEMANTIC_ID === 'S').length
    const contacts = contactDone.filter((clock) => who(clock.responsibleId)).map((clock) => clock.elapsedMs!).sort((a, b) => a - b)
    const mineDeals = deals.filter((deal) => who(deal.responsibleId))
    const mineOverdue = overdueClocks.filter((clock) => who(clock.responsibleId))
    const closed = mineOverdue.filter((clock) => inPeriod(clock.stoppedAt) && (clock.outcome === 'met' || clock.outcome === 'late'))
    const onTime = closed.filter((clock) => clock.outcome === 'met').length
    return {
      userId,
      name: userId === null ? '' : name(userId),
      leads: {
        created: leadCount, converted, junk: mineLeads.filter(({ snapshot }) => snapshot.STATUS_SEMANTIC_ID === 'F').length,
        conversion: leadCount === 0 ? null : converted / leadCount,
        contactMedianMs: percentile(contacts, 0.5), contactP90Ms: percentile(contacts, 0.9),
        breaches: contactClocks.filter((clock) => who(clock.responsibleId) && inPeriod(clock.breachedAt)).length,
        planCreated: plans('created', userId === null ? [...ids] : [userId]), planConverted: plans('converted', userId === null ? [...ids] : [userId]),
      },
      deals: {
        created: mineDeals.length, won: mineDeals.filter((deal) => deal.outcome === 'won').length,
        lost: mineDeals.filter((deal) => deal.outcome === 'lost').length, withoutNextStep: mineDeals.filter((deal) => deal.withoutNextStep).length,
        overdue: mineDeals.filter((deal) => deal.overdue).length,
      },
      tasks: {
        created: taskRecords.filter(({ snapshot }) => who(responsibleOf('task', snapshot))).length, closed: closed.length, onTime,
        overdue: mineOverdue.filter((clock) => inPeriod(clock.breachedAt)).length, efficiency: closed.length === 0 ? null : onTime / closed.length,
        unanswered: feedbackBreaches.filter((clock) => who(clock.responsibleId)).length,
      },
      violations: opened.filter((violation) => who(violation.responsibleId)).length,
    }
  }
  const managers = [...ids].map((userId) => row(userId, (owner) => owner === userId))
    .sort((a, b) => a.name.localeCompare(b.name, 'ru'))
  const total = row(null, () => true)

  // The records the violations name, read once each.
  const records = new Map<string, MirrorRecord | undefined>()
  for (const violation of [...opened, ...nextStep]) {
    const key = `${violation.entity}:${violation.entityId}`
    if (!records.has(key)) records.set(key, await store.mirror.get(memberId, violation.entity, violation.entityId))
  }
  const recordOf = (entity: string, id: string) => records.get(`${entity}:${id}`)
  const violations: ViolationRow[] = opened.map((violation) => violationRow(recordOf(violation.entity, violation.entityId), directory, violation, link))
  const crmNames = await store.directory.crmNames(memberId)
  const stalled = nextStep.filter((violation) => inScope(violation.responsibleId)).flatMap((violation): StalledDealRow[] => {
    const snapshot = recordOf('deal', violation.entityId)?.snapshot as Snapshot | undefined
    if (!snapshot || !isOpen('deal', snapshot)) return []
    return [{
      id: violation.entityId, title: titleOf('deal', snapshot), url: link('deal', violation.entityId), responsible: name(responsibleOf('deal', snapshot)),
      categoryId: String(snapshot.CATEGORY_ID ?? '0'), stageId: String(snapshot.STAGE_ID ?? ''), amount: Number(snapshot.OPPORTUNITY ?? 0) || 0,
      currency: String(snapshot.CURRENCY_ID || 'RUB'), problem: violation.variant.startsWith('after:') ? 'overdue' : 'none', since: Date.parse(violation.openedAt),
    }]
  }).sort((a, b) => a.since - b.since)
  return {
    memberId, origin, timeZone, scope, period, fromMs, toMs, managers, total, leads, deals,
    stages: stagesOf(deals),
    tasks, violations, stalled, names: crmNames,
  }
}

/** The deals counted and summed by pipeline, stage and currency, in that order. */
export function stagesOf(deals: readonly DealRow[]): StageRow[] {
  const stages = new Map<string, StageRow>()
  for (const deal of deals) {
    const key = `${deal.categoryId}\u0000${deal.stageId}\u0000${deal.currency}`
    const row = stages.get(key) ?? { categoryId: deal.categoryId, stageId: deal.stageId, currency: deal.currency, count: 0, amount: 0 }
    row.count += 1
    row.amount += deal.amount
    stages.set(key, row)
  }
  return [...stages.values()].sort((a, b) => a.categoryId.localeCompare(b.categoryId) || a.stageId.localeCompare(b.stageId) || a.currency.localeCompare(b.currency))
}

function violationRow(mirrored: MirrorRecord | undefined, directory: Directory, violation: Violation, link: (entity: Entity, id: string) => string): ViolationRow {
  const entity = violation.entity as Entity
  const at = (iso: string | null) => (iso ? Date.parse(iso) : null)
  return {
    id: violation.id, ruleId: violation.ruleId, rule: CATALOGUE[violation.ruleId as RuleId]?.title ?? { ru: violation.ruleId, en: violation.ruleId },
    entity, recordTitle: mirrored ? titleOf(entity, mirrored.snapshot as Snapshot) : `#${violation.entityId}`, url: link(entity, violation.entityId),
    responsible: violation.responsibleId ? userName(directory, violation.responsibleId) : '', openedAt: Date.parse(violation.openedAt),
    resolvedAt: at(violation.resolvedAt), resolution: violation.resolution, excusedAt: at(violation.excusedAt),
    excusedBy: violation.excusedBy ? userName(directory, violation.excusedBy) : null, excuse: violation.excuse, escalatedAt: at(violation.escalatedAt),
  }
}

/** The nearest-rank percentile of sorted values, null for none. */
export function percentile(sorted: readonly number[], share: number): number | null {
  if (sorted.length === 0) return null
  const rank = Math.max(1, Math.ceil(share * sorted.length))
  return sorted[rank - 1]!
}

