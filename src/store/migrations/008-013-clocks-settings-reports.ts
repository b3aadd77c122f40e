// Migrations 008 to 013 (the list and its rules: store/migrations.ts). Never edit a shipped entry.
import type { Migration } from '../migrations.js'

export const V008_013: readonly Migration[] = [
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
]
