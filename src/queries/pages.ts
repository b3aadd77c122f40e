// What the pages ask of the rules: what they say of a record now, what settings would flag, and a supervisor's excuse
// (load → decide → apply, like every other decision). Reads the store; writes only through store.apply.
import type { BusinessCalendar } from '../../rules/calendar/business-calendar.js'
import { timeFor } from '../../rules/calendar/portal-calendar.js'
import type { Pass, RuleId, RuleSettings } from '../../rules/catalogue.js'
import { elapsedWorkingMs, planClock, startOf } from '../../rules/clock.js'
import type { Directory } from '../../rules/directory.js'
import { isOpen, isTaskClosed, titleOf } from '../../rules/record.js'
import type { Entity, Snapshot } from '../../rules/types.js'
import type { Clock } from '../store/clocks.js'
import type { StorePort } from '../store/port.js'
import type { Portal } from '../store/portals.js'
import type { Violation } from '../store/violations.js'
import { passOf } from '../enforce/decide.js'
import type { Enforcer } from '../enforce/enforcer.js'
import type { Hub } from '../enforce/hub.js'
import type { Loader } from '../enforce/load.js'
import { announcementsOf, type Plan } from '../store/plan.js'

/** What settings would flag now: open records in all, and per rule how many with the first few. */
export interface FlaggedNow {
  total: number
  rules: Array<{ ruleId: RuleId; count: number; examples: Array<{ entity: Entity; id: string; title: string }> }>
}

/** An excuse as a plan: the violation excused, its clocks stopped; undefined when it is not open or already excused. */
export function decideExcuse(input: { memberId: string; violation: Violation; clocks: readonly Clock[]; calendar: BusinessCalendar; now: Date; userId: string; reason: string }): Plan | undefined {
  const { violation, memberId, now, userId, reason } = input
  if (violation.resolvedAt || violation.excusedAt) return undefined
  const plan: Plan = { memberId, steps: [], unknownUsers: [] }
  for (const clock of input.clocks) {
    if (clock.ruleId !== violation.ruleId || clock.variant !== violation.variant) continue
    const elapsed = elapsedWorkingMs(clock.startedAt, now, clock.pausedMs, timeFor(input.calendar, clock.basis))
    plan.steps.push({ op: 'clock.stop', id: clock.id, outcome: 'excused', elapsedMs: elapsed, journal: { clockId: clock.id, ruleId: clock.ruleId, outcome: 'excused', elapsedMs: Math.round(elapsed) } })
  }
  plan.steps.push({ op: 'violation.excuse', id: violation.id, userId, reason, journal: { violationId: violation.id, ruleId: violation.ruleId, userId, reason } })
  return plan
}

/** The rules as the pages use them. */
export class RulePages {
  constructor(private readonly deps: { store: StorePort; loader: Loader; enforcer: Pick<Enforcer, 'stepDue'>; hub?: Hub; now: () => Date }) {}

  /** The portal's directory (cached until it is refreshed). */
  directory(memberId: string): Promise<Directory> {
    return this.deps.loader.directory(memberId)
  }

  /** The portal's business calendar (its settings, its language). */
  calendarOf(portal: Portal): Promise<BusinessCalendar> {
    return this.deps.loader.calendar(portal)
  }

  /** What the rules say of a record as mirrored now, without changing anything. */
  async inspect(portal: Portal, entity: Entity, id: string, current: Snapshot, settings?: RuleSettings): Promise<Pass> {
    const { loader } = this.deps
    const now = this.deps.now()
    const dated = await loader.dated(portal, settings)
    const calendar = await loader.calendar(portal)
    const directory = await loader.directory(portal.memberId)
    const context = await loader.context(portal.memberId, entity, id, current)
    return passOf({ now, portal, settings: dated, calendar, directory, entity, id, previous: current, context }, current)
  }

  /** Asks the rules again about one record now (the page's re-check), as the clock engine does. */
  async recheck(memberId: string, entity: Entity, id: string): Promise<void> {
    await this.deps.enforcer.stepDue(memberId, [{ entity, entityId: id }])
  }

  /**
   * Excuses an open violation (a supervisor or an administrator, with a reason): it stays open while the record breaks
   * the rule, but its clock stops and nobody is told of it again. Returns false when it is not open or already excused.
   */
  async excuse(memberId: string, violationId: number, userId: string, reason: string): Promise<boolean> {
    const { store, loader } = this.deps
    const violation = await store.violations.get(violationId)
    const portal = await store.portals.get(memberId)
    if (!violation || !portal) return false
    const clocks = await store.clocks.runningFor(memberId, violation.entity, violation.entityId)
    const plan = decideExcuse({ memberId, violation, clocks, calendar: await loader.calendar(portal), now: this.deps.now(), userId, reason })
    // An excuse and a stop hold once (store/apply.ts): a second excuse of the same violation changes nothing.
    if (plan) await store.apply(plan)
    if (plan) this.deps.hub?.announce(memberId, [announcementsOf(plan)])
    return plan !== undefined
  }

  /** How many open records `settings` would flag now: a finding without a deadline, or one whose deadline has passed. */
  async countFlagged(portal: Portal, settings: RuleSettings): Promise<number> {
    return (await this.flagged(portal, settings)).total
  }

  /** As countFlagged, and per rule: how many records it would flag now and the first `examples` of them. */
  async flagged(portal: Portal, settings: RuleSettings, examples = 3): Promise<FlaggedNow> {
    const now = this.deps.now()
    const calendar = await this.calendarOf(portal)
    const result: FlaggedNow = { total: 0, rules: [] }
    const byRule = new Map<RuleId, FlaggedNow['rules'][number]>()
    for (const entity of ['lead', 'deal', 'task'] as const) {
      for (const { entityId, snapshot } of await this.deps.store.mirror.list(portal.memberId, entity)) {
        if (!isOpen(entity, snapshot) || (entity === 'task' && isTaskClosed(snapshot))) continue
        const pass = await this.inspect(portal, entity, entityId, snapshot, settings)
        const due = pass.findings.filter(({ finding }) => !finding.undecided && (!finding.clock
          || Date.parse(planClock(finding.clock, startOf(finding.clock, now), timeFor(calendar, finding.clock.basis)).dueAt) <= now.getTime()))
        if (due.length > 0) result.total += 1
        for (const ruleId of new Set(due.map((item) => item.ruleId))) {
          const rule = byRule.get(ruleId) ?? { ruleId, count: 0, examples: [] }
          byRule.set(ruleId, rule)
          rule.count += 1
          if (rule.examples.length < examples) rule.examples.push({ entity, id: entityId, title: titleOf(entity, snapshot) })
        }
      }
    }
    result.rules = [...byRule.values()]
    return result
  }
}
