// Scheduled report deliveries on PostgreSQL: a claim is one INSERT the unique key makes happen once, on any instance.
import type { Async } from '../port.js'
import {
  deliveryStats, rowToDelivery,
  type DeliveredFile, type Delivery, type DeliveryClaim, type DeliveryCountRow, type DeliveryRow, type ReportDeliveryRepo,
} from '../report-deliveries.js'
import type { Sql } from './sql.js'

/** Claims, advances and reads deliveries. */
export class PgReportDeliveryRepo implements Async<ReportDeliveryRepo> {
  constructor(private readonly sql: Sql, private readonly now: () => Date) {}

  async claim(claim: DeliveryClaim): Promise<Delivery> {
    await this.sql.run(`
      INSERT INTO report_deliveries (member_id, kind, period_from, period_to, department_id, supervisor_id, state, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7) ON CONFLICT (member_id, kind, period_from, department_id) DO NOTHING`,
    [claim.memberId, claim.kind, claim.from, claim.to, claim.departmentId, claim.supervisorId, this.now().toISOString()])
    const row = await this.sql.row<DeliveryRow>('SELECT * FROM report_deliveries WHERE member_id = $1 AND kind = $2 AND period_from = $3 AND department_id = $4',
      [claim.memberId, claim.kind, claim.from, claim.departmentId])
    if (!row) throw new Error('report delivery claimed but not found')
    return rowToDelivery(row)
  }

  async ofPeriod(memberId: string, kind: 'week' | 'month', from: string): Promise<Delivery[]> {
    const rows = await this.sql.rows<DeliveryRow>('SELECT * FROM report_deliveries WHERE member_id = $1 AND kind = $2 AND period_from = $3 ORDER BY id', [memberId, kind, from])
    return rows.map(rowToDelivery)
  }

  async markUploaded(id: number, file: DeliveredFile): Promise<void> {
    await this.sql.run(`
      UPDATE report_deliveries SET state = 'uploaded', attempts = attempts + 1, error = NULL, file_id = $2, file_name = $3,
        file_url = $4, uploaded_at = $5, updated_at = $5 WHERE id = $1 AND state = 'pending'`,
    [id, file.id, file.name, file.url, this.now().toISOString()])
  }

  async markFailed(id: number, error: string, maxAttempts: number): Promise<void> {
    await this.sql.run(`
      UPDATE report_deliveries SET attempts = attempts + 1, error = $2, updated_at = $3,
        state = CASE WHEN attempts + 1 >= $4 THEN 'failed' ELSE 'pending' END
      WHERE id = $1 AND state = 'pending'`, [id, error.slice(0, 500), this.now().toISOString(), maxAttempts])
  }

  async markNotified(ids: readonly number[]): Promise<void> {
    const at = this.now().toISOString()
    await this.sql.run("UPDATE report_deliveries SET notified_at = $1, updated_at = $1 WHERE id = ANY($2::bigint[]) AND state = 'uploaded' AND notified_at IS NULL",
      [at, [...ids]])
  }

  async all(memberId: string): Promise<Delivery[]> {
    return (await this.sql.rows<DeliveryRow>('SELECT * FROM report_deliveries WHERE member_id = $1 ORDER BY id', [memberId])).map(rowToDelivery)
  }

  async stats(memberId: string): Promise<{ pending: number; unnotified: number; delivered: number; failed: number }> {
    return deliveryStats(await this.sql.rows<DeliveryCountRow>(`
      SELECT state, notified_at IS NOT NULL AS notified, count(*) AS count FROM report_deliveries WHERE member_id = $1 GROUP BY 1, 2`, [memberId]))
  }
}
