// Digest folding as a pure function: past a recipient's budget, a planned notice is folded into their digest of its
// priority instead of going on its own. The budgets are what reached each recipient within the window, read before.
import type { Budget, DigestPayload, DigestRef, NoticePriority, Plan, PlanStep } from '../store/plan.js'

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
export function fold(plan: Plan, budgets: ReadonlyMap<string, Budget>, policy: FoldPolicy, now: Date, planned: Planned = () => false): Plan {
  return foldEach([{ plan, now }], budgets, policy, planned)[0]!
}

/**
 * Folds plans that land together (one store call), in order, as fold() would fold each after the ones before it had
 * landed: a recipient's budget counts the notices of the plans before, and a digest one of them opened is joined by its
 * key. Budgets are copied, not changed.
 */
export function foldEach(items: ReadonlyArray<{ plan: Plan; now: Date }>, budgets: ReadonlyMap<string, Budget>, policy: FoldPolicy, planned: Planned = () => false): Plan[] {
  const ledgers = new Map<string, Ledger>()
  const ledgerOf = (userId: string): Ledger => {
    let ledger = ledgers.get(userId)
    if (!ledger) {
      const stored = budgets.get(userId)
      const open: Ledger['open'] = {}
      for (const [priority, digest] of Object.entries(stored?.open ?? {}) as Array<[NoticePriority, { id: number; payload: DigestPayload }]>) {
        open[priority] = { digest: { id: digest.id }, payload: digest.payload }
      }
      ledger = { n: stored?.n ?? 0, digests: stored?.digests ?? 0, oldest: stored?.oldest ?? null, open }
      ledgers.set(userId, ledger)
    }
    return ledger
  }
  return items.map(({ plan, now }) => foldOne(plan, ledgerOf, policy, now, planned))
}

type Planned = (step: Extract<PlanStep, { op: 'notice' }>) => boolean

// A recipient's budget as the folding goes: their digests open per priority, stored (`id`), opened by the plan being
// folded (`ref`) or by one before it (`key`).
interface Ledger {
  n: number
  digests: number
  oldest: string | null
  open: Partial<Record<NoticePriority, { digest: DigestRef; payload: DigestPayload }>>
}

function foldOne(plan: Plan, ledgerOf: (userId: string) => Ledger, policy: FoldPolicy, now: Date, planned: Planned): Plan {
  const at = now.toISOString()
  const opened: Array<{ budget: Ledger; priority: NoticePriority; key: string }> = []
  const steps: PlanStep[] = []
  for (const step of plan.steps) {
    if (step.op !== 'notice') {
      steps.push(step)
      continue
    }
    if (planned(step)) continue
    const { userId, priority } = step.payload
    const budget = ledgerOf(userId)
    if (budget.n < policy.limit && budget.digests === 0) {
      steps.push({ op: 'notice.send', key: step.key, payload: step.payload })
      budget.n += 1
      budget.oldest ??= at
      continue
    }
    const open = budget.open[priority]
    if (open) {
      const payload = withLine(open.payload, step.payload.line)
      budget.open[priority] = { digest: open.digest, payload }
      steps.push({ op: 'digest.update', digest: open.digest, payload }, { op: 'notice.fold', key: step.key, payload: step.payload, digest: open.digest })
      continue
    }
    // Ordinary notices wait for the window to let a message through; warnings and escalations go after a short gathering.
    const due = new Date(priority === 'notice' ? Date.parse(budget.oldest ?? at) + policy.windowMs : now.getTime() + Math.min(GATHER_MS, policy.windowMs)).toISOString()
    const words = policy.words(priority)
    const payload = withLine({ userId, digest: true, heading: words.heading, more: words.more, lines: [], message: '', then: [] }, step.payload.line)
    const ref = `d${opened.length + 1}`
    const key = `digest:${userId}:${DIGEST_KINDS[priority]}${at}`
    const notBefore = step.payload.notBefore !== null && step.payload.notBefore > due ? step.payload.notBefore : due
    steps.push({ op: 'digest.open', ref, key, priority, payload, notBefore })
    steps.push({ op: 'notice.fold', key: step.key, payload: step.payload, digest: { ref } })
    budget.open[priority] = { digest: { ref }, payload }
    opened.push({ budget, priority, key })
    budget.n += 1
    budget.digests += 1
    budget.oldest ??= at
  }
  // The plans after this one know its digests by their keys (its refs are its own).
  for (const { budget, priority, key } of opened) budget.open[priority] = { digest: { key }, payload: budget.open[priority]!.payload }
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
