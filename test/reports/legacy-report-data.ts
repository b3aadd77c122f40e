// The report's data as it was built before it was read as a stream (every list in memory, kept here as the oracle the
// streaming reportOf is checked against, report-stream.test.ts): its reading and assembling as they were; the types and
// the small pure figures (plans, percentiles, stage totals) are the app's own. Reads the store; changes nothing; not used by the app.
import { CATALOGUE, type RuleId } from '../../rules/catalogue.js'
import { userName, type Directory } from '../../rules/directory.js'
import { createdAtOf, isOpen, pathOf, responsibleOf, titleOf } from '../../rules/record.js'
import type { Entity, Snapshot } from '../../rules/types.js'
import type { Clock } from '../../src/store/clocks.js'
import type { StorePort } from '../../src/store/port.js'
import type { MirrorRecord } from '../../src/store/mirror.js'
import type { Violation } from '../../src/store/violations.js'
import { startOfDay } from '../../src/shared/zoned-days.js'
import type { DealRow, LeadRow, ManagerRow, ReportData, ReportFrame, ReportPeriod, ReportScope, StalledDealRow, TaskRow, ViolationRow } from '../../src/reports/report-types.js'
import { percentile, planFor, stagesOf } from '../../src/reports/report-figures.js'

const REPORT_RULES = ['LEAD-CONTACT-SLA', 'TASK-OVERDUE', 'TASK-FEEDBACK-SLA'] as const

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
