// Opens the SQLite file in WAL mode and brings its schema up to date.
import { chmodSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { MIGRATIONS, type Migration } from './migrations.js'

export type Db = Database.Database

// better-sqlite3 12 on Node >= 24.19: a Database or Statement finalised by a garbage collection that
// runs outside JavaScript (an idle GC) aborts the process — node::ObjectWrap's destructor asserts an
// entered context (WiseLibs/better-sqlite3#1515; fixed in 13, which needs Node 22). So every one of
// them is kept for the life of the process. The app prepares its statements once, so this is bounded.
const RETAINED: object[] = []

function retainEverything(db: Db): Db {
  RETAINED.push(db)
  const prepare = db.prepare.bind(db) as (...args: unknown[]) => Database.Statement
  db.prepare = ((...args: unknown[]) => {
    const statement = prepare(...args)
    RETAINED.push(statement)
    return statement
  }) as Db['prepare']
  return db
}

/** Opens (creating if needed) the database at `path` (or ':memory:'), migrated to the latest version. */
export function openDatabase(path: string): Db {
  const inMemory = path === ':memory:'
  if (!inMemory) mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const db = retainEverything(new Database(path))
  if (!inMemory) chmodSync(path, 0o600) // tokens live here: readable by the app's user only
  // exec, not pragma(): pragma() prepares a statement the wrapper above cannot keep.
  db.exec('PRAGMA journal_mode = WAL')
  db.exec('PRAGMA synchronous = FULL') // an accepted event must survive a power cut, not only a crash
  db.exec('PRAGMA foreign_keys = ON')
  db.exec('PRAGMA busy_timeout = 5000')
  migrate(db)
  return db
}

/** The value of a read-only pragma such as `journal_mode` or `user_version`. */
export function readPragma(db: Db, name: string): unknown {
  return db.prepare(`PRAGMA ${name}`).pluck().get()
}

/**
 * Applies, in order, every migration whose version is above `PRAGMA user_version`, each in its own transaction with
 * foreign keys enforced: a migration that leaves a row without its parent rolls back and throws, naming itself.
 */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): void {
  const current = Number(readPragma(db, 'user_version'))
  for (const migration of migrations) {
    if (migration.version <= current) continue
    db.transaction(() => {
      db.exec(migration.sql)
      const orphans = db.prepare('PRAGMA foreign_key_check').all()
      if (orphans.length > 0) throw new Error(`migration ${migration.name} leaves ${orphans.length} rows without their parent`)
      db.exec(`PRAGMA user_version = ${migration.version}`)
    })()
  }
}
