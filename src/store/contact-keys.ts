// Which open leads and deals carry which normalised phone or e-mail, to find one client's duplicates.
import type { Db } from './db.js'

/** Replaces and looks up the contact keys of records. */
export class ContactKeyRepo {
  readonly #clear
  readonly #insert
  readonly #sharing

  constructor(db: Db) {
    this.#sharing = db.prepare<[string, string], { key: string; entity: string; entity_id: string }>(`
      SELECT key, entity, entity_id FROM contact_keys
      WHERE member_id = ? AND key IN (SELECT value FROM json_each(?)) ORDER BY entity, CAST(entity_id AS INTEGER)`)
    this.#clear = db.prepare('DELETE FROM contact_keys WHERE member_id = ? AND entity = ? AND entity_id = ?')
    this.#insert = db.prepare('INSERT OR IGNORE INTO contact_keys (member_id, key, entity, entity_id) VALUES (?, ?, ?, ?)')
  }

  /** Sets a record's keys (none when it closed or was deleted). */
  replace(memberId: string, entity: string, entityId: string, keys: readonly string[]): void {
    this.#clear.run(memberId, entity, entityId)
    for (const key of keys) this.#insert.run(memberId, key, entity, entityId)
  }

  /** Records that share any of `keys`, with the key they share. */
  sharing(memberId: string, keys: readonly string[]): Array<{ key: string; entity: string; entityId: string }> {
    if (keys.length === 0) return []
    return this.#sharing.all(memberId, JSON.stringify(keys)).map((row) => ({ key: row.key, entity: row.entity, entityId: row.entity_id }))
  }
}
