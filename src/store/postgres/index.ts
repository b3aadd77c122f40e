// The store's PostgreSQL adapter: the whole store port over a pool, each call one transaction on one pooled client,
// the same answers as SQLite's for the same calls (test/store/contract.ts runs on both).
import type pg from 'pg'
import type { Async, StorePort, StoreRepositories, WorkAsker } from '../port.js'
import { storeOperations, type Transactions } from '../operations.js'
import { deriveTokenKey } from '../../shared/token-key.js'
import { Sealer } from '../sealed.js'
import { runAwaited } from '../steps.js'
import { PgActionRepo } from './actions.js'
import { PgClockRepo } from './clocks.js'
import { PgDirectoryRepo } from './directory.js'
import { PgInboxRepo } from './inbox.js'
import { migratePostgres } from './migrate.js'
import { PgContactKeyRepo, PgMirrorRepo, PgOwnWritesRepo } from './mirror.js'
import { PgJournalRepo, PgLoginStateRepo, PgOfflineQueueRepo, PgPortalSettingsRepo, PgRobotSetupRepo, PgSweepRepo } from './portal-state.js'
import { PgPortalRepo } from './portals.js'
import { PgReportDeliveryRepo } from './report-deliveries.js'
import { PgReportRows } from './report-rows.js'
import { PgRestBudgetRepo } from './rest-budgets.js'
import { PgRobotCallRepo } from './robot-calls.js'
import { inTransaction, openPool, singleStatements, type PostgresTarget, type Sql } from './sql.js'
import { sealAtRestPg } from './token-sealing.js'
import { PgViolationRepo } from './violations.js'

export type { PostgresTarget } from './sql.js'

type AsyncRepositories = { readonly [K in keyof StoreRepositories]: Async<StoreRepositories[K]> }

/**
 * Opens the store on PostgreSQL at `target` on the app's clock `now`, its tokens sealed under `tokenKey` as on SQLite:
 * migrates the schema (once, whichever instance comes first), checks the key (WrongTokenKeyError before anything else
 * is read or written), and answers the port.
 */
export async function openPostgresStore(target: PostgresTarget, now: () => Date, tokenKey: Buffer = deriveTokenKey('')): Promise<StorePort> {
  const pool = openPool(target)
  const sealer = new Sealer(tokenKey)
  try {
    await migratePostgres(pool)
    await sealAtRestPg(pool, sealer)
  } catch (error) {
    await pool.end()
    throw error
  }
  const reposOn = (sql: Sql) => repositories(sql, now, sealer)
  // Set when the job engine starts (several instances): the transactions that leave a portal work ask for its job.
  let asker: WorkAsker | undefined
  const transactions: Transactions = {
    one: (work) => inTransaction(pool, (sql) => runAwaited(work(reposOn(sql))), asker),
    // Each item in a savepoint of its own: one that fails undoes only itself, the others commit together.
    each: (items, work) => inTransaction(pool, async (sql, savepoint) => {
      const repos = reposOn(sql)
      const errors: unknown[] = []
      for (const item of items) {
        errors.push(await savepoint(() => runAwaited(work(repos, item))).then(() => undefined, (error: unknown) => error))
      }
      return errors
    }, asker),
  }
  let closed: Promise<void> | undefined
  // Closing twice is closing once, as on SQLite.
  const close = () => (closed ??= pool.end())
  const ping = async () => { await pool.query('SELECT 1') }
  // The REST budget is taken at every request to a portal: one statement, its own commit, one round trip.
  const restBudgets = new PgRestBudgetRepo(singleStatements(pool))
  const askWorkWithin = (given: WorkAsker) => { asker = given }
  return {
    ...perCall(pool, now, sealer, () => asker), restBudgets, ...storeOperations(transactions), reportRows: new PgReportRows(pool), sharedByInstances: true,
    askWorkWithin, ping, close,
  }
}

// Each repository's class; every one is built on a transaction's client, the clock and the sealer.
const REPOSITORIES = {
  portals: PgPortalRepo, journal: PgJournalRepo, inbox: PgInboxRepo, mirror: PgMirrorRepo, ownWrites: PgOwnWritesRepo, sweeps: PgSweepRepo,
  directory: PgDirectoryRepo, violations: PgViolationRepo, actions: PgActionRepo, clocks: PgClockRepo, portalSettings: PgPortalSettingsRepo,
  contactKeys: PgContactKeyRepo, offlineQueues: PgOfflineQueueRepo, reportDeliveries: PgReportDeliveryRepo, robotCalls: PgRobotCallRepo,
  robotSetups: PgRobotSetupRepo, loginStates: PgLoginStateRepo, restBudgets: PgRestBudgetRepo,
} satisfies { [K in keyof StoreRepositories]: new (sql: Sql, now: () => Date, sealer: Sealer) => Async<StoreRepositories[K]> }

function repositories(sql: Sql, now: () => Date, sealer: Sealer): AsyncRepositories {
  const entries = Object.entries(REPOSITORIES).map(([name, Repo]) => [name, new Repo(sql, now, sealer)] as const)
  return Object.fromEntries(entries) as unknown as AsyncRepositories
}

// The port's repositories: each method call is one transaction of its own (a method of several statements, such as
// a claim or a directory's replacement, lands whole).
function perCall(pool: pg.Pool, now: () => Date, sealer: Sealer, asker: () => WorkAsker | undefined): AsyncRepositories {
  const wrapped: Record<string, unknown> = {}
  for (const [name, Repo] of Object.entries(REPOSITORIES)) {
    const methods: Record<string, unknown> = {}
    for (const method of Object.getOwnPropertyNames(Repo.prototype)) {
      if (method === 'constructor') continue
      methods[method] = (...args: unknown[]) => inTransaction(pool, (sql) => {
        const repo = new Repo(sql, now, sealer) as unknown as Record<string, (...given: unknown[]) => Promise<unknown>>
        return repo[method]!(...args)
      }, asker())
    }
    wrapped[name] = Object.freeze(methods)
  }
  return wrapped as unknown as AsyncRepositories
}
