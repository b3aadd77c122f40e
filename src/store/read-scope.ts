// Reads made one after another (a decision's load, a page's queries) share one read transaction until the next turn of
// the event loop or the next write, whichever comes first: in WAL mode SQLite then finds its snapshot once instead of
// once a statement. A write never waits: it ends the shared read first, so it commits when its call returns.
import type Database from 'better-sqlite3'
import type { Db } from './db.js'

type Run = (...args: unknown[]) => unknown

/** Makes `db`'s statements prepared from now on, and its transactions, keep to the shared read. */
export function shareReads(db: Db): void {
  let open = false
  const leave = () => {
    if (!open) return
    open = false
    if (db.inTransaction) db.exec('COMMIT')
  }
  const enter = () => {
    if (open || db.inTransaction) return
    db.exec('BEGIN')
    open = true
    setImmediate(leave)
  }
  const prepare = db.prepare.bind(db) as (...args: unknown[]) => Database.Statement
  db.prepare = ((...args: unknown[]) => {
    const statement = prepare(...args)
    const before = statement.readonly ? enter : leave
    for (const method of ['run', 'get', 'all', 'iterate'] as const) {
      const run = statement[method].bind(statement) as Run
      ;(statement as unknown as Record<string, Run>)[method] = (...params: unknown[]) => {
        before()
        return run(...params)
      }
    }
    return statement
  }) as Db['prepare']
  const transaction = db.transaction.bind(db)
  db.transaction = ((work: Parameters<Db['transaction']>[0]) => {
    const wrapped = transaction(work)
    const begin = ((...args: unknown[]) => {
      leave()
      return (wrapped as unknown as Run)(...args)
    }) as typeof wrapped
    return Object.assign(begin, { deferred: wrapped.deferred, immediate: wrapped.immediate, exclusive: wrapped.exclusive, default: wrapped.default })
  }) as Db['transaction']
  const close = db.close.bind(db)
  db.close = (() => {
    leave()
    return close()
  }) as Db['close']
  const exec = db.exec.bind(db)
  db.exec = ((source: string) => {
    if (source !== 'BEGIN' && source !== 'COMMIT') leave()
    return exec(source)
  }) as Db['exec']
}
