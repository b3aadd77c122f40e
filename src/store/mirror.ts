// The local mirror: the last snapshot of every record the app follows, per portal.
import type { Db } from './db.js'

/** A record as last read from the portal. */
export interface MirrorRecord {
  entity: string
  entityId: string
  snapshot: Record<string, unknown>
  deleted: boolean
  modifiedAt: string | null
  syncedAt: string
}

/** A mirror row as both stores keep it. */
export interface MirrorRow { entity: string; entity_id: string; snapshot: string; deleted: number; modified_at: string | null; synced_at: string }

/** A mirror row as the app sees it. */
export function rowToRecord(row: MirrorRow): MirrorRecord {
  return {
    entity: row.entity,
    entityId: row.entity_id,
    snapshot: JSON.parse(row.snapshot),
    deleted: row.deleted === 1,
    modifiedAt: row.modified_at,
    syncedAt: row.synced_at,
  }
}

/** Reads and writes snapshots. */
export class MirrorRepo {
  readonly #get
  readonly #getMany
  readonly #activitiesMany
  readonly #put
  readonly #list
  readonly #count
  readonly #activities
  readonly #leadsHeld
  readonly #sameTasks
  readonly #bound
  readonly #unbind
  readonly #bind

  constructor(db: Db, private readonly now: () => Date) {
    this.#get = db.prepare<[string, string, string], MirrorRow>(
      'SELECT * FROM mirror WHERE member_id = ? AND entity = ? AND entity_id = ?',
    )
    this.#getMany = db.prepare<[string, string, string], MirrorRow>(
      'SELECT * FROM mirror WHERE member_id = ? AND entity = ? AND entity_id IN (SELECT value FROM json_each(?))',
    )
    this.#put = db.prepare(`
      INSERT INTO mirror (member_id, entity, entity_id, snapshot, deleted, modified_at, synced_at)
      VALUES (@memberId, @entity, @entityId, @snapshot, @deleted, @modifiedAt, @syncedAt)
      ON CONFLICT (member_id, entity, entity_id) DO UPDATE SET snapshot = excluded.snapshot,
        deleted = excluded.deleted, modified_at = excluded.modified_at, synced_at = excluded.synced_at`)
    this.#list = db.prepare<[string, string], MirrorRow>(
      'SELECT * FROM mirror WHERE member_id = ? AND entity = ? AND deleted = 0 ORDER BY CAST(entity_id AS INTEGER)',
    )
    this.#activities = db.prepare<[string, string, string], MirrorRow>(`
      SELECT mirror.* FROM activity_bindings AS b JOIN mirror
        ON mirror.member_id = b.member_id AND mirror.entity = 'activity' AND mirror.entity_id = b.activity_id
      WHERE b.member_id = ? AND b.owner_type_id = ? AND b.owner_id = ? AND mirror.deleted = 0
      ORDER BY CAST(mirror.entity_id AS INTEGER)`)
    // CROSS JOIN keeps SQLite on the bindings of the owners asked (their primary key) rather than every activity of the portal.
    this.#activitiesMany = db.prepare<[string, string, string], MirrorRow & { owner_id: string }>(`
      SELECT b.owner_id, mirror.* FROM activity_bindings AS b CROSS JOIN mirror
        ON mirror.member_id = b.member_id AND mirror.entity = 'activity' AND mirror.entity_id = b.activity_id
      WHERE b.member_id = ? AND b.owner_type_id = ? AND b.owner_id IN (SELECT value FROM json_each(?)) AND mirror.deleted = 0
      ORDER BY CAST(mirror.entity_id AS INTEGER)`)
    // An activity's snapshot holds its BINDINGS once they were read; until then its owner is its one binding.
    this.#unbind = db.prepare<[string, string]>('DELETE FROM activity_bindings WHERE member_id = ? AND activity_id = ?')
    this.#bind = db.prepare<{ memberId: string; entityId: string; snapshot: string }>(`
      INSERT OR IGNORE INTO activity_bindings (member_id, owner_type_id, owner_id, activity_id)
      SELECT @memberId, json_extract(value, '$.OWNER_TYPE_ID'), json_extract(value, '$.OWNER_ID'), @entityId
        FROM json_each(@snapshot, '$.BINDINGS') WHERE json_extract(value, '$.OWNER_ID') IS NOT NULL
      UNION ALL
      SELECT @memberId, json_extract(@snapshot, '$.OWNER_TYPE_ID'), json_extract(@snapshot, '$.OWNER_ID'), @entityId
        WHERE json_type(@snapshot, '$.BINDINGS') IS NULL AND json_extract(@snapshot, '$.OWNER_ID') IS NOT NULL
          AND json_extract(@snapshot, '$.OWNER_TYPE_ID') IS NOT NULL`)
    // The expressions are those of the index mirror_lead_status.
    this.#leadsHeld = db.prepare<[string, string, string], { n: number }>(`
      SELECT count(*) AS n FROM mirror WHERE entity = 'lead' AND member_id = ? AND json_extract(snapshot, '$.STATUS_ID') = ?
        AND json_extract(snapshot, '$.ASSIGNED_BY_ID') = ? AND deleted = 0`)
    // The expressions are those of the index mirror_task_title.
    this.#sameTasks = db.prepare<[string, string, string], MirrorRow>(`
      SELECT * FROM mirror WHERE entity = 'task' AND member_id = ? AND json_extract(snapshot, '$.createdBy') = ?
        AND json_extract(snapshot, '$.title') = ? AND deleted = 0 ORDER BY CAST(entity_id AS INTEGER)`)
    this.#bound = db.prepare<[string, string], MirrorRow>(`
      SELECT * FROM mirror WHERE entity = 'task' AND member_id = ? AND deleted = 0
        AND EXISTS (SELECT 1 FROM json_each(snapshot, '$.ufCrmTask') WHERE value = ?) ORDER BY CAST(entity_id AS INTEGER)`)
    this.#count = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM mirror WHERE member_id = ? AND deleted = 0')
  }

  /** The record's last snapshot, or undefined if the app never saw it. */
  get(memberId: string, entity: string, entityId: string): MirrorRecord | undefined {
    const row = this.#get.get(memberId, entity, entityId)
    return row ? rowToRecord(row) : undefined
  }

  /** The records of one kind with these ids that the app has seen, deleted ones included, in no set order; none for an id it never saw. */
  getMany(memberId: string, entity: string, entityIds: readonly string[]): MirrorRecord[] {
    if (entityIds.length === 0) return []
    return this.#getMany.all(memberId, entity, JSON.stringify(entityIds)).map(rowToRecord)
  }

  /** Stores a record's new snapshot (deleted records keep their last one with `deleted` set). */
  put(memberId: string, record: Omit<MirrorRecord, 'syncedAt'>): void {
    const snapshot = JSON.stringify(record.snapshot)
    this.#put.run({
      memberId,
      entity: record.entity,
      entityId: record.entityId,
      snapshot,
      deleted: record.deleted ? 1 : 0,
      modifiedAt: record.modifiedAt,
      syncedAt: this.now().toISOString(),
    })
    if (record.entity !== 'activity') return
    this.#unbind.run(memberId, record.entityId)
    this.#bind.run({ memberId, entityId: record.entityId, snapshot })
  }

  /** Every live record of one kind, by id. */
  list(memberId: string, entity: string): MirrorRecord[] {
    return this.#list.all(memberId, entity).map(rowToRecord)
  }

  /**
   * The live activities bound to a lead or deal, owned by it or bound to it from another record (the portal's
   * OWNER_TYPE_ID, a string as it sends it: '1' lead, '2' deal).
   */
  activitiesOf(memberId: string, ownerTypeId: '1' | '2', ownerId: string): MirrorRecord[] {
    return this.#activities.all(memberId, ownerTypeId, ownerId).map(rowToRecord)
  }

  /** activitiesOf for several leads or deals in one read: each activity with the owner it is bound to, by the activity's id. */
  activitiesOfMany(memberId: string, ownerTypeId: '1' | '2', ownerIds: readonly string[]): Array<{ ownerId: string; activity: MirrorRecord }> {
    if (ownerIds.length === 0) return []
    return this.#activitiesMany.all(memberId, ownerTypeId, JSON.stringify(ownerIds)).map((row) => ({ ownerId: row.owner_id, activity: rowToRecord(row) }))
  }

  /** How many live leads in one status one user is responsible for. */
  leadsHeld(memberId: string, statusId: string, userId: string): number {
    return this.#leadsHeld.get(memberId, statusId, userId)?.n ?? 0
  }

  /** The live tasks one user created with this title. */
  tasksTitled(memberId: string, createdBy: string, title: string): MirrorRecord[] {
    return this.#sameTasks.all(memberId, createdBy, title).map(rowToRecord)
  }

  /** The live tasks bound to a CRM record (`ufCrmTask` holds the binding, such as D_12 or L_5). */
  tasksBoundTo(memberId: string, binding: string): MirrorRecord[] {
    return this.#bound.all(memberId, binding).map(rowToRecord)
  }

  /** How many live records the mirror holds for a portal. */
  count(memberId: string): number {
    return this.#count.get(memberId)?.n ?? 0
  }
}
