// The report's rows on PostgreSQL, a page at a time (the port's ReportRows): the same rows and order as SQLite's.
import type pg from 'pg'
import { rowToRecord, type MirrorRecord, type MirrorRow } from '../mirror.js'
import type { ReportClock, ReportRows } from '../port.js'
import { CLOCK_COLUMNS, FIRST_OPENED, keysetPages, openedCursor, REPORT_PAGE_ROWS, rowToReportClock, type ReportClockRow } from '../report-rows.js'
import { rowToViolation, type Violation, type ViolationRow } from '../violations.js'
import { asInteger, inTransaction } from './sql.js'

// The records' order, SQLite's CAST(entity_id AS INTEGER) (index mirror_by_number), ties by the id's text, byte by byte.
const NUMBER = asInteger('entity_id')
// Below any id's number, as SQLite's first page starts.
const BEFORE_ANY_NUMBER = '-9223372036854775809'

/** Reads the report's rows from PostgreSQL; each page is one transaction of its own. */
export class PgReportRows implements ReportRows {
  constructor(private readonly pool: pg.Pool, private readonly pageRows = REPORT_PAGE_ROWS) {}

  async *records(memberId: string, entity: string): AsyncGenerator<MirrorRecord> {
    const pages = keysetPages({ number: BEFORE_ANY_NUMBER, id: '' }, this.pageRows, (cursor) => this.#rows<MirrorRow & { number: string }>(`
      SELECT *, ${NUMBER}::text AS number FROM mirror WHERE member_id = $1 AND entity = $2 AND deleted = 0 AND (${NUMBER}, entity_id) > ($3::numeric, $4)
      ORDER BY ${NUMBER}, entity_id LIMIT $5`, [memberId, entity, cursor.number, cursor.id, this.pageRows]), (row) => ({ number: row.number, id: row.entity_id }))
    for await (const row of pages) yield rowToRecord(row)
  }

  async *clocksBetween(memberId: string, ruleIds: readonly string[], from: Date, to: Date): AsyncGenerator<ReportClock> {
    const pages = keysetPages(0, this.pageRows, (after) => this.#rows<ReportClockRow>(`
      SELECT ${CLOCK_COLUMNS} FROM clocks WHERE member_id = $1 AND id > $2 AND rule_id = ANY($3::text[])
        AND ((stopped_at >= $4 AND stopped_at < $5) OR (breached_at >= $4 AND breached_at < $5))
      ORDER BY id LIMIT $6`, [memberId, after, ruleIds, from.toISOString(), to.toISOString(), this.pageRows]), (row) => row.id)
    for await (const row of pages) yield rowToReportClock(row)
  }

  async clocksOf(memberId: string, entity: string, entityIds: readonly string[], ruleIds: readonly string[]): Promise<ReportClock[]> {
    if (entityIds.length === 0) return []
    const rows = await this.#rows<ReportClockRow>(`
      SELECT ${CLOCK_COLUMNS} FROM clocks WHERE member_id = $1 AND entity = $2 AND entity_id = ANY($3::text[]) AND rule_id = ANY($4::text[])
      ORDER BY id`, [memberId, entity, entityIds, ruleIds])
    return rows.map(rowToReportClock)
  }

  async *violationsOpened(memberId: string, from: Date, to: Date): AsyncGenerator<Violation> {
    const pages = keysetPages(FIRST_OPENED, this.pageRows, (cursor) => this.#rows<ViolationRow>(`
      SELECT * FROM violations WHERE member_id = $1 AND opened_at >= $2 AND opened_at < $3 AND (opened_at, id) > ($4, $5)
      ORDER BY opened_at, id LIMIT $6`, [memberId, from.toISOString(), to.toISOString(), cursor.openedAt, cursor.id, this.pageRows]), openedCursor)
    for await (const row of pages) yield rowToViolation(row)
  }

  async *outstandingOf(memberId: string, ruleId: string): AsyncGenerator<Violation> {
    const pages = keysetPages(FIRST_OPENED, this.pageRows, (cursor) => this.#rows<ViolationRow>(`
      SELECT * FROM violations WHERE member_id = $1 AND (opened_at, id) > ($2, $3) AND rule_id = $4 AND resolved_at IS NULL AND excused_at IS NULL
      ORDER BY opened_at, id LIMIT $5`, [memberId, cursor.openedAt, cursor.id, ruleId, this.pageRows]), openedCursor)
    for await (const row of pages) yield rowToViolation(row)
  }

  #rows<R>(text: string, params: readonly unknown[]): Promise<R[]> {
    return inTransaction(this.pool, (sql) => sql.rows<R>(text, params))
  }
}
