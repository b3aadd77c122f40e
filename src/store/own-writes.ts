// A short-lived memory of what the app itself wrote to a portal, so the echo event is recognised.
import type { Db } from './db.js'

/** Remembers and recalls the app's own field writes per record. */
export class OwnWritesRepo {
  readonly #insert
  readonly #active
  readonly #prune

  constructor(db: Db, private readonly now: () => Date) {
    this.#insert = db.prepare('INSERT INTO own_writes (member_id, entity, entity_id, fields, expires_at) VALUES (?, ?, ?, ?, ?)')
    this.#active = db.prepare<[string, string, string, string], { fields: string }>(
      'SELECT fields FROM own_writes WHERE member_id = ? AND entity = ? AND entity_id = ? AND expires_at > ? ORDER BY id',
    )
    this.#prune = db.prepare('DELETE FROM own_writes WHERE expires_at <= ?')
  }

  /** Records that the app wrote `fields` to a record; remembered for `ttlMs`. */
  record(memberId: string, entity: string, entityId: string, fields: Record<string, unknown>, ttlMs = 15 * 60_000): void {
    const expiresAt = new Date(this.now().getTime() + ttlMs).toISOString()
    this.#insert.run(memberId, entity, entityId, JSON.stringify(fields), expiresAt)
  }

  /** The field values the app wrote to a record lately, later writes winning. */
  recent(memberId: string, entity: string, entityId: string): Record<string, unknown> {
    const rows = this.#active.all(memberId, entity, entityId, this.now().toISOString())
    return Object.assign({}, ...rows.map((row) => JSON.parse(row.fields)))
  }

  /** Forgets expired writes. */
  prune(): void {
    this.#prune.run(this.now().toISOString())
  }
}
