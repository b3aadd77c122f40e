// Plans one notice the way the rules stage does (decide's notice, folded against the recipient's budget, applied).
import { fold, foldEach } from '../../src/enforce/digest.js'
import { actionKey, type NoticePriority, type Plan } from '../../src/store/plan.js'
import type { StorePort } from '../../src/store/port.js'

type Notice = { key: string; userId: string; message: string; line: string; violationId: number; priority?: NoticePriority }
type Policy = { limit: number; windowMs: number; heading: string; more: string }

// A plan of one notice, as decide() leaves it.
function noticePlan(memberId: string, notice: Notice): Plan {
  return { memberId, unknownUsers: [], steps: [{
    op: 'notice', key: actionKey({ text: notice.key }),
    payload: { kind: 'notify', userId: notice.userId, message: notice.message, line: notice.line, violation: { id: notice.violationId }, priority: notice.priority ?? 'notice', notBefore: null, then: [] },
  }] }
}

/** Plans `notice` for its recipient under `policy`; true when something was planned (false for a key already planned). */
export async function planNotice(store: StorePort, memberId: string, notice: Notice, policy: Policy, now: Date): Promise<boolean> {
  const plan = noticePlan(memberId, notice)
  const words = { heading: policy.heading, more: policy.more }
  const planned = await store.actions.planned(memberId, notice.key)
  const folded = fold(plan, await store.actions.budgets(memberId, new Map([[notice.userId, 1]]), policy), { ...policy, words: () => words }, now,
    () => planned)
  await store.apply(folded)
  return folded.steps.length > 0
}

/** Plans each notice in a plan of its own, folded together and landed in one store call (as a due round); answers each plan's error. */
export async function planNoticesTogether(store: StorePort, memberId: string, notices: readonly Notice[], policy: Policy, now: Date): Promise<unknown[]> {
  const recipients = new Map<string, number>()
  for (const notice of notices) recipients.set(notice.userId, (recipients.get(notice.userId) ?? 0) + 1)
  const words = { heading: policy.heading, more: policy.more }
  const plans = foldEach(notices.map((notice) => ({ plan: noticePlan(memberId, notice), now })), await store.actions.budgets(memberId, recipients, policy), { ...policy, words: () => words })
  return store.applyEach(plans)
}
