// The rules stage as a pure function: one record's input in, a plan out (violations opened and resolved, clocks
// started, stepped, paused and stopped, notices, fixes and comments planned, journal entries). No store, no clock.
import { timeFor } from '../../rules/calendar/portal-calendar.js'
import { runRules, type Pass, type RuledFinding, type RuleId } from '../../rules/catalogue.js'
import { dueSteps, elapsedWorkingMs, nextStepAt, planClock, resumeClock, startOf } from '../../rules/clock.js'
import { isOpen, isTaskClosed } from '../../rules/record.js'
import type { Entity, Snapshot } from '../../rules/types.js'
import type { Clock } from '../store/clocks.js'
import type { Violation } from '../store/violations.js'
import type { DecisionInput } from './load.js'
import type { ClockRef, ClockUpdate, Plan, PlanStep, ViolationRef } from '../store/plan.js'
import { Teller } from './tell.js'

/** What the rules find on the record of `input` (its current state against its previous one). */
export function passOf(input: Pick<DecisionInput, 'now' | 'portal' | 'settings' | 'calendar' | 'directory' | 'entity' | 'id' | 'previous' | 'context'>, current: Snapshot): Pass {
  const { entity, id, previous, now, directory, calendar, context } = input
  // Object.assign rather than a spread followed by fields, which Node 20's V8 builds about ten times slower.
  return runRules({ entity, id, current, previous }, input.settings, Object.assign({}, context, { now, directory, calendar }))
}

const keyOf = (ruleId: string, variant: string): string => `${ruleId}|${variant}`

/** A running clock as the decision sees it: its stored state (updated as steps are taken) and how to name it. */
export interface ClockState {
  ref: ClockRef
  clock: Omit<Clock, 'id'>
}

/**
 * One record's plan: what the store is to change so that violations and clocks follow what the rules find. Its local
 * refs start with `scope`, so that the plans of several records can be joined into one (enforcer.ts).
 */
export function decide(input: DecisionInput, scope = ''): Plan {
  const plan: Plan = { memberId: input.portal.memberId, steps: [], unknownUsers: [] }
  new Decision(input, plan, scope).run()
  return plan
}

class Decision {
  readonly #tell: Teller
  // The record's open violations as the plan goes (a breach finds one opened earlier in the same plan).
  readonly #open: Array<{ ref: ViolationRef; ruleId: string; variant: string }>
  #refs = 0

  constructor(private readonly input: DecisionInput, private readonly plan: Plan, private readonly scope: string) {
    this.#tell = new Teller(input, plan)
    this.#open = input.open.map((violation) => ({ ref: { id: violation.id }, ruleId: violation.ruleId, variant: violation.variant }))
  }

  run(): void {
    const { input, plan } = this
    const { entity, id, current, open, clocks } = input
    if (input.contactKeys) plan.steps.push({ op: 'keys.replace', entity, entityId: id, keys: input.contactKeys })
    if (!current) {
      for (const violation of open) this.#resolve(violation, 'record deleted')
      for (const clock of clocks) this.#stop(clock, 'deleted')
      return
    }
    const pass = passOf(input, current)
    // An excused violation keeps its record quiet for that rule: no clock, no notice, while the finding stands.
    const excused = new Set(open.filter((violation) => violation.excusedAt).map((violation) => keyOf(violation.ruleId, violation.variant)))
    const decided = pass.findings.filter((found) => {
      if (!found.finding.undecided) return true
      plan.steps.push({ op: 'journal', kind: 'rule.undecided', detail: { ruleId: found.ruleId, entity, entityId: id, why: found.finding.undecided.ru } })
      return false
    })
    const found = new Map(decided.map((item) => [keyOf(item.ruleId, item.finding.variant), item]))
    for (const violation of open) {
      if (!pass.applicable.includes(violation.ruleId as RuleId) || found.has(keyOf(violation.ruleId, violation.variant))) continue
      this.#resolve(violation, complies(pass, violation.ruleId))
    }
    for (const clock of clocks) {
      const still = excused.has(keyOf(clock.ruleId, clock.variant)) ? undefined : found.get(keyOf(clock.ruleId, clock.variant))
      // Another clock of the same rule takes over (a new responsible, a new planned step): this one was restarted.
      const successor = decided.some((item) => item.ruleId === clock.ruleId && item.finding.clock)
      if (still?.finding.clock) this.#keep(current, { ref: { id: clock.id }, clock: { ...clock } }, still)
      else if (successor && !clock.breachedAt) this.#stop(clock, 'restarted')
      else if (pass.applicable.includes(clock.ruleId as RuleId)) this.#stop(clock, complies(pass, clock.ruleId))
    }
    const openKeys = new Set(open.map((violation) => keyOf(violation.ruleId, violation.variant)))
    const running = new Set(clocks.map((clock) => keyOf(clock.ruleId, clock.variant)))
    // A closed record the install's audit brought in (its history window) is past: what it broke is recorded, nobody
    // is told, and no clock starts that would later send messages about a record long closed.
    const past = input.arrival.audit && isClosed(entity, current)
    for (const [key, item] of found) {
      if (item.finding.clock) {
        if (!past && !running.has(key) && !excused.has(key)) this.#startClock(current, item)
      } else if (!openKeys.has(key)) {
        this.#openViolation(current, item, !past)
      }
    }
  }

  // A clock the rule still asks for: paused or resumed as the rule says, then its due steps taken.
  #keep(record: Snapshot, state: ClockState, found: RuledFinding): void {
    const { clock } = state
    const paused = found.finding.clock?.paused === true
    const now = this.input.now
    if (paused && !clock.pausedAt) {
      this.plan.steps.push({ op: 'clock.update', clock: state.ref, change: { pausedAt: now.toISOString(), nextAt: null } })
      return
    }
    if (paused) return
    if (clock.pausedAt) {
      const resumed = resumeClock(clock, clock.pausedAt, now, this.#calendar(clock.basis))
      const pauses = [...clock.pauses, { from: clock.pausedAt, to: now.toISOString() }]
      Object.assign(clock, { dueAt: resumed.dueAt, steps: resumed.steps, pausedAt: null, pausedMs: clock.pausedMs + resumed.pausedMs, pauses })
      this.plan.steps.push({ op: 'clock.update', clock: state.ref, change: { dueAt: clock.dueAt, steps: clock.steps, pausedAt: null, pausedMs: clock.pausedMs, pauses, nextAt: nextStepAt(clock.steps) } })
    }
    this.#step(record, state, found, false)
  }

  #startClock(record: Snapshot, found: RuledFinding): void {
    const { input } = this
    const { now, entity, id, arrival } = input
    const demand = found.finding.clock!
    const startedAt = startOf(demand, now)
    const timing = planClock(demand, startedAt, this.#calendar(demand.basis))
    const paused = demand.paused === true
    const fields = {
      ruleId: found.ruleId, ruleVersion: found.ruleVersion, entity, entityId: id, variant: found.finding.variant,
      responsibleId: found.finding.responsibleId, warnTo: [...(demand.warnTo ?? [])], basis: demand.basis, startedAt,
      dueAt: timing.dueAt, steps: timing.steps, nextAt: paused ? null : nextStepAt(timing.steps), pausedAt: paused ? now.toISOString() : null,
      audit: arrival.audit, eventAt: arrival.eventAt,
    }
    const ref = this.#ref('c')
    this.plan.steps.push({ op: 'clock.start', ref, clock: fields, journal: { ruleId: found.ruleId, entity, entityId: id, startedAt, dueAt: timing.dueAt } })
    if (paused) return
    const clock: ClockState['clock'] = Object.assign({}, fields, {
      memberId: input.portal.memberId, pausedMs: 0, pauses: [], createdAt: now.toISOString(), breachedAt: null, violationId: null,
      stoppedAt: null, outcome: null, elapsedMs: null, told: [],
    })
    // Steps already past when the clock starts: taken now, silently when the install's audit found them.
    this.#step(record, { ref: { ref }, clock }, found, arrival.audit)
  }

  // Takes the clock's due steps in order. When a breach is due with warnings, the warnings are past use and only recorded.
  #step(record: Snapshot, state: ClockState, found: RuledFinding, silent: boolean): void {
    const { now } = this.input
    const { clock } = state
    const due = dueSteps(clock.steps, now)
    if (due.length === 0) return
    const quiet = silent || found.mode === 'report'
    const late = due.some((index) => clock.steps[index]!.kind !== 'warning')
    const steps = clock.steps.map((step) => ({ ...step }))
    const told = [...clock.told]
    const change: ClockUpdate = { steps, told }
    let violation: ViolationRef | null = clock.violationId === null ? null : { id: clock.violationId }
    for (const index of due) {
      const step = steps[index]!
      step.doneAt = now.toISOString()
      const tell = (userIds: string[]) => told.push(...userIds.map((userId) => ({ step: index, userId, at: now.toISOString() })))
      if (step.kind === 'warning') {
        if (quiet || late) step.silent = true
        else tell(this.#tell.warn(record, state, found, index))
      } else if (step.kind === 'breach') {
        // With warnings sent before, the breach goes up the ladder; without, the responsible hears of it now.
        const hadWarnings = clock.steps.some((other) => other.kind === 'warning')
        // A violation already open for it (opened before clocks took over) stands; its people were told then.
        const standing = this.#open.find((v) => v.ruleId === clock.ruleId && v.variant === clock.variant)
        const loud = !quiet && !hadWarnings && !standing
        violation = standing?.ref ?? this.#openViolation(record, found, loud)
        change.violation = violation
        change.breachedAt = step.at
        if (quiet) step.silent = true
        else if (loud) tell([...(found.finding.recipients ?? (found.finding.responsibleId ? [found.finding.responsibleId] : []))])
      } else if (quiet) {
        step.silent = true
      } else {
        tell(this.#tell.escalate(record, state, step, found, change.violation !== undefined ? violation : clock.violationId === null ? null : { id: clock.violationId }))
      }
    }
    change.nextAt = nextStepAt(steps)
    Object.assign(clock, { steps, told, nextAt: change.nextAt }, change.breachedAt !== undefined ? { breachedAt: change.breachedAt } : {})
    this.plan.steps.push({ op: 'clock.update', clock: state.ref, change })
  }

  #stop(clock: Clock, reason: string): void {
    const outcome = reason === 'complies' ? (clock.breachedAt ? 'late' : 'met') : reason
    const elapsed = elapsedWorkingMs(clock.startedAt, this.input.now, clock.pausedMs, this.#calendar(clock.basis))
    this.plan.steps.push({ op: 'clock.stop', id: clock.id, outcome, elapsedMs: elapsed, journal: { clockId: clock.id, ruleId: clock.ruleId, outcome, elapsedMs: Math.round(elapsed) } })
  }

  // A violation opens; `loud` says whether its people hear of it now (the responsible, the other records' responsibles).
  #openViolation(record: Snapshot, found: RuledFinding, loud: boolean): ViolationRef {
    const { entity, id } = this.input
    const { finding, mode } = found
    const ref = this.#ref('v')
    this.plan.steps.push({
      op: 'violation.open', ref,
      violation: { ruleId: found.ruleId, ruleVersion: found.ruleVersion, entity, entityId: id, variant: finding.variant, responsibleId: finding.responsibleId, message: { problem: finding.problem, todo: finding.todo } },
      journal: { ruleId: found.ruleId, entity, entityId: id, variant: finding.variant, mode, problem: finding.problem.ru },
    })
    this.#open.push({ ref: { ref }, ruleId: found.ruleId, variant: finding.variant })
    if (mode !== 'report' && loud) this.#tell.opened(record, found, { ref })
    return { ref }
  }

  #resolve(violation: Violation, resolution: string): void {
    this.plan.steps.push({ op: 'violation.resolve', id: violation.id, resolution, journal: { violationId: violation.id, ruleId: violation.ruleId, resolution } })
    const index = this.#open.findIndex((open) => 'id' in open.ref && open.ref.id === violation.id)
    if (index >= 0) this.#open.splice(index, 1)
  }

  #calendar(basis: Clock['basis']) {
    return timeFor(this.input.calendar, basis)
  }

  #ref(prefix: string): string {
    this.#refs += 1
    return `${this.scope}${prefix}${this.#refs}`
  }
}

/** The steps of a plan of one kind (tests and the store read plans by kind). */
export function stepsOf<K extends PlanStep['op']>(plan: Plan, op: K): Array<Extract<PlanStep, { op: K }>> {
  return plan.steps.filter((step): step is Extract<PlanStep, { op: K }> => step.op === op)
}

// Why a rule no longer finds what it found: the record complies, or the rule no longer looks at it (off, out of scope).
function complies(pass: Pass, ruleId: string): string {
  return pass.checked.includes(ruleId as RuleId) ? 'complies' : 'no longer applies'
}

// A lead or deal won, lost or converted, a task completed or declined: nothing more is owed on it.
function isClosed(entity: Entity, record: Snapshot): boolean {
  if (entity === 'task') return isTaskClosed(record)
  return !isOpen(entity, record)
}
