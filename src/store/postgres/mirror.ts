// The local mirror on PostgreSQL, with the app's own recent writes and the records' contact keys.
import type { Async } from '../port.js'
import type { ContactKeyRepo } from '../contact-keys.js'
import { rowToRecord, type MirrorRecord, type MirrorRepo, type MirrorRow } from '../mirror.js'
import type { OwnWritesRepo } from '../own-writes.js'
import { asInteger, type Sql } from './sql.js'

const LIVE_BY_ID = `AND deleted = 0 ORDER BY ${asInteger('entity_id')}`

/** Reads and writes snapshots. */
export class PgMirrorRepo implements Async<MirrorRepo> {
  constructor(private readonly sql: Sql, private readonly now: () => Date) {}

  async get(memberId: string, entity: string, entityId: string): Promise<MirrorRecord | undefined> {
    const row = await this.sql.row<MirrorRow>('SELECT * FROM mirror WHERE member_id = $1 AND entity = $2 AND entity_id = $3', [memberId, entity, entityId])
    return row ? rowToRecord(row) : undefined
  }

  async getMany(memberId: string, entity: string, entityIds: readonly string[]): Promise<MirrorRecord[]> {
    if (entityIds.length === 0) return []
    const rows = await this.sql.rows<MirrorRow>('SELECT * FROM mirror WHERE member_id = $1 AND entity = $2 AND entity_id = ANY($3::text[])', [memberId, entity, entityIds])
    return rows.map(rowToRecord)
  }

  async put(memberId: string, record: Omit<MirrorRecord, 'syncedAt'>): Promise<void> {
    const snapshot = JSON.stringify(record.snapshot)
    await this.sql.run(`
      INSERT INTO mirror (member_id, entity, entity_id, snapshot, deleted, modified_at, synced_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (member_id, entity, entity_id) DO UPDATE SET snapshot = excluded.snapshot, deleted = excluded.deleted,
        modified_at = excluded.modified_at, synced_at = excluded.synced_at`,
    [memberId, record.entity, record.entityId, snapshot, record.deleted ? 1 : 0, record.modifiedAt, this.now().toISOString()])
    if (record.entity !== 'activity') return
    await this.sql.run('DELETE FROM activity_bindings WHERE member_id = $1 AND activity_id = $2', [memberId, record.entityId])
    // An activity's snapshot holds its BINDINGS once they were read; until then its owner is its one binding. A binding
    // without both ids is passed over, as SQLite's INSERT OR IGNORE passes it over.
    await this.sql.run(`
      INSERT INTO activity_bindings (member_id, owner_type_id, owner_id, activity_id)
      SELECT $1::text, b ->> 'OWNER_TYPE_ID', b ->> 'OWNER_ID', $2::text
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof($3::jsonb -> 'BINDINGS') = 'array' THEN $3::jsonb -> 'BINDINGS' ELSE '[]' END) AS b
        WHERE b ->> 'OWNER_ID' IS NOT NULL AND b ->> 'OWNER_TYPE_ID' IS NOT NULL
      UNION ALL
      SELECT $1::text, $3::jsonb ->> 'OWNER_TYPE_ID', $3::jsonb ->> 'OWNER_ID', $2::text
        WHERE NOT ($3::jsonb ? 'BINDINGS') AND $3::jsonb ->> 'OWNER_ID' IS NOT NULL AND $3::jsonb ->> 'OWNER_TYPE_ID' IS NOT NULL
      ON CONFLICT DO NOTHING`, [memberId, record.entityId, snapshot])
  }

  async list(memberId: string, entity: string): Promise<MirrorRecord[]> {
    return (await this.sql.rows<MirrorRow>(`SELECT * FROM mirror WHERE member_id = $1 AND entity = $2 ${LIVE_BY_ID}`, [memberId, entity])).map(rowToRecord)
  }

  async activitiesOf(memberId: string, ownerTypeId: '1' | '2', ownerId: string): Promise<MirrorRecord[]> {
    const rows = await this.sql.rows<MirrorRow>(`
      SELECT mirror.* FROM activity_bindings AS b JOIN mirror
        ON mirror.member_id = b.member_id AND mirror.entity = 'activity' AND mirror.entity_id = b.activity_id
      WHERE b.member_id = $1 AND b.owner_type_id = $2 AND b.owner_id = $3 AND mirror.deleted = 0
      ORDER BY ${asInteger('mirror.entity_id')}`, [memberId, ownerTypeId, ownerId])
    return rows.map(rowToRecord)
  }

  async activitiesOfMany(memberId: string, ownerTypeId: '1' | '2', ownerIds: readonly string[]): Promise<Array<{ ownerId: string; activity: MirrorRecord }>> {
    if (ownerIds.length === 0) return []
    const rows = await this.sql.rows<MirrorRow & { owner_id: string }>(`
      SELECT b.owner_id, mirror.* FROM activity_bindings AS b JOIN mirror
        ON mirror.member_id = b.member_id AND mirror.entity = 'activity' AND mirror.entity_id = b.activity_id
      WHERE b.member_id = $1 AND b.owner_type_id = $2 AND b.owner_id = ANY($3::text[]) AND mirror.deleted = 0
      ORDER BY ${asInteger('mirror.entity_id')}`, [memberId, ownerTypeId, ownerIds])
    return rows.map((row) => ({ ownerId: row.owner_id, activity: rowToRecord(row) }))
  }

  // A JSON string field equal to the text given, as SQLite's json_extract(...) = ? finds it (a number is not equal).
  async leadsHeld(memberId: string, statusId: string, userId: string): Promise<number> {
    const row = await this.sql.row<{ n: number }>(`
      SELECT count(*) AS n FROM mirror WHERE entity = 'lead' AND member_id = $1 AND snapshot::jsonb -> 'STATUS_ID' = to_jsonb($2::text)
        AND snapshot::jsonb -> 'ASSIGNED_BY_ID' = to_jsonb($3::text) AND deleted = 0`, [memberId, statusId, userId])
    return row?.n ?? 0
  }

  async tasksTitled(memberId: string, createdBy: string, title: string): Promise<MirrorRecord[]> {
    const rows = await this.sql.rows<MirrorRow>(`
      SELECT * FROM mirror WHERE entity = 'task' AND member_id = $1 AND snapshot::jsonb -> 'createdBy' = to_jsonb($2::text)
        AND snapshot::jsonb -> 'title' = to_jsonb($3::text) ${LIVE_BY_ID}`, [memberId, createdBy, title])
    return rows.map(rowToRecord)
  }

  async tasksBoundTo(memberId: string, binding: string): Promise<MirrorRecord[]> {
    const rows = await this.sql.rows<MirrorRow>(`
      SELECT * FROM mirror WHERE entity = 'task' AND member_id = $1 AND snapshot::jsonb -> 'ufCrmTask' @> to_jsonb($2::text) ${LIVE_BY_ID}`,
    [memberId, binding])
    return rows.map(rowToRecord)
  }

  async count(memberId: string): Promise<number> {
    return (await this.sql.row<{ n: number }>('SELECT count(*) AS n FROM mirror WHERE member_id = $1 AND deleted = 0', [memberId]))?.n ?? 0
  }
}

/** Remembers and recalls the app's own field writes per record. */
export class PgOwnWritesRepo implements Async<OwnWritesRepo> {
  constructor(private readonly sql: Sql, private readonly now: () => Date) {}

  async record(memberId: string, entity: string, entityId: string, fields: Record<string, unknown>, ttlMs = 15 * 60_000): Promise<void> {
    const expiresAt = new Date(this.now().getTime() + ttlMs).toISOString()
    await this.sql.run('INSERT INTO own_writes (member_id, entity, entity_id, fields, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [memberId, entity, entityId, JSON.stringify(fields), expiresAt])
  }

  async recent(memberId: string, entity: string, entityId: string): Promise<Record<string, unknown>> {
    const rows = await this.sql.rows<{ fields: string }>(
      'SELECT fields FROM own_writes WHERE member_id = $1 AND entity = $2 AND entity_id = $3 AND expires_at > $4 ORDER BY id',
      [memberId, entity, entityId, this.now().toISOString()])
    return Object.assign({}, ...rows.map((row) => JSON.parse(row.fields)))
  }

  async prune(): Promise<void> {
    await this.sql.run('DELETE FROM own_writes WHERE expires_at <= $1', [this.now().toISOString()])
  }
}

/** Replaces and looks up the contact keys of records. */
export class PgContactKeyRepo implements Async<ContactKeyRepo> {
  constructor(private readonly sql: Sql) {}

  async replace(memberId: string, entity: string, entityId: string, keys: readonly string[]): Promise<void> {
    await this.sql.run('DELETE FROM contact_keys WHERE member_id = $1 AND entity = $2 AND entity_id = $3', [memberId, entity, entityId])
    if (keys.length === 0) return
    await this.sql.run(`
      INSERT INTO contact_keys (member_id, key, entity, entity_id) SELECT $1, key, $2, $3 FROM unnest($4::text[]) AS key
      ON CONFLICT DO NOTHING`, [memberId, entity, entityId, [...keys]])
  }

  async sharing(memberId: string, keys: readonly string[]): Promise<Array<{ key: string; entity: string; entityId: string }>> {
    if (keys.length === 0) return []
    const rows = await this.sql.rows<{ key: string; entity: string; entity_id: string }>(`
      SELECT key, entity, entity_id FROM contact_keys WHERE member_id = $1 AND key = ANY($2::text[])
      ORDER BY entity, ${asInteger('entity_id')}`, [memberId, [...keys]])
    return rows.map((row) => ({ key: row.key, entity: row.entity, entityId: row.entity_id }))
  }
}
