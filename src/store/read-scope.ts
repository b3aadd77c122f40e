// Reads made one after another (a decision's load, a page's queries) share one read transaction until the next turn of
// the event loop or the next write, whichever comes first: in WAL mode SQLite then finds its snapshot once instead of
// once a statement. A write never waits: it ends the shared read first, so it commits when its call returns.
import type Database from 'better-sqlite3'
import type { Db } from './db.js'

type Run = (...args: unknown[]) => unknown

// Each database's shared read as a token: the same object while one read lasts (see sharedRead).
const scopes = new WeakMap<Db, () => object | undefined>()

/** Makes `db`'s statements prepared from now on, and its transactions, keep to the shared read. */
export function shareReads(db: Db): void {
  let open = false
  let token: object = {}
  const leave = () => {
    if (!open) return
    open = false
    if (db.inTransaction) db.exec('COMMIT')
  }
  const enter = () => {
    if (open || db.inTransaction) return
    db.exec('BEGIN')
    open = true
    token = {}
    setImmediate(leave)
  }
  scopes.set(db, () => {
    enter()
    return open ? token : undefined
  })
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

/**
 * Joins (or opens) `db`'s shared read and answers a token that stays the same object while that read lasts: it ends at
 * the next write or the next turn of the event loop. Undefined inside a write transaction, or when `db` does not share
 * its reads.
 */
export function sharedRead(db: Db): object | undefined {
  return scopes.get(db)?.()
}

/**
 * One answer per key for as long as one shared read lasts: within it the database answers every read from the same
 * snapshot, so asking again would answer the same. A decision asks its portal's facts once per record; a group of
 * records stored together asks them once. Answers are frozen, since every caller in the read gets the same object.
 */
export class ReadMemo<T> {
  #scope: object | undefined
  readonly #answers = new Map<string, T>()

  constructor(private readonly db: Db) {}

  /** `read()`'s answer for `key`, read at most once in the current shared read; read each time outside one. */
  get(key: string, read: () => T): T {
    const scope = sharedRead(this.db)
    if (scope === undefined) return read()
    if (scope !== this.#scope) {
      this.#scope = scope
      this.#answers.clear()
    }
    if (this.#answers.has(key)) return this.#answers.get(key) as T
    const answer = read()
    this.#answers.set(key, frozen(answer))
    return answer
  }
}

// An answer and, for a list, its items made read-only.
function frozen<T>(answer: T): T {
  if (Array.isArray(answer)) for (const item of answer) Object.freeze(item)
  return typeof answer === 'object' && answer !== null ? Object.freeze(answer) : answer
}
