// Violations on PostgreSQL: one open per rule, record and variant (the partial unique index), resolved once.
import type { Async } from '../port.js'
import { rowToViolation, type NewViolation, type Violation, type ViolationRepo, type ViolationRow } from '../violations.js'
import type { Sql } from './sql.js'

/** Opens, resolves and lists violations. */
export class PgViolationRepo implements Async<ViolationRepo> {
  constructor(private readonly sql: Sql, private readonly now: () => Date) {}

  async open(memberId: string, violation: NewViolation): Promise<number> {
    return (await this.openOnce(memberId, violation)).id
  }

  async openOnce(memberId: string, violation: NewViolation): Promise<{ id: number; opened: boolean }> {
    const { ruleId, ruleVersion, entity, entityId, variant, responsibleId, message } = violation
    const inserted = await this.sql.row<{ id: number }>(`
      INSERT INTO violations (member_id, rule_id, rule_version, entity, entity_id, variant, responsible_id, message, opened_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
      ON CONFLICT (member_id, rule_id, entity, entity_id, variant) WHERE resolved_at IS NULL DO NOTHING RETURNING id`,
    [memberId, ruleId, ruleVersion, entity, entityId, variant, responsibleId, JSON.stringify(message), this.now().toISOString()])
    if (inserted) return { id: inserted.id, opened: true }
    const standing = await this.sql.row<{ id: number }>(
      'SELECT id FROM violations WHERE member_id = $1 AND rule_id = $2 AND entity = $3 AND entity_id = $4 AND variant = $5 AND resolved_at IS NULL',
      [memberId, ruleId, entity, entityId, variant])
    return { id: standing!.id, opened: false }
  }

  async openFor(memberId: string, entity: string, entityId: string): Promise<Violation[]> {
    return this.#list('member_id = $1 AND entity = $2 AND entity_id = $3 AND resolved_at IS NULL ORDER BY id', [memberId, entity, entityId])
  }

  async openForMany(memberId: string, entity: string, entityIds: readonly string[]): Promise<Violation[]> {
    if (entityIds.length === 0) return []
    return this.#list('member_id = $1 AND entity = $2 AND entity_id = ANY($3::text[]) AND resolved_at IS NULL ORDER BY id', [memberId, entity, entityIds])
  }

  async history(memberId: string, entity: string, entityId: string): Promise<Violation[]> {
    return this.#list('member_id = $1 AND entity = $2 AND entity_id = $3 ORDER BY id DESC', [memberId, entity, entityId])
  }

  async get(id: number): Promise<Violation | undefined> {
    return (await this.#list('id = $1', [id]))[0]
  }

  async all(memberId: string): Promise<Violation[]> {
    return this.#list('member_id = $1 ORDER BY id', [memberId])
  }

  async openedBetween(memberId: string, from: Date, to: Date): Promise<Violation[]> {
    return this.#list('member_id = $1 AND opened_at >= $2 AND opened_at < $3 ORDER BY opened_at, id', [memberId, from.toISOString(), to.toISOString()])
  }

  async outstanding(memberId: string): Promise<Violation[]> {
    return this.#list('member_id = $1 AND resolved_at IS NULL AND excused_at IS NULL ORDER BY opened_at, id', [memberId])
  }

  async resolve(id: number, resolution: string): Promise<boolean> {
    return (await this.sql.run('UPDATE violations SET resolved_at = $1, resolution = $2 WHERE id = $3 AND resolved_at IS NULL',
      [this.now().toISOString(), resolution, id])) === 1
  }

  async excuse(id: number, userId: string, reason: string): Promise<boolean> {
    return (await this.sql.run('UPDATE violations SET excused_at = $1, excused_by = $2, excuse = $3 WHERE id = $4 AND resolved_at IS NULL AND excused_at IS NULL',
      [this.now().toISOString(), userId, reason, id])) === 1
  }

  async markEscalated(id: number): Promise<void> {
    await this.sql.run('UPDATE violations SET escalated_at = coalesce(escalated_at, $1) WHERE id = $2', [this.now().toISOString(), id])
  }

  async #list(where: string, params: readonly unknown[]): Promise<Violation[]> {
    return (await this.sql.rows<ViolationRow>(`SELECT * FROM violations WHERE ${where}`, params)).map(rowToViolation)
  }
}
