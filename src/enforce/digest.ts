// Digest folding as a pure function: past a recipient's budget, a planned notice is folded into their digest of its
// priority instead of going on its own. The budgets are what reached each recipient within the window, read before.
import type { Budget, DigestPayload, NoticePriority, Plan, PlanStep } from '../store/plan.js'

/** The folding policy: the portal's limit and window, and the digest's words per priority in the portal's language. */
export interface FoldPolicy {
  limit: number
  windowMs: number
  words: (priority: NoticePriority) => { heading: string; more: string }
}

/** A digest lists this many notices and counts the rest (a messenger message should stay readable). */
export const DIGEST_LINES = 30
// A digest of warnings or escalations gathers what falls due with them this long (or the window, if shorter), then goes:
// they cannot wait for the window.
const GATHER_MS = 60_000
// Each priority's digest is its own message; the key says which.
const DIGEST_KINDS: Record<NoticePriority, string> = { deadline: 'escalations:', warning: 'warnings:', notice: '' }

/** The recipients of a plan's notices and how many each (whose budgets fold() needs). */
export function recipientsOf(plan: Plan): Map<string, number> {
  const recipients = new Map<string, number>()
  for (const step of plan.steps) if (step.op === 'notice') recipients.set(step.payload.userId, (recipients.get(step.payload.userId) ?? 0) + 1)
  return recipients
}

/**
 * Folds a plan's notices: one budget a person, whatever the kind. Within the limit and with no digest reaching them, a
 * notice is sent on its own; otherwise it joins their pending digest of its priority (opened if none: ordinary notices
 * go when the window lets one through, warnings and escalations after a short gathering). A notice whose key is already
 * planned (`planned` answers) is left out. Budgets are copied, not changed.
 */
export function fold(plan: Plan, budgets: ReadonlyMap<string, Budget>, policy: FoldPolicy, now: Date, planned: (step: Extract<PlanStep, { op: 'notice' }>) => boolean = () => false): Plan {
  const at = now.toISOString()
  const state = new Map<string, Budget>()
  const budgetOf = (userId: string): Budget => {
    let budget = state.get(userId)
    if (!budget) {
      const stored = budgets.get(userId)
      budget = { n: stored?.n ?? 0, digests: stored?.digests ?? 0, oldest: stored?.oldest ?? null, open: { ...stored?.open } }
      state.set(userId, budget)
    }
    return budget
  }
  const opened = new Map<string, { ref: string; payload: DigestPayload }>()
  let refs = 0
  const steps: PlanStep[] = []
  for (const step of plan.steps) {
    if (step.op !== 'notice') {
      steps.push(step)
      continue
    }
    if (planned(step)) continue
    const { userId, priority } = step.payload
    const budget = budgetOf(userId)
    if (budget.n < policy.limit && budget.digests === 0) {
      steps.push({ op: 'notice.send', key: step.key, payload: step.payload })
      budget.n += 1
      budget.oldest ??= at
      continue
    }
    const slot = `${userId}|${priority}`
    const open = opened.get(slot) ?? budget.open[priority]
    if (open) {
      const payload = withLine(open.payload, step.payload.line)
      const digest = 'id' in open ? { id: open.id } : { ref: open.ref }
      if ('id' in open) budget.open[priority] = { id: open.id, payload }
      else opened.set(slot, { ref: open.ref, payload })
      steps.push({ op: 'digest.update', digest, payload }, { op: 'notice.fold', key: step.key, payload: step.payload, digest })
      continue
    }
    // Ordinary notices wait for the window to let a message through; warnings and escalations go after a short gathering.
    const due = new Date(priority === 'notice' ? Date.parse(budget.oldest ?? at) + policy.windowMs : now.getTime() + Math.min(GATHER_MS, policy.windowMs)).toISOString()
    const words = policy.words(priority)
    const payload = withLine({ userId, digest: true, heading: words.heading, more: words.more, lines: [], message: '', then: [] }, step.payload.line)
    refs += 1
    const ref = `d${refs}`
    const notBefore = step.payload.notBefore !== null && step.payload.notBefore > due ? step.payload.notBefore : due
    steps.push({ op: 'digest.open', ref, key: `digest:${userId}:${DIGEST_KINDS[priority]}${at}`, priority, payload, notBefore })
    steps.push({ op: 'notice.fold', key: step.key, payload: step.payload, digest: { ref } })
    opened.set(slot, { ref, payload })
    budget.n += 1
    budget.digests += 1
    budget.oldest ??= at
  }
  return { ...plan, steps }
}

// The digest with one more line, its text rebuilt: its heading and the lines, the first few listed and the rest counted.
function withLine(digest: DigestPayload, line: string): DigestPayload {
  const lines = [...digest.lines, line]
  const listed = lines.slice(0, DIGEST_LINES)
  const rest = lines.length - listed.length
  const text = [digest.heading, ...listed]
  if (rest > 0) text.push(digest.more.replace('{n}', String(rest)))
  // Once sent, the journal keeps whom it told and how many notices it carried.
  return { ...digest, lines, message: text.join('\n'), then: [{ op: 'journal', kind: 'notified', detail: { userId: digest.userId, digest: lines.length } }] }
}
