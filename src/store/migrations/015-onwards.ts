// Migrations 015 onwards (the list and its rules: store/migrations.ts): a new one is appended here. Never edit a shipped entry.
import type { Migration } from '../migrations.js'

export const V015_ON: readonly Migration[] = [
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
  {
    version: 20,
    name: '020-rest-budgets',
    sql: `
  -- A portal's REST budget shared by the instances on one store (store/rest-budgets.ts): the portal's leaky-bucket
  -- counter as the app last reckoned it, and when, in unix seconds on the database's own clock.
  CREATE TABLE rest_budgets (
    member_id  TEXT PRIMARY KEY REFERENCES portals (member_id) ON DELETE CASCADE,
    level      REAL NOT NULL,
    updated_at REAL NOT NULL
  ) WITHOUT ROWID;
  `,
    postgres: `
  CREATE TABLE rest_budgets (
    member_id  text COLLATE "C" PRIMARY KEY REFERENCES portals (member_id) ON DELETE CASCADE,
    level      double precision NOT NULL,
    updated_at double precision NOT NULL
  );
  `,
  },
]
