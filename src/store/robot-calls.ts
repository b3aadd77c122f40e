// Robot calls (a step of the portal's automation running one of the app's robots): kept before the portal hears 200,
// decided once, answered through the outbox (key `robot:<event_token>`); and what each portal's registration found.
import type { Db } from './db.js'

/** A call as accepted from the portal. */
export interface NewRobotCall {
  memberId: string
  eventToken: string
  code: string
  documentId: string
  /** lead, deal, item (a smart-process item), or unsupported. */
  entity: string
  entityId: string | null
  entityTypeId: number | null
  properties: Record<string, string | string[]>
  userId: string | null
  waits: boolean
}

/** A stored call waiting for its decision. */
export interface RobotCall extends NewRobotCall {
  id: number
  attempts: number
  receivedAt: string
}

/** A call as the record's tab shows it: when, which robot, what it answered and whether the answer went. */
export interface RobotCallLine {
  code: string
  receivedAt: string
  decided: boolean
  returnValues: Record<string, unknown> | null
  logMessage: string | null
  /** When the answer is (or was) due to go; null for a step that did not wait. */
  answerAt: string | null
  /** The outbox's state of the answer: pending, sending, done, failed; null when none was planned. */
  answer: string | null
  answeredAt: string | null
}

/** The answer a decision gave a call (applied with the plan that sends it). */
export interface RobotDecision {
  eventToken: string
  returnValues: Record<string, unknown>
  logMessage: string
  answerAt: string | null
}

/** What one registration of the robots found on a portal. */
export interface RobotSetup {
  mode: 'registered' | 'unavailable' | 'failed'
  robots: string[]
  error: string | null
  checkedAt: string
}

/** A robot_calls row as both stores keep it. */
export interface CallRow {
  id: number; member_id: string; event_token: string; code: string; document_id: string; entity: string; entity_id: string | null
  entity_type_id: number | null; properties: string; user_id: string | null; waits: number; attempts: number; received_at: string
}

/** The columns of a call waiting for its decision. */
export const CALL_COLUMNS = 'id, member_id, event_token, code, document_id, entity, entity_id, entity_type_id, properties, user_id, waits, attempts, received_at'

/** A robot_calls row as the app sees it. */
export function rowToCall(row: CallRow): RobotCall {
  return {
    id: row.id, memberId: row.member_id, eventToken: row.event_token, code: row.code, documentId: row.document_id, entity: row.entity,
    entityId: row.entity_id, entityTypeId: row.entity_type_id, properties: JSON.parse(row.properties), userId: row.user_id,
    waits: row.waits === 1, attempts: row.attempts, receivedAt: row.received_at,
  }
}

/** A robot call with its answer's outbox row, as both stores join them. */
export interface CallLineRow {
  code: string; received_at: string; state: string; return_values: string | null; log_message: string | null; answer_at: string | null
  answer: string | null; answered_at: string | null
}

/** A call as the record's tab shows it. */
export function rowToCallLine(row: CallLineRow): RobotCallLine {
  return {
    code: row.code, receivedAt: row.received_at, decided: row.state === 'decided',
    returnValues: row.return_values === null ? null : JSON.parse(row.return_values), logMessage: row.log_message,
    answerAt: row.answer_at, answer: row.answer, answeredAt: row.answered_at,
  }
}

/** The outbox key of a call's answer: one answer per event_token, however often it is planned. */
export function answerKey(eventToken: string): string {
  return `robot:${eventToken}`
}

/** Accepts, hands out and settles robot calls. */
export class RobotCallRepo {
  readonly #insert
  readonly #due
  readonly #retry
  readonly #decided
  readonly #portalsWithWork
  readonly #nextRetry
  readonly #ofRecord
  readonly #stats

  constructor(db: Db, private readonly now: () => Date) {
    this.#insert = db.prepare(`
      INSERT INTO robot_calls (member_id, event_token, code, document_id, entity, entity_id, entity_type_id, properties, user_id, waits, received_at)
      VALUES (@memberId, @eventToken, @code, @documentId, @entity, @entityId, @entityTypeId, @properties, @userId, @waits, @receivedAt)
      ON CONFLICT (member_id, event_token) DO NOTHING`)
    this.#due = db.prepare<[string, string, number], CallRow>(`
      SELECT ${CALL_COLUMNS} FROM robot_calls
      WHERE member_id = ? AND state = 'pending' AND coalesce(not_before, '') <= ? ORDER BY id LIMIT ?`)
    this.#retry = db.prepare('UPDATE robot_calls SET attempts = attempts + 1, not_before = ?, last_error = ? WHERE id = ?')
    this.#decided = db.prepare(`
      UPDATE robot_calls SET state = 'decided', return_values = ?, log_message = ?, answer_at = ?, decided_at = ?, last_error = NULL
      WHERE member_id = ? AND event_token = ?`)
    this.#portalsWithWork = db.prepare<[], { member_id: string }>("SELECT DISTINCT member_id FROM robot_calls WHERE state = 'pending'")
    this.#nextRetry = db.prepare<[string], { at: string | null }>("SELECT min(not_before) AS at FROM robot_calls WHERE state = 'pending' AND not_before > ?")
    // The answer's outbox row shares the call's key (answerKey): its state says whether the portal has the answer.
    this.#ofRecord = db.prepare<[string, string, string, number], CallLineRow>(`
      SELECT r.code, r.received_at, r.state, r.return_values, r.log_message, r.answer_at, a.state AS answer, a.done_at AS answered_at
      FROM robot_calls r LEFT JOIN actions a ON a.member_id = r.member_id AND a.key = 'robot:' || r.event_token
      WHERE r.member_id = ? AND r.entity = ? AND r.entity_id = ? ORDER BY r.id DESC LIMIT ?`)
    this.#stats = db.prepare<[string], { pending: number | null; decided: number | null }>(
      "SELECT sum(state = 'pending') AS pending, sum(state = 'decided') AS decided FROM robot_calls WHERE member_id = ?",
    )
  }

  /** Stores a call; false when the same event_token came before (the portal delivered it twice). */
  accept(call: NewRobotCall): boolean {
    const row = { ...call, properties: JSON.stringify(call.properties), waits: call.waits ? 1 : 0, receivedAt: this.now().toISOString() }
    return this.#insert.run(row).changes === 1
  }

  /** Up to `limit` of a portal's calls waiting for their decision, oldest first. */
  due(memberId: string, limit: number): RobotCall[] {
    return this.#due.all(memberId, this.now().toISOString(), limit).map(rowToCall)
  }

  /** Another attempt at `at` (the document could not be read). */
  retry(id: number, error: string, at: Date): void {
    this.#retry.run(at.toISOString(), error, id)
  }

  /** The call's decision, applied with the plan that answers it. */
  decided(memberId: string, decision: RobotDecision): void {
    const { eventToken, returnValues, logMessage, answerAt } = decision
    this.#decided.run(JSON.stringify(returnValues), logMessage, answerAt, this.now().toISOString(), memberId, eventToken)
  }

  /** Portals with calls waiting for a decision. */
  portalsWithWork(): string[] {
    return this.#portalsWithWork.all().map((row) => row.member_id)
  }

  /** The earliest retry after `after`, if any. */
  nextRetryAt(after: Date): Date | undefined {
    const at = this.#nextRetry.get(after.toISOString())?.at
    return at ? new Date(at) : undefined
  }

  /** The newest robot steps that ran on a record (`entity` lead, deal or item), newest first. */
  ofRecord(memberId: string, entity: string, entityId: string, limit = 20): RobotCallLine[] {
    return this.#ofRecord.all(memberId, entity, entityId, limit).map(rowToCallLine)
  }

  /** How many of a portal's calls wait for a decision and how many were decided. */
  stats(memberId: string): { pending: number; decided: number } {
    const row = this.#stats.get(memberId)
    return { pending: row?.pending ?? 0, decided: row?.decided ?? 0 }
  }
}

/** What registering the robots found on each portal (an automation-less plan is remembered, not retried per call). */
export class RobotSetupRepo {
  readonly #put
  readonly #get

  constructor(db: Db, private readonly now: () => Date) {
    this.#put = db.prepare(`
      INSERT INTO robot_setups (member_id, mode, robots, error, checked_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (member_id) DO UPDATE SET mode = excluded.mode, robots = excluded.robots, error = excluded.error, checked_at = excluded.checked_at`)
    this.#get = db.prepare<[string], { mode: RobotSetup['mode']; robots: string; error: string | null; checked_at: string }>(
      'SELECT mode, robots, error, checked_at FROM robot_setups WHERE member_id = ?',
    )
  }

  /** Remembers what the registration found. */
  set(memberId: string, setup: Omit<RobotSetup, 'checkedAt'>): void {
    this.#put.run(memberId, setup.mode, JSON.stringify(setup.robots), setup.error, this.now().toISOString())
  }

  /** What the last registration found, if any ran. */
  get(memberId: string): RobotSetup | undefined {
    const row = this.#get.get(memberId)
    if (!row) return undefined
    return { mode: row.mode, robots: JSON.parse(row.robots), error: row.error, checkedAt: row.checked_at }
  }
}
