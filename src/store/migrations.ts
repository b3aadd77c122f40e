// The schema, one SQL script per version; never edit a shipped entry, append a new one.

/** Migration n brings the database from user_version n to n + 1. */
export const MIGRATIONS: readonly string[] = [
  `
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
]
