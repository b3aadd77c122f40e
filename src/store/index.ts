// The store: one SQLite database behind small repositories.
import { openDatabase, type Db } from './db.js'
import { InboxRepo } from './inbox.js'
import { JournalRepo } from './journal.js'
import { PortalRepo } from './portals.js'

/** Every repository over one database, plus a transaction helper. */
export interface Store {
  readonly db: Db
  readonly portals: PortalRepo
  readonly journal: JournalRepo
  readonly inbox: InboxRepo
  /** Runs `work` in one transaction: all of it lands or none. */
  transaction<T>(work: () => T): T
  close(): void
}

/** Opens the store at `path` (':memory:' in tests). */
export function openStore(path: string, now: () => Date = () => new Date()): Store {
  const db = openDatabase(path)
  return {
    db,
    portals: new PortalRepo(db, now),
    journal: new JournalRepo(db, now),
    inbox: new InboxRepo(db, now),
    transaction: (work) => db.transaction(work)(),
    close: () => db.close(),
  }
}
