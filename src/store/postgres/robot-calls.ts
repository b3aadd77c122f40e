// Robot calls on PostgreSQL: kept before the portal hears 200, once per event_token, decided once.
import type { Async } from '../port.js'
import {
  CALL_COLUMNS, rowToCall, rowToCallLine,
  type CallLineRow, type CallRow, type NewRobotCall, type RobotCall, type RobotCallLine, type RobotCallRepo, type RobotDecision,
} from '../robot-calls.js'
import type { Sql } from './sql.js'

/** Accepts, hands out and settles robot calls. */
export class PgRobotCallRepo implements Async<RobotCallRepo> {
  constructor(private readonly sql: Sql, private readonly now: () => Date) {}

  async accept(call: NewRobotCall): Promise<boolean> {
    const accepted = (await this.sql.run(`
      INSERT INTO robot_calls (member_id, event_token, code, document_id, entity, entity_id, entity_type_id, properties, user_id, waits, received_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (member_id, event_token) DO NOTHING`, [
      call.memberId, call.eventToken, call.code, call.documentId, call.entity, call.entityId, call.entityTypeId, JSON.stringify(call.properties),
      call.userId, call.waits ? 1 : 0, this.now().toISOString(),
    ])) === 1
    if (accepted) this.sql.leavesWork(call.memberId)
    return accepted
  }

  async due(memberId: string, limit: number): Promise<RobotCall[]> {
    const rows = await this.sql.rows<CallRow>(`
      SELECT ${CALL_COLUMNS} FROM robot_calls WHERE member_id = $1 AND state = 'pending' AND coalesce(not_before, '') <= $2 ORDER BY id LIMIT $3`,
    [memberId, this.now().toISOString(), limit])
    return rows.map(rowToCall)
  }

  async retry(id: number, error: string, at: Date): Promise<void> {
    await this.sql.run('UPDATE robot_calls SET attempts = attempts + 1, not_before = $1, last_error = $2 WHERE id = $3', [at.toISOString(), error, id])
  }

  async decided(memberId: string, decision: RobotDecision): Promise<void> {
    await this.sql.run(`
      UPDATE robot_calls SET state = 'decided', return_values = $1, log_message = $2, answer_at = $3, decided_at = $4, last_error = NULL
      WHERE member_id = $5 AND event_token = $6`,
    [JSON.stringify(decision.returnValues), decision.logMessage, decision.answerAt, this.now().toISOString(), memberId, decision.eventToken])
  }

  async portalsWithWork(): Promise<string[]> {
    return (await this.sql.rows<{ member_id: string }>("SELECT DISTINCT member_id FROM robot_calls WHERE state = 'pending'")).map((row) => row.member_id)
  }

  async nextRetryAt(after: Date): Promise<Date | undefined> {
    const at = (await this.sql.row<{ at: string | null }>("SELECT min(not_before) AS at FROM robot_calls WHERE state = 'pending' AND not_before > $1", [after.toISOString()]))?.at
    return at ? new Date(at) : undefined
  }

  // The answer's outbox row shares the call's key (answerKey): its state says whether the portal has the answer.
  async ofRecord(memberId: string, entity: string, entityId: string, limit = 20): Promise<RobotCallLine[]> {
    const rows = await this.sql.rows<CallLineRow>(`
      SELECT r.code, r.received_at, r.state, r.return_values, r.log_message, r.answer_at, a.state AS answer, a.done_at AS answered_at
      FROM robot_calls r LEFT JOIN actions a ON a.member_id = r.member_id AND a.key = 'robot:' || r.event_token
      WHERE r.member_id = $1 AND r.entity = $2 AND r.entity_id = $3 ORDER BY r.id DESC LIMIT $4`, [memberId, entity, entityId, limit])
    return rows.map(rowToCallLine)
  }

  async stats(memberId: string): Promise<{ pending: number; decided: number }> {
    const row = await this.sql.row<{ pending: number; decided: number }>(`
      SELECT count(*) FILTER (WHERE state = 'pending') AS pending, count(*) FILTER (WHERE state = 'decided') AS decided
      FROM robot_calls WHERE member_id = $1`, [memberId])
    return { pending: row?.pending ?? 0, decided: row?.decided ?? 0 }
  }
}
