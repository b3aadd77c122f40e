// Scheduled report deliveries: claimed once per portal, period and department, then uploaded, then notified.
import type { Db } from './db.js'

/** Where one delivery stands: waiting for its upload (or a retry), on the Disk, or given up. */
export type DeliveryState = 'pending' | 'uploaded' | 'failed'

/** What identifies a delivery: the portal, the period (its first day and the day after its last) and the department. */
export interface DeliveryClaim {
  memberId: string
  kind: 'week' | 'month'
  from: string
  to: string
  departmentId: string
  supervisorId: string
}

/** One delivery as stored. */
export interface Delivery extends DeliveryClaim {
  id: number
  state: DeliveryState
  attempts: number
  error: string | null
  fileId: string | null
  fileName: string | null
  fileUrl: string | null
  uploadedAt: string | null
  notifiedAt: string | null
}

/** The file a delivery put on the portal's Disk. */
export interface DeliveredFile {
  id: string
  name: string
  url: string
}

/** A report_deliveries row as both stores keep it. */
export interface DeliveryRow {
  id: number; member_id: string; kind: 'week' | 'month'; period_from: string; period_to: string; department_id: string; supervisor_id: string
  state: DeliveryState; attempts: number; error: string | null; file_id: string | null; file_name: string | null; file_url: string | null
  uploaded_at: string | null; notified_at: string | null
}

/** A report_deliveries row as the app sees it. */
export function rowToDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id, memberId: row.member_id, kind: row.kind, from: row.period_from, to: row.period_to, departmentId: row.department_id,
    supervisorId: row.supervisor_id, state: row.state, attempts: row.attempts, error: row.error, fileId: row.file_id, fileName: row.file_name,
    fileUrl: row.file_url, uploadedAt: row.uploaded_at, notifiedAt: row.notified_at,
  }
}

/** How many deliveries of a portal stand in each state, as both stores count them. */
export interface DeliveryCountRow { state: DeliveryState; notified: number | boolean; count: number }

/** The counts for /healthz: pending, uploaded but not yet notified, delivered, given up. */
export function deliveryStats(rows: readonly DeliveryCountRow[]): { pending: number; unnotified: number; delivered: number; failed: number } {
  const stats = { pending: 0, unnotified: 0, delivered: 0, failed: 0 }
  for (const row of rows) {
    if (row.state === 'pending') stats.pending += row.count
    else if (row.state === 'failed') stats.failed += row.count
    else if (row.notified) stats.delivered += row.count
    else stats.unnotified += row.count
  }
  return stats
}

/** Claims, advances and reads deliveries; a claim is one INSERT that the unique key makes happen once. */
export class ReportDeliveryRepo {
  readonly #claim
  readonly #get
  readonly #ofPeriod
  readonly #uploaded
  readonly #failed
  readonly #notified
  readonly #all
  readonly #stats

  constructor(db: Db, private readonly now: () => Date) {
    this.#claim = db.prepare(`
      INSERT INTO report_deliveries (member_id, kind, period_from, period_to, department_id, supervisor_id, state, created_at, updated_at)
      VALUES (@memberId, @kind, @from, @to, @departmentId, @supervisorId, 'pending', @at, @at)
      ON CONFLICT (member_id, kind, period_from, department_id) DO NOTHING`)
    this.#get = db.prepare<[string, string, string, string], DeliveryRow>(
      'SELECT * FROM report_deliveries WHERE member_id = ? AND kind = ? AND period_from = ? AND department_id = ?')
    this.#ofPeriod = db.prepare<[string, string, string], DeliveryRow>(
      'SELECT * FROM report_deliveries WHERE member_id = ? AND kind = ? AND period_from = ? ORDER BY id')
    this.#uploaded = db.prepare(`
      UPDATE report_deliveries SET state = 'uploaded', attempts = attempts + 1, error = NULL, file_id = @fileId, file_name = @fileName,
        file_url = @fileUrl, uploaded_at = @at, updated_at = @at WHERE id = @id AND state = 'pending'`)
    this.#failed = db.prepare(`
      UPDATE report_deliveries SET attempts = attempts + 1, error = @error, updated_at = @at,
        state = CASE WHEN attempts + 1 >= @maxAttempts THEN 'failed' ELSE 'pending' END
      WHERE id = @id AND state = 'pending'`)
    this.#notified = db.prepare(`UPDATE report_deliveries SET notified_at = ?, updated_at = ? WHERE id = ? AND state = 'uploaded' AND notified_at IS NULL`)
    this.#all = db.prepare<[string], DeliveryRow>('SELECT * FROM report_deliveries WHERE member_id = ? ORDER BY id')
    this.#stats = db.prepare<[string], DeliveryCountRow>(`
      SELECT state, notified_at IS NOT NULL AS notified, COUNT(*) AS count FROM report_deliveries WHERE member_id = ? GROUP BY 1, 2`)
  }

  /** The delivery for the claim's portal, period and department: created pending by the first claim, as stored after. */
  claim(claim: DeliveryClaim): Delivery {
    this.#claim.run({ ...claim, at: this.now().toISOString() })
    const row = this.#get.get(claim.memberId, claim.kind, claim.from, claim.departmentId)
    if (!row) throw new Error('report delivery claimed but not found')
    return rowToDelivery(row)
  }

  /** Every delivery of one period on a portal, in claim order. */
  ofPeriod(memberId: string, kind: 'week' | 'month', from: string): Delivery[] {
    return this.#ofPeriod.all(memberId, kind, from).map(rowToDelivery)
  }

  /** Records the uploaded file; a delivery leaves 'pending' only once. */
  markUploaded(id: number, file: DeliveredFile): void {
    this.#uploaded.run({ id, fileId: file.id, fileName: file.name, fileUrl: file.url, at: this.now().toISOString() })
  }

  /** Counts a failed try; the delivery stays pending for a retry until `maxAttempts` tries, then it is given up. */
  markFailed(id: number, error: string, maxAttempts: number): void {
    this.#failed.run({ id, error: error.slice(0, 500), maxAttempts, at: this.now().toISOString() })
  }

  /** Records that the supervisor was told of these uploaded deliveries. */
  markNotified(ids: readonly number[]): void {
    const at = this.now().toISOString()
    for (const id of ids) this.#notified.run(at, at, id)
  }

  /** Every delivery of a portal, oldest first. */
  all(memberId: string): Delivery[] {
    return this.#all.all(memberId).map(rowToDelivery)
  }

  /** Counts for /healthz: pending, uploaded but not yet notified, delivered, given up. */
  stats(memberId: string): { pending: number; unnotified: number; delivered: number; failed: number } {
    return deliveryStats(this.#stats.all(memberId))
  }
}
