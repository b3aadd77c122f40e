// The schema's migrations: named and numbered, and a database left at any earlier version reaches the latest with its rows.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { migrate } from '../../src/store/db.js'
import { openStore } from '../../src/store/index.js'
import { MIGRATIONS } from '../../src/store/migrations.js'
import { sqlitePragma, sqliteRows, withSqliteFile } from './sqlite-file.js'

const LATEST = MIGRATIONS.length
const at = '2026-12-01T09:00:00.000Z'
const now = () => new Date(at)

// One row per table, written at the version that created the table with the columns it had then.
const SEEDS: ReadonlyArray<{ since: number; table: string; sql: string }> = [
  { since: 1, table: 'portals', sql: `INSERT INTO portals (member_id, domain, client_endpoint, server_endpoint, access_token, refresh_token, expires_at,
      application_token, scope, status, installed_at, updated_at)
    VALUES ('m', 'acme.bitrix24.ru', 'https://acme.bitrix24.ru/rest/', 'https://oauth.bitrix.info/rest/', 'a', 'r', 1800000000, 't', 'crm', 'active', '${at}', '${at}')` },
  { since: 1, table: 'journal', sql: `INSERT INTO journal (at, member_id, kind, detail) VALUES ('${at}', 'm', 'app.installed', '{}')` },
  { since: 1, table: 'inbox', sql: `INSERT INTO inbox (member_id, event, entity, entity_id, ts, data, received_at) VALUES ('m', 'ONCRMLEADADD', 'lead', '7', '1', '{}', '${at}')` },
  { since: 2, table: 'mirror', sql: `INSERT INTO mirror (member_id, entity, entity_id, snapshot, synced_at) VALUES ('m', 'lead', '7', '{"ID":"7"}', '${at}')` },
  { since: 2, table: 'own_writes', sql: `INSERT INTO own_writes (member_id, entity, entity_id, fields, expires_at) VALUES ('m', 'lead', '7', '{}', '2999-01-01T00:00:00Z')` },
  { since: 2, table: 'sweeps', sql: `INSERT INTO sweeps (member_id, entity) VALUES ('m', 'lead')` },
  { since: 3, table: 'users', sql: `INSERT INTO users (member_id, id, name, active, departments) VALUES ('m', '5', 'Анна', 1, '[]')` },
  { since: 3, table: 'departments', sql: `INSERT INTO departments (member_id, id, name) VALUES ('m', '1', 'Продажи')` },
  { since: 3, table: 'directory_syncs', sql: `INSERT INTO directory_syncs (member_id, synced_at) VALUES ('m', '${at}')` },
  { since: 3, table: 'violations', sql: `INSERT INTO violations (member_id, rule_id, rule_version, entity, entity_id, message, opened_at)
    VALUES ('m', 'R1', 1, 'lead', '7', '{}', '${at}')` },
  { since: 3, table: 'actions', sql: `INSERT INTO actions (member_id, key, kind, payload, created_at) VALUES ('m', 'v1:notify:5', 'notify', '{"userId":"5"}', '${at}')` },
  { since: 3, table: 'contact_keys', sql: `INSERT INTO contact_keys (member_id, key, entity, entity_id) VALUES ('m', 'phone:1', 'lead', '7')` },
  { since: 4, table: 'offline_queues', sql: `INSERT INTO offline_queues (member_id, mode, checked_at) VALUES ('m', 'off', '${at}')` },
  { since: 7, table: 'lead_statuses', sql: `INSERT INTO lead_statuses (member_id, status_id, sort) VALUES ('m', 'NEW', 10)` },
  { since: 8, table: 'clocks', sql: `INSERT INTO clocks (member_id, rule_id, rule_version, entity, entity_id, variant, warn_to, basis, started_at, due_at, steps, created_at)
    VALUES ('m', 'R2', 1, 'lead', '7', '', '[]', 'hours', '${at}', '${at}', '[]', '${at}')` },
  { since: 10, table: 'portal_settings', sql: `INSERT INTO portal_settings (member_id, overrides, updated_at, updated_by) VALUES ('m', '{}', '${at}', '1')` },
  { since: 11, table: 'crm_names', sql: `INSERT INTO crm_names (member_id, kind, id, name) VALUES ('m', 'status', 'NEW', 'Новый')` },
  { since: 12, table: 'report_deliveries', sql: `INSERT INTO report_deliveries (member_id, kind, period_from, period_to, department_id, supervisor_id, state, created_at, updated_at)
    VALUES ('m', 'week', '2026-11-23', '2026-11-30', '1', '5', 'pending', '${at}', '${at}')` },
  { since: 13, table: 'activity_bindings', sql: `INSERT INTO activity_bindings (member_id, owner_type_id, owner_id, activity_id) VALUES ('m', '1', '7', '100')` },
  { since: 16, table: 'robot_calls', sql: `INSERT INTO robot_calls (member_id, event_token, code, document_id, entity, entity_id, properties, waits, received_at)
    VALUES ('m', 'wf|A1|t', 'working_time_due', 'DEAL_7', 'deal', '7', '{}', 1, '${at}')` },
  { since: 16, table: 'robot_setups', sql: `INSERT INTO robot_setups (member_id, mode, robots, checked_at) VALUES ('m', 'registered', '[]', '${at}')` },
]

describe('migrations', () => {
  const dirs: string[] = []
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })))

  it('are numbered 1, 2, 3 … without gaps and named NNN-what-they-do after their number', () => {
    MIGRATIONS.forEach((migration, index) => {
      expect(migration.version).toBe(index + 1)
      expect(migration.name).toMatch(new RegExp(`^${String(index + 1).padStart(3, '0')}-[a-z0-9]+(-[a-z0-9]+)*$`))
    })
    expect(new Set(MIGRATIONS.map((migration) => migration.name)).size).toBe(MIGRATIONS.length)
  })

  for (let version = 0; version < LATEST; version++) {
    it(`bring a database at version ${version} to the latest, keeping its rows`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'rules-migrate-'))
      dirs.push(dir)
      const path = join(dir, 'app.db')
      const seeds = SEEDS.filter((seed) => seed.since <= version)
      withSqliteFile(path, (db) => {
        migrate(db, MIGRATIONS.slice(0, version))
        expect(db.pragma('user_version', { simple: true })).toBe(version)
        for (const seed of seeds) db.exec(seed.sql)
      })
      const store = openStore(path, now)
      if (version >= 1) expect(store.sync.portals.get('m')?.domain).toBe('acme.bitrix24.ru')
      store.close()
      expect(sqlitePragma(path, 'user_version')).toBe(LATEST)
      for (const seed of seeds) {
        expect(sqliteRows<{ n: number }>(path, `SELECT count(*) AS n FROM ${seed.table} WHERE member_id = 'm'`)[0]?.n, seed.table).toBe(1)
      }
      expect(sqliteRows(path, 'PRAGMA foreign_key_check')).toEqual([])
    })
  }

  it('roll a migration back whole when it leaves a row without its parent, and say which', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-migrate-'))
    dirs.push(dir)
    const path = join(dir, 'app.db')
    const broken = [...MIGRATIONS, {
      version: LATEST + 1, name: `${String(LATEST + 1).padStart(3, '0')}-orphan`,
      sql: 'CREATE TABLE orphans (member_id TEXT NOT NULL REFERENCES portals (member_id)); PRAGMA defer_foreign_keys = ON; INSERT INTO orphans VALUES (\'nobody\');',
    }]
    withSqliteFile(path, (db) => {
      db.pragma('foreign_keys = ON')
      expect(() => migrate(db, broken)).toThrow(`migration ${broken.at(-1)!.name} leaves 1 rows without their parent`)
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST)
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'orphans'").all()).toEqual([])
    })
  })
})

describe('the schema guards the data', () => {
  const dirs: string[] = []
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })))
  const fileAt = (version: number, seed: (db: import('better-sqlite3').Database) => void): string => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-fk-'))
    dirs.push(dir)
    const path = join(dir, 'app.db')
    withSqliteFile(path, (db) => {
      migrate(db, MIGRATIONS.slice(0, version))
      seed(db)
    })
    return path
  }

  it('every table of per-portal rows but the journal belongs to portals, ON DELETE CASCADE', () => {
    const path = fileAt(LATEST, () => {})
    const tables = sqliteRows<{ name: string }>(path, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .map((row) => row.name)
      .filter((name) => sqliteRows<{ name: string }>(path, `PRAGMA table_info(${name})`).some((column) => column.name === 'member_id'))
      .filter((name) => name !== 'portals' && name !== 'journal')
    expect(tables.length).toBeGreaterThan(15)
    for (const table of tables) {
      expect(sqliteRows(path, `PRAGMA foreign_key_list(${table})`), table).toEqual([
        expect.objectContaining({ table: 'portals', from: 'member_id', to: 'member_id', on_delete: 'CASCADE' }),
      ])
    }
  })

  it('the foreign keys leave behind the rows of a portal already forgotten, and hand out no id twice', () => {
    const foreignKeys = MIGRATIONS.findIndex((migration) => migration.name === '014-portal-foreign-keys') + 1
    const path = fileAt(foreignKeys - 1, (db) => {
      for (const seed of SEEDS.filter((item) => item.since < foreignKeys)) db.exec(seed.sql)
      // A CLEAN uninstall before the foreign keys, which forgot the mirror: its rows outlived the portal.
      db.exec("INSERT INTO mirror (member_id, entity, entity_id, snapshot, synced_at) VALUES ('gone', 'lead', '1', '{}', 'x')")
      db.exec("INSERT INTO violations (member_id, rule_id, rule_version, entity, entity_id, message, opened_at) VALUES ('m', 'R9', 1, 'lead', '8', '{}', 'x')")
      db.exec("DELETE FROM violations WHERE rule_id = 'R9'")
    })
    openStore(path, now).close()
    expect(sqliteRows(path, "SELECT entity_id FROM mirror WHERE member_id = 'gone'")).toEqual([])
    expect(sqliteRows(path, "SELECT seq FROM sqlite_sequence WHERE name = 'violations'")).toEqual([{ seq: 2 }])
    expect(sqliteRows(path, "SELECT name FROM sqlite_sequence WHERE name LIKE '%_v14'")).toEqual([])
  })

  it('deleting a portal takes every row kept about it, and no other portal’s', () => {
    const path = fileAt(LATEST, (db) => {
      for (const seed of SEEDS) {
        db.exec(seed.sql)
        db.exec(seed.sql.replaceAll("'m'", "'other'"))
      }
    })
    const store = openStore(path, now)
    store.sync.deletePortalData('m')
    store.close()
    for (const seed of SEEDS) {
      expect(sqliteRows<{ n: number }>(path, `SELECT count(*) AS n FROM ${seed.table} WHERE member_id = 'm'`)[0]?.n, seed.table).toBe(0)
      expect(sqliteRows<{ n: number }>(path, `SELECT count(*) AS n FROM ${seed.table} WHERE member_id = 'other'`)[0]?.n, seed.table).toBe(1)
    }
  })
})
