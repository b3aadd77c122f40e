// A decision as plain data: what the store is to change for one record (or one excuse), in order, and what the hub
// is to tell once it has committed. decide() builds it, fold() folds its notices, store.apply() applies it. It is the
// store port's vocabulary (with the budgets the outbox answers), so it lives here: the store imports no layer above it.
import type { ClockStep } from '../../rules/clock.js'
import type { Text } from '../../rules/types.js'
import type { NewClock } from './clocks.js'
import type { RobotDecision, RobotSetup } from './robot-calls.js'
import type { NewViolation } from './violations.js'

/** A violation already stored (`id`) or one this plan opens (`ref`, resolved to its id when applied). */
export type ViolationRef = { id: number } | { ref: string }
/** A clock already stored, or one this plan starts. */
export type ClockRef = { id: number } | { ref: string }
/** A digest already waiting in the outbox, one this plan opens, or one an earlier plan of the same store call opened (its key). */
export type DigestRef = { id: number } | { ref: string } | { key: string }

/** An action's idempotency key: its owner (a violation, a clock, or a fixed text) and the parts after it. */
export interface ActionKey {
  owner: { violation: ViolationRef } | { clock: ClockRef } | { text: string }
  parts: ReadonlyArray<string | number>
}

/** The one helper that builds action keys: `v<violation id>:…`, `c<clock id>:…`, or a fixed text. */
export function actionKey(owner: ActionKey['owner'], ...parts: Array<string | number>): ActionKey {
  return { owner, parts }
}

/** The key as stored, once the plan's refs have ids (`ids` answers a ref; undefined while it has none). */
export function keyText(key: ActionKey, ids: { violation(ref: ViolationRef): number | undefined; clock(ref: ClockRef): number | undefined }): string | undefined {
  const { owner } = key
  let head: string
  if ('text' in owner) head = owner.text
  else if ('violation' in owner) {
    const id = ids.violation(owner.violation)
    if (id === undefined) return undefined
    head = `v${id}`
  } else {
    const id = ids.clock(owner.clock)
    if (id === undefined) return undefined
    head = `c${id}`
  }
  return [head, ...key.parts].join(':')
}

/** The outbox's order: a fix or a deadline never waits behind ordinary notices. */
export type Priority = 'fix' | 'deadline' | 'warning' | 'notice'
/** The priorities a notice can have. */
export type NoticePriority = 'notice' | 'warning' | 'deadline'

/** What follows an action once the portal took it, decided with the action (refs resolved when it is applied). */
export type PlannedFollowUp =
  | { op: 'journal'; kind: string; detail: Record<string, unknown>; violation?: ViolationRef | null }
  | { op: 'violation.resolve'; violation: ViolationRef; resolution: string }
  | { op: 'action'; key: ActionKey; payload: CommentPayload; priority: Priority }

/** A follow-up as stored with its action (`then`), applied by store.settle() once the action was sent. */
export type FollowUp =
  | { op: 'journal'; kind: string; detail: Record<string, unknown> }
  | { op: 'violation.resolve'; id: number; resolution: string }
  | { op: 'action'; key: string; kind: 'comment'; payload: Record<string, unknown>; priority: Priority }

/** A fix: only the changed fields of the record; once in the portal, its violation resolves and a comment follows. */
export interface FixPayload {
  kind: 'fix'
  /** Null for a fix a robot step asked for (no violation behind it). */
  violation: ViolationRef | null
  ruleId: string
  entity: string
  entityId: string
  fields: Record<string, unknown>
  describe: Text
  then: PlannedFollowUp[]
}

/** A timeline comment on a CRM record. */
export interface CommentPayload {
  kind: 'comment'
  violation: ViolationRef | null
  entity: string
  entityId: string
  comment: string
  then: PlannedFollowUp[]
}

/** A robot step's answer (bizproc.event.send), sent once per event_token, not before `notBefore` (a step that waits). */
export interface AnswerPayload {
  kind: 'answer'
  eventToken: string
  returnValues: Record<string, unknown>
  logMessage: string
  notBefore: string | null
  then: PlannedFollowUp[]
}

/** A notice (a violation's, a warning, an escalation) before folding: its message and its line in a digest. */
export interface NoticePayload {
  kind: 'notify'
  userId: string
  message: string
  line: string
  violation: ViolationRef | null
  priority: NoticePriority
  /** Not sent before this moment (quiet time); ISO. */
  notBefore: string | null
  then: PlannedFollowUp[]
}

/** A digest: one message listing the notices folded into it. */
export interface DigestPayload {
  userId: string
  digest: true
  heading: string
  more: string
  lines: string[]
  message: string
  then: FollowUp[]
}

/** One step of a plan; the store applies them in this order. */
export type PlanStep =
  | { op: 'keys.replace'; entity: string; entityId: string; keys: string[] }
  | { op: 'violation.open'; ref: string; violation: NewViolationData; journal: Record<string, unknown> }
  | { op: 'violation.resolve'; id: number; resolution: string; journal: Record<string, unknown> }
  | { op: 'violation.escalated'; violation: ViolationRef | null; journal: Record<string, unknown> }
  | { op: 'violation.excuse'; id: number; userId: string; reason: string; journal: Record<string, unknown> }
  | { op: 'clock.start'; ref: string; clock: NewClockData; journal: Record<string, unknown> }
  | { op: 'clock.update'; clock: ClockRef; change: ClockUpdate }
  | { op: 'clock.stop'; id: number; outcome: string; elapsedMs: number; journal: Record<string, unknown> }
  /** A journal entry of its own; `violation` puts the (resolved) violation id first in its detail. */
  | { op: 'journal'; kind: string; detail: Record<string, unknown>; violation?: ViolationRef | null }
  | { op: 'action'; key: ActionKey; payload: FixPayload | CommentPayload | AnswerPayload; priority: Priority }
  /** A robot call's decision: what it answers and when (the answer itself is an `action`). */
  | { op: 'robot.decided'; decision: RobotDecision }
  /** What registering the robots found on the portal (journalled with a `journal` step beside it). */
  | { op: 'robots.setUp'; setup: Omit<RobotSetup, 'checkedAt'> }
  /** A notice as decided; fold() turns it into `notice.send` or `notice.fold`. */
  | { op: 'notice'; key: ActionKey; payload: NoticePayload }
  | { op: 'notice.send'; key: ActionKey; payload: NoticePayload }
  | { op: 'notice.fold'; key: ActionKey; payload: NoticePayload; digest: DigestRef }
  | { op: 'digest.open'; ref: string; key: string; priority: NoticePriority; payload: DigestPayload; notBefore: string }
  | { op: 'digest.update'; digest: DigestRef; payload: DigestPayload }

/** A violation to open: the violations repository's own shape. */
export type NewViolationData = NewViolation

/** A clock to start: the clocks repository's own shape. */
export type NewClockData = NewClock

/** What a step, a pause or a resume changes on a running clock. */
export interface ClockUpdate {
  dueAt?: string
  steps?: ClockStep[]
  nextAt?: string | null
  pausedAt?: string | null
  pausedMs?: number
  pauses?: Array<{ from: string; to: string }>
  breachedAt?: string | null
  violation?: ViolationRef | null
  told?: Array<{ step: number; userId: string; at: string }>
}

/** One decision: a portal's steps in order, and the users the directory does not know yet (refreshed after commit). */
export interface Plan {
  memberId: string
  steps: PlanStep[]
  unknownUsers: string[]
}

/** What the hub is told once a plan has committed. */
export interface Announcements {
  actionsPlanned: boolean
  clocksChanged: boolean
  unknownUsers: string[]
}

/** What a plan will announce after commit. */
export function announcementsOf(plan: Plan): Announcements {
  return {
    actionsPlanned: plan.steps.some((step) => step.op === 'action' || step.op.startsWith('notice') || step.op.startsWith('digest')),
    clocksChanged: plan.steps.some((step) => step.op.startsWith('clock.')),
    unknownUsers: plan.unknownUsers,
  }
}

/** One recipient's recent messages: how many within the window, how many of them digests, the oldest, open digests. */
export interface Budget {
  n: number
  digests: number
  oldest: string | null
  /** Their digest still waiting to be sent, per priority. */
  open: Partial<Record<NoticePriority, { id: number; payload: DigestPayload }>>
}
