// The report's lists read from the store as they are iterated: the records created in the period, a page at a time,
// each page's clocks looked up together; the violations opened in the period with their records' titles.
import { CATALOGUE, type RuleId } from '../../rules/catalogue.js'
import { userName } from '../../rules/directory.js'
import { createdAtOf, responsibleOf, titleOf } from '../../rules/record.js'
import type { Entity, Snapshot } from '../../rules/types.js'
import type { ReportClock } from '../store/port.js'
import type { MirrorRecord } from '../store/mirror.js'
import type { Violation } from '../store/violations.js'
import type { ReportReading } from './report-scope.js'
import type { DealRow, LeadRow, TaskRow, ViolationRow } from './report-types.js'

/** A record created in the period by someone in scope, with its snapshot. */
export interface Created {
  id: string
  snapshot: Snapshot
}

// Records looked up together for their clocks.
const BATCH = 500

/** The live records of `entity` created in the period by someone in scope, in the mirror's order (by id). */
export async function* createdRecords(reading: ReportReading, entity: Entity): AsyncGenerator<Created> {
  for await (const record of reading.store.reportRows.records(reading.memberId, entity)) {
    const snapshot = record.snapshot as Snapshot
    if (reading.inPeriod(createdAtOf(entity, snapshot)) && reading.inScope(responsibleOf(entity, snapshot))) yield { id: record.entityId, snapshot }
  }
}

// The created records in batches, each with its clocks of `ruleIds` whose responsible is in scope, by record.
async function* withClocks(reading: ReportReading, entity: Entity, ruleIds: readonly string[]): AsyncGenerator<Array<Created & { clocks: ReportClock[] }>> {
  let batch: Created[] = []
  const flush = async () => {
    const clocks = await reading.store.reportRows.clocksOf(reading.memberId, entity, batch.map((record) => record.id), ruleIds)
    const byRecord = new Map<string, ReportClock[]>()
    for (const clock of clocks) if (reading.inScope(clock.responsibleId)) byRecord.set(clock.entityId, [...(byRecord.get(clock.entityId) ?? []), clock])
    const done = batch.map((record) => ({ ...record, clocks: byRecord.get(record.id) ?? [] }))
    batch = []
    return done
  }
  for await (const record of createdRecords(reading, entity)) {
    batch.push(record)
    if (batch.length >= BATCH) yield await flush()
  }
  if (batch.length > 0) yield await flush()
}

/** Leads created in the period; their first contact from LEAD-CONTACT-SLA's clocks. */
export async function* leadRows(reading: ReportReading): AsyncGenerator<LeadRow> {
  const { inPeriod } = reading
  for await (const batch of withClocks(reading, 'lead', ['LEAD-CONTACT-SLA'])) {
    for (const { id, snapshot, clocks } of batch) {
      const semantic = String(snapshot.STATUS_SEMANTIC_ID ?? 'P')
      const contact = clocks.filter((clock) => inPeriod(clock.stoppedAt) && (clock.outcome === 'met' || clock.outcome === 'late') && clock.elapsedMs !== null).at(-1)
      yield {
        id, title: titleOf('lead', snapshot), url: reading.link('lead', id), responsible: reading.name(responsibleOf('lead', snapshot)),
        createdAt: Date.parse(createdAtOf('lead', snapshot)), statusId: String(snapshot.STATUS_ID ?? ''),
        outcome: semantic === 'S' ? 'converted' : semantic === 'F' ? 'junk' : 'open',
        contactMs: contact?.elapsedMs ?? null,
        breached: clocks.some((clock) => inPeriod(clock.breachedAt)),
      }
    }
  }
}

/** A deal created in the period as its row. */
export function dealRow(reading: ReportReading, { id, snapshot }: Created): DealRow {
  const semantic = String(snapshot.STAGE_SEMANTIC_ID ?? 'P')
  return {
    id, title: titleOf('deal', snapshot), url: reading.link('deal', id), responsibleId: responsibleOf('deal', snapshot), responsible: reading.name(responsibleOf('deal', snapshot)),
    createdAt: Date.parse(createdAtOf('deal', snapshot)), categoryId: String(snapshot.CATEGORY_ID ?? '0'), stageId: String(snapshot.STAGE_ID ?? ''),
    amount: Number(snapshot.OPPORTUNITY ?? 0) || 0, currency: String(snapshot.CURRENCY_ID || 'RUB'),
    outcome: semantic === 'S' ? 'won' : semantic === 'F' ? 'lost' : 'open', withoutNextStep: reading.noNextStep.has(id), overdue: reading.overdueStep.has(id),
  }
}

/** Deals created in the period. */
export async function* dealRows(reading: ReportReading): AsyncGenerator<DealRow> {
  for await (const record of createdRecords(reading, 'deal')) yield dealRow(reading, record)
}

/** Tasks created in the period; on time or overdue from TASK-OVERDUE's clocks, unanswered from TASK-FEEDBACK-SLA's. */
export async function* taskRows(reading: ReportReading): AsyncGenerator<TaskRow> {
  const { inPeriod } = reading
  for await (const batch of withClocks(reading, 'task', ['TASK-OVERDUE', 'TASK-FEEDBACK-SLA'])) {
    for (const { id, snapshot, clocks } of batch) {
      const mine = clocks.filter((clock) => clock.ruleId === 'TASK-OVERDUE')
      const deadline = typeof snapshot.deadline === 'string' && snapshot.deadline !== '' ? Date.parse(snapshot.deadline) : NaN
      yield {
        id, title: titleOf('task', snapshot), url: reading.link('task', id), responsible: reading.name(responsibleOf('task', snapshot)),
        createdAt: Date.parse(createdAtOf('task', snapshot)) || null, deadline: Number.isNaN(deadline) ? null : deadline,
        status: mine.some((clock) => inPeriod(clock.breachedAt)) ? 'overdue' : mine.some((clock) => clock.outcome === 'met' && inPeriod(clock.stoppedAt)) ? 'onTime' : 'open',
        unanswered: clocks.some((clock) => clock.ruleId === 'TASK-FEEDBACK-SLA' && inPeriod(clock.breachedAt)),
      }
    }
  }
}

/** The violations opened in the period on someone in scope, oldest first, each with its record's title. */
export async function* violationRows(reading: ReportReading): AsyncGenerator<ViolationRow> {
  for await (const violation of reading.store.reportRows.violationsOpened(reading.memberId, reading.from, reading.to)) {
    if (!reading.inScope(violation.responsibleId)) continue
    const record = await reading.store.mirror.get(reading.memberId, violation.entity, violation.entityId)
    yield violationRow(reading, record, violation)
  }
}

function violationRow(reading: ReportReading, mirrored: MirrorRecord | undefined, violation: Violation): ViolationRow {
  const entity = violation.entity as Entity
  const at = (iso: string | null) => (iso ? Date.parse(iso) : null)
  return {
    id: violation.id, ruleId: violation.ruleId, rule: CATALOGUE[violation.ruleId as RuleId]?.title ?? { ru: violation.ruleId, en: violation.ruleId },
    entity, recordTitle: mirrored ? titleOf(entity, mirrored.snapshot as Snapshot) : `#${violation.entityId}`, url: reading.link(entity, violation.entityId),
    responsible: reading.name(violation.responsibleId), openedAt: Date.parse(violation.openedAt),
    resolvedAt: at(violation.resolvedAt), resolution: violation.resolution, excusedAt: at(violation.excusedAt),
    excusedBy: violation.excusedBy ? userName(reading.directory, violation.excusedBy) : null, excuse: violation.excuse, escalatedAt: at(violation.escalatedAt),
  }
}
