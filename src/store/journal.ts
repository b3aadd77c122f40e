// The append-only journal of everything the app does, per portal.
import type { Db } from './db.js'

/** One journal row; `detail` is plain data and never holds tokens. */
export interface JournalEntry {
  id: number
  at: string
  memberId: string | null
  kind: string
  detail: Record<string, unknown>
}

/** A journal row as both stores keep it. */
export interface JournalRow {
  id: number
  at: string
  member_id: string | null
  kind: string
  detail: string
}

/** A journal row as the app sees it. */
export function rowToEntry(row: JournalRow): JournalEntry {
  return { id: row.id, at: row.at, memberId: row.member_id, kind: row.kind, detail: JSON.parse(row.detail) }
}

/** Appends and reads journal rows. */
export class JournalRepo {
  readonly #append
  readonly #forPortal
  readonly #deletePortal

  constructor(db: Db, private readonly now: () => Date) {
    this.#append = db.prepare('INSERT INTO journal (at, member_id, kind, detail) VALUES (?, ?, ?, ?)')
    this.#forPortal = db.prepare<[string | null, number], JournalRow>(
      'SELECT * FROM journal WHERE member_id IS ? ORDER BY id DESC LIMIT ?',
    )
    this.#deletePortal = db.prepare('DELETE FROM journal WHERE member_id = ?')
  }

  /** Appends one row stamped with the current time. */
  append(memberId: string | null, kind: string, detail: Record<string, unknown> = {}): void {
    this.#append.run(this.now().toISOString(), memberId, kind, JSON.stringify(detail))
  }

  /** The newest rows of a portal, newest first. */
  recent(memberId: string | null, limit = 100): JournalEntry[] {
    return this.#forPortal.all(memberId, limit).map(rowToEntry)
  }

  /** Removes a portal's rows (uninstall with CLEAN=1). */
  deletePortal(memberId: string): void {
    this.#deletePortal.run(memberId)
  }
}
