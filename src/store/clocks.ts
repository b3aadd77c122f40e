// Deadline clocks: started while a record owes something, stepped by the engine, stopped with their outcome.
import type { Entity } from '../../rules/types.js'
import type { ClockStep } from '../../rules/clock.js'
import type { Db } from './db.js'

/** Whom a step told and when, and how long after the event that started the clock. */
export interface ClockTold {
  step: number
  userId: string
  at: string
}

/** One clock of one rule on one record. */
export interface Clock {
  id: number
  memberId: string
  ruleId: string
  ruleVersion: number
  entity: Entity
  entityId: string
  variant: string
  responsibleId: string | null
  warnTo: string[]
  basis: 'working' | '24/7'
  startedAt: string
  dueAt: string
  steps: ClockStep[]
  nextAt: string | null
  pausedAt: string | null
  pausedMs: number
  pauses: Array<{ from: string; to: string }>
  /** Started by the first-install audit: what was already past is recorded, nobody told. */
  audit: boolean
  /** When the change that started it reached the app. */
  eventAt: string | null
  createdAt: string
  breachedAt: string | null
  violationId: number | null
  stoppedAt: string | null
  /** 'met' in time, 'late' after the breach, or why it stopped otherwise ('restarted', 'deleted', 'no longer applies'). */
  outcome: string | null
  elapsedMs: number | null
  told: ClockTold[]
}

/** A clock about to start. */
export type NewClock = Pick<Clock, 'ruleId' | 'ruleVersion' | 'entity' | 'entityId' | 'variant' | 'responsibleId' | 'warnTo' | 'basis'
  | 'startedAt' | 'dueAt' | 'steps' | 'nextAt' | 'pausedAt' | 'audit' | 'eventAt'>

/** What a step or a pause changes on a running clock. */
export type ClockChange = Partial<Pick<Clock, 'dueAt' | 'steps' | 'nextAt' | 'pausedAt' | 'pausedMs' | 'pauses' | 'breachedAt' | 'violationId' | 'told'>>

/** A clocks row as both stores keep it. */
export interface ClockRow {
  id: number; member_id: string; rule_id: string; rule_version: number; entity: Entity; entity_id: string; variant: string
  responsible_id: string | null; warn_to: string; basis: string; started_at: string; due_at: string; steps: string
  next_at: string | null; paused_at: string | null; paused_ms: number; pauses: string; audit: number; event_at: string | null
  created_at: string; breached_at: string | null; violation_id: number | null; stopped_at: string | null; outcome: string | null
  elapsed_ms: number | null; told: string
}

/** A clocks row as the app sees it. */
export function rowToClock(row: ClockRow): Clock {
  return {
    id: row.id, memberId: row.member_id, ruleId: row.rule_id, ruleVersion: row.rule_version, entity: row.entity,
    entityId: row.entity_id, variant: row.variant, responsibleId: row.responsible_id, warnTo: JSON.parse(row.warn_to),
    basis: row.basis === '24/7' ? '24/7' : 'working', startedAt: row.started_at, dueAt: row.due_at, steps: JSON.parse(row.steps),
    nextAt: row.next_at, pausedAt: row.paused_at, pausedMs: row.paused_ms, pauses: JSON.parse(row.pauses), audit: row.audit === 1,
    eventAt: row.event_at, createdAt: row.created_at, breachedAt: row.breached_at, violationId: row.violation_id,
    stoppedAt: row.stopped_at, outcome: row.outcome, elapsedMs: row.elapsed_ms, told: JSON.parse(row.told),
  }
}

const COLUMNS: Record<keyof ClockChange, string> = {
  dueAt: 'due_at', steps: 'steps', nextAt: 'next_at', pausedAt: 'paused_at', pausedMs: 'paused_ms', pauses: 'pauses',
  breachedAt: 'breached_at', violationId: 'violation_id', told: 'told',
}
const JSON_COLUMNS = new Set<keyof ClockChange>(['steps', 'pauses', 'told'])

/** What a change writes, column by column in a fixed order (undefined fields left alone), each value as stored. */
export function clockChangeColumns(change: ClockChange): Array<{ key: keyof ClockChange; column: string; value: unknown }> {
  const keys = (Object.keys(change) as Array<keyof ClockChange>).filter((key) => change[key] !== undefined).sort()
  return keys.map((key) => ({ key, column: COLUMNS[key], value: JSON_COLUMNS.has(key) ? JSON.stringify(change[key]) : change[key] }))
}

/** Starts, steps, stops and lists clocks. */
export class ClockRepo {
  readonly #start
  readonly #runningId
  readonly #running
  readonly #runningMany
  readonly #get
  readonly #stop
  readonly #due
  readonly #dueOf
  readonly #portalsDue
  readonly #next
  readonly #all
  readonly #count
  readonly #stats
  readonly #decided
  readonly #ofRulesBetween
  readonly #updates = new Map<string, ReturnType<Db['prepare']>>()

  constructor(private readonly db: Db, private readonly now: () => Date) {
    this.#start = db.prepare(`
      INSERT INTO clocks (member_id, rule_id, rule_version, entity, entity_id, variant, responsible_id, warn_to, basis,
        started_at, due_at, steps, next_at, paused_at, audit, event_at, created_at)
      VALUES (@memberId, @ruleId, @ruleVersion, @entity, @entityId, @variant, @responsibleId, @warnTo, @basis,
        @startedAt, @dueAt, @steps, @nextAt, @pausedAt, @audit, @eventAt, @createdAt)
      ON CONFLICT (member_id, rule_id, entity, entity_id, variant) WHERE stopped_at IS NULL DO NOTHING`)
    this.#runningId = db.prepare<[string, string, string, string, string], { id: number }>(
      'SELECT id FROM clocks WHERE member_id = ? AND rule_id = ? AND entity = ? AND entity_id = ? AND variant = ? AND stopped_at IS NULL',
    )
    this.#running = db.prepare<[string, string, string], ClockRow>(
      'SELECT * FROM clocks WHERE member_id = ? AND entity = ? AND entity_id = ? AND stopped_at IS NULL ORDER BY id',
    )
    // `+id`: ordered after the lookup, so that SQLite finds the records through clocks_record instead of walking every
    // clock of the portal in id order (clocks_by_portal).
    this.#runningMany = db.prepare<[string, string, string], ClockRow>(
      'SELECT * FROM clocks WHERE member_id = ? AND entity = ? AND entity_id IN (SELECT value FROM json_each(?)) AND stopped_at IS NULL ORDER BY +id',
    )
    this.#get = db.prepare<[number], ClockRow>('SELECT * FROM clocks WHERE id = ?')
    this.#stop = db.prepare('UPDATE clocks SET stopped_at = ?, outcome = ?, elapsed_ms = ?, next_at = NULL WHERE id = ? AND stopped_at IS NULL')
    // Only active portals' clocks run: one that needs re-authorisation catches up once it is installed again.
    this.#due = db.prepare<[string, number], ClockRow>(`
      SELECT clocks.* FROM clocks JOIN portals USING (member_id)
      WHERE stopped_at IS NULL AND next_at IS NOT NULL AND next_at <= ? AND portals.status = 'active' ORDER BY next_at, id LIMIT ?`)
    this.#dueOf = db.prepare<[string, string, number], ClockRow>(`
      SELECT clocks.* FROM clocks JOIN portals USING (member_id)
      WHERE clocks.member_id = ? AND stopped_at IS NULL AND next_at IS NOT NULL AND next_at <= ? AND portals.status = 'active'
      ORDER BY next_at, id LIMIT ?`)
    this.#portalsDue = db.prepare<[string], { memberId: string }>(`
      SELECT DISTINCT member_id AS memberId FROM clocks JOIN portals USING (member_id)
      WHERE stopped_at IS NULL AND next_at IS NOT NULL AND next_at <= ? AND portals.status = 'active' ORDER BY member_id`)
    this.#next = db.prepare<[], { at: string | null }>(`
      SELECT min(next_at) AS at FROM clocks JOIN portals USING (member_id)
      WHERE stopped_at IS NULL AND next_at IS NOT NULL AND portals.status = 'active'`)
    this.#all = db.prepare<[string], ClockRow>('SELECT * FROM clocks WHERE member_id = ? ORDER BY id')
    this.#count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM clocks WHERE stopped_at IS NULL')
    this.#stats = db.prepare<[string], { running: number | null; breached: number | null; next: string | null }>(`
      SELECT sum(stopped_at IS NULL) AS running, sum(stopped_at IS NULL AND breached_at IS NOT NULL) AS breached,
        min(CASE WHEN stopped_at IS NULL THEN next_at END) AS next
      FROM clocks WHERE member_id = ?`)
    // Met when stopped in time; missed when breached, unless it stopped for another reason than the record put right late.
    this.#decided = db.prepare<{ memberId: string; from: string; to: string }, ClockRow>(`
      SELECT * FROM clocks WHERE member_id = @memberId AND (
        (outcome = 'met' AND stopped_at >= @from AND stopped_at < @to)
        OR (breached_at >= @from AND breached_at < @to AND (stopped_at IS NULL OR outcome = 'late'))
      ) ORDER BY id`)
    // The report's clocks: those of some rules that stopped or breached in [from, to).
    this.#ofRulesBetween = db.prepare<{ memberId: string; rules: string; from: string; to: string }, ClockRow>(`
      SELECT * FROM clocks WHERE member_id = @memberId AND rule_id IN (SELECT value FROM json_each(@rules)) AND (
        (stopped_at >= @from AND stopped_at < @to) OR (breached_at >= @from AND breached_at < @to)
      ) ORDER BY id`)
  }

  /** Starts a clock and returns its id; one already running for the same rule, record and variant stands (started false). */
  start(memberId: string, clock: NewClock): { id: number; started: boolean } {
    // Object.assign rather than a spread followed by fields, which Node 20's V8 builds about ten times slower.
    const result = this.#start.run(Object.assign({}, clock, {
      memberId, warnTo: JSON.stringify(clock.warnTo), steps: JSON.stringify(clock.steps), audit: clock.audit ? 1 : 0,
      createdAt: this.now().toISOString(),
    }))
    if (result.changes === 1) return { id: Number(result.lastInsertRowid), started: true }
    const running = this.#runningId.get(memberId, clock.ruleId, clock.entity, clock.entityId, clock.variant)
    return { id: running!.id, started: false }
  }

  /** The running clocks of one record. */
  runningFor(memberId: string, entity: string, entityId: string): Clock[] {
    return this.#running.all(memberId, entity, entityId).map(rowToClock)
  }

  /** The running clocks of several records of one kind in one read, by id (each record's as runningFor answers them). */
  runningForMany(memberId: string, entity: string, entityIds: readonly string[]): Clock[] {
    if (entityIds.length === 0) return []
    return this.#runningMany.all(memberId, entity, JSON.stringify(entityIds)).map(rowToClock)
  }

  /** One clock by id. */
  get(id: number): Clock | undefined {
    const row = this.#get.get(id)
    return row ? rowToClock(row) : undefined
  }

  /** Writes what a step or a pause changed. */
  update(id: number, change: ClockChange): void {
    const columns = clockChangeColumns(change)
    if (columns.length === 0) return
    const sql = `UPDATE clocks SET ${columns.map(({ key, column }) => `${column} = @${key}`).join(', ')} WHERE id = @id`
    let statement = this.#updates.get(sql)
    if (!statement) {
      statement = this.db.prepare(sql)
      this.#updates.set(sql, statement)
    }
    const values: Record<string, unknown> = { id }
    for (const { key, value } of columns) values[key] = value
    statement.run(values)
  }

  /** Stops a running clock with its outcome; a stopped one stays stopped. True when it was running. */
  stop(id: number, outcome: string, elapsedMs: number | null): boolean {
    return this.#stop.run(this.now().toISOString(), outcome, elapsedMs === null ? null : Math.round(elapsedMs), id).changes === 1
  }

  /** Running clocks with a step due by `at` (default now), earliest first: every portal's, or one portal's. */
  due(at: Date = this.now(), limit = 1000, memberId?: string): Clock[] {
    const rows = memberId === undefined ? this.#due.all(at.toISOString(), limit) : this.#dueOf.all(memberId, at.toISOString(), limit)
    return rows.map(rowToClock)
  }

  /** The portals with a clock's step due by `at`, each once (a round of due clocks is one portal's). */
  portalsDue(at: Date): string[] {
    return this.#portalsDue.all(at.toISOString()).map((row) => row.memberId)
  }

  /** The earliest waiting step of any running clock. */
  nextAt(): Date | undefined {
    const at = this.#next.get()?.at
    return at ? new Date(at) : undefined
  }

  /** Every clock of a portal, running and stopped, oldest first. */
  all(memberId: string): Clock[] {
    return this.#all.all(memberId).map(rowToClock)
  }

  /** How many clocks run, over every portal. */
  runningCount(): number {
    return this.#count.get()?.n ?? 0
  }

  /** A portal's clocks for /healthz: how many run, how many of those are past their breach, the next step. */
  stats(memberId: string): { running: number; breached: number; nextStepAt: string | null } {
    const row = this.#stats.get(memberId)
    return { running: row?.running ?? 0, breached: row?.breached ?? 0, nextStepAt: row?.next ?? null }
  }

  /** A portal's clocks decided in [from, to): met (stopped in time then) or missed (breached then, running or stopped late). */
  decidedBetween(memberId: string, from: Date, to: Date): Clock[] {
    return this.#decided.all({ memberId, from: from.toISOString(), to: to.toISOString() }).map(rowToClock)
  }

  /** A portal's clocks of `ruleIds` that stopped or breached in [from, to), oldest first (the reports). */
  ofRulesBetween(memberId: string, ruleIds: readonly string[], from: Date, to: Date): Clock[] {
    return this.#ofRulesBetween.all({ memberId, rules: JSON.stringify(ruleIds), from: from.toISOString(), to: to.toISOString() }).map(rowToClock)
  }
}
