// The outbox of side effects (notifications, digests, fixes, timeline comments): written by store.apply(plan), sent
// afterwards; the key makes each one happen once however often it is planned. Folding policy lives in enforce/digest.ts.
import type { Budget, DigestPayload } from './plan.js'
import type { Db } from './db.js'
import { ask, runNow, type Steps } from './steps.js'

export const ACTION_KINDS = ['notify', 'fix', 'comment', 'answer'] as const
export type ActionKind = (typeof ACTION_KINDS)[number]

/** The order the outbox sends in, lowest first: a fix or a deadline never waits behind ordinary notices. */
export const PRIORITY = { fix: 0, deadline: 1, warning: 2, notice: 3 } as const
export type Priority = keyof typeof PRIORITY
const NOTICE_PRIORITIES = ['notice', 'warning', 'deadline'] as const

/** Without a word from the planner: a fix goes first, anything else as a notice. */
export function defaultPriority(kind: ActionKind): Priority {
  return kind === 'fix' ? 'fix' : 'notice'
}

// The longest a planned message waits for its send (quiet time over a long weekend).
const WAIT_HORIZON_MS = 7 * 86_400_000
/** Digests' keys start so (enforce/digest.ts names them). */
export const DIGEST_PREFIX = 'digest:'

/** What a store reads for one recipient's budget: their messages within the window, and their digests still waiting. */
export interface BudgetReads {
  /** Messages created after `createdAfter` that went out (or were planned) after `since` (ISO both). */
  inWindow(userId: string, createdAfter: string, since: string): { n: number; digests: number; oldest: string | null } | undefined | Promise<{ n: number; digests: number; oldest: string | null } | undefined>
  /** Their digests still waiting, newest first. */
  openDigests(userId: string): Array<{ id: number; payload: string; priority: number }> | Promise<Array<{ id: number; payload: string; priority: number }>>
}

/** Each recipient's budget (ActionRepo.budgets), from what a store reads. */
export function* budgetSteps(reads: BudgetReads, notices: ReadonlyMap<string, number>, policy: { limit: number; windowMs: number }, now: Date): Steps<Map<string, Budget>> {
  const since = now.getTime() - policy.windowMs
  const budgets = new Map<string, Budget>()
  for (const [userId, count] of notices) {
    // The created_at bound keeps to the index: nothing waits for its send longer than a week.
    const recent = yield* ask(reads.inWindow(userId, new Date(since - WAIT_HORIZON_MS).toISOString(), new Date(since).toISOString()))
    const open: Budget['open'] = {}
    // Their `count` new notices all go on their own unless they pass the limit or a digest reached them: then the
    // digests they could join are read.
    const folds = (recent?.n ?? 0) + count > policy.limit || (recent?.digests ?? 0) > 0
    for (const digest of folds ? yield* ask(reads.openDigests(userId)) : []) {
      const priority = NOTICE_PRIORITIES.find((name) => PRIORITY[name] === digest.priority)
      if (priority && !open[priority]) open[priority] = { id: digest.id, payload: JSON.parse(digest.payload) as DigestPayload }
    }
    budgets.set(userId, { n: recent?.n ?? 0, digests: recent?.digests ?? 0, oldest: recent?.oldest ?? null, open })
  }
  return budgets
}

/** One side effect waiting to be sent or sent. */
export interface Action {
  id: number
  memberId: string
  key: string
  kind: ActionKind
  payload: Record<string, unknown>
  attempts: number
}

/** An actions row as both stores keep it. */
export interface ActionRow { id: number; member_id: string; key: string; kind: ActionKind; payload: string; attempts: number }

/** An actions row as the app sees it. */
export function rowToAction(row: ActionRow): Action {
  return { id: row.id, memberId: row.member_id, key: row.key, kind: row.kind, payload: JSON.parse(row.payload), attempts: row.attempts }
}

/** Plans, claims and settles actions. */
export class ActionRepo {
  readonly #plan
  readonly #due
  readonly #claim
  readonly #done
  readonly #retry
  readonly #failed
  readonly #interrupted
  readonly #requeue
  readonly #portalsWithWork
  readonly #nextRetry
  readonly #byState
  readonly #stats
  readonly #deletePortal
  readonly #exists
  readonly #inWindow
  readonly #openDigests
  readonly #insertNotice
  readonly #updatePayload
  readonly #noticesOf

  constructor(private readonly db: Db, private readonly now: () => Date) {
    this.#plan = db.prepare(`
      INSERT INTO actions (member_id, key, kind, payload, created_at, priority, not_before) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (member_id, key) DO NOTHING`)
    this.#due = db.prepare<[string, string, number], ActionRow>(`
      SELECT id, member_id, key, kind, payload, attempts FROM actions
      WHERE member_id = ? AND state = 'pending' AND coalesce(not_before, '') <= ?
      ORDER BY priority, id LIMIT ?`)
    this.#claim = db.prepare("UPDATE actions SET state = 'sending', attempts = attempts + 1 WHERE id = ?")
    this.#done = db.prepare("UPDATE actions SET state = 'done', done_at = ?, last_error = NULL WHERE id = ?")
    this.#retry = db.prepare("UPDATE actions SET state = 'pending', not_before = ?, last_error = ? WHERE id = ?")
    this.#failed = db.prepare("UPDATE actions SET state = 'failed', last_error = ? WHERE id = ?")
    this.#interrupted = db.prepare<[], ActionRow>("SELECT id, member_id, key, kind, payload, attempts FROM actions WHERE state = 'sending'")
    this.#requeue = db.prepare("UPDATE actions SET state = 'pending' WHERE id = ?")
    this.#portalsWithWork = db.prepare<[], { member_id: string }>("SELECT DISTINCT member_id FROM actions WHERE state = 'pending'")
    this.#nextRetry = db.prepare<[string], { at: string | null }>(
      "SELECT min(not_before) AS at FROM actions WHERE state = 'pending' AND not_before > ?",
    )
    this.#byState = db.prepare<[string, string], ActionRow>(
      'SELECT id, member_id, key, kind, payload, attempts FROM actions WHERE member_id = ? AND state = ? ORDER BY id',
    )
    this.#stats = db.prepare<[string], { pending: number | null; sending: number | null; failed: number | null }>(`
      SELECT sum(state = 'pending') AS pending, sum(state = 'sending') AS sending, sum(state = 'failed') AS failed
      FROM actions WHERE member_id = ?`)
    this.#deletePortal = db.prepare('DELETE FROM actions WHERE member_id = ?')
    this.#exists = db.prepare<[string, string], { id: number }>('SELECT id FROM actions WHERE member_id = ? AND key = ?')
    // What reached (or is about to reach) the recipient within the window, of every priority: notices on their own and
    // digests, each counted when it went out (or was planned, while it waits). The created_at bound keeps to the index:
    // nothing waits for its send longer than a week.
    this.#inWindow = db.prepare<[string, string, string, string], { n: number; digests: number; oldest: string | null }>(`
      SELECT count(*) AS n, coalesce(sum(key LIKE '${DIGEST_PREFIX}%'), 0) AS digests, min(coalesce(done_at, created_at)) AS oldest
      FROM actions WHERE member_id = ? AND recipient = ? AND created_at > ? AND coalesce(done_at, created_at) > ? AND state <> 'folded'`)
    // A recipient's digests still waiting, newest first (the newest of each priority is the one notices join). The
    // unary + keeps SQLite on the recipient's index rather than scanning every pending action of the portal.
    this.#openDigests = db.prepare<[string, string], { id: number; payload: string; priority: number }>(`
      SELECT id, payload, priority FROM actions WHERE member_id = ? AND recipient = ? AND key LIKE '${DIGEST_PREFIX}%' AND +state = 'pending'
      ORDER BY id DESC`)
    this.#insertNotice = db.prepare(`
      INSERT INTO actions (member_id, key, kind, payload, created_at, priority, recipient, state, not_before, digest_id)
      VALUES (@memberId, @key, 'notify', @payload, @createdAt, @priority, @recipient, @state, @notBefore, @digestId)
      ON CONFLICT (member_id, key) DO NOTHING`)
    this.#updatePayload = db.prepare('UPDATE actions SET payload = ? WHERE id = ?')
    // The ids arrive as one JSON array: one statement for any number of them (a statement per count would be kept for ever).
    this.#noticesOf = db.prepare<[string, string], { violation_id: number; recipient: string; state: string; at: string }>(`
      SELECT json_extract(payload, '$.violationId') AS violation_id, recipient, state, coalesce(done_at, created_at) AS at FROM actions
      WHERE member_id = ? AND kind = 'notify' AND recipient IS NOT NULL
        AND json_extract(payload, '$.violationId') IN (SELECT value FROM json_each(?))
      ORDER BY id`)
  }

  /**
   * What reached (or is about to reach) each recipient (with how many notices are planned for them now) within the
   * policy's window: messages of every priority, how many of them digests, the oldest, and — when folding may
   * happen — their digests still waiting per priority (digest folding decides from this).
   */
  budgets(memberId: string, notices: ReadonlyMap<string, number>, policy: { limit: number; windowMs: number }): Map<string, Budget> {
    return runNow(budgetSteps({
      inWindow: (userId, createdAfter, since) => this.#inWindow.get(memberId, userId, createdAfter, since),
      openDigests: (userId) => this.#openDigests.all(memberId, userId),
    }, notices, policy, this.now()))
  }

  /** Whether an action with this key is planned already. */
  planned(memberId: string, key: string): boolean {
    return this.#exists.get(memberId, key) !== undefined
  }

  /** The id of the action with this key, if planned. */
  idOf(memberId: string, key: string): number | undefined {
    return this.#exists.get(memberId, key)?.id
  }

  /** Adds a notice or a digest to a recipient's messages (`state` 'folded' with the digest it joined); returns its id, or undefined when its key is planned already. */
  addMessage(memberId: string, message: { key: string; payload: unknown; priority: Priority; recipient: string; state: 'pending' | 'folded'; notBefore: string | null; digestId: number | null }): number | undefined {
    const result = this.#insertNotice.run({
      memberId, key: message.key, payload: JSON.stringify(message.payload), createdAt: this.now().toISOString(), priority: PRIORITY[message.priority],
      recipient: message.recipient, state: message.state, notBefore: message.notBefore, digestId: message.digestId,
    })
    return result.changes === 1 ? Number(result.lastInsertRowid) : undefined
  }

  /** Rewrites a waiting digest's payload (a notice joined it). */
  updateDigest(id: number, payload: unknown): void {
    this.#updatePayload.run(JSON.stringify(payload), id)
  }

  /** How many of a portal's actions wait, are under way, or failed for good. */
  stats(memberId: string): { pending: number; sending: number; failed: number } {
    const row = this.#stats.get(memberId)
    return { pending: row?.pending ?? 0, sending: row?.sending ?? 0, failed: row?.failed ?? 0 }
  }

  /** Plans an action, not sent before `notBefore` (ISO) when given; a second plan with the same key is ignored. Returns true when it is new. */
  plan(memberId: string, key: string, kind: ActionKind, payload: Record<string, unknown>, priority: Priority = defaultPriority(kind), notBefore: string | null = null): boolean {
    return this.#plan.run(memberId, key, kind, JSON.stringify(payload), this.now().toISOString(), PRIORITY[priority], notBefore).changes === 1
  }

  /** Takes up to `limit` due actions of a portal, highest priority first (then oldest), and marks them as being sent. */
  claim(memberId: string, limit: number): Action[] {
    return this.db.transaction(() => {
      const rows = this.#due.all(memberId, this.now().toISOString(), limit)
      for (const row of rows) this.#claim.run(row.id)
      return rows.map((row) => ({ ...rowToAction(row), attempts: row.attempts + 1 }))
    })()
  }

  /** The action reached the portal. */
  done(id: number): void {
    this.#done.run(this.now().toISOString(), id)
  }

  /** Another attempt at `at`. */
  retry(id: number, error: string, at: Date): void {
    this.#retry.run(at.toISOString(), error, id)
  }

  /** Given up, with the reason. */
  fail(id: number, error: string): void {
    this.#failed.run(error, id)
  }

  /** Actions a crash left half-sent (all, or one portal's); `resend` decides per action whether to send again or give up. */
  recoverInterrupted(resend: (action: Action) => boolean, memberId?: string): Action[] {
    return this.db.transaction(() => {
      const interrupted = this.#interrupted.all().map(rowToAction).filter((action) => memberId === undefined || action.memberId === memberId)
      for (const action of interrupted) {
        if (resend(action)) this.#requeue.run(action.id)
        else this.#failed.run('interrupted by a restart; not sent again to avoid a duplicate', action.id)
      }
      return interrupted
    })()
  }

  /** Portals with actions to send. */
  portalsWithWork(): string[] {
    return this.#portalsWithWork.all().map((row) => row.member_id)
  }

  /** The earliest retry after `after` (default now), if any. */
  nextRetryAt(after: Date = this.now()): Date | undefined {
    const at = this.#nextRetry.get(after.toISOString())?.at
    return at ? new Date(at) : undefined
  }

  /** Who was told of these violations and when: each notice (sent, waiting, or folded into a digest), oldest first. */
  noticesOf(memberId: string, violationIds: readonly number[]): Array<{ violationId: number; userId: string; state: string; at: string }> {
    if (violationIds.length === 0) return []
    const rows = this.#noticesOf.all(memberId, JSON.stringify(violationIds))
    return rows.map((row) => ({ violationId: row.violation_id, userId: row.recipient, state: row.state, at: row.at }))
  }

  /** A portal's actions in one state, oldest first. */
  inState(memberId: string, state: 'pending' | 'sending' | 'done' | 'failed' | 'folded'): Action[] {
    return this.#byState.all(memberId, state).map(rowToAction)
  }

  /** Removes a portal's actions (uninstall with CLEAN=1). */
  deletePortal(memberId: string): void {
    this.#deletePortal.run(memberId)
  }
}
