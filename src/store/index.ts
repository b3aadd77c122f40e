// The store's SQLite adapter: one database behind small synchronous repositories, offered to the app as the
// asynchronous store port (port.ts). Several writes that must land together are one call here, one transaction.
import type { Plan } from './plan.js'
import { applyPlan } from './apply.js'
import { settleSteps, type SendResult } from './settle.js'
import { runNow } from './steps.js'
import { openDatabase, type Db } from './db.js'
import { deriveTokenKey } from '../shared/token-key.js'
import { Sealer } from './sealed.js'
import { sealAtRest } from './token-sealing.js'
import { ActionRepo } from './actions.js'
import { ClockRepo } from './clocks.js'
import { ContactKeyRepo } from './contact-keys.js'
import { DirectoryRepo } from './directory.js'
import { InboxRepo } from './inbox.js'
import { JournalRepo } from './journal.js'
import { LoginStateRepo } from './login-states.js'
import { MirrorRepo } from './mirror.js'
import { OfflineQueueRepo } from './offline-queues.js'
import { OwnWritesRepo } from './own-writes.js'
import { PortalRepo } from './portals.js'
import { PortalSettingsRepo } from './portal-settings.js'
import { ReportDeliveryRepo } from './report-deliveries.js'
import { ReportRowsReader } from './report-rows.js'
import { RestBudgetRepo } from './rest-budgets.js'
import { RobotCallRepo, RobotSetupRepo } from './robot-calls.js'
import { SweepRepo } from './sweeps.js'
import { ViolationRepo } from './violations.js'
import type { Async, StoreOperations, StorePort, StoreRepositories } from './port.js'
import { deletePortalSteps, storeOperations, type Transactions } from './operations.js'
import { settled } from './settled.js'
import { shareReads } from './read-scope.js'

export type { StorePort } from './port.js'

/** Every repository over one database, answering synchronously, plus a transaction helper (inside src/store/ only). */
export interface SyncStore extends StoreRepositories {
  /** Removes every row the app keeps about a portal, journal included (uninstall with CLEAN=1). */
  deletePortalData(memberId: string): void
  /** Applies a decision's plan in one transaction, idempotent by keys (store/apply.ts). */
  apply(plan: Plan): void
  /** Settles what the outbox sent (done with its follow-ups, retried, failed) in one transaction (store/settle.ts). */
  settle(memberId: string, results: readonly SendResult[]): void
  /** Runs `work` in one transaction: all of it lands or none. */
  transaction<T>(work: () => T): T
  close(): void
}

/**
 * The SQLite adapter of the store port. `sync` is the synchronous access for tests, benchmarks and the store's own
 * scripts, to set up or read beside the port; the app takes the port only.
 */
export type SqliteStore = StorePort & { readonly sync: SyncStore }

/** The SQLite adapter, as tests and scripts hold it. */
export type Store = SqliteStore

/**
 * Opens the store at `path` (':memory:' in tests) on the app's clock `now`, its tokens sealed under `tokenKey`
 * (config.tokenKey; without one, the key an app without TOKEN_KEY and B24_CLIENT_SECRET derives, as tests run). A
 * key the database's tokens were not sealed under throws WrongTokenKeyError before anything is read or written.
 */
export function openStore(path: string, now: () => Date, tokenKey: Buffer = deriveTokenKey('')): SqliteStore {
  const db = openDatabase(path)
  const sealer = new Sealer(tokenKey)
  try {
    sealAtRest(db, sealer)
  } catch (error) {
    db.close()
    throw error
  }
  shareReads(db)
  const repos: StoreRepositories = {
    portals: new PortalRepo(db, now, sealer),
    journal: new JournalRepo(db, now),
    inbox: new InboxRepo(db, now),
    mirror: new MirrorRepo(db, now),
    ownWrites: new OwnWritesRepo(db, now),
    sweeps: new SweepRepo(db),
    directory: new DirectoryRepo(db, now),
    violations: new ViolationRepo(db, now),
    actions: new ActionRepo(db, now),
    clocks: new ClockRepo(db, now),
    portalSettings: new PortalSettingsRepo(db, now),
    contactKeys: new ContactKeyRepo(db),
    offlineQueues: new OfflineQueueRepo(db, now),
    reportDeliveries: new ReportDeliveryRepo(db, now),
    robotCalls: new RobotCallRepo(db, now),
    robotSetups: new RobotSetupRepo(db, now),
    loginStates: new LoginStateRepo(db, now),
    restBudgets: new RestBudgetRepo(db),
  }
  const sync = syncStore(db, repos)
  // One process has the file: its clients' own buckets are the whole budget, and no call waits on the store for it.
  return { ...asyncRepositories(repos), ...operations(db, repos), reportRows: new ReportRowsReader(db), sharedByInstances: false, sync }
}

function syncStore(db: Db, repos: StoreRepositories): SyncStore {
  return {
    ...repos,
    deletePortalData: db.transaction((memberId: string) => runNow(deletePortalSteps(repos, memberId))),
    // Inside a caller's transaction the plan lands with it; otherwise in its own.
    apply: (plan) => (db.inTransaction ? applyPlan(repos, plan) : db.transaction(() => applyPlan(repos, plan))()),
    settle: (memberId, results) => db.transaction(() => runNow(settleSteps(repos, memberId, results)))(),
    transaction: (work) => db.transaction(work)(),
    close: () => db.close(),
  }
}

// The port's operations on SQLite: each one transaction, run at once (one writer: nothing interleaves with it).
function operations(db: Db, repos: StoreRepositories): StoreOperations {
  const ping = db.prepare('SELECT 1')
  const transactions: Transactions = {
    one: (work) => settled(() => db.transaction(() => runNow(work(repos)))())(),
    each: (items, work) => settled(() => eachInOneCommit(db, items, (item) => runNow(work(repos, item))))(),
  }
  return { ...storeOperations(transactions), ping: settled(() => { ping.get() }), close: settled(() => { db.close() }) }
}

// Runs `work` on each item in one transaction; answers each item's error (undefined: it landed). Usually all land, in
// one commit and no savepoint; when one fails, the transaction is undone and the items are done again, each in a
// savepoint of their own, so that a failing item undoes only itself.
function eachInOneCommit<T>(db: Db, items: readonly T[], work: (item: T) => unknown): unknown[] {
  try {
    db.transaction(() => {
      for (const item of items) work(item)
    })()
    return items.map(() => undefined)
  } catch {
    // Done again below, item by item: the first try left nothing behind.
  }
  const errors: unknown[] = []
  const one = db.transaction((item: T) => work(item))
  db.transaction(() => {
    for (const item of items) {
      try {
        one(item)
        errors.push(undefined)
      } catch (error) {
        errors.push(error)
      }
    }
  })()
  return errors
}

// Each repository's public methods, answering promises.
function asyncRepositories(repos: StoreRepositories): { [K in keyof StoreRepositories]: Async<StoreRepositories[K]> } {
  const wrapped: Record<string, unknown> = {}
  for (const [name, repo] of Object.entries(repos) as Array<[string, object]>) {
    const methods: Record<string, unknown> = {}
    const own = repo as Record<string, (...args: unknown[]) => unknown>
    for (const method of Object.getOwnPropertyNames(Object.getPrototypeOf(repo))) {
      if (method === 'constructor' || typeof own[method] !== 'function') continue
      // Looked up at each call, so the synchronous repository stays the one implementation (a test may stand in for it).
      methods[method] = settled((...args: unknown[]) => own[method]!(...args))
    }
    wrapped[name] = Object.freeze(methods)
  }
  return wrapped as { [K in keyof StoreRepositories]: Async<StoreRepositories[K]> }
}
