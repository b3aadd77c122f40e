// The durable inbox: every accepted portal event is written here before the portal gets its 200.
import type { Entity } from '../../rules/types.js'
import type { Db } from './db.js'

/** An event as accepted from the portal: which record of which portal changed, and when. */
export interface InboxEvent {
  memberId: string
  event: string
  entity: Entity
  entityId: string
  ts: string
  data: Record<string, unknown>
}

/** One record with pending events: the unit of work, however many events it collected. */
export interface DueRecord {
  entity: Entity
  entityId: string
  eventIds: number[]
  events: string[]
  attempts: number
}

/** When a portal's pending events settle into a wave: none pending, ready now (up to event `lastId`), or not before `at`. */
export type WaveState = { ready: true; lastId: number } | { ready: false; at: Date } | undefined

/** How long a burst is given to settle: a wave starts once no event came for `quietMs`, or the oldest has waited `maxWaitMs`. */
export interface WaveWindow {
  quietMs: number
  maxWaitMs: number
}

/** How a portal's inbox stands, for /healthz. */
export interface InboxStats {
  pending: number
  parked: number
  oldestPendingAt: string | null
}

/** A record with pending events as both stores group them: the ids and events comma-separated. */
export interface DueRow { entity: Entity; entity_id: string; ids: string; events: string; attempts: number }

/** A grouped record as the worker takes it. */
export function rowToDue(row: DueRow): DueRecord {
  return {
    entity: row.entity,
    entityId: row.entity_id,
    eventIds: row.ids.split(',').map(Number),
    events: [...new Set(row.events.split(','))],
    attempts: row.attempts,
  }
}

/** A parked events row as both stores keep it. */
export interface ParkedRow { entity: Entity; entity_id: string; event: string; last_error: string; attempts: number }

/** A parked event as /healthz shows it. */
export function rowToParked(row: ParkedRow) {
  return { entity: row.entity, entityId: row.entity_id, event: row.event, error: row.last_error, attempts: row.attempts }
}
/** The pending events' times and last id as both stores read them for a wave. */
export interface WaveRow { oldest: string | null; newest: string | null; last_id: number | null }

/** Whether the pending events `row` describes form a wave at `now` under `window` (see InboxRepo.wave). */
export function waveOf(row: WaveRow | undefined, window: WaveWindow, now: Date): WaveState {
  if (!row?.newest || row.last_id === null) return undefined
  // Only retries falling due (no fresh event): they go at once, as before the waves.
  if (!row.oldest) return { ready: true, lastId: row.last_id }
  const at = Math.min(Date.parse(row.newest) + window.quietMs, Date.parse(row.oldest) + window.maxWaitMs)
  return at <= now.getTime() ? { ready: true, lastId: row.last_id } : { ready: false, at: new Date(at) }
}

/** Appends events; duplicates (same portal, event, record and ts) are kept once. `ts` has one-second
 * precision, so a "duplicate" of an event already processed is a later change in the same second:
 * it re-opens the row, and the record is read again. */
export class InboxRepo {
  readonly #insert
  readonly #count
  readonly #due
  readonly #done
  readonly #retry
  readonly #park
  readonly #stats
  readonly #nextDue
  readonly #portalsWithWork
  readonly #parked
  readonly #wave

  constructor(private readonly db: Db, private readonly now: () => Date) {
    this.#insert = db.prepare(`
      INSERT INTO inbox (member_id, event, entity, entity_id, ts, data, received_at)
      VALUES (@memberId, @event, @entity, @entityId, @ts, @data, @receivedAt)
      ON CONFLICT (member_id, event, entity, entity_id, ts) DO UPDATE SET state = 'pending', attempts = 0,
        not_before = NULL, last_error = NULL, done_at = NULL, received_at = excluded.received_at
      WHERE inbox.state = 'done'`)
    this.#count = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM inbox WHERE member_id = ?')
    // Records whose events are all due and one of them within the wave (id up to the wave's last), oldest first, with
    // every event pending now, later ones too; a record waiting out a backoff waits whole.
    this.#due = db.prepare<[string, string, number, number], DueRow>(`
      SELECT entity, entity_id, group_concat(id) AS ids, group_concat(event) AS events, max(attempts) AS attempts
      FROM inbox WHERE member_id = ? AND state = 'pending'
      GROUP BY entity, entity_id
      HAVING max(coalesce(not_before, '')) <= ? AND min(id) <= ?
      ORDER BY min(id) LIMIT ?`)
    // A portal's pending events of records not waiting out a backoff: the oldest arrival not yet tried, the newest
    // arrival, the last id.
    this.#wave = db.prepare<[{ memberId: string; now: string }], WaveRow>(`
      SELECT min(CASE WHEN attempts = 0 THEN received_at END) AS oldest, max(received_at) AS newest, max(id) AS last_id
      FROM inbox AS e WHERE member_id = @memberId AND state = 'pending' AND NOT EXISTS (
        SELECT 1 FROM inbox AS b WHERE b.member_id = e.member_id AND b.state = 'pending' AND b.entity = e.entity
          AND b.entity_id = e.entity_id AND b.not_before > @now)`)
    this.#done = db.prepare("UPDATE inbox SET state = 'done', done_at = ?, last_error = NULL WHERE id = ?")
    this.#retry = db.prepare('UPDATE inbox SET attempts = attempts + 1, not_before = ?, last_error = ? WHERE id = ?')
    this.#park = db.prepare("UPDATE inbox SET state = 'parked', attempts = attempts + 1, last_error = ? WHERE id = ?")
    this.#stats = db.prepare<[string], { pending: number; parked: number; oldest: string | null }>(`
      SELECT sum(state = 'pending') AS pending, sum(state = 'parked') AS parked,
             min(CASE WHEN state = 'pending' THEN received_at END) AS oldest
      FROM inbox WHERE member_id = ?`)
    this.#nextDue = db.prepare<[string], { at: string | null }>(
      "SELECT min(not_before) AS at FROM inbox WHERE state = 'pending' AND not_before > ?",
    )
    this.#portalsWithWork = db.prepare<[], { member_id: string }>("SELECT DISTINCT member_id FROM inbox WHERE state = 'pending'")
    this.#parked = db.prepare<[string, number], ParkedRow>(
      "SELECT entity, entity_id, event, last_error, attempts FROM inbox WHERE member_id = ? AND state = 'parked' ORDER BY id DESC LIMIT ?",
    )
  }

  /** Stores the event synchronously; returns false when it duplicates one still pending. */
  accept(event: InboxEvent): boolean {
    const result = this.#insert.run({ ...event, data: JSON.stringify(event.data), receivedAt: this.now().toISOString() })
    return result.changes === 1
  }

  /** How many events a portal has in the inbox, in any state. */
  count(memberId: string): number {
    return this.#count.get(memberId)?.n ?? 0
  }

  /**
   * Up to `limit` records of a portal whose pending events are due now, oldest first, each with all its pending events;
   * with `upToId`, only records with an event up to that id (a wave's records; their later events come along).
   */
  due(memberId: string, limit: number, upToId = Number.MAX_SAFE_INTEGER): DueRecord[] {
    return this.#due.all(memberId, this.now().toISOString(), upToId, limit).map(rowToDue)
  }

  /**
   * Whether a portal's pending events (of records not waiting out a backoff) form a wave now: none came for `quietMs`, or the
   * oldest not yet tried has waited `maxWaitMs` (a retry falling due does not end a burst's wait; alone, it goes at
   * once). Ready, it names the wave's last event; not yet, the moment it will be.
   */
  wave(memberId: string, window: WaveWindow): WaveState {
    const now = this.now()
    return waveOf(this.#wave.get({ memberId, now: now.toISOString() }), window, now)
  }

  /** Marks events processed. */
  markDone(eventIds: number[]): void {
    const at = this.now().toISOString()
    for (const id of eventIds) this.#done.run(at, id)
  }

  /** Schedules another attempt at `notBefore`, or parks the events for good when `park` is set. */
  fail(eventIds: number[], error: string, retryAt: Date | 'park'): void {
    this.db.transaction(() => {
      for (const id of eventIds) {
        if (retryAt === 'park') this.#park.run(error, id)
        else this.#retry.run(retryAt.toISOString(), error, id)
      }
    })()
  }

  /** Pending, parked and the oldest pending event's arrival. */
  stats(memberId: string): InboxStats {
    const row = this.#stats.get(memberId)
    return { pending: row?.pending ?? 0, parked: row?.parked ?? 0, oldestPendingAt: row?.oldest ?? null }
  }

  /** The newest parked events of a portal, with their errors. */
  parked(memberId: string, limit = 20) {
    return this.#parked.all(memberId, limit).map(rowToParked)
  }

  /** The earliest moment after `after` (default now) at which a backed-off event becomes due, if any. */
  nextRetryAt(after: Date = this.now()): Date | undefined {
    const at = this.#nextDue.get(after.toISOString())?.at
    return at ? new Date(at) : undefined
  }

  /** Portals with pending events (to resume work after a restart). */
  portalsWithWork(): string[] {
    return this.#portalsWithWork.all().map((row) => row.member_id)
  }
}
