// Violations: opened when a rule finds one, resolved when the record complies; never deleted but with the portal.
import type { Entity } from '../../rules/types.js'
import type { Db } from './db.js'

/** One violation of one rule on one record. */
export interface Violation {
  id: number
  ruleId: string
  ruleVersion: number
  entity: Entity
  entityId: string
  variant: string
  responsibleId: string | null
  message: { problem: { ru: string; en: string }; todo: { ru: string; en: string } }
  openedAt: string
  /** When a supervisor was first told (the escalation steps themselves are the clocks'). */
  escalatedAt: string | null
  /** Excused by a supervisor or administrator (user id) with a reason: nobody is told of it any more. */
  excusedAt: string | null
  excusedBy: string | null
  excuse: string | null
  resolvedAt: string | null
  resolution: string | null
}

/** A violation about to be opened. */
export type NewViolation = Pick<Violation, 'ruleId' | 'ruleVersion' | 'entity' | 'entityId' | 'variant' | 'responsibleId' | 'message'>

/** A violations row as both stores keep it. */
export interface ViolationRow {
  id: number; member_id: string; rule_id: string; rule_version: number; entity: Entity; entity_id: string; variant: string
  responsible_id: string | null; message: string; opened_at: string; escalate_at: string | null; escalated_at: string | null
  resolved_at: string | null; resolution: string | null; excused_at: string | null; excused_by: string | null; excuse: string | null
}

/** A violations row as the app sees it. */
export function rowToViolation(row: ViolationRow): Violation {
  return {
    id: row.id, ruleId: row.rule_id, ruleVersion: row.rule_version, entity: row.entity, entityId: row.entity_id,
    variant: row.variant, responsibleId: row.responsible_id, message: JSON.parse(row.message), openedAt: row.opened_at,
    escalatedAt: row.escalated_at, resolvedAt: row.resolved_at, resolution: row.resolution,
    excusedAt: row.excused_at, excusedBy: row.excused_by, excuse: row.excuse,
  }
}

/** Opens, resolves and lists violations. */
export class ViolationRepo {
  readonly #open
  readonly #openId
  readonly #openForRecord
  readonly #openForRecords
  readonly #forRecord
  readonly #get
  readonly #resolve
  readonly #escalated
  readonly #excuse
  readonly #all
  readonly #openedBetween
  readonly #outstanding

  constructor(db: Db, private readonly now: () => Date) {
    this.#open = db.prepare(`
      INSERT INTO violations (member_id, rule_id, rule_version, entity, entity_id, variant, responsible_id, message, opened_at)
      VALUES (@memberId, @ruleId, @ruleVersion, @entity, @entityId, @variant, @responsibleId, @message, @openedAt)
      ON CONFLICT (member_id, rule_id, entity, entity_id, variant) WHERE resolved_at IS NULL DO NOTHING`)
    this.#openId = db.prepare<[string, string, string, string, string], { id: number }>(
      'SELECT id FROM violations WHERE member_id = ? AND rule_id = ? AND entity = ? AND entity_id = ? AND variant = ? AND resolved_at IS NULL',
    )
    this.#openForRecord = db.prepare<[string, string, string], ViolationRow>(
      'SELECT * FROM violations WHERE member_id = ? AND entity = ? AND entity_id = ? AND resolved_at IS NULL ORDER BY id',
    )
    this.#openForRecords = db.prepare<[string, string, string], ViolationRow>(
      'SELECT * FROM violations WHERE member_id = ? AND entity = ? AND entity_id IN (SELECT value FROM json_each(?)) AND resolved_at IS NULL ORDER BY id',
    )
    this.#forRecord = db.prepare<[string, string, string], ViolationRow>(
      'SELECT * FROM violations WHERE member_id = ? AND entity = ? AND entity_id = ? ORDER BY id DESC',
    )
    this.#get = db.prepare<[number], ViolationRow>('SELECT * FROM violations WHERE id = ?')
    this.#resolve = db.prepare('UPDATE violations SET resolved_at = ?, resolution = ? WHERE id = ? AND resolved_at IS NULL')
    this.#excuse = db.prepare('UPDATE violations SET excused_at = ?, excused_by = ?, excuse = ? WHERE id = ? AND resolved_at IS NULL AND excused_at IS NULL')
    this.#escalated = db.prepare('UPDATE violations SET escalated_at = coalesce(escalated_at, ?) WHERE id = ?')
    this.#all = db.prepare<[string], ViolationRow>('SELECT * FROM violations WHERE member_id = ? ORDER BY id')
    this.#openedBetween = db.prepare<[string, string, string], ViolationRow>(
      'SELECT * FROM violations WHERE member_id = ? AND opened_at >= ? AND opened_at < ? ORDER BY opened_at, id',
    )
    this.#outstanding = db.prepare<[string], ViolationRow>(
      'SELECT * FROM violations WHERE member_id = ? AND resolved_at IS NULL AND excused_at IS NULL ORDER BY opened_at, id',
    )
  }

  /** Opens a violation and returns its id; one already open for the same rule, record and variant stands (opened false). */
  open(memberId: string, violation: NewViolation): number {
    return this.openOnce(memberId, violation).id
  }

  /** As open(), and whether this call opened it. */
  openOnce(memberId: string, violation: NewViolation): { id: number; opened: boolean } {
    // Object.assign rather than a spread followed by fields, which Node 20's V8 builds about ten times slower.
    const result = this.#open.run(Object.assign({ memberId }, violation, { message: JSON.stringify(violation.message), openedAt: this.now().toISOString() }))
    if (result.changes === 1) return { id: Number(result.lastInsertRowid), opened: true }
    const standing = this.#openId.get(memberId, violation.ruleId, violation.entity, violation.entityId, violation.variant)
    return { id: standing!.id, opened: false }
  }

  /** The open violations of one record. */
  openFor(memberId: string, entity: string, entityId: string): Violation[] {
    return this.#openForRecord.all(memberId, entity, entityId).map(rowToViolation)
  }

  /** The open violations of several records of one kind in one read, by id (each record's as openFor answers them). */
  openForMany(memberId: string, entity: string, entityIds: readonly string[]): Violation[] {
    if (entityIds.length === 0) return []
    return this.#openForRecords.all(memberId, entity, JSON.stringify(entityIds)).map(rowToViolation)
  }

  /** Every violation of one record, newest first. */
  history(memberId: string, entity: string, entityId: string): Violation[] {
    return this.#forRecord.all(memberId, entity, entityId).map(rowToViolation)
  }

  /** One violation by id. */
  get(id: number): Violation | undefined {
    const row = this.#get.get(id)
    return row ? rowToViolation(row) : undefined
  }

  /** Every violation of a portal, oldest first. */
  all(memberId: string): Violation[] {
    return this.#all.all(memberId).map(rowToViolation)
  }

  /** A portal's violations opened in [from, to), oldest first. */
  openedBetween(memberId: string, from: Date, to: Date): Violation[] {
    return this.#openedBetween.all(memberId, from.toISOString(), to.toISOString()).map(rowToViolation)
  }

  /** A portal's open violations nobody excused, oldest first. */
  outstanding(memberId: string): Violation[] {
    return this.#outstanding.all(memberId).map(rowToViolation)
  }

  /** Closes a violation with how it ended; a closed one stays closed. True when it was open. */
  resolve(id: number, resolution: string): boolean {
    return this.#resolve.run(this.now().toISOString(), resolution, id).changes === 1
  }

  /** Excuses an open violation; true when it was open and not excused yet. */
  excuse(id: number, userId: string, reason: string): boolean {
    return this.#excuse.run(this.now().toISOString(), userId, reason, id).changes === 1
  }

  /** Notes that a supervisor was told (the first time counts). */
  markEscalated(id: number): void {
    this.#escalated.run(this.now().toISOString(), id)
  }
}
