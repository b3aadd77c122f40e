// The summary's figures per manager and in total, in one streaming pass over the period's records, clocks and
// violations: counts and the first-contact times only, never the rows.
import { responsibleOf } from '../../rules/record.js'
import type { ReportClock } from '../store/port.js'
import { planFor, percentile } from './report-figures.js'
import { createdRecords } from './list-rows.js'
import type { ReportReading } from './report-scope.js'
import type { ManagerRow, ReportFrame, ReportScope } from './report-types.js'

/** The clocks the summary counts. */
export const REPORT_RULES = ['LEAD-CONTACT-SLA', 'TASK-OVERDUE', 'TASK-FEEDBACK-SLA'] as const

/** The summary, and how many rows each list holds (as counted in the same pass). */
export interface ReportFigures {
  managers: ManagerRow[]
  total: ManagerRow
  counts: { leads: number; deals: number; tasks: number; violations: number }
}

type Tally = Omit<ManagerRow, 'userId' | 'name'> & { contacts: number[] }

function emptyTally(): Tally {
  return {
    leads: { created: 0, converted: 0, junk: 0, conversion: null, contactMedianMs: null, contactP90Ms: null, breaches: 0, planCreated: null, planConverted: null },
    deals: { created: 0, won: 0, lost: 0, withoutNextStep: 0, overdue: 0 },
    tasks: { created: 0, closed: 0, onTime: 0, overdue: 0, efficiency: null, unanswered: 0 },
    violations: 0,
    contacts: [],
  }
}

/** Reads the period once and counts, per manager (everyone in scope, and anyone responsible for what was counted) and in total. */
export async function managerFigures(reading: ReportReading, scope: ReportScope, frame: Pick<ReportFrame, 'plans' | 'timeZone' | 'calendar'>): Promise<ReportFigures> {
  const { inPeriod } = reading
  // Insertion order is the order managers of the same name keep (the people in scope, then owners as met).
  const tallies = new Map<string, Tally>()
  for (const userId of scope.people === 'all' ? [] : scope.people) tallies.set(userId, emptyTally())
  const total = emptyTally()
  const count = (owner: string | null, add: (tally: Tally) => void) => {
    add(total)
    if (owner === null) return
    let tally = tallies.get(owner)
    if (!tally) tallies.set(owner, (tally = emptyTally()))
    add(tally)
  }
  const counts = { leads: 0, deals: 0, tasks: 0, violations: 0 }

  for await (const { id, snapshot } of createdRecords(reading, 'deal')) {
    // As the deal's row has them (list-rows.ts), without making the row.
    const semantic = String(snapshot.STAGE_SEMANTIC_ID ?? 'P')
    counts.deals += 1
    count(responsibleOf('deal', snapshot), ({ deals }) => {
      deals.created += 1
      if (semantic === 'S') deals.won += 1
      if (semantic === 'F') deals.lost += 1
      if (reading.noNextStep.has(id)) deals.withoutNextStep += 1
      if (reading.overdueStep.has(id)) deals.overdue += 1
    })
  }
  for await (const { snapshot } of createdRecords(reading, 'task')) {
    counts.tasks += 1
    count(responsibleOf('task', snapshot), ({ tasks }) => { tasks.created += 1 })
  }
  for await (const { snapshot } of createdRecords(reading, 'lead')) {
    counts.leads += 1
    count(responsibleOf('lead', snapshot), ({ leads }) => {
      leads.created += 1
      if (snapshot.STATUS_SEMANTIC_ID === 'S') leads.converted += 1
      if (snapshot.STATUS_SEMANTIC_ID === 'F') leads.junk += 1
    })
  }
  for await (const clock of reading.store.reportRows.clocksBetween(reading.memberId, REPORT_RULES, reading.from, reading.to)) {
    if (!reading.inScope(clock.responsibleId)) continue
    count(clock.responsibleId, (tally) => countClock(tally, clock, inPeriod))
  }
  for await (const violation of reading.store.reportRows.violationsOpened(reading.memberId, reading.from, reading.to)) {
    if (!reading.inScope(violation.responsibleId)) continue
    counts.violations += 1
    count(violation.responsibleId, (tally) => { tally.violations += 1 })
  }

  const ids = [...tallies.keys()]
  const plans = (key: 'created' | 'converted', userIds: readonly string[]) => {
    const figures = userIds.map((userId) => planFor(frame.plans[userId]?.[key], reading.fromMs, reading.toMs, frame)).filter((plan): plan is number => plan !== null)
    return figures.length === 0 ? null : Math.round(figures.reduce((sum, plan) => sum + plan, 0) * 10) / 10
  }
  const row = (userId: string | null, tally: Tally): ManagerRow => {
    const { contacts, leads, deals, tasks, violations } = tally
    contacts.sort((a, b) => a - b)
    const who = userId === null ? ids : [userId]
    return {
      userId, name: userId === null ? '' : reading.name(userId),
      leads: {
        ...leads, conversion: leads.created === 0 ? null : leads.converted / leads.created,
        contactMedianMs: percentile(contacts, 0.5), contactP90Ms: percentile(contacts, 0.9), planCreated: plans('created', who), planConverted: plans('converted', who),
      },
      deals, tasks: { ...tasks, efficiency: tasks.closed === 0 ? null : tasks.onTime / tasks.closed }, violations,
    }
  }
  const managers = ids.map((userId) => row(userId, tallies.get(userId)!)).sort((a, b) => a.name.localeCompare(b.name, 'ru'))
  return { managers, total: row(null, total), counts }
}

// A clock of the period in its manager's figures: a first contact made or late, a task closed or overdue, a question unanswered.
function countClock({ leads, tasks, contacts }: Tally, clock: ReportClock, inPeriod: (iso: string | null) => boolean): void {
  const stopped = inPeriod(clock.stoppedAt) && (clock.outcome === 'met' || clock.outcome === 'late')
  if (clock.ruleId === 'LEAD-CONTACT-SLA') {
    if (stopped && clock.elapsedMs !== null) contacts.push(clock.elapsedMs)
    if (inPeriod(clock.breachedAt)) leads.breaches += 1
  } else if (clock.ruleId === 'TASK-OVERDUE') {
    if (stopped) tasks.closed += 1
    if (stopped && clock.outcome === 'met') tasks.onTime += 1
    if (inPeriod(clock.breachedAt)) tasks.overdue += 1
  } else if (clock.ruleId === 'TASK-FEEDBACK-SLA' && inPeriod(clock.breachedAt)) {
    tasks.unanswered += 1
  }
}
