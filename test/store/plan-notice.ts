// Plans one notice the way the rules stage does (decide's notice, folded against the recipient's budget, applied).
import { fold } from '../../src/enforce/digest.js'
import { actionKey, type NoticePriority, type Plan } from '../../src/store/plan.js'
import type { StorePort } from '../../src/store/port.js'

/** Plans `notice` for its recipient under `policy`; true when something was planned (false for a key already planned). */
export async function planNotice(store: StorePort, memberId: string, notice: { key: string; userId: string; message: string; line: string; violationId: number; priority?: NoticePriority },
  policy: { limit: number; windowMs: number; heading: string; more: string }, now: Date): Promise<boolean> {
  const plan: Plan = { memberId, unknownUsers: [], steps: [{
    op: 'notice', key: actionKey({ text: notice.key }),
    payload: { kind: 'notify', userId: notice.userId, message: notice.message, line: notice.line, violation: { id: notice.violationId }, priority: notice.priority ?? 'notice', notBefore: null, then: [] },
  }] }
  const words = { heading: policy.heading, more: policy.more }
  const planned = await store.actions.planned(memberId, notice.key)
  const folded = fold(plan, await store.actions.budgets(memberId, new Map([[notice.userId, 1]]), policy), { ...policy, words: () => words }, now,
    () => planned)
  await store.apply(folded)
  return folded.steps.length > 0
}
