// store.apply(plan): one transaction that carries out a decision's steps in order, idempotent by keys (an action,
// a digest, a running clock or an open violation already there is not made twice; stops and resolves hold once).
import type { ActionKey, ClockRef, DigestRef, FollowUp, Plan, PlannedFollowUp, PlanStep, ViolationRef } from './plan.js'
import { keyText } from './plan.js'
import { ask, runNow, type Either, type Steps } from './steps.js'
import type { ActionRepo } from './actions.js'
import type { ClockChange, ClockRepo } from './clocks.js'
import type { ContactKeyRepo } from './contact-keys.js'
import type { JournalRepo } from './journal.js'
import type { RobotCallRepo, RobotSetupRepo } from './robot-calls.js'
import type { ViolationRepo } from './violations.js'

/** The repositories a plan writes to, answering at once (SQLite) or with promises (PostgreSQL). */
export interface PlanTargets {
  actions: Either<ActionRepo>
  clocks: Either<ClockRepo>
  violations: Either<ViolationRepo>
  journal: Either<JournalRepo>
  contactKeys: Either<ContactKeyRepo>
  robotCalls: Either<RobotCallRepo>
  robotSetups: Either<RobotSetupRepo>
}

/** A plan's steps in order as store work, for either adapter (the caller holds the transaction). */
export function planSteps(repos: PlanTargets, plan: Plan): Steps<void> {
  return new PlanApplier(repos, plan.memberId).apply(plan.steps)
}

/** Applies a plan's steps in order on synchronous repositories (the caller holds the transaction). */
export function applyPlan(repos: PlanTargets, plan: Plan): void {
  runNow(planSteps(repos, plan))
}

// One plan's application: the ids its refs got, as it goes.
class PlanApplier {
  readonly #violations = new Map<string, number>()
  readonly #clocks = new Map<string, number>()
  readonly #digests = new Map<string, number>()

  constructor(private readonly repos: PlanTargets, private readonly memberId: string) {}

  *apply(steps: readonly PlanStep[]): Steps<void> {
    const { repos, memberId } = this
    for (const step of steps) {
      switch (step.op) {
        case 'keys.replace':
          yield* ask(repos.contactKeys.replace(memberId, step.entity, step.entityId, step.keys))
          break
        case 'violation.open': {
          const { id, opened } = yield* ask(repos.violations.openOnce(memberId, step.violation))
          this.#violations.set(step.ref, id)
          if (opened) yield* ask(repos.journal.append(memberId, 'violation.opened', { violationId: id, ...step.journal }))
          break
        }
        case 'violation.resolve':
          if (yield* ask(repos.violations.resolve(step.id, step.resolution))) yield* ask(repos.journal.append(memberId, 'violation.resolved', step.journal))
          break
        case 'violation.escalated': {
          const id = this.violation(step.violation) ?? 0
          yield* ask(repos.violations.markEscalated(id))
          yield* ask(repos.journal.append(memberId, 'violation.escalated', { violationId: id, ...step.journal }))
          break
        }
        case 'violation.excuse':
          if (yield* ask(repos.violations.excuse(step.id, step.userId, step.reason))) yield* ask(repos.journal.append(memberId, 'violation.excused', step.journal))
          break
        case 'clock.start': {
          const { id, started } = yield* ask(repos.clocks.start(memberId, step.clock))
          this.#clocks.set(step.ref, id)
          if (started) yield* ask(repos.journal.append(memberId, 'clock.started', { clockId: id, ...step.journal }))
          break
        }
        case 'clock.update': {
          const id = this.clock(step.clock)
          if (id === undefined) throw new Error(`plan for ${memberId}: an update of a clock the plan did not start`)
          const { violation, ...rest } = step.change
          const change: ClockChange = { ...rest }
          if (violation !== undefined) change.violationId = this.violation(violation) ?? null
          yield* ask(repos.clocks.update(id, change))
          break
        }
        case 'clock.stop':
          if (yield* ask(repos.clocks.stop(step.id, step.outcome, step.elapsedMs))) yield* ask(repos.journal.append(memberId, 'clock.stopped', step.journal))
          break
        case 'journal':
          yield* ask(repos.journal.append(memberId, step.kind, 'violation' in step ? { violationId: this.violation(step.violation) ?? 0, ...step.detail } : step.detail))
          break
        case 'action': {
          if (step.payload.kind === 'answer') {
            const { kind, notBefore, then, ...answer } = step.payload
            yield* ask(repos.actions.plan(memberId, this.keyOf(step.key), kind, { ...answer, then: this.followUps(then) }, step.priority, notBefore))
            break
          }
          const { kind, violation, then, ...payload } = step.payload
          yield* ask(repos.actions.plan(memberId, this.keyOf(step.key), kind, { violationId: this.violation(violation) ?? 0, ...payload, then: this.followUps(then) }, step.priority))
          break
        }
        case 'notice.send':
        case 'notice.fold': {
          const { userId, message, line, violation, priority, notBefore, then } = step.payload
          const folded = step.op === 'notice.fold'
          // A folded notice is told inside its digest: what follows is the digest's.
          const payload = { userId, message, violationId: this.violation(violation) ?? 0, ...(folded ? { line } : { then: this.followUps(then) }) }
          yield* ask(repos.actions.addMessage(memberId, {
            key: this.keyOf(step.key), payload, priority, recipient: userId, state: folded ? 'folded' : 'pending', notBefore,
            digestId: step.op === 'notice.fold' ? yield* this.digestId(step.digest) : null,
          }))
          break
        }
        case 'digest.open': {
          const id = yield* ask(repos.actions.addMessage(memberId, { key: step.key, payload: step.payload, priority: step.priority, recipient: step.payload.userId, state: 'pending', notBefore: step.notBefore, digestId: null }))
          this.#digests.set(step.ref, id ?? (yield* ask(repos.actions.idOf(memberId, step.key)))!)
          break
        }
        case 'digest.update':
          yield* ask(repos.actions.updateDigest(yield* this.digestId(step.digest), step.payload))
          break
        case 'robot.decided':
          yield* ask(repos.robotCalls.decided(memberId, step.decision))
          break
        case 'robots.setUp':
          yield* ask(repos.robotSetups.set(memberId, step.setup))
          break
        case 'notice':
          throw new Error('a plan is folded before it is applied (enforce/digest.ts fold)')
        default:
          unreachable(step)
      }
    }
  }

  violation(ref: ViolationRef | null | undefined): number | undefined {
    if (!ref) return undefined
    return 'id' in ref ? ref.id : this.#violations.get(ref.ref)
  }

  clock(ref: ClockRef): number | undefined {
    return 'id' in ref ? ref.id : this.#clocks.get(ref.ref)
  }

  *digestId(ref: DigestRef): Steps<number> {
    let id: number | undefined
    if ('id' in ref) id = ref.id
    else if ('ref' in ref) id = this.#digests.get(ref.ref)
    else id = yield* ask(this.repos.actions.idOf(this.memberId, ref.key))
    if (id === undefined) throw new Error('a notice folds into a digest neither stored nor opened by the plan or one before it')
    return id
  }

  keyOf(key: ActionKey): string {
    const text = keyText(key, this)
    if (text === undefined) throw new Error(`plan for ${this.memberId}: a key names a violation or clock the plan did not make`)
    return text
  }

  // What follows an action once sent, with the plan's refs turned into ids (stored with the action as `then`).
  followUps(then: readonly PlannedFollowUp[]): FollowUp[] {
    return then.map((next): FollowUp => {
      if (next.op === 'journal') return { op: 'journal', kind: next.kind, detail: 'violation' in next ? { violationId: this.violation(next.violation) ?? 0, ...next.detail } : next.detail }
      if (next.op === 'violation.resolve') return { op: 'violation.resolve', id: this.violation(next.violation) ?? 0, resolution: next.resolution }
      const { kind, violation, then: after, ...payload } = next.payload
      return { op: 'action', key: this.keyOf(next.key), kind, priority: next.priority, payload: { violationId: this.violation(violation) ?? 0, ...payload, then: this.followUps(after) } }
    })
  }
}

function unreachable(step: never): never {
  throw new Error(`unknown plan step ${(step as PlanStep).op}`)
}
