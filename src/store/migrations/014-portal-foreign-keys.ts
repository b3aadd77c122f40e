// Migrations 014 (the list and its rules: store/migrations.ts). Never edit a shipped entry.
import type { Migration } from '../migrations.js'

export const V014: readonly Migration[] = [
  {
    version: 14,
    name: '014-portal-foreign-keys',
    sql: `
  -- Every row the app keeps about a portal belongs to its portals row: ON DELETE CASCADE removes them with it, so
  -- uninstalling with CLEAN=1 is one DELETE FROM portals and no table can be forgotten. SQLite adds a foreign key only
  -- by rebuilding the table (create with the key, copy, drop, rename, recreate the indexes); AUTOINCREMENT tables keep
  -- their sequence so no id is handed out twice. Rows of a portal already forgotten (a CLEAN uninstall that missed a
  -- table) have no portal to belong to: they are not copied. The journal has no key: it outlives its portal.
  CREATE TABLE inbox_v14 (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id   TEXT NOT NULL REFERENCES portals (member_id) ON DELETE CASCADE,
    event       TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    ts          TEXT NOT NULL,
    data        TEXT NOT NULL,
    received_at TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'parked')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    not_before  TEXT,
    last_error  TEXT,
    done_at     TEXT,
    UNIQUE (member_id, event, entity, entity_id, ts)
  );
  INSERT INTO inbox_v14 (id, member_id, event, entity, entity_id, ts, data, received_at, state, attempts, not_before, last_error, done_at)
    SELECT id, member_id, event, entity, entity_id, ts, data, received_at, state, attempts, not_before, last_error, done_at FROM inbox WHERE member_id IN (SELECT member_id FROM portals);
  DELETE FROM sqlite_sequence WHERE name = 'inbox_v14';
  INSERT INTO sqlite_sequence (name, seq) SELECT 'inbox_v14', seq FROM sqlite_sequence WHERE name = 'inbox';
  DROP TABLE inbox;
  ALTER TABLE inbox_v14 RENAME TO inbox;
  CREATE INDEX inbox_work ON inbox (member_id, state, entity, entity_id);

  CREATE TABLE mirror_v14 (
    member_id   TEXT NOT NULL REFERENCES portals (member_id) ON DELETE CASCADE,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    snapshot    TEXT NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0,
    modified_at TEXT,
    synced_at   TEXT NOT NULL,
    PRIMARY KEY (member_id, entity, entity_id)
  ) WITHOUT ROWID;
  INSERT INTO mirror_v14 (member_id, entity, entity_id, snapshot, deleted, modified_at, synced_at)
    SELECT member_id, entity, entity_id, snapshot, deleted, modified_at, synced_at FROM mirror WHERE member_id IN (SELECT member_id FROM portals);
  DROP TABLE mirror;
  ALTER TABLE mirror_v14 RENAME TO mirror;
  CREATE INDEX mirror_lead_status ON mirror (member_id, json_extract(snapshot, '$.STATUS_ID'), json_extract(snapshot, '$.ASSIGNED_BY_ID'))
    WHERE entity = 'lead';
  CREATE INDEX mirror_task_title ON mirror (member_id, json_extract(snapshot, '$.createdBy'), json_extract(snapshot, '$.title'))
    WHERE entity = 'task';

  CREATE TABLE own_writes_v14 (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id  TEXT NOT NULL REFERENCES portals (member_id) ON DELETE CASCADE,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    fields     TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  INSERT INTO own_writes_v14 (id, member_id, entity, entity_id, fields, expires_at)
    SELECT id, member_id, entity, entity_id, fields, expires_at FROM own_writes WHERE member_id IN (SELECT member_id FROM portals);
  DELETE FROM sqlite_sequence WHERE name = 'own_writes_v14';
  INSERT INTO sqlite_sequence (name, seq) SELECT 'own_writes_v14', seq FROM sqlite_sequence WHERE name = 'own_writes';
  DROP TABLE own_writes;
  ALTER TABLE own_writes_v14 RENAME TO own_writes;
  CREATE INDEX own_writes_record ON own_writes (member_id, entity, entity_id);

  CREATE TABLE sweeps_v14 (
    member_id   TEXT NOT NULL REFERENCES portals (member_id) ON DELETE CASCADE,
    entity      TEXT NOT NULL,
    cursor      TEXT,
    started_at  TEXT,
    finished_at TEXT,
    listed      INTEGER NOT NULL DEFAULT 0,
    found       INTEGER NOT NULL DEFAULT 0,
    error       TEXT,
    PRIMARY KEY (member_id, entity)
  ) WITHOUT ROWID;
  INSERT INTO sweeps_v14 (member_id, entity, cursor, started_at, finished_at, listed, found, error)
    SELECT member_id, entity, cursor, started_at, finished_at, listed, found, error FROM sweeps WHERE member_id IN (SELECT member_id FROM portals);
  DROP TABLE sweeps;
  ALTER TABLE sweeps_v14 RENAME TO sweeps;

  CREATE TABLE users_v14 (
    member_id   TEXT NOT NULL REFERENCES portals (member_id) ON DELETE CASCADE,
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    active      INTEGER NOT NULL,
    departments TEXT NOT NULL,
    PRIMARY KEY (member_id, id)
  ) WITHOUT ROWID;
  INSERT INTO users_v14 (member_id, id, name, active, departments)
    SELECT member_id, id, name, active, departments FROM users WHERE member_id IN (SELECT member_id FROM portals);
  DROP TABLE users;
  ALTER TABLE users_v14 RENAME TO users;

  CREATE TABLE departments_v14 (
    member_id TEXT NOT NULL REFERENCES portals (member_id) ON DELETE CASCADE,
    id        TEXT NOT NULL,
    name      TEXT NOT NULL,
    parent_id TEXT,
    head_id   TEXT,
    PRIMARY KEY (member_id, id)
  ) WITHOUT ROWID;
  INSERT INTO departments_v14 (member_id, id, name, parent_id, head_id)
    SELECT member_id, id, name, parent_id, head_id FROM departments WHERE member_id IN (SELECT member_id FROM portals);
  DROP TABLE departments;
  ALTER TABLE departments_v14 RENAME TO departments;

  CREATE TABLE directory_syncs_v14 (
    member_id TEXT PRIMARY KEY REFERENCES portals (member_id) ON DELETE CASCADE,
    synced_at TEXT NOT NULL
  );
  INSERT INTO directory_syncs_v14 (member_id, synced_at)
    SELECT member_id, synced_at FROM directory_syncs WHERE member_id IN (SELECT member_id FROM portals);
  DROP TABLE directory_syncs;
  ALTER TABLE directory_syncs_v14 RENAME TO directory_syncs;

  CREATE TABLE violations_v14 (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id      TEXT NOT NULL REFERENCES portals (member_id) ON DELETE CASCADE,
    rule_id        TEXT NOT NULL,
    rule_version   INTEGER NOT NULL,
    entity         TEXT NOT NULL,
    entity_id      TEXT NOT NULL,
    variant        TEXT NOT NULL DEFAULT '',
    responsible_id TEXT,
    message        TEXT NOT NULL,
    opened_at      TEXT NOT NULL,
    escalate_at    TEXT,
    escalated_at   TEXT,
    resolved_at    TEXT,
    resolution     TEXT,
    excused_at     TEXT,
    excused_by     TEXT,
    excuse         TEXT
  );
  INSERT INTO violations_v14 (id, member_id, rule_id, rule_version, entity, entity_id, variant, responsible_id, message, opened_at, escalate_at, escalated_at, resolved_at, resolution, excused_at, excused_by, excuse)
    SELECT id, member_id, rule_id, rule_version, entity, entity_id, variant, responsible_id, message, opened_at, escalate_at, escalated_at, resolved_at, resolution, excused_at, excused_by, excuse FROM violations WHERE member_id IN (SELECT member_id FROM portals);
  DELETE FROM sqlite_sequence WHERE name = 'violations_v14';
  INSERT INTO sqlite_sequence (name, seq) SELECT 'violations_v14', seq FROM sqlite_sequence WHERE name = 'violations';
  DROP TABLE violations;
  ALTER TABLE violations_v14 RENAME TO violations;
  CREATE UNIQUE INDEX violations_open ON violations (member_id, rule_id, entity, entity_id, variant) WHERE resolved_at IS NULL;
  CREATE INDEX violations_record ON violations (member_id, entity, entity_id);
  CREATE INDEX violations_escalation ON violations (escalate_at) WHERE resolved_at IS NULL AND escalated_at IS NULL;

  CREATE TABLE actions_v14 (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id  TEXT NOT NULL REFERENCES portals (member_id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'done', 'failed', 'folded')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    not_before TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    done_at    TEXT,
    priority   INTEGER NOT NULL DEFAULT 3,
    recipient  TEXT,
    digest_id  INTEGER,
    UNIQUE (member_id, key)
  );
  INSERT INTO actions_v14 (id, member_id, key, kind, payload, state, attempts, not_before, last_error, created_at, done_at, priority, recipient, digest_id)
    SELECT id, member_id, key, kind, payload, state, attempts, not_before, last_error, created_at, done_at, priority, recipient, digest_id FROM actions WHERE member_id IN (SELECT member_id FROM portals);
  DELETE FROM sqlite_sequence WHERE name = 'actions_v14';
  INSERT INTO sqlite_sequence (name, seq) SELECT 'actions_v14', seq FROM sqlite_sequence WHERE name = 'actions';
  DROP TABLE actions;
  ALTER TABLE actions_v14 RENAME TO actions;
  CREATE INDEX actions_due ON actions (member_id, state, priority, id);
  CREATE INDEX actions_recipient ON actions (member_id, recipient, created_at) WHERE recipient IS NOT NULL;

  CREATE TABLE contact_keys_v14 (
    member_id TEXT NOT NULL REFERENCES portals (member_id) ON DELETE CASCADE,
    key       TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    PRIMARY KEY (member_id, key, entity, entity_id)
  ) WITHOUT ROWID;
  INSERT INTO contact_keys_v14 (member_id, key, entity, entity_id)
    SELECT member_id, key, entity, entity_id FROM contact_keys WHERE member_id IN (SELECT member_id FROM portals);
  DROP TABLE contact_keys;
  ALTER TABLE contact_keys_v14 RENAME TO contact_keys;
  CREATE INDEX contact_keys_record ON contact_keys (member_id, entity, entity_id);

  CREATE TABLE offline_queues_v14 (
    member_id      TEXT PRIMARY KEY REFERENCES portals (member_id) ON DELETE CASCADE,
    mode           TEXT NOT NULL CHECK (mode IN ('off', 'active', 'unavailable')),
    auth_connector TEXT,
    checked_at     TEXT NOT NULL,
    drained_at     TEXT,
    drained        INTEGER NOT NULL DEFAULT 0,
    unmapped       INTEGER NOT NULL DEFAULT 0,
    error          TEXT
  ) WITHOUT ROWID;
  INSERT INTO offline_queues_v14 (member_id, mode, auth_connector, checked_at, drained_at, drained, unmapped, error)
    SELECT member_id, mode, auth_connector, checked_at, drained_at, drained, unmapped, error FROM offline_queues WHERE member_id IN (SELECT member_id FROM portals);
  DROP TABLE offline_queues;
  ALTER TABLE offline_queues_v14 RENAME TO offline_queues;

  CREATE TABLE lead_statuses_v14 (
    member_id TEXT NOT NULL REFERENCES portals (member_id) ON DELETE CASCADE,
    status_id TEXT NOT NULL,
    sort      INTEGER NOT NULL,
    semantics TEXT CHECK (semantics IN ('S', 'F')),
    PRIMARY KEY (member_id, status_id)
  ) WITHOUT ROWID;
  INSERT INTO lead_statuses_v14 (member_id, status_id, sort, semantics)
    SELECT member_id, status_id, sort, semantics FROM lead_statuses WHERE member_id IN (SELECT member_id FROM portals);
  DROP TABLE lead_statuses;
  ALTER TABLE lead_statuses_v14 RENAME TO lead_statuses;

  CREATE TABLE clocks_v14 (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id      TEXT NOT NULL REFERENCES portals (member_id) ON DELETE CASCADE,
    rule_id        TEXT NOT NULL,
    rule_version   INTEGER NOT NULL,
    entity         TEXT NOT NULL,
    entity_id      TEXT NOT NULL,
    variant        TEXT NOT NULL,
    responsible_id TEXT,
    warn_to        TEXT NOT NULL,
    basis          TEXT NOT NULL,
    started_at     TEXT NOT NULL,
    due_at         TEXT NOT NULL,
    steps          TEXT NOT NULL,
    next_at        TEXT,
    paused_at      TEXT,
    paused_ms      INTEGER NOT NULL DEFAULT 0,
    pauses         TEXT NOT NULL DEFAULT '[]',
    audit          INTEGER NOT NULL DEFAULT 0,
    event_at       TEXT,
    created_at     TEXT NOT NULL,
    breached_at    TEXT,
    violation_id   INTEGER,
    stopped_at     TEXT,
    outcome        TEXT,
    elapsed_ms     INTEGER,
    told           TEXT NOT NULL DEFAULT '[]'
  );
  INSERT INTO clocks_v14 (id, member_id, rule_id, rule_version, entity, entity_id, variant, responsible_id, warn_to, basis, started_at, due_at, steps, next_at, paused_at, paused_ms, pauses, audit, event_at, created_at, breached_at, violation_id, stopped_at, outcome, elapsed_ms, told)
    SELECT id, member_id, rule_id, rule_version, entity, entity_id, variant, responsible_id, warn_to, basis, started_at, due_at, steps, next_at, paused_at, paused_ms, pauses, audit, event_at, created_at, breached_at, violation_id, stopped_at, outcome, elapsed_ms, told FROM clocks WHERE member_id IN (SELECT member_id FROM portals);
  DELETE FROM sqlite_sequence WHERE name = 'clocks_v14';
  INSERT INTO sqlite_sequence (name, seq) SELECT 'clocks_v14', seq FROM sqlite_sequence WHERE name = 'clocks';
  DROP TABLE clocks;
  ALTER TABLE clocks_v14 RENAME TO clocks;
  CREATE UNIQUE INDEX clocks_running ON clocks (member_id, rule_id, entity, entity_id, variant) WHERE stopped_at IS NULL;
  CREATE INDEX clocks_next ON clocks (next_at) WHERE stopped_at IS NULL AND next_at IS NOT NULL;
  CREATE INDEX clocks_record ON clocks (member_id, entity, entity_id);

  CREATE TABLE portal_settings_v14 (
    member_id  TEXT PRIMARY KEY REFERENCES portals (member_id) ON DELETE CASCADE,
    overrides  TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
  ) WITHOUT ROWID;
  INSERT INTO portal_settings_v14 (member_id, overrides, updated_at, updated_by)
    SELECT member_id, overrides, updated_at, updated_by FROM portal_settings WHERE member_id IN (SELECT member_id FROM portals);
  DROP TABLE portal_settings;
  ALTER TABLE portal_settings_v14 RENAME TO portal_settings;

  CREATE TABLE crm_names_v14 (
    member_id TEXT NOT NULL REFERENCES portals (member_id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('status', 'stage', 'pipeline')),
    id        TEXT NOT NULL,
    name      TEXT NOT NULL,
    PRIMARY KEY (member_id, kind, id)
  ) WITHOUT ROWID;
  INSERT INTO crm_names_v14 (member_id, kind, id, name)
    SELECT member_id, kind, id, name FROM crm_names WHERE member_id IN (SELECT member_id FROM portals);
  DROP TABLE crm_names;
  ALTER TABLE crm_names_v14 RENAME TO crm_names;

  CREATE TABLE activity_bindings_v14 (
    member_id     TEXT NOT NULL REFERENCES portals (member_id) ON DELETE CASCADE,
    owner_type_id TEXT NOT NULL,
    owner_id      TEXT NOT NULL,
    activity_id   TEXT NOT NULL,
    PRIMARY KEY (member_id, owner_type_id, owner_id, activity_id)
  ) WITHOUT ROWID;
  INSERT INTO activity_bindings_v14 (member_id, owner_type_id, owner_id, activity_id)
    SELECT member_id, owner_type_id, owner_id, activity_id FROM activity_bindings WHERE member_id IN (SELECT member_id FROM portals);
  DROP TABLE activity_bindings;
  ALTER TABLE activity_bindings_v14 RENAME TO activity_bindings;
  CREATE INDEX activity_bindings_activity ON activity_bindings (member_id, activity_id);
  `,
  },
]
