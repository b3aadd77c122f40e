// Test-only access to a store's SQLite file, opened by the test itself: what the store's port does not (and should not) answer.
import Database from 'better-sqlite3'

/** Runs `work` on its own connection to the database file at `path`, then closes it. */
export function withSqliteFile<T>(path: string, work: (db: Database.Database) => T): T {
  const db = new Database(path)
  try {
    return work(db)
  } finally {
    db.close()
  }
}

/** The rows `sql` answers in the database file at `path`. */
export function sqliteRows<T = Record<string, unknown>>(path: string, sql: string, ...params: unknown[]): T[] {
  return withSqliteFile(path, (db) => db.prepare(sql).all(...params) as T[])
}

/** A pragma's value (`journal_mode`, `user_version` …) in the database file at `path`. */
export function sqlitePragma(path: string, name: string): unknown {
  return withSqliteFile(path, (db) => db.pragma(name, { simple: true }))
}
