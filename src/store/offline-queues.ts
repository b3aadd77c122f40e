// Where each portal's offline events stand: the mode its plan allows, the source key, the last drain.
import type { Db } from './db.js'

export const OFFLINE_MODES = ['off', 'active', 'unavailable'] as const
/** off: not asked for; active: bound and drained; unavailable: asked for, the plan does not have it. */
export type OfflineMode = (typeof OFFLINE_MODES)[number]

/** One portal's offline queue as the app keeps it. */
export interface OfflineQueueState {
  mode: OfflineMode
  /** The `auth_connector` the offline events were bound with, or null when the plan has none. */
  authConnector: string | null
  checkedAt: string
  drainedAt: string | null
  /** Records taken from the queue by the last drain, and how many of them named no record. */
  drained: number
  unmapped: number
  error: string | null
}

/** An offline_queues row as both stores keep it. */
export interface OfflineQueueRow { mode: OfflineMode; auth_connector: string | null; checked_at: string; drained_at: string | null; drained: number; unmapped: number; error: string | null }

/** An offline_queues row as the app sees it. */
export function rowToOfflineQueue(row: OfflineQueueRow): OfflineQueueState {
  return {
    mode: row.mode, authConnector: row.auth_connector, checkedAt: row.checked_at, drainedAt: row.drained_at,
    drained: row.drained, unmapped: row.unmapped, error: row.error,
  }
}

/** Reads and writes offline queue states. */
export class OfflineQueueRepo {
  readonly #get
  readonly #active
  readonly #setMode
  readonly #drained

  constructor(db: Db, private readonly now: () => Date) {
    this.#get = db.prepare<[string], OfflineQueueRow>('SELECT * FROM offline_queues WHERE member_id = ?')
    this.#active = db.prepare<[], { member_id: string }>("SELECT member_id FROM offline_queues WHERE mode = 'active' ORDER BY member_id")
    this.#setMode = db.prepare(`
      INSERT INTO offline_queues (member_id, mode, auth_connector, checked_at) VALUES (@memberId, @mode, @authConnector, @now)
      ON CONFLICT (member_id) DO UPDATE SET mode = excluded.mode, auth_connector = excluded.auth_connector, checked_at = excluded.checked_at`)
    this.#drained = db.prepare(
      'UPDATE offline_queues SET drained_at = @now, drained = @drained, unmapped = @unmapped, error = @error WHERE member_id = @memberId',
    )
  }

  /** The portal's state, or undefined when set-up never looked at offline events. */
  get(memberId: string): OfflineQueueState | undefined {
    const row = this.#get.get(memberId)
    return row ? rowToOfflineQueue(row) : undefined
  }

  /** The source key the app's own writes must carry on this portal, or null. */
  writeConnector(memberId: string): string | null {
    const state = this.get(memberId)
    return state?.mode === 'active' ? state.authConnector : null
  }

  /** Portals whose offline queue the app drains. */
  active(): string[] {
    return this.#active.all().map((row) => row.member_id)
  }

  /** Records what set-up found and bound. */
  setMode(memberId: string, mode: OfflineMode, authConnector: string | null): void {
    this.#setMode.run({ memberId, mode, authConnector, now: this.now().toISOString() })
  }

  /** Records how a drain ended. */
  recordDrain(memberId: string, outcome: { drained: number; unmapped: number; error: string | null }): void {
    this.#drained.run({ memberId, ...outcome, now: this.now().toISOString() })
  }
}
