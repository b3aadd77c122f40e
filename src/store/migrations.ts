// The schema of both stores, one named entry per version; never edit a shipped entry, append a new one.
// PostgreSQL's side starts from a baseline that creates the schema of version 16 at once (store/postgres/baseline.ts):
// every entry after it carries its PostgreSQL text beside its SQLite one (test/store/migrations.test.ts checks).

/** One step of the schema: applied to a database at `version - 1`, leaving it at `version`. */
export interface Migration {
  readonly version: number
  /** `NNN-what-it-does`, NNN the version. */
  readonly name: string
  /** The change in SQLite (its `PRAGMA user_version` says which entries a file has). */
  readonly sql: string
  /** The same change in PostgreSQL; required above the PostgreSQL baseline's version, absent up to it. */
  readonly postgres?: string
}

/** Every migration, in order: versions 1, 2, 3 … without gaps. */
export const MIGRATIONS: readonly Migration[] = [
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
  {
    version: 8,
    name: '008-clocks',
    sql: `
  -- Deadline clocks: one per rule, record and variant while it runs; kept afterwards as the outcome reports read.
  CREATE TABLE clocks (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id      TEXT NOT NULL,
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
  CREATE UNIQUE INDEX clocks_running ON clocks (member_id, rule_id, entity, entity_id, variant) WHERE stopped_at IS NULL;
  CREATE INDEX clocks_next ON clocks (next_at) WHERE stopped_at IS NULL AND next_at IS NOT NULL;
  CREATE INDEX clocks_record ON clocks (member_id, entity, entity_id);
  -- Activities are found by the record they belong to (OWNER_TYPE_ID 1 lead, 2 deal).
  CREATE INDEX mirror_activity_owner ON mirror (member_id, json_extract(snapshot, '$.OWNER_TYPE_ID'), json_extract(snapshot, '$.OWNER_ID'))
    WHERE entity = 'activity';
  -- Leads are counted by status and responsible (an office manager holding several undispatched leads).
  CREATE INDEX mirror_lead_status ON mirror (member_id, json_extract(snapshot, '$.STATUS_ID'), json_extract(snapshot, '$.ASSIGNED_BY_ID'))
    WHERE entity = 'lead';
  -- Tasks are found by creator and title (the same task made for several responsibles).
  CREATE INDEX mirror_task_title ON mirror (member_id, json_extract(snapshot, '$.createdBy'), json_extract(snapshot, '$.title'))
    WHERE entity = 'task';
  `,
  },
  {
    version: 9,
    name: '009-excuses',
    sql: `
  -- A supervisor or administrator may excuse a violation with a reason: it stays open (the record still breaks the
  -- rule) but nobody is told of it any more; the reports show it excused.
  ALTER TABLE violations ADD COLUMN excused_at TEXT;
  ALTER TABLE violations ADD COLUMN excused_by TEXT;
  ALTER TABLE violations ADD COLUMN excuse TEXT;
  `,
  },
  {
    version: 10,
    name: '010-portal-settings',
    sql: `
  -- A portal's own settings, saved from the settings page over RULES_FILE's; every change is journalled.
  CREATE TABLE portal_settings (
    member_id  TEXT PRIMARY KEY,
    overrides  TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  },
  {
    version: 11,
    name: '011-crm-names',
    sql: `
  -- The names the reports show for lead statuses, deal stages and pipelines (crm.status.list, crm.category.list), read
  -- with the directory.
  CREATE TABLE crm_names (
    member_id TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('status', 'stage', 'pipeline')),
    id        TEXT NOT NULL,
    name      TEXT NOT NULL,
    PRIMARY KEY (member_id, kind, id)
  ) WITHOUT ROWID;
  `,
  },
  {
    version: 12,
    name: '012-report-deliveries',
    sql: `
  -- Scheduled reports delivered to supervisors: one row per portal, period and department, claimed before its upload
  -- and kept afterwards, so each period is delivered once across restarts (an unfinished one is retried).
  CREATE TABLE report_deliveries (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id      TEXT NOT NULL REFERENCES portals (member_id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('week', 'month')),
    period_from    TEXT NOT NULL,
    period_to      TEXT NOT NULL,
    department_id  TEXT NOT NULL,
    supervisor_id  TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('pending', 'uploaded', 'failed')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    error          TEXT,
    file_id        TEXT,
    file_name      TEXT,
    file_url       TEXT,
    uploaded_at    TEXT,
    notified_at    TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (member_id, kind, period_from, department_id)
  );
  `,
  },
  {
    version: 13,
    name: '013-activity-bindings',
    sql: `
  -- Which leads and deals each mirrored activity counts for: its bindings as the portal lists them
  -- (crm.activity.binding.list), or its owner until they were read. Kept by the mirror with the activity's snapshot.
  CREATE TABLE activity_bindings (
    member_id     TEXT NOT NULL,
    owner_type_id TEXT NOT NULL,
    owner_id      TEXT NOT NULL,
    activity_id   TEXT NOT NULL,
    PRIMARY KEY (member_id, owner_type_id, owner_id, activity_id)
  ) WITHOUT ROWID;
  CREATE INDEX activity_bindings_activity ON activity_bindings (member_id, activity_id);
  INSERT OR IGNORE INTO activity_bindings (member_id, owner_type_id, owner_id, activity_id)
    SELECT member_id, json_extract(snapshot, '$.OWNER_TYPE_ID'), json_extract(snapshot, '$.OWNER_ID'), entity_id FROM mirror
    WHERE entity = 'activity' AND json_extract(snapshot, '$.OWNER_TYPE_ID') IS NOT NULL AND json_extract(snapshot, '$.OWNER_ID') IS NOT NULL;
  DROP INDEX mirror_activity_owner;
  `,
  },
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
  {
    version: 15,
    name: '015-token-key-check',
    sql: `
  -- The tokens in portals are sealed (AES-256-GCM) under a key the database never holds; it keeps only a check value
  -- of that key (an HMAC of a fixed label) so a wrong key stops start-up before anything is read or written.
  CREATE TABLE store_meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  },
  {
    version: 16,
    name: '016-robot-calls',
    sql: `
  CREATE TABLE robot_calls (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id      TEXT NOT NULL REFERENCES portals (member_id) ON DELETE CASCADE,
    event_token    TEXT NOT NULL,
    code           TEXT NOT NULL,
    document_id    TEXT NOT NULL,
    entity         TEXT NOT NULL,
    entity_id      TEXT,
    entity_type_id INTEGER,
    properties     TEXT NOT NULL,
    user_id        TEXT,
    waits          INTEGER NOT NULL,
    state          TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'decided')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    not_before     TEXT,
    last_error     TEXT,
    return_values  TEXT,
    log_message    TEXT,
    answer_at      TEXT,
    received_at    TEXT NOT NULL,
    decided_at     TEXT,
    UNIQUE (member_id, event_token)
  );
  CREATE INDEX robot_calls_pending ON robot_calls (member_id, state, id);
  CREATE INDEX robot_calls_record ON robot_calls (member_id, entity, entity_id, id);

  CREATE TABLE robot_setups (
    member_id  TEXT PRIMARY KEY REFERENCES portals (member_id) ON DELETE CASCADE,
    mode       TEXT NOT NULL CHECK (mode IN ('registered', 'unavailable', 'failed')),
    robots     TEXT NOT NULL,
    error      TEXT,
    checked_at TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  },
  {
    version: 17,
    name: '017-spent-login-states',
    sql: `
  CREATE TABLE spent_login_states (
    nonce      TEXT PRIMARY KEY,
    expires_at TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX spent_login_states_expiry ON spent_login_states (expires_at);
  `,
    postgres: `
  CREATE TABLE spent_login_states (
    nonce      text COLLATE "C" PRIMARY KEY,
    expires_at text COLLATE "C" NOT NULL
  );
  CREATE INDEX spent_login_states_expiry ON spent_login_states (expires_at);
  `,
  },
  {
    version: 18,
    name: '018-token-refresh-lease',
    sql: `
  ALTER TABLE portals ADD COLUMN refresh_lease_until TEXT;
  `,
    postgres: `
  ALTER TABLE portals ADD COLUMN refresh_lease_until text COLLATE "C";
  `,
  },
  {
    version: 19,
    name: '019-report-pages',
    sql: `
  -- The report reads its rows a page at a time from where the last page ended (store/report-rows.ts): the mirror's live
  -- records by their numeric id, a portal's clocks by id, its violations by when they opened. Each page starts at its
  -- cursor in these.
  CREATE INDEX mirror_by_number ON mirror (member_id, entity, CAST(entity_id AS INTEGER)) WHERE deleted = 0;
  CREATE INDEX clocks_by_portal ON clocks (member_id, id);
  CREATE INDEX violations_opened ON violations (member_id, opened_at, id);
  `,
    postgres: `
  CREATE INDEX mirror_by_number ON mirror (member_id, entity, (coalesce(substring(entity_id from '^\\s*[-+]?[0-9]+')::numeric, 0))) WHERE deleted = 0;
  CREATE INDEX clocks_by_portal ON clocks (member_id, id);
  CREATE INDEX violations_opened ON violations (member_id, opened_at, id);
  `,
  },
]
