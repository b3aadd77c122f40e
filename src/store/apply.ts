// store.apply(plan): one transaction that carries out a decision's steps in order, idempotent by keys (an action,
// a digest, a running clock or an open violation already there is not made twice; stops and resolves hold once).
import type { ClockRef, DigestRef, FollowUp, Plan, PlannedFollowUp, PlanStep, ViolationRef } from '../enforce/plan.js'
import { keyText } from '../enforce/plan.js'
import type { ActionRepo } from './actions.js'
import type { ClockChange, ClockRepo } from './clocks.js'
import type { ContactKeyRepo } from './contact-keys.js'
import type { JournalRepo } from './journal.js'
import type { ViolationRepo } from './violations.js'

/** The repositories a plan writes to. */
export interface PlanTargets {
  actions: ActionRepo
  clocks: ClockRepo
  violations: ViolationRepo
  journal: JournalRepo
  contactKeys: ContactKeyRepo
}

/** Applies a plan's steps in order (the caller holds the transaction). */
export function applyPlan(repos: PlanTargets, plan: Plan): void {
  const { memberId } = plan
  const violations = new Map<string, number>()
  const clocks = new Map<string, number>()
  const digests = new Map<string, number>()
  const violationId = (ref: ViolationRef | null | undefined): number | undefined => (!ref ? undefined : 'id' in ref ? ref.id : violations.get(ref.ref))
  const clockId = (ref: ClockRef): number | undefined => ('id' in ref ? ref.id : clocks.get(ref.ref))
  const digestId = (ref: DigestRef): number | undefined => ('id' in ref ? ref.id : digests.get(ref.ref))
  const ids = { violation: violationId, clock: clockId }
  const keyOf = (step: { key: Parameters<typeof keyText>[0] }): string => {
    const key = keyText(step.key, ids)
    if (key === undefined) throw new Error(`plan for ${memberId}: a key names a violation or clock the plan did not make`)
    return key
  }
  // What follows an action once sent, with the plan's refs turned into ids (stored with the action as `then`).
  const followUps = (then: readonly PlannedFollowUp[]): FollowUp[] => then.map((next): FollowUp => {
    if (next.op === 'journal') return { op: 'journal', kind: next.kind, detail: 'violation' in next ? { violationId: violationId(next.violation) ?? 0, ...next.detail } : next.detail }
    if (next.op === 'violation.resolve') return { op: 'violation.resolve', id: violationId(next.violation) ?? 0, resolution: next.resolution }
    const { kind, violation, then: after, ...payload } = next.payload
    return { op: 'action', key: keyOf(next), kind, priority: next.priority, payload: { violationId: violationId(violation) ?? 0, ...payload, then: followUps(after) } }
  })
  for (const step of plan.steps) {
    switch (step.op) {
      case 'keys.replace':
        repos.contactKeys.replace(memberId, step.entity, step.entityId, step.keys)
        break
      case 'violation.open': {
        const { id, opened } = repos.violations.openOnce(memberId, step.violation)
        violations.set(step.ref, id)
        if (opened) repos.journal.append(memberId, 'violation.opened', { violationId: id, ...step.journal })
        break
      }
      case 'violation.resolve':
        if (repos.violations.resolve(step.id, step.resolution)) repos.journal.append(memberId, 'violation.resolved', step.journal)
        break
      case 'violation.escalated': {
        const id = violationId(step.violation) ?? 0
        repos.violations.markEscalated(id)
        repos.journal.append(memberId, 'violation.escalated', { violationId: id, ...step.journal })
        break
      }
      case 'violation.excuse':
        if (repos.violations.excuse(step.id, step.userId, step.reason)) repos.journal.append(memberId, 'violation.excused', step.journal)
        break
      case 'clock.start': {
        const { id, started } = repos.clocks.start(memberId, step.clock)
        clocks.set(step.ref, id)
        if (started) repos.journal.append(memberId, 'clock.started', { clockId: id, ...step.journal })
        break
      }
      case 'clock.update': {
        const id = clockId(step.clock)
        if (id === undefined) throw new Error(`plan for ${memberId}: an update of a clock the plan did not start`)
        const { violation, ...rest } = step.change
        const change: ClockChange = { ...rest }
        if (violation !== undefined) change.violationId = violationId(violation) ?? null
        repos.clocks.update(id, change)
        break
      }
      case 'clock.stop':
        if (repos.clocks.stop(step.id, step.outcome, step.elapsedMs)) repos.journal.append(memberId, 'clock.stopped', step.journal)
        break
      case 'journal':
        repos.journal.append(memberId, step.kind, 'violation' in step ? { violationId: violationId(step.violation) ?? 0, ...step.detail } : step.detail)
        break
      case 'action': {
        const { kind, violation, then, ...payload } = step.payload
        repos.actions.plan(memberId, keyOf(step), kind, { violationId: violationId(violation) ?? 0, ...payload, then: followUps(then) }, step.priority)
        break
      }
      case 'notice.send':
      case 'notice.fold': {
        const { userId, message, line, violation, priority, notBefore, then } = step.payload
        const folded = step.op === 'notice.fold'
        // A folded notice is told inside its digest: what follows is the digest's.
        const payload = { userId, message, violationId: violationId(violation) ?? 0, ...(folded ? { line } : { then: followUps(then) }) }
        repos.actions.addMessage(memberId, {
          key: keyOf(step), payload, priority, recipient: userId, state: folded ? 'folded' : 'pending', notBefore,
          digestId: step.op === 'notice.fold' ? digestOf(digestId(step.digest)) : null,
        })
        break
      }
      case 'digest.open': {
        const id = repos.actions.addMessage(memberId, { key: step.key, payload: step.payload, priority: step.priority, recipient: step.payload.userId, state: 'pending', notBefore: step.notBefore, digestId: null })
        digests.set(step.ref, id ?? repos.actions.idOf(memberId, step.key)!)
        break
      }
      case 'digest.update':
        repos.actions.updateDigest(digestOf(digestId(step.digest)), step.payload)
        break
      case 'notice':
        throw new Error('a plan is folded before it is applied (enforce/digest.ts fold)')
      default:
        unreachable(step)
    }
  }
}

function digestOf(id: number | undefined): number {
  if (id === undefined) throw new Error('a notice folds into a digest the plan did not open')
  return id
}

function unreachable(step: never): never {
  throw new Error(`unknown plan step ${(step as PlanStep).op}`)
}
