// The outbox on PostgreSQL: each key planned once; claims skip what another instance holds (FOR UPDATE SKIP LOCKED).
import type { Async } from '../port.js'
import type { Budget } from '../plan.js'
import { budgetSteps, defaultPriority, DIGEST_PREFIX, PRIORITY, rowToAction, type Action, type ActionKind, type ActionRepo, type ActionRow, type Priority } from '../actions.js'
import { runAwaited } from '../steps.js'
import type { Sql } from './sql.js'

const COLUMNS = 'id, member_id, key, kind, payload, attempts'
// SQLite's LIKE ignores ASCII case: ILIKE answers the same.
const DIGEST = `key ILIKE '${DIGEST_PREFIX}%'`

/** Plans, claims and settles actions. */
export class PgActionRepo implements Async<ActionRepo> {
  constructor(private readonly sql: Sql, private readonly now: () => Date) {}

  async budgets(memberId: string, notices: ReadonlyMap<string, number>, policy: { limit: number; windowMs: number }): Promise<Map<string, Budget>> {
    return runAwaited(budgetSteps({
      inWindow: (userId, createdAfter, since) => this.sql.row<{ n: number; digests: number; oldest: string | null }>(`
        SELECT count(*) AS n, count(*) FILTER (WHERE ${DIGEST}) AS digests, min(coalesce(done_at, created_at)) AS oldest
        FROM actions WHERE member_id = $1 AND recipient = $2 AND created_at > $3 AND coalesce(done_at, created_at) > $4 AND state <> 'folded'`,
      [memberId, userId, createdAfter, since]),
      openDigests: (userId) => this.sql.rows<{ id: number; payload: string; priority: number }>(`
        SELECT id, payload, priority FROM actions WHERE member_id = $1 AND recipient = $2 AND ${DIGEST} AND state = 'pending' ORDER BY id DESC`,
      [memberId, userId]),
    }, notices, policy, this.now()))
  }

  async planned(memberId: string, key: string): Promise<boolean> {
    return (await this.idOf(memberId, key)) !== undefined
  }

  async idOf(memberId: string, key: string): Promise<number | undefined> {
    return (await this.sql.row<{ id: number }>('SELECT id FROM actions WHERE member_id = $1 AND key = $2', [memberId, key]))?.id
  }

  async addMessage(memberId: string, message: { key: string; payload: unknown; priority: Priority; recipient: string; state: 'pending' | 'folded'; notBefore: string | null; digestId: number | null }): Promise<number | undefined> {
    const row = await this.sql.row<{ id: number }>(`
      INSERT INTO actions (member_id, key, kind, payload, created_at, priority, recipient, state, not_before, digest_id)
      VALUES ($1, $2, 'notify', $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (member_id, key) DO NOTHING RETURNING id`, [
      memberId, message.key, JSON.stringify(message.payload), this.now().toISOString(), PRIORITY[message.priority], message.recipient,
      message.state, message.notBefore, message.digestId,
    ])
    if (row && message.state === 'pending') this.sql.leavesWork(memberId)
    return row?.id
  }

  async updateDigest(id: number, payload: unknown): Promise<void> {
    await this.sql.run('UPDATE actions SET payload = $1 WHERE id = $2', [JSON.stringify(payload), id])
  }

  async stats(memberId: string): Promise<{ pending: number; sending: number; failed: number }> {
    const row = await this.sql.row<{ pending: number; sending: number; failed: number }>(`
      SELECT count(*) FILTER (WHERE state = 'pending') AS pending, count(*) FILTER (WHERE state = 'sending') AS sending,
        count(*) FILTER (WHERE state = 'failed') AS failed FROM actions WHERE member_id = $1`, [memberId])
    return { pending: row?.pending ?? 0, sending: row?.sending ?? 0, failed: row?.failed ?? 0 }
  }

  async plan(memberId: string, key: string, kind: ActionKind, payload: Record<string, unknown>, priority: Priority = defaultPriority(kind), notBefore: string | null = null): Promise<boolean> {
    const planned = (await this.sql.run(`
      INSERT INTO actions (member_id, key, kind, payload, created_at, priority, not_before) VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (member_id, key) DO NOTHING`,
    [memberId, key, kind, JSON.stringify(payload), this.now().toISOString(), PRIORITY[priority], notBefore])) === 1
    if (planned) this.sql.leavesWork(memberId)
    return planned
  }

  // Rows another instance is claiming are skipped, not waited for: each due action goes to one claim.
  async claim(memberId: string, limit: number): Promise<Action[]> {
    const rows = await this.sql.rows<ActionRow>(`
      WITH due AS (
        SELECT id FROM actions WHERE member_id = $1 AND state = 'pending' AND coalesce(not_before, '') <= $2
        ORDER BY priority, id LIMIT $3 FOR UPDATE SKIP LOCKED
      ), claimed AS (
        UPDATE actions SET state = 'sending', attempts = actions.attempts + 1 FROM due WHERE actions.id = due.id
        RETURNING actions.*
      )
      SELECT ${COLUMNS} FROM claimed ORDER BY priority, id`, [memberId, this.now().toISOString(), limit])
    return rows.map(rowToAction)
  }

  async done(id: number): Promise<void> {
    await this.sql.run("UPDATE actions SET state = 'done', done_at = $1, last_error = NULL WHERE id = $2", [this.now().toISOString(), id])
  }

  async retry(id: number, error: string, at: Date): Promise<void> {
    await this.sql.run("UPDATE actions SET state = 'pending', not_before = $1, last_error = $2 WHERE id = $3", [at.toISOString(), error, id])
  }

  async fail(id: number, error: string): Promise<void> {
    await this.sql.run("UPDATE actions SET state = 'failed', last_error = $1 WHERE id = $2", [error, id])
  }

  async recoverInterrupted(resend: (action: Action) => boolean, memberId?: string): Promise<Action[]> {
    const interrupted = (await this.sql.rows<ActionRow>(`SELECT ${COLUMNS} FROM actions WHERE state = 'sending' AND ($1::text IS NULL OR member_id = $1) ORDER BY id FOR UPDATE`, [memberId ?? null])).map(rowToAction)
    for (const action of interrupted) {
      if (resend(action)) await this.sql.run("UPDATE actions SET state = 'pending' WHERE id = $1", [action.id])
      else await this.fail(action.id, 'interrupted by a restart; not sent again to avoid a duplicate')
    }
    return interrupted
  }

  async portalsWithWork(): Promise<string[]> {
    return (await this.sql.rows<{ member_id: string }>("SELECT DISTINCT member_id FROM actions WHERE state = 'pending'")).map((row) => row.member_id)
  }

  async nextRetryAt(after: Date = this.now()): Promise<Date | undefined> {
    const at = (await this.sql.row<{ at: string | null }>("SELECT min(not_before) AS at FROM actions WHERE state = 'pending' AND not_before > $1", [after.toISOString()]))?.at
    return at ? new Date(at) : undefined
  }

  async noticesOf(memberId: string, violationIds: readonly number[]): Promise<Array<{ violationId: number; userId: string; state: string; at: string }>> {
    if (violationIds.length === 0) return []
    const rows = await this.sql.rows<{ violation_id: number; recipient: string; state: string; at: string }>(`
      SELECT payload::jsonb -> 'violationId' AS violation_id, recipient, state, coalesce(done_at, created_at) AS at FROM actions
      WHERE member_id = $1 AND kind = 'notify' AND recipient IS NOT NULL
        AND payload::jsonb -> 'violationId' IN (SELECT jsonb_array_elements($2::jsonb))
      ORDER BY id`, [memberId, JSON.stringify(violationIds)])
    return rows.map((row) => ({ violationId: row.violation_id, userId: row.recipient, state: row.state, at: row.at }))
  }

  async inState(memberId: string, state: 'pending' | 'sending' | 'done' | 'failed' | 'folded'): Promise<Action[]> {
    return (await this.sql.rows<ActionRow>(`SELECT ${COLUMNS} FROM actions WHERE member_id = $1 AND state = $2 ORDER BY id`, [memberId, state])).map(rowToAction)
  }

  async deletePortal(memberId: string): Promise<void> {
    await this.sql.run('DELETE FROM actions WHERE member_id = $1', [memberId])
  }
}
