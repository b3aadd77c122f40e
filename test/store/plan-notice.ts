// Plans one notice the way the rules stage does (decide's notice, folded against the recipient's budget, applied).
import { fold } from '../../src/enforce/digest.js'
import { actionKey, type NoticePriority, type Plan } from '../../src/store/plan.js'
import type { Store } from '../../src/store/index.js'

/** Plans `notice` for its recipient under `policy`; true when something was planned (false for a key already planned). */
export function planNotice(store: Store, memberId: string, notice: { key: string; userId: string; message: string; line: string; violationId: number; priority?: NoticePriority },
  policy: { limit: number; windowMs: number; heading: string; more: string }, now: Date): boolean {
  const plan: Plan = { memberId, unknownUsers: [], steps: [{
    op: 'notice', key: actionKey({ text: notice.key }),
    payload: { kind: 'notify', userId: notice.userId, message: notice.message, line: notice.line, violation: { id: notice.violationId }, priority: notice.priority ?? 'notice', notBefore: null, then: [] },
  }] }
  const words = { heading: policy.heading, more: policy.more }
  const folded = fold(plan, store.actions.budgets(memberId, new Map([[notice.userId, 1]]), policy), { ...policy, words: () => words }, now,
    () => store.actions.planned(memberId, notice.key))
  store.apply(folded)
  return folded.steps.length > 0
}
