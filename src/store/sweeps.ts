// Where each portal's sweep of each record kind stands: the portal-clock cursor and what it found.
import type { Db } from './db.js'

/** One kind's sweep state on one portal. */
export interface SweepState {
  entity: string
  cursor: string | null
  startedAt: string | null
  finishedAt: string | null
  listed: number
  found: number
  error: string | null
}

/** A sweeps row as both stores keep it. */
export interface SweepRow { entity: string; cursor: string | null; started_at: string | null; finished_at: string | null; listed: number; found: number; error: string | null }

/** A sweeps row as the app sees it. */
export function rowToSweep(row: SweepRow): SweepState {
  return { entity: row.entity, cursor: row.cursor, startedAt: row.started_at, finishedAt: row.finished_at, listed: row.listed, found: row.found, error: row.error }
}

/** Reads and writes sweep states. */
export class SweepRepo {
  readonly #get
  readonly #all
  readonly #save

  constructor(db: Db) {
    this.#get = db.prepare<[string, string], SweepRow>('SELECT * FROM sweeps WHERE member_id = ? AND entity = ?')
    this.#all = db.prepare<[string], SweepRow>('SELECT * FROM sweeps WHERE member_id = ? ORDER BY entity')
    this.#save = db.prepare(`
      INSERT INTO sweeps (member_id, entity, cursor, started_at, finished_at, listed, found, error)
      VALUES (@memberId, @entity, @cursor, @startedAt, @finishedAt, @listed, @found, @error)
      ON CONFLICT (member_id, entity) DO UPDATE SET cursor = excluded.cursor, started_at = excluded.started_at,
        finished_at = excluded.finished_at, listed = excluded.listed, found = excluded.found, error = excluded.error`)
  }

  /** The state of one kind, or undefined before its first sweep. */
  get(memberId: string, entity: string): SweepState | undefined {
    const row = this.#get.get(memberId, entity)
    return row ? rowToSweep(row) : undefined
  }

  /** Every kind's state on a portal. */
  all(memberId: string): SweepState[] {
    return this.#all.all(memberId).map(rowToSweep)
  }

  /** Replaces one kind's state. */
  save(memberId: string, state: SweepState): void {
    this.#save.run({ memberId, ...state })
  }
}
