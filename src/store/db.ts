// Opens the SQLite file in WAL mode and brings its schema up to date.
import { chmodSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { MIGRATIONS } from './migrations.js'

export type Db = Database.Database

/** Opens (creating if needed) the database at `path` (or ':memory:'), migrated to the latest version. */
export function openDatabase(path: string): Db {
  const inMemory = path === ':memory:'
  if (!inMemory) mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const db = new Database(path)
  if (!inMemory) chmodSync(path, 0o600) // tokens live here: readable by the app's user only
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL') // an accepted event must survive a power cut, not only a crash
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  migrate(db)
  return db
}

/** Applies every migration newer than `PRAGMA user_version`, each in its own transaction. */
export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number
  MIGRATIONS.slice(current).forEach((sql, index) => {
    db.transaction(() => {
      db.exec(sql)
      db.pragma(`user_version = ${current + index + 1}`)
    })()
  })
}
