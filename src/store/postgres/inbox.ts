// The durable inbox on PostgreSQL: an accepted event is committed before the portal gets its 200.
import type { Async } from '../port.js'
import { rowToDue, rowToParked, waveOf, type DueRecord, type DueRow, type InboxEvent, type InboxRepo, type InboxStats, type ParkedRow, type WaveRow, type WaveState, type WaveWindow } from '../inbox.js'
import type { Sql } from './sql.js'

/** Appends events (a duplicate of a pending one is kept once) and hands out records with pending events. */
export class PgInboxRepo implements Async<InboxRepo> {
  constructor(private readonly sql: Sql, private readonly now: () => Date) {}

  // Two instances accepting the same event at once: the second INSERT waits for the first's commit, then conflicts.
  async accept(event: InboxEvent): Promise<boolean> {
    const changed = await this.sql.run(`
      INSERT INTO inbox (member_id, event, entity, entity_id, ts, data, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (member_id, event, entity, entity_id, ts) DO UPDATE SET state = 'pending', attempts = 0,
        not_before = NULL, last_error = NULL, done_at = NULL, received_at = excluded.received_at
      WHERE inbox.state = 'done'`,
    [event.memberId, event.event, event.entity, event.entityId, event.ts, JSON.stringify(event.data), this.now().toISOString()])
    if (changed === 1) this.sql.leavesWork(event.memberId)
    return changed === 1
  }

  async count(memberId: string): Promise<number> {
    return (await this.sql.row<{ n: number }>('SELECT count(*) AS n FROM inbox WHERE member_id = $1', [memberId]))?.n ?? 0
  }

  async due(memberId: string, limit: number, upToId = Number.MAX_SAFE_INTEGER): Promise<DueRecord[]> {
    const rows = await this.sql.rows<DueRow>(`
      SELECT entity, entity_id, string_agg(id::text, ',' ORDER BY id) AS ids, string_agg(event, ',' ORDER BY id) AS events,
        max(attempts) AS attempts
      FROM inbox WHERE member_id = $1 AND state = 'pending'
      GROUP BY entity, entity_id
      HAVING max(coalesce(not_before, '')) <= $2 AND min(id) <= $3
      ORDER BY min(id) LIMIT $4`, [memberId, this.now().toISOString(), upToId, limit])
    return rows.map(rowToDue)
  }

  async wave(memberId: string, window: WaveWindow): Promise<WaveState> {
    const now = this.now()
    const row = await this.sql.row<WaveRow>(`
      SELECT min(CASE WHEN attempts = 0 THEN received_at END) AS oldest, max(received_at) AS newest, max(id) AS last_id
      FROM inbox AS e WHERE member_id = $1 AND state = 'pending' AND NOT EXISTS (
        SELECT 1 FROM inbox AS b WHERE b.member_id = e.member_id AND b.state = 'pending' AND b.entity = e.entity
          AND b.entity_id = e.entity_id AND b.not_before > $2)`, [memberId, now.toISOString()])
    return waveOf(row, window, now)
  }

  async markDone(eventIds: number[]): Promise<void> {
    await this.sql.run("UPDATE inbox SET state = 'done', done_at = $1, last_error = NULL WHERE id = ANY($2::bigint[])", [this.now().toISOString(), eventIds])
  }

  async fail(eventIds: number[], error: string, retryAt: Date | 'park'): Promise<void> {
    if (retryAt === 'park') {
      await this.sql.run("UPDATE inbox SET state = 'parked', attempts = attempts + 1, last_error = $1 WHERE id = ANY($2::bigint[])", [error, eventIds])
      return
    }
    await this.sql.run('UPDATE inbox SET attempts = attempts + 1, not_before = $1, last_error = $2 WHERE id = ANY($3::bigint[])',
      [retryAt.toISOString(), error, eventIds])
  }

  async stats(memberId: string): Promise<InboxStats> {
    const row = await this.sql.row<{ pending: number; parked: number; oldest: string | null }>(`
      SELECT count(*) FILTER (WHERE state = 'pending') AS pending, count(*) FILTER (WHERE state = 'parked') AS parked,
        min(received_at) FILTER (WHERE state = 'pending') AS oldest
      FROM inbox WHERE member_id = $1`, [memberId])
    return { pending: row?.pending ?? 0, parked: row?.parked ?? 0, oldestPendingAt: row?.oldest ?? null }
  }

  async parked(memberId: string, limit = 20): Promise<ReturnType<typeof rowToParked>[]> {
    const rows = await this.sql.rows<ParkedRow>(
      "SELECT entity, entity_id, event, last_error, attempts FROM inbox WHERE member_id = $1 AND state = 'parked' ORDER BY id DESC LIMIT $2",
      [memberId, limit])
    return rows.map(rowToParked)
  }

  async nextRetryAt(after: Date = this.now()): Promise<Date | undefined> {
    const at = (await this.sql.row<{ at: string | null }>("SELECT min(not_before) AS at FROM inbox WHERE state = 'pending' AND not_before > $1", [after.toISOString()]))?.at
    return at ? new Date(at) : undefined
  }

  async portalsWithWork(): Promise<string[]> {
    return (await this.sql.rows<{ member_id: string }>("SELECT DISTINCT member_id FROM inbox WHERE state = 'pending'")).map((row) => row.member_id)
  }
}
