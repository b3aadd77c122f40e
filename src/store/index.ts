// The store: one SQLite database behind small repositories.
import type { Plan } from './plan.js'
import { applyPlan } from './apply.js'
import { settleActions, type SendResult } from './settle.js'
import { openDatabase } from './db.js'
import { deriveTokenKey } from '../shared/token-key.js'
import { Sealer } from './sealed.js'
import { sealAtRest } from './token-sealing.js'
import { ActionRepo } from './actions.js'
import { ClockRepo } from './clocks.js'
import { ContactKeyRepo } from './contact-keys.js'
import { DirectoryRepo } from './directory.js'
import { InboxRepo } from './inbox.js'
import { JournalRepo } from './journal.js'
import { MirrorRepo } from './mirror.js'
import { OfflineQueueRepo } from './offline-queues.js'
import { OwnWritesRepo } from './own-writes.js'
import { PortalRepo } from './portals.js'
import { PortalSettingsRepo } from './portal-settings.js'
import { ReportDeliveryRepo } from './report-deliveries.js'
import { RobotCallRepo, RobotSetupRepo } from './robot-calls.js'
import { SweepRepo } from './sweeps.js'
import { ViolationRepo } from './violations.js'

/** Every repository over one database, plus a transaction helper; the database itself stays inside. */
export interface Store {
  readonly portals: PortalRepo
  readonly journal: JournalRepo
  readonly inbox: InboxRepo
  readonly mirror: MirrorRepo
  readonly ownWrites: OwnWritesRepo
  readonly sweeps: SweepRepo
  readonly directory: DirectoryRepo
  readonly violations: ViolationRepo
  readonly actions: ActionRepo
  readonly clocks: ClockRepo
  readonly portalSettings: PortalSettingsRepo
  readonly contactKeys: ContactKeyRepo
  readonly offlineQueues: OfflineQueueRepo
  readonly reportDeliveries: ReportDeliveryRepo
  readonly robotCalls: RobotCallRepo
  readonly robotSetups: RobotSetupRepo
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
 * Opens the store at `path` (':memory:' in tests) on the app's clock `now`, its tokens sealed under `tokenKey`
 * (config.tokenKey; without one, the key an app without TOKEN_KEY and B24_CLIENT_SECRET derives, as tests run). A
 * key the database's tokens were not sealed under throws WrongTokenKeyError before anything is read or written.
 */
export function openStore(path: string, now: () => Date, tokenKey: Buffer = deriveTokenKey('')): Store {
  const db = openDatabase(path)
  const sealer = new Sealer(tokenKey)
  try {
    sealAtRest(db, sealer)
  } catch (error) {
    db.close()
    throw error
  }
  const repos = {
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
  }
  return {
    ...repos,
    // The schema's foreign keys take every per-portal table with the portal's row; the journal has none (it is written
    // about portals never installed, and outlives them), so its rows go here.
    deletePortalData: db.transaction((memberId: string) => {
      repos.journal.deletePortal(memberId)
      repos.portals.delete(memberId)
    }),
    // Inside a caller's transaction (the worker's, a due round's savepoint) the plan lands with it; otherwise in its own.
    apply: (plan) => (db.inTransaction ? applyPlan(repos, plan) : db.transaction(() => applyPlan(repos, plan))()),
    settle: (memberId, results) => db.transaction(() => settleActions(repos, memberId, results))(),
    transaction: (work) => db.transaction(work)(),
    close: () => db.close(),
  }
}
