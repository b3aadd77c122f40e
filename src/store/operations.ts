// The store port's operations written once for both adapters: each is store work (steps.ts) that the adapter runs as
// one transaction — SQLite at once on its one connection, PostgreSQL on one pooled client.
import type { Plan } from './plan.js'
import type { InboxEvent } from './inbox.js'
import type { OfflineMode } from './offline-queues.js'
import type { PortalInstall } from './portals.js'
import type { DirectoryRead, JournalLine, RecordChangeToStore, StoreOperations, StoreRepositories } from './port.js'
import { planSteps } from './apply.js'
import { settleSteps, type SendResult } from './settle.js'
import { ask, type Either, type Steps } from './steps.js'

/** Every repository, answering at once or with promises. */
export type EitherRepositories = { readonly [K in keyof StoreRepositories]: Either<StoreRepositories[K]> }

/** How an adapter runs store work. */
export interface Transactions {
  /** Runs `work` in one transaction: all of it lands or none. */
  one<T>(work: (repos: EitherRepositories) => Steps<T>): Promise<T>
  /** Runs `work` on each item in one transaction, a failing item undoing only itself; answers each item's error (undefined: it landed). */
  each<T>(items: readonly T[], work: (repos: EitherRepositories, item: T) => Steps<unknown>): Promise<unknown[]>
}

/** Removes every row the app keeps about a portal: the schema's foreign keys take every per-portal table with its row. */
export function* deletePortalSteps(repos: EitherRepositories, memberId: string): Steps<void> {
  // The portal's row first: on PostgreSQL its delete waits for another instance's transaction still writing rows of
  // the portal, so the journal's delete below, which reads afresh, sees that transaction's journal lines too.
  yield* ask(repos.portals.delete(memberId))
  // The journal has no foreign key (it is written about portals never installed, and outlives them): its rows go here.
  yield* ask(repos.journal.deletePortal(memberId))
}

// One re-read record's change: its mirror row, its events done, the rules' plans.
function* changeSteps(repos: EitherRepositories, change: RecordChangeToStore): Steps<void> {
  if (change.mirror) yield* ask(repos.mirror.put(change.mirror.memberId, change.mirror.record))
  if (change.eventIds.length > 0) yield* ask(repos.inbox.markDone([...change.eventIds]))
  for (const plan of change.plans) yield* planSteps(repos, plan)
}

/** The port's operations over an adapter's transactions (ping and close are the adapter's own). */
export function storeOperations(tx: Transactions): Omit<StoreOperations, 'ping' | 'close'> {
  return {
    apply: (plan: Plan) => tx.one((repos) => planSteps(repos, plan)),
    // A change that fails undoes only itself, and throws after the others land.
    applyChanges: async (changes: readonly RecordChangeToStore[]) => {
      const failures = await tx.each(changes, changeSteps)
      const failed = failures.find((failure) => failure !== undefined)
      if (failed !== undefined) throw failed
    },
    applyEach: (plans: readonly Plan[]) => tx.each(plans, planSteps),
    settle: (memberId: string, results: readonly SendResult[]) => tx.one((repos) => settleSteps(repos, memberId, results)),
    acceptEvents: (events: readonly InboxEvent[]) => tx.one(function* (repos) {
      const fresh: boolean[] = []
      for (const event of events) fresh.push(yield* ask(repos.inbox.accept(event)))
      return fresh
    }),
    claimActions: (memberId: string, limit: number) => tx.one((repos) => ask(repos.actions.claim(memberId, limit))),
    deletePortalData: (memberId: string) => tx.one((repos) => deletePortalSteps(repos, memberId)),
    installPortal: (install: PortalInstall, line: JournalLine) => tx.one(function* (repos) {
      yield* ask(repos.portals.install(install))
      yield* ask(repos.journal.append(install.memberId, line.kind, line.detail))
    }),
    uninstallPortal: (memberId: string, clean: boolean) => tx.one(function* (repos) {
      if (clean) yield* deletePortalSteps(repos, memberId)
      else yield* ask(repos.portals.revoke(memberId, 'uninstalled by the portal'))
      yield* ask(repos.journal.append(memberId, 'app.uninstalled', { clean }))
    }),
    setOfflineMode: (memberId: string, mode: OfflineMode, authConnector: string | null, line: JournalLine | undefined) => tx.one(function* (repos) {
      yield* ask(repos.offlineQueues.setMode(memberId, mode, authConnector))
      if (line) yield* ask(repos.journal.append(memberId, line.kind, line.detail))
    }),
    saveSettings: (memberId: string, overrides: Record<string, unknown>, userId: string) => tx.one(function* (repos) {
      const before = (yield* ask(repos.portalSettings.get(memberId)))?.overrides ?? {}
      yield* ask(repos.portalSettings.save(memberId, overrides, userId))
      yield* ask(repos.journal.append(memberId, 'settings.changed', { userId, before, after: overrides }))
    }),
    replaceDirectory: (memberId: string, read: DirectoryRead) => tx.one(function* (repos) {
      yield* ask(repos.directory.replace(memberId, read.users, read.departments, read.at))
      yield* ask(repos.directory.replaceLeadStatuses(memberId, read.leadStatuses))
      yield* ask(repos.directory.replaceCrmNames(memberId, read.crmNames))
      const counts = { users: read.users.length, departments: read.departments.length, leadStatuses: read.leadStatuses.length }
      yield* ask(repos.journal.append(memberId, 'directory.refreshed', counts))
    }),
  }
}
