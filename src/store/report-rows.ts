// The report's rows read a page at a time (the port's ReportRows, port.ts): plain SELECTs, each page a bounded read.
import type { Db } from './db.js'
import type { Entity } from '../../rules/types.js'
import { rowToRecord, type MirrorRecord, type MirrorRow } from './mirror.js'
import type { ReportClock, ReportRows } from './port.js'
import { rowToViolation, type Violation, type ViolationRow } from './violations.js'

/**
 * Rows a page holds. A page is read whole in one synchronous call and handed out row by row afterwards: an iterator of
 * better-sqlite3 left open across an `await` would hold the connection busy (every other statement throws) and its read
 * transaction open for as long as the slowest consumer takes.
 */
export const REPORT_PAGE_ROWS = 500

// The first page starts below any id's number (SQLite's CAST of text to INTEGER gives at least this).
const BEFORE_ANY_NUMBER = -9_223_372_036_854_775_808n

// Only what a report counts: no steps, pauses or warnings to parse for every clock.
export const CLOCK_COLUMNS = 'id, rule_id, entity, entity_id, responsible_id, breached_at, stopped_at, outcome, elapsed_ms'
/** A clocks row as a report reads it, in either store. */
export interface ReportClockRow {
  id: number; rule_id: string; entity: Entity; entity_id: string; responsible_id: string | null
  breached_at: string | null; stopped_at: string | null; outcome: string | null; elapsed_ms: number | null
}

export function rowToReportClock(row: ReportClockRow): ReportClock {
  return {
    id: row.id, ruleId: row.rule_id, entity: row.entity, entityId: row.entity_id, responsibleId: row.responsible_id,
    breachedAt: row.breached_at, stoppedAt: row.stopped_at, outcome: row.outcome, elapsedMs: row.elapsed_ms,
  }
}

/** Where the violations' pages start, and the cursor after a row: (opened_at, id). */
export const FIRST_OPENED = { openedAt: '', id: 0 }
export const openedCursor = (row: ViolationRow) => ({ openedAt: row.opened_at, id: row.id })

/**
 * A keyset-paged read, row by row: `page(cursor)` reads up to `size` rows after `cursor`, `next(row)` is the cursor
 * after `row`; a page shorter than `size` is the last. Each page is one read of its own (see the port's ReportRows).
 */
export async function* keysetPages<R, C>(first: C, size: number, page: (cursor: C) => R[] | Promise<R[]>, next: (row: R) => C): AsyncGenerator<R> {
  let cursor = first
  for (;;) {
    const rows = await page(cursor)
    yield* rows
    const last = rows.at(-1)
    if (!last || rows.length < size) return
    cursor = next(last)
  }
}

/** The SQLite reader of the report's rows; each page shares the read transaction of its turn (read-scope.ts). */
export class ReportRowsReader implements ReportRows {
  readonly #records
  readonly #clocks
  readonly #clocksOf
  readonly #violations
  readonly #outstanding

  constructor(db: Db, private readonly pageRows = REPORT_PAGE_ROWS) {
    // Index mirror_by_number: the page starts at its cursor, with no sort (a row value over the CAST would scan from the
    // entity's first row each page, so the cursor is spelled out as a range and a tie-break).
    this.#records = db.prepare<{ memberId: string; entity: string; number: bigint; id: string; limit: number }, MirrorRow & { number: string }>(`
      SELECT *, CAST(CAST(entity_id AS INTEGER) AS TEXT) AS number FROM mirror WHERE member_id = @memberId AND entity = @entity AND deleted = 0
        AND CAST(entity_id AS INTEGER) >= @number AND (CAST(entity_id AS INTEGER) > @number OR entity_id > @id)
      ORDER BY CAST(entity_id AS INTEGER), entity_id LIMIT @limit`)
    this.#clocks = db.prepare<{ memberId: string; rules: string; from: string; to: string; after: number; limit: number }, ReportClockRow>(`
      SELECT ${CLOCK_COLUMNS} FROM clocks WHERE member_id = @memberId AND id > @after AND rule_id IN (SELECT value FROM json_each(@rules)) AND (
        (stopped_at >= @from AND stopped_at < @to) OR (breached_at >= @from AND breached_at < @to)
      ) ORDER BY id LIMIT @limit`)
    // By the records (clocks_record): ordering by id would tempt the planner into the portal's every clock.
    this.#clocksOf = db.prepare<{ memberId: string; entity: string; ids: string; rules: string }, ReportClockRow>(`
      SELECT ${CLOCK_COLUMNS} FROM clocks INDEXED BY clocks_record WHERE member_id = @memberId AND entity = @entity AND entity_id IN (SELECT value FROM json_each(@ids))
        AND rule_id IN (SELECT value FROM json_each(@rules)) ORDER BY id`)
    this.#violations = db.prepare<{ memberId: string; from: string; to: string; openedAt: string; id: number; limit: number }, ViolationRow>(`
      SELECT * FROM violations WHERE member_id = @memberId AND opened_at >= @from AND opened_at < @to AND (opened_at, id) > (@openedAt, @id)
      ORDER BY opened_at, id LIMIT @limit`)
    this.#outstanding = db.prepare<{ memberId: string; ruleId: string; openedAt: string; id: number; limit: number }, ViolationRow>(`
      SELECT * FROM violations WHERE member_id = @memberId AND (opened_at, id) > (@openedAt, @id) AND rule_id = @ruleId
        AND resolved_at IS NULL AND excused_at IS NULL
      ORDER BY opened_at, id LIMIT @limit`)
  }

  async *records(memberId: string, entity: string): AsyncGenerator<MirrorRecord> {
    const pages = keysetPages({ number: BEFORE_ANY_NUMBER, id: '' }, this.pageRows,
      (cursor) => this.#records.all({ memberId, entity, ...cursor, limit: this.pageRows }), (row) => ({ number: BigInt(row.number), id: row.entity_id }))
    for await (const row of pages) yield rowToRecord(row)
  }

  async *clocksBetween(memberId: string, ruleIds: readonly string[], from: Date, to: Date): AsyncGenerator<ReportClock> {
    const rules = JSON.stringify(ruleIds)
    const pages = keysetPages(0, this.pageRows,
      (after) => this.#clocks.all({ memberId, rules, from: from.toISOString(), to: to.toISOString(), after, limit: this.pageRows }), (row) => row.id)
    for await (const row of pages) yield rowToReportClock(row)
  }

  async clocksOf(memberId: string, entity: string, entityIds: readonly string[], ruleIds: readonly string[]): Promise<ReportClock[]> {
    if (entityIds.length === 0) return []
    return this.#clocksOf.all({ memberId, entity, ids: JSON.stringify(entityIds), rules: JSON.stringify(ruleIds) }).map(rowToReportClock)
  }

  async *violationsOpened(memberId: string, from: Date, to: Date): AsyncGenerator<Violation> {
    const pages = keysetPages(FIRST_OPENED, this.pageRows,
      (cursor) => this.#violations.all({ memberId, from: from.toISOString(), to: to.toISOString(), ...cursor, limit: this.pageRows }), openedCursor)
    for await (const row of pages) yield rowToViolation(row)
  }

  async *outstandingOf(memberId: string, ruleId: string): AsyncGenerator<Violation> {
    const pages = keysetPages(FIRST_OPENED, this.pageRows, (cursor) => this.#outstanding.all({ memberId, ruleId, ...cursor, limit: this.pageRows }), openedCursor)
    for await (const row of pages) yield rowToViolation(row)
  }
}
