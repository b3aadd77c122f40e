// Deadline clocks on PostgreSQL: one running per rule, record and variant (the partial unique index).
import type { Async } from '../port.js'
import { clockChangeColumns, rowToClock, type Clock, type ClockChange, type ClockRepo, type ClockRow, type NewClock } from '../clocks.js'
import type { Sql } from './sql.js'

/** Starts, steps, stops and lists clocks. */
export class PgClockRepo implements Async<ClockRepo> {
  constructor(private readonly sql: Sql, private readonly now: () => Date) {}

  async start(memberId: string, clock: NewClock): Promise<{ id: number; started: boolean }> {
    const inserted = await this.sql.row<{ id: number }>(`
      INSERT INTO clocks (member_id, rule_id, rule_version, entity, entity_id, variant, responsible_id, warn_to, basis,
        started_at, due_at, steps, next_at, paused_at, audit, event_at, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
      ON CONFLICT (member_id, rule_id, entity, entity_id, variant) WHERE stopped_at IS NULL DO NOTHING RETURNING id`, [
      memberId, clock.ruleId, clock.ruleVersion, clock.entity, clock.entityId, clock.variant, clock.responsibleId, JSON.stringify(clock.warnTo),
      clock.basis, clock.startedAt, clock.dueAt, JSON.stringify(clock.steps), clock.nextAt, clock.pausedAt, clock.audit ? 1 : 0, clock.eventAt,
      this.now().toISOString(),
    ])
    if (inserted) return { id: inserted.id, started: true }
    const running = await this.sql.row<{ id: number }>(
      'SELECT id FROM clocks WHERE member_id = $1 AND rule_id = $2 AND entity = $3 AND entity_id = $4 AND variant = $5 AND stopped_at IS NULL',
      [memberId, clock.ruleId, clock.entity, clock.entityId, clock.variant])
    return { id: running!.id, started: false }
  }

  async runningFor(memberId: string, entity: string, entityId: string): Promise<Clock[]> {
    return this.#list('SELECT * FROM clocks WHERE member_id = $1 AND entity = $2 AND entity_id = $3 AND stopped_at IS NULL ORDER BY id', [memberId, entity, entityId])
  }

  async runningForMany(memberId: string, entity: string, entityIds: readonly string[]): Promise<Clock[]> {
    if (entityIds.length === 0) return []
    return this.#list('SELECT * FROM clocks WHERE member_id = $1 AND entity = $2 AND entity_id = ANY($3::text[]) AND stopped_at IS NULL ORDER BY id', [memberId, entity, entityIds])
  }

  async get(id: number): Promise<Clock | undefined> {
    return (await this.#list('SELECT * FROM clocks WHERE id = $1', [id]))[0]
  }

  async update(id: number, change: ClockChange): Promise<void> {
    const columns = clockChangeColumns(change)
    if (columns.length === 0) return
    const set = columns.map(({ column }, index) => `${column} = $${index + 2}`).join(', ')
    await this.sql.run(`UPDATE clocks SET ${set} WHERE id = $1`, [id, ...columns.map(({ value }) => value)])
  }

  async stop(id: number, outcome: string, elapsedMs: number | null): Promise<boolean> {
    return (await this.sql.run('UPDATE clocks SET stopped_at = $1, outcome = $2, elapsed_ms = $3, next_at = NULL WHERE id = $4 AND stopped_at IS NULL',
      [this.now().toISOString(), outcome, elapsedMs === null ? null : Math.round(elapsedMs), id])) === 1
  }

  // Only active portals' clocks run: one that needs re-authorisation catches up once it is installed again.
  async due(at: Date = this.now(), limit = 1000, memberId?: string): Promise<Clock[]> {
    return this.#list(`
      SELECT clocks.* FROM clocks JOIN portals USING (member_id)
      WHERE stopped_at IS NULL AND next_at IS NOT NULL AND next_at <= $1 AND portals.status = 'active' AND ($3::text IS NULL OR clocks.member_id = $3)
      ORDER BY next_at, id LIMIT $2`,
    [at.toISOString(), limit, memberId ?? null])
  }

  async portalsDue(at: Date): Promise<string[]> {
    const rows = await this.sql.rows<{ member_id: string }>(`
      SELECT member_id FROM clocks JOIN portals USING (member_id)
      WHERE stopped_at IS NULL AND next_at IS NOT NULL AND next_at <= $1 AND portals.status = 'active'
      GROUP BY member_id ORDER BY member_id COLLATE "C"`, [at.toISOString()])
    return rows.map((row) => row.member_id)
  }

  async nextAt(): Promise<Date | undefined> {
    // The earliest by the index clocks_next (a min() over the join read every running clock: 42 ms at 100,000).
    const row = await this.sql.row<{ at: string | null }>(`
      SELECT next_at AS at FROM clocks
      WHERE stopped_at IS NULL AND next_at IS NOT NULL
        AND EXISTS (SELECT 1 FROM portals WHERE portals.member_id = clocks.member_id AND portals.status = 'active')
      ORDER BY next_at LIMIT 1`)
    return row?.at ? new Date(row.at) : undefined
  }

  async all(memberId: string): Promise<Clock[]> {
    return this.#list('SELECT * FROM clocks WHERE member_id = $1 ORDER BY id', [memberId])
  }

  async runningCount(): Promise<number> {
    return (await this.sql.row<{ n: number }>('SELECT count(*) AS n FROM clocks WHERE stopped_at IS NULL'))?.n ?? 0
  }

  async stats(memberId: string): Promise<{ running: number; breached: number; nextStepAt: string | null }> {
    const row = await this.sql.row<{ running: number; breached: number; next: string | null }>(`
      SELECT count(*) FILTER (WHERE stopped_at IS NULL) AS running,
        count(*) FILTER (WHERE stopped_at IS NULL AND breached_at IS NOT NULL) AS breached,
        min(next_at) FILTER (WHERE stopped_at IS NULL) AS next
      FROM clocks WHERE member_id = $1`, [memberId])
    return { running: row?.running ?? 0, breached: row?.breached ?? 0, nextStepAt: row?.next ?? null }
  }

  // Met when stopped in time; missed when breached, unless it stopped for another reason than the record put right late.
  async decidedBetween(memberId: string, from: Date, to: Date): Promise<Clock[]> {
    return this.#list(`
      SELECT * FROM clocks WHERE member_id = $1 AND (
        (outcome = 'met' AND stopped_at >= $2 AND stopped_at < $3)
        OR (breached_at >= $2 AND breached_at < $3 AND (stopped_at IS NULL OR outcome = 'late'))
      ) ORDER BY id`, [memberId, from.toISOString(), to.toISOString()])
  }

  async ofRulesBetween(memberId: string, ruleIds: readonly string[], from: Date, to: Date): Promise<Clock[]> {
    return this.#list(`
      SELECT * FROM clocks WHERE member_id = $1 AND rule_id = ANY($2::text[]) AND (
        (stopped_at >= $3 AND stopped_at < $4) OR (breached_at >= $3 AND breached_at < $4)
      ) ORDER BY id`, [memberId, [...ruleIds], from.toISOString(), to.toISOString()])
  }

  async #list(text: string, params: readonly unknown[]): Promise<Clock[]> {
    return (await this.sql.rows<ClockRow>(text, params)).map(rowToClock)
  }
}
