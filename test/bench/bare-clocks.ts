// The clocks' baselines, measured beside them: rows of a clock's size written to a bare SQLite table (WAL,
// synchronous=FULL) in the same groups, and a due round's bare cost — select the due rows, rewrite each — with no rules,
// no engine, no outbox: how far the app's own figures are from what the database alone does.
import Database from 'better-sqlite3'
import { join } from 'node:path'

const STEPS = JSON.stringify([
  { kind: 'breach', level: 0, at: '2026-12-07T10:00:00.000Z', doneAt: null },
  { kind: 'escalation', level: 1, at: '2026-12-08T10:00:00.000Z', doneAt: null },
])

function open(dir: string): Database.Database {
  const db = new Database(join(dir, 'bare-clocks.db'))
  db.exec('PRAGMA journal_mode = WAL')
  db.exec('PRAGMA synchronous = FULL')
  db.exec(`CREATE TABLE clocks (id INTEGER PRIMARY KEY, member_id TEXT NOT NULL, entity_id TEXT NOT NULL, started_at TEXT NOT NULL,
    due_at TEXT NOT NULL, steps TEXT NOT NULL, next_at TEXT, UNIQUE (member_id, entity_id))`)
  db.exec('CREATE INDEX clocks_next ON clocks (next_at)')
  return db
}

/** Rows a second: `rows` clocks inserted, `group` a transaction, into a new table in `dir`; then `due` of them taken in one round (ms). */
export function bareClocks(dir: string, rows: number, group: number, due: number): { perSecond: number; dueMs: number } {
  const db = open(dir)
  try {
    const insert = db.prepare('INSERT INTO clocks (member_id, entity_id, started_at, due_at, steps, next_at) VALUES (?, ?, ?, ?, ?, ?)')
    const started = performance.now()
    for (let first = 0; first < rows; first += group) {
      const next = new Date(Date.UTC(2026, 11, 7) + first * 60).toISOString()
      db.transaction(() => {
        for (let id = first; id < first + group; id++) insert.run('m', String(id), next, next, STEPS, next)
      })()
    }
    const perSecond = rows / ((performance.now() - started) / 1000)
    const take = db.prepare('SELECT id, steps FROM clocks WHERE next_at <= ? ORDER BY next_at LIMIT ?')
    const step = db.prepare('UPDATE clocks SET steps = ?, next_at = ? WHERE id = ?')
    const round = performance.now()
    db.transaction(() => {
      for (const clock of take.all('9999', due) as Array<{ id: number; steps: string }>) {
        const steps = JSON.parse(clock.steps) as Array<{ doneAt: string | null; at: string }>
        steps[0]!.doneAt = new Date().toISOString()
        step.run(JSON.stringify(steps), steps[1]!.at, clock.id)
      }
    })()
    return { perSecond, dueMs: performance.now() - round }
  } finally {
    db.close()
  }
}
