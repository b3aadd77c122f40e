// The durable inbox: every accepted portal event is written here before the portal gets its 200.
import type { Db } from './db.js'

/** An event as accepted from the portal: which record of which portal changed, and when. */
export interface InboxEvent {
  memberId: string
  event: string
  entity: string
  entityId: string
  ts: string
  data: Record<string, unknown>
}

/** Appends events; duplicates (same portal, event, record and ts) are kept once. */
export class InboxRepo {
  readonly #insert
  readonly #count
  readonly #deletePortal

  constructor(db: Db, private readonly now: () => Date = () => new Date()) {
    this.#insert = db.prepare(`
      INSERT INTO inbox (member_id, event, entity, entity_id, ts, data, received_at)
      VALUES (@memberId, @event, @entity, @entityId, @ts, @data, @receivedAt)
      ON CONFLICT (member_id, event, entity_id, ts) DO NOTHING`)
    this.#count = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM inbox WHERE member_id = ?')
    this.#deletePortal = db.prepare('DELETE FROM inbox WHERE member_id = ?')
  }

  /** Stores the event synchronously; returns false when it was a duplicate. */
  accept(event: InboxEvent): boolean {
    const result = this.#insert.run({ ...event, data: JSON.stringify(event.data), receivedAt: this.now().toISOString() })
    return result.changes === 1
  }

  /** How many events a portal has in the inbox. */
  count(memberId: string): number {
    return this.#count.get(memberId)?.n ?? 0
  }

  /** Removes a portal's events (uninstall with CLEAN=1). */
  deletePortal(memberId: string): void {
    this.#deletePortal.run(memberId)
  }
}
