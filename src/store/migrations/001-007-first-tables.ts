// Migrations 001 to 007 (the list and its rules: store/migrations.ts). Never edit a shipped entry.
import type { Migration } from '../migrations.js'

export const V001_007: readonly Migration[] = [
  {
    version: 1,
    name: '001-initial',
    sql: `
  CREATE TABLE portals (
    member_id         TEXT PRIMARY KEY,
    domain            TEXT NOT NULL,
    client_endpoint   TEXT NOT NULL,
    server_endpoint   TEXT NOT NULL,
    access_token      TEXT NOT NULL,
    refresh_token     TEXT NOT NULL,
    expires_at        INTEGER NOT NULL,
    application_token TEXT NOT NULL,
    scope             TEXT NOT NULL,
    admin_user_id     INTEGER,
    app_status        TEXT,
    license_family    TEXT,
    language          TEXT,
    status            TEXT NOT NULL CHECK (status IN ('active', 'needs_reauth', 'uninstalled')),
    status_reason     TEXT,
    installed_at      TEXT NOT NULL,
    updated_at        TEXT NOT NULL
  );

  CREATE TABLE journal (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    member_id TEXT,
    kind      TEXT NOT NULL,
    detail    TEXT NOT NULL
  );
  CREATE INDEX journal_member ON journal (member_id, id);
  CREATE TRIGGER journal_append_only BEFORE UPDATE ON journal
  BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;

  CREATE TABLE inbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id   TEXT NOT NULL,
    event       TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    ts          TEXT NOT NULL,
    data        TEXT NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (member_id, event, entity_id, ts)
  );
  `,
  },
  {
    version: 2,
    name: '002-inbox-work-state',
    sql: `
  -- The inbox gains its work state, and its duplicate key the entity (lead 7 and deal 7 are different records).
  CREATE TABLE inbox_v2 (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id   TEXT NOT NULL,
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
  INSERT INTO inbox_v2 (id, member_id, event, entity, entity_id, ts, data, received_at)
    SELECT id, member_id, event, entity, entity_id, ts, data, received_at FROM inbox;
  DROP TABLE inbox;
  ALTER TABLE inbox_v2 RENAME TO inbox;
  CREATE INDEX inbox_work ON inbox (member_id, state, entity, entity_id);

  CREATE TABLE mirror (
    member_id   TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    snapshot    TEXT NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0,
    modified_at TEXT,
    synced_at   TEXT NOT NULL,
    PRIMARY KEY (member_id, entity, entity_id)
  ) WITHOUT ROWID;

  CREATE TABLE own_writes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id  TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    fields     TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  CREATE INDEX own_writes_record ON own_writes (member_id, entity, entity_id);

  CREATE TABLE sweeps (
    member_id   TEXT NOT NULL,
    entity      TEXT NOT NULL,
    cursor      TEXT,
    started_at  TEXT,
    finished_at TEXT,
    listed      INTEGER NOT NULL DEFAULT 0,
    found       INTEGER NOT NULL DEFAULT 0,
    error       TEXT,
    PRIMARY KEY (member_id, entity)
  ) WITHOUT ROWID;
  `,
  },
  {
    version: 3,
    name: '003-directory-violations-outbox',
    sql: `
  CREATE TABLE users (
    member_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    active      INTEGER NOT NULL,
    departments TEXT NOT NULL,
    PRIMARY KEY (member_id, id)
  ) WITHOUT ROWID;

  CREATE TABLE departments (
    member_id TEXT NOT NULL,
    id        TEXT NOT NULL,
    name      TEXT NOT NULL,
    parent_id TEXT,
    head_id   TEXT,
    PRIMARY KEY (member_id, id)
  ) WITHOUT ROWID;

  CREATE TABLE directory_syncs (
    member_id TEXT PRIMARY KEY,
    synced_at TEXT NOT NULL
  );

  CREATE TABLE violations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id      TEXT NOT NULL,
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
    resolution     TEXT
  );
  CREATE UNIQUE INDEX violations_open ON violations (member_id, rule_id, entity, entity_id, variant) WHERE resolved_at IS NULL;
  CREATE INDEX violations_record ON violations (member_id, entity, entity_id);
  CREATE INDEX violations_escalation ON violations (escalate_at) WHERE resolved_at IS NULL AND escalated_at IS NULL;

  CREATE TABLE actions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id  TEXT NOT NULL,
    key        TEXT NOT NULL,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'done', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    not_before TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    done_at    TEXT,
    UNIQUE (member_id, key)
  );
  CREATE INDEX actions_pending ON actions (member_id, state, id);

  CREATE TABLE contact_keys (
    member_id TEXT NOT NULL,
    key       TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    PRIMARY KEY (member_id, key, entity, entity_id)
  ) WITHOUT ROWID;
  CREATE INDEX contact_keys_record ON contact_keys (member_id, entity, entity_id);
  `,
  },
  {
    version: 4,
    name: '004-offline-queues',
    sql: `
  -- Offline events per portal: whether the plan allows them, the source key, and how the last drain went.
  CREATE TABLE offline_queues (
    member_id      TEXT PRIMARY KEY,
    mode           TEXT NOT NULL CHECK (mode IN ('off', 'active', 'unavailable')),
    auth_connector TEXT,
    checked_at     TEXT NOT NULL,
    drained_at     TEXT,
    drained        INTEGER NOT NULL DEFAULT 0,
    unmapped       INTEGER NOT NULL DEFAULT 0,
    error          TEXT
  ) WITHOUT ROWID;
  `,
  },
  {
    version: 5,
    name: '005-outbox-priority',
    sql: `
  -- The outbox sends by priority: fixes, then breaches and escalations, then warnings, then notices.
  ALTER TABLE actions ADD COLUMN priority INTEGER NOT NULL DEFAULT 3;
  UPDATE actions SET priority = 0 WHERE kind = 'fix';
  UPDATE actions SET priority = 1 WHERE kind = 'notify' AND key LIKE '%:escalate:%';
  DROP INDEX actions_pending;
  CREATE INDEX actions_due ON actions (member_id, state, priority, id);
  `,
  },
  {
    version: 6,
    name: '006-digests',
    sql: `
  -- Digests: a notice past the recipient's limit is folded into one digest message instead of being sent.
  -- SQLite cannot widen a CHECK in place, so the table is rebuilt.
  CREATE TABLE actions_v6 (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id  TEXT NOT NULL,
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
  INSERT INTO actions_v6 (id, member_id, key, kind, payload, state, attempts, not_before, last_error, created_at, done_at, priority, recipient)
    SELECT id, member_id, key, kind, payload, state, attempts, not_before, last_error, created_at, done_at, priority,
      CASE WHEN kind = 'notify' THEN json_extract(payload, '$.userId') END
    FROM actions;
  DROP TABLE actions;
  ALTER TABLE actions_v6 RENAME TO actions;
  CREATE INDEX actions_due ON actions (member_id, state, priority, id);
  CREATE INDEX actions_recipient ON actions (member_id, recipient, created_at) WHERE recipient IS NOT NULL;
  `,
  },
  {
    version: 7,
    name: '007-lead-statuses',
    sql: `
  -- Each portal's lead statuses (crm.status.list, ENTITY_ID=STATUS), read with the directory.
  CREATE TABLE lead_statuses (
    member_id TEXT NOT NULL,
    status_id TEXT NOT NULL,
    sort      INTEGER NOT NULL,
    semantics TEXT CHECK (semantics IN ('S', 'F')),
    PRIMARY KEY (member_id, status_id)
  ) WITHOUT ROWID;
  `,
  },
]
