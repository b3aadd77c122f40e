// store.settle(results): what the outbox sent, retries and gives up, in one transaction; a sent action's follow-ups
// (decided with it and stored as `then`) are applied here — the executor itself changes no violation and writes no text.
import type { FollowUp } from './plan.js'
import type { Action, ActionRepo } from './actions.js'
import type { JournalRepo } from './journal.js'
import type { ViolationRepo } from './violations.js'
import { ask, type Either, type Steps } from './steps.js'

/** What became of one action the executor tried to send. */
export type SendResult =
  | { action: Action; outcome: 'done'; then: readonly FollowUp[] }
  | { action: Action; outcome: 'retry'; error: string; at: Date }
  | { action: Action; outcome: 'failed'; error: string }

/** The repositories settling writes to, answering at once (SQLite) or with promises (PostgreSQL). */
export interface SettleTargets {
  actions: Either<ActionRepo>
  journal: Either<JournalRepo>
  violations: Either<ViolationRepo>
}

/** Settling sent actions as store work, for either adapter (the caller holds the transaction). */
export function* settleSteps(repos: SettleTargets, memberId: string, results: readonly SendResult[]): Steps<void> {
  for (const result of results) {
    const { action } = result
    if (result.outcome === 'retry') {
      yield* ask(repos.actions.retry(action.id, result.error, result.at))
      continue
    }
    if (result.outcome === 'failed') {
      yield* ask(repos.actions.fail(action.id, result.error))
      yield* ask(repos.journal.append(memberId, 'action.failed', { key: action.key, kind: action.kind, error: result.error }))
      continue
    }
    yield* ask(repos.actions.done(action.id))
    for (const next of result.then) {
      if (next.op === 'journal') yield* ask(repos.journal.append(memberId, next.kind, next.detail))
      else if (next.op === 'violation.resolve') yield* ask(repos.violations.resolve(next.id, next.resolution))
      else yield* ask(repos.actions.plan(memberId, next.key, next.kind, next.payload, next.priority))
    }
  }
}
