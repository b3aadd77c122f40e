// The outbox of side effects (notifications, fixes, timeline comments): planned in the rules' transaction,
// sent afterwards; the key makes each one happen once however often it is planned.
import type { Db } from './db.js'

export const ACTION_KINDS = ['notify', 'fix', 'comment'] as const
export type ActionKind = (typeof ACTION_KINDS)[number]

/** The order the outbox sends in, lowest first: a fix or a deadline never waits behind ordinary notices. */
export const PRIORITY = { fix: 0, deadline: 1, warning: 2, notice: 3 } as const
export type Priority = keyof typeof PRIORITY

// Without a word from the planner: a fix goes first, anything else as a notice.
function defaultPriority(kind: ActionKind): Priority {
  return kind === 'fix' ? 'fix' : 'notice'
}

/** How a notice is folded once its recipient has had enough: the digest's words, already in the portal's language. */
export interface DigestPolicy {
  limit: number
  windowMs: number
  heading: string
  /** The last line when more are folded than a message lists, with `{n}` for how many. */
  more: string
}

/** A notice to plan under a digest policy: its own message, and the line that stands for it in a digest. */
export interface PlannedNotice {
  key: string
  userId: string
  message: string
  line: string
  violationId: number
  /** 'deadline' for escalations, 'warning' before a deadline: sent before notices, counted and folded apart. Default 'notice'. */
  priority?: 'notice' | 'warning' | 'deadline'
  /** Not sent before this moment (quiet time: an ordinary notice waits for the recipient's working time). */
  notBefore?: Date | undefined
}

// A digest lists this many notices and counts the rest (a messenger message should stay readable).
const DIGEST_LINES = 30
const DIGEST_PREFIX = 'digest:'
// A digest of warnings or escalations gathers what falls due with them this long (or the window, if shorter), then goes:
// they cannot wait for the window.
const GATHER_MS = 60_000
// The longest a planned message waits for its send (quiet time over a long weekend).
const WAIT_HORIZON_MS = 7 * 86_400_000
// Each priority's digest is its own message; the key says which.
const DIGEST_KINDS: Record<number, string> = { [PRIORITY.deadline]: 'escalations:', [PRIORITY.warning]: 'warnings:' }

/** One side effect waiting to be sent or sent. */
export interface Action {
  id: number
  memberId: string
  key: string
  kind: ActionKind
  payload: Record<string, unknown>
  attempts: number
}

interface ActionRow { id: number; member_id: string; key: string; kind: ActionKind; payload: string; attempts: number }

function rowToAction(row: ActionRow): Action {
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
  readonly #openDigest
  readonly #insertNotice
  readonly #updatePayload
  readonly #noticesOf

  constructor(private readonly db: Db, private readonly now: () => Date) {
    this.#plan = db.prepare(`
      INSERT INTO actions (member_id, key, kind, payload, created_at, priority) VALUES (?, ?, ?, ?, ?, ?)
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
    this.#openDigest = db.prepare<[string, string, number], { id: number; payload: string }>(`
      SELECT id, payload FROM actions WHERE member_id = ? AND recipient = ? AND key LIKE '${DIGEST_PREFIX}%' AND state = 'pending'
        AND priority = ?
      ORDER BY id DESC LIMIT 1`)
    this.#insertNotice = db.prepare(`
      INSERT INTO actions (member_id, key, kind, payload, created_at, priority, recipient, state, not_before, digest_id)
      VALUES (@memberId, @key, 'notify', @payload, @createdAt, @priority, @recipient, @state, @notBefore, @digestId)`)
    this.#updatePayload = db.prepare('UPDATE actions SET payload = ? WHERE id = ?')
    // The ids arrive as one JSON array: one statement for any number of them (a statement per count would be kept for ever).
    this.#noticesOf = db.prepare<[string, string], { violation_id: number; recipient: string; state: string; at: string }>(`
      SELECT json_extract(payload, '$.violationId') AS violation_id, recipient, state, coalesce(done_at, created_at) AS at FROM actions
      WHERE member_id = ? AND kind = 'notify' AND recipient IS NOT NULL
        AND json_extract(payload, '$.violationId') IN (SELECT value FROM json_each(?))
      ORDER BY id`)
  }

  /**
   * Plans a notice; past `policy.limit` messages of any kind to its recipient within `policy.windowMs`, or while a digest
   * reached them within it, it is folded into the recipient's pending digest of its priority (one message listing them:
   * notices sent when the window lets one through, warnings and escalations after a short gathering). The key stays the
   * notice's: a second plan with it is ignored, folded or not. Returns true when it is new.
   */
  planNotice(memberId: string, notice: PlannedNotice, policy: DigestPolicy): boolean {
    return this.db.transaction(() => {
      if (this.#exists.get(memberId, notice.key)) return false
      const now = this.now()
      const createdAt = now.toISOString()
      const since = now.getTime() - policy.windowMs
      const priority = PRIORITY[notice.priority ?? 'notice']
      const recent = this.#inWindow.get(memberId, notice.userId, new Date(since - WAIT_HORIZON_MS).toISOString(), new Date(since).toISOString())
      const notBefore = notice.notBefore?.toISOString() ?? null
      const base = { memberId, key: notice.key, createdAt, priority, recipient: notice.userId, notBefore }
      const payload = { userId: notice.userId, message: notice.message, violationId: notice.violationId }
      // One budget a person, whatever the kind: past the limit, or while digests are reaching them, they are in a burst.
      if ((recent?.n ?? 0) < policy.limit && (recent?.digests ?? 0) === 0) {
        this.#insertNotice.run({ ...base, payload: JSON.stringify(payload), state: 'pending', digestId: null })
        return true
      }
      // Ordinary notices wait for the window to let a message through; warnings and escalations go after a short gathering.
      const due = priority === PRIORITY.notice ? Date.parse(recent?.oldest ?? createdAt) + policy.windowMs : now.getTime() + Math.min(GATHER_MS, policy.windowMs)
      const digestId = this.#fold(memberId, notice, priority, policy, new Date(due).toISOString(), notBefore)
      this.#insertNotice.run({ ...base, payload: JSON.stringify({ ...payload, line: notice.line }), state: 'folded', digestId })
      return true
    })()
  }

  // Adds the notice's line to the recipient's pending digest of its priority, or opens one due at `due`.
  #fold(memberId: string, notice: PlannedNotice, priority: number, policy: DigestPolicy, due: string, notBefore: string | null): number {
    const open = this.#openDigest.get(memberId, notice.userId, priority)
    if (open) {
      const digest = JSON.parse(open.payload) as DigestPayload
      digest.lines.push(notice.line)
      digest.message = digestMessage(digest)
      this.#updatePayload.run(JSON.stringify(digest), open.id)
      return open.id
    }
    const now = this.now().toISOString()
    const digest: DigestPayload = { userId: notice.userId, digest: true, heading: policy.heading, more: policy.more, lines: [notice.line], message: '' }
    digest.message = digestMessage(digest)
    const result = this.#insertNotice.run({
      memberId, key: `${DIGEST_PREFIX}${notice.userId}:${DIGEST_KINDS[priority] ?? ''}${now}`, payload: JSON.stringify(digest), createdAt: now, priority,
      recipient: notice.userId, state: 'pending', notBefore: notBefore !== null && notBefore > due ? notBefore : due, digestId: null,
    })
    return Number(result.lastInsertRowid)
  }

  /** How many of a portal's actions wait, are under way, or failed for good. */
  stats(memberId: string): { pending: number; sending: number; failed: number } {
    const row = this.#stats.get(memberId)
    return { pending: row?.pending ?? 0, sending: row?.sending ?? 0, failed: row?.failed ?? 0 }
  }

  /** Plans an action; a second plan with the same key is ignored. Returns true when it is new. */
  plan(memberId: string, key: string, kind: ActionKind, payload: Record<string, unknown>, priority: Priority = defaultPriority(kind)): boolean {
    return this.#plan.run(memberId, key, kind, JSON.stringify(payload), this.now().toISOString(), PRIORITY[priority]).changes === 1
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

  /** Actions a crash left half-sent; `resend` decides per action whether to send again or give up. */
  recoverInterrupted(resend: (action: Action) => boolean): Action[] {
    return this.db.transaction(() => {
      const interrupted = this.#interrupted.all().map(rowToAction)
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

interface DigestPayload {
  userId: string
  digest: true
  heading: string
  more: string
  lines: string[]
  message: string
}

// The digest's text: its heading and the folded notices' lines, the first few listed and the rest counted.
function digestMessage(digest: DigestPayload): string {
  const listed = digest.lines.slice(0, DIGEST_LINES)
  const rest = digest.lines.length - listed.length
  const lines = [digest.heading, ...listed]
  if (rest > 0) lines.push(digest.more.replace('{n}', String(rest)))
  return lines.join('\n')
}
