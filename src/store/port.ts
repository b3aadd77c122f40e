// The store port: what the app asks of a store, every method answering a promise. No database handle and no
// transaction(fn) cross it: what must land together is one call (a plan, a change, an install, a sweep). SQLite is the
// embedded adapter (index.ts), PostgreSQL the shared one (postgres/index.ts); both pass the contract suite (test/store/contract.ts).
import type { Plan } from './plan.js'
import type { SendResult } from './settle.js'
import type { Action, ActionRepo } from './actions.js'
import type { Clock, ClockRepo } from './clocks.js'
import type { ContactKeyRepo } from './contact-keys.js'
import type { DirectoryDepartment, DirectoryUser } from '../../rules/directory.js'
import type { LeadStatus } from '../../rules/lead-statuses.js'
import type { CrmNames, DirectoryRepo } from './directory.js'
import type { InboxEvent, InboxRepo } from './inbox.js'
import type { JournalRepo } from './journal.js'
import type { LoginStateRepo } from './login-states.js'
import type { MirrorRecord, MirrorRepo } from './mirror.js'
import type { OfflineMode, OfflineQueueRepo } from './offline-queues.js'
import type { OwnWritesRepo } from './own-writes.js'
import type { PortalInstall, PortalRepo } from './portals.js'
import type { PortalSettingsRepo } from './portal-settings.js'
import type { ReportDeliveryRepo } from './report-deliveries.js'
import type { RestBudgetRepo } from './rest-budgets.js'
import type { RobotCallRepo, RobotSetupRepo } from './robot-calls.js'
import type { SweepRepo } from './sweeps.js'
import type { Violation, ViolationRepo } from './violations.js'

/** The repositories' shapes, each named after what it keeps (their SQLite classes answer synchronously). */
export interface StoreRepositories {
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
  readonly loginStates: LoginStateRepo
  readonly restBudgets: RestBudgetRepo
}

/** A repository's methods, each answering a promise of what the synchronous one returns. */
export type Async<R> = {
  readonly [K in keyof R as R[K] extends (...args: never[]) => unknown ? K : never]: R[K] extends (...args: infer A) => infer T ? (...args: A) => Promise<Awaited<T>> : never
}

/** A record's change as the worker stores it: its mirror row (none when the app never saw it and it is gone). */
export interface MirrorWrite {
  memberId: string
  record: Omit<MirrorRecord, 'syncedAt'>
}

/** What one re-read record changes, landing in one transaction: its mirror row, its events done, the rules' plans. */
export interface RecordChangeToStore {
  mirror: MirrorWrite | undefined
  /** The inbox events the change answers (none for a clock's or a sweep's re-read). */
  eventIds: readonly number[]
  plans: readonly Plan[]
}

/** A line of the journal, written with the change it tells of. */
export interface JournalLine {
  kind: string
  detail: Record<string, unknown>
}

/** A portal's directory as read from the portal: users, departments, lead statuses, the CRM's names, when. */
export interface DirectoryRead {
  users: readonly DirectoryUser[]
  departments: readonly DirectoryDepartment[]
  leadStatuses: readonly LeadStatus[]
  crmNames: CrmNames
  at: Date
}

/** The store as the app sees it: asynchronous repositories and the operations that land several writes together. */
export type StorePort = { readonly [K in keyof StoreRepositories]: Async<StoreRepositories[K]> } & StoreOperations & {
  readonly reportRows: ReportRows
  /**
   * True when several instances of the app may work on this store at once (PostgreSQL), false for one process's file
   * (SQLite). What instances must agree on goes through the store only then: a portal's REST budget (restBudgets).
   */
  readonly sharedByInstances: boolean
  /**
   * Several instances (PostgreSQL): from now on, a transaction that leaves work for a portal (an event, a robot call, an
   * action to send) asks `asker` for the portal's job before it commits, so the job and the work land together.
   */
  askWorkWithin?(asker: WorkAsker): void
}

/** Queries on a store transaction that is still open, as the job engine writes a job into it (pg-boss's `db` option). */
export interface TransactionQueries {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>
}

/** Writes the job that runs a portal's work into the transaction that leaves the work; throws when it cannot. */
export type WorkAsker = (within: TransactionQueries, memberId: string) => Promise<void>

/**
 * What a report reads as it writes (src/reports/): rows a page at a time, so that memory does not grow with them (five
 * plain SELECTs; SQLite: store/report-rows.ts, the indexes of migration 017-report-pages). Each
 * iterator reads pages of a bounded size (SQLite: 500 rows), each page a consistent read of its own, none held open
 * while the consumer works on a page's rows (a slow download holds no transaction). Across pages, keyset order makes
 * every row that exists from the first page to the last come exactly once, in the state its page read; a row written
 * meanwhile may come in its new state or, if it moved behind the cursor (an earlier opened_at) or appeared there, not
 * at all. Nothing is written. An iterator left before its end (break, throw) holds nothing.
 */
/** A clock as a report counts it: its rule, record and responsible, when it stopped or was breached, how it ended. */
export type ReportClock = Pick<Clock, 'id' | 'ruleId' | 'entity' | 'entityId' | 'responsibleId' | 'breachedAt' | 'stoppedAt' | 'outcome' | 'elapsedMs'>

export interface ReportRows {
  /**
   * A portal's live mirror records of one entity (`deleted` false): the same rows as mirror.list(memberId, entity), in the
   * same order — by the id's integer value (SQLite's CAST(entity_id AS INTEGER); the portal's ids are decimal
   * integers), equal values by the id's text (bytewise) — read a page at a time with the cursor (number, id).
   */
  records(memberId: string, entity: string): AsyncIterable<MirrorRecord>
  /**
   * A portal's clocks of `ruleIds` stopped or breached in [from, to) (stopped_at or breached_at, ISO-8601 UTC text,
   * compared as text: from <= at < to): the same rows as clocks.ofRulesBetween, in the same order, by id ascending,
   * read a page at a time from the last id seen; each with the fields of ReportClock only (times as stored, ISO text).
   */
  clocksBetween(memberId: string, ruleIds: readonly string[], from: Date, to: Date): AsyncIterable<ReportClock>
  /** Every clock of `ruleIds` (any state, any time) on these records of one entity, by id ascending, as ReportClock; [] for no ids. */
  clocksOf(memberId: string, entity: string, entityIds: readonly string[], ruleIds: readonly string[]): Promise<ReportClock[]>
  /**
   * A portal's violations opened in [from, to) (opened_at as ISO-8601 UTC text, from <= opened_at < to), resolved,
   * excused or not: the same rows as violations.openedBetween, in the same order, by (opened_at, id) ascending, read a
   * page at a time from the last (opened_at, id) seen.
   */
  violationsOpened(memberId: string, from: Date, to: Date): AsyncIterable<Violation>
  /**
   * A portal's outstanding violations of one rule (resolved_at and excused_at null), opened at any time: the same rows
   * as violations.outstanding(memberId) of that rule, in the same order, by (opened_at, id) ascending, read a page at a
   * time from the last (opened_at, id) seen.
   */
  outstandingOf(memberId: string, ruleId: string): AsyncIterable<Violation>
}

/** The store's own operations: each is one transaction. */
export interface StoreOperations {
  /** Applies a decision's plan in one transaction, idempotent by keys (store/apply.ts). */
  apply(plan: Plan): Promise<void>
  /** Stores re-read records' changes, each in its own all-or-nothing unit, the group in as few commits as the store can. */
  applyChanges(changes: readonly RecordChangeToStore[]): Promise<void>
  /** Applies plans each all-or-nothing (one failing undoes only itself); answers, per plan, the error or undefined. */
  applyEach(plans: readonly Plan[]): Promise<Array<unknown>>
  /** Settles what the outbox sent (done with its follow-ups, retried, failed) in one transaction (store/settle.ts). */
  settle(memberId: string, results: readonly SendResult[]): Promise<void>
  /** Accepts inbox events in one commit; per event, false for a duplicate of a pending one. */
  acceptEvents(events: readonly InboxEvent[]): Promise<boolean[]>
  /** Claims up to `limit` of a portal's due actions, most urgent first, marking them as being sent. */
  claimActions(memberId: string, limit: number): Promise<Action[]>
  /** Removes every row the app keeps about a portal, journal included (uninstall with CLEAN=1). */
  deletePortalData(memberId: string): Promise<void>
  /** Installs (or installs again, or updates) a portal's row and journals it, together. */
  installPortal(install: PortalInstall, line: JournalLine): Promise<void>
  /** Uninstalls a portal: its tokens forgotten (its data kept), or with `clean` every row of it; journaled together. */
  uninstallPortal(memberId: string, clean: boolean): Promise<void>
  /** Keeps how a portal's offline events are set up, with the journal's line about it when there is one. */
  setOfflineMode(memberId: string, mode: OfflineMode, authConnector: string | null, line: JournalLine | undefined): Promise<void>
  /** Saves a portal's settings overrides and journals who changed what (before and after), together. */
  saveSettings(memberId: string, overrides: Record<string, unknown>, userId: string): Promise<void>
  /** Replaces a portal's directory (users, departments, lead statuses, CRM names) and journals it, together. */
  replaceDirectory(memberId: string, read: DirectoryRead): Promise<void>
  /** Answers once the store answers a query (the load balancer's readiness check); rejects when it cannot. */
  ping(): Promise<void>
  close(): Promise<void>
}
