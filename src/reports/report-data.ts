// What a supervisor's report holds for a period: leads, deals, tasks and violations of the people in scope, per
// manager and in total. Reads the store (mirror, clocks, violations, directory) through the port; changes nothing.
// The figures are counted in one streaming pass first; the lists are read again, a page at a time, as they are written.
import type { Directory } from '../../rules/directory.js'
import { isOpen, responsibleOf, titleOf } from '../../rules/record.js'
import type { Snapshot } from '../../rules/types.js'
import type { StorePort } from '../store/port.js'
import { startOfDay } from '../shared/zoned-days.js'
import { stagesOf } from './report-figures.js'
import { dealRows, leadRows, taskRows, violationRows } from './list-rows.js'
import { managerFigures } from './manager-stats.js'
import { readingOf, type ReportReading } from './report-scope.js'
import type { ReportData, ReportFrame, ReportPeriod, ReportScope, ReportSource, StalledDealRow } from './report-types.js'

export * from './report-types.js'
export { departmentPeople, supervisorScope } from './report-scope.js'
export { percentile, planFor, stagesOf } from './report-figures.js'

/** The report of `scope` over `period` (local dates in the frame's zone), its lists read from the store as they are iterated. */
export async function reportSourceOf(deps: { store: StorePort; directory: Directory }, memberId: string, scope: ReportScope, period: ReportPeriod,
  frame: ReportFrame): Promise<ReportSource> {
  const { timeZone, origin } = frame
  const fromMs = startOfDay(period.from, timeZone)
  const toMs = startOfDay(period.to, timeZone)
  // DEAL-NEXT-STEP's two findings: no activity planned (variant none:…), or the planned one's deadline passed (after:…);
  // the deals' ids only, for their flags.
  const nextStep: Array<{ entityId: string; variant: string }> = []
  let stalledCount = 0
  for await (const { entityId, variant, responsibleId } of deps.store.reportRows.outstandingOf(memberId, 'DEAL-NEXT-STEP')) {
    nextStep.push({ entityId, variant })
    if (scope.people === 'all' || (responsibleId !== null && scope.people.has(responsibleId))) stalledCount += 1
  }
  const reading = readingOf(deps, memberId, scope, fromMs, toMs, origin, nextStep)
  const { managers, total, counts } = await managerFigures(reading, scope, frame)
  const rows = <T>(read: (reading: ReportReading) => AsyncIterable<T>, count: number) => ({ count, [Symbol.asyncIterator]: () => read(reading)[Symbol.asyncIterator]() })
  return {
    memberId, origin, timeZone, scope, period, fromMs, toMs, managers, total,
    leads: rows(leadRows, counts.leads), deals: rows(dealRows, counts.deals), tasks: rows(taskRows, counts.tasks), violations: rows(violationRows, counts.violations),
    stalled: rows(stalledDeals, stalledCount), names: await deps.store.directory.crmNames(memberId),
  }
}

/** The report of `scope` over `period` (local dates in the frame's zone), every list in memory. */
export async function reportOf(deps: { store: StorePort; directory: Directory }, memberId: string, scope: ReportScope, period: ReportPeriod,
  frame: ReportFrame): Promise<ReportData> {
  const source = await reportSourceOf(deps, memberId, scope, period, frame)
  const deals = await listOf(source.deals)
  return {
    ...source, leads: await listOf(source.leads), deals, stages: stagesOf(deals), tasks: await listOf(source.tasks), violations: await listOf(source.violations),
    stalled: await listOf(source.stalled),
  }
}

async function listOf<T>(rows: Iterable<T> | AsyncIterable<T>): Promise<T[]> {
  const list: T[] = []
  for await (const row of rows) list.push(row)
  return list
}

// The open deals in scope that have, as the report is made, no next step or an overdue one, oldest problem first (the
// findings' order: by when they opened).
async function* stalledDeals(reading: ReportReading): AsyncGenerator<StalledDealRow> {
  for await (const violation of reading.store.reportRows.outstandingOf(reading.memberId, 'DEAL-NEXT-STEP')) {
    if (!reading.inScope(violation.responsibleId)) continue
    const snapshot = (await reading.store.mirror.get(reading.memberId, 'deal', violation.entityId))?.snapshot as Snapshot | undefined
    if (!snapshot || !isOpen('deal', snapshot)) continue
    yield {
      id: violation.entityId, title: titleOf('deal', snapshot), url: reading.link('deal', violation.entityId), responsible: reading.name(responsibleOf('deal', snapshot)),
      categoryId: String(snapshot.CATEGORY_ID ?? '0'), stageId: String(snapshot.STAGE_ID ?? ''), amount: Number(snapshot.OPPORTUNITY ?? 0) || 0,
      currency: String(snapshot.CURRENCY_ID || 'RUB'), problem: violation.variant.startsWith('after:') ? 'overdue' : 'none', since: Date.parse(violation.openedAt),
    }
  }
}
