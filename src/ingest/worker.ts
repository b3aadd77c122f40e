// The worker: takes pending events per portal, re-reads their records in batches, updates the mirror, hands on changes.
import type { Logger } from 'pino'
import { isNotFound, type BatchCommands, type BatchOutcome, type PortalClients } from '../b24/index.js'
import type { Hub } from '../enforce/hub.js'
import type { Announcements } from '../store/plan.js'
import type { Store } from '../store/index.js'
import type { DueRecord } from '../store/inbox.js'
import { diffSnapshots, ENTITIES, project, type FieldChange } from './entities.js'
import { activitiesOfRecord, OWNER_TYPE_IDS, withBinding } from './record-lists.js'
import { PortalLanes } from './lanes.js'
import { readAllPages, type PagedList } from './paged-lists.js'
import { errorMessage } from '../shared/errors.js'
import { backoffDelay, MAX_RETRY_DELAY_MS } from '../shared/backoff.js'

/** What changed on one record since the mirror last saw it. */
export interface RecordChange {
  memberId: string
  entity: string
  entityId: string
  /** The event codes that brought it in (SWEEP when the sweeper found it). */
  events: string[]
  /** The mirror's snapshot before, or undefined the first time the app sees the record. */
  previous: Record<string, unknown> | undefined
  /** The snapshot now, or undefined when the record was deleted. */
  current: Record<string, unknown> | undefined
  diff: Record<string, FieldChange>
}

/**
 * Receives each change inside the transaction that stores it; it must be synchronous and must not call the portal.
 * What it returns (its plans' announcements) goes to the hub once that transaction has committed.
 */
export type ChangeHandler = (change: RecordChange) => readonly Announcements[] | void

/** Tuning of the worker; defaults suit production. */
export interface WorkerOptions {
  store: Store
  clients: PortalClients
  logger: Logger
  now: () => Date
  onChange?: ChangeHandler
  /** Told what the change handler's plans announce, after their transaction has committed. */
  hub?: Hub
  /** Attempts before a record's events are parked. */
  maxAttempts?: number
  /** First retry delay; doubles each attempt up to 10 minutes. */
  retryBaseMs?: number
}

// Fields that change on every save; a change of only these is not a change for rules.
const BOOKKEEPING_FIELDS = new Set(['DATE_MODIFY', 'MODIFY_BY_ID', 'LAST_UPDATED', 'changedDate', 'changedBy'])
// One batch request re-reads at most this many records (the portal's batch limit).
const RECORDS_PER_BATCH = 50

/** Processes the inbox: one lane per portal, records collapsed, at most one batch per 50 records. */
export class Worker extends PortalLanes {
  readonly #store: Store
  readonly #clients: PortalClients
  readonly #logger: Logger
  readonly #now: () => Date
  readonly #onChange: ChangeHandler
  readonly #hub: Hub | undefined
  readonly #maxAttempts: number
  readonly #retryBaseMs: number

  constructor(options: WorkerOptions) {
    const { now } = options
    super({ name: 'worker', logger: options.logger, now })
    this.#store = options.store
    this.#clients = options.clients
    this.#logger = options.logger
    this.#now = now
    this.#onChange = options.onChange ?? (() => {})
    this.#hub = options.hub
    this.#maxAttempts = options.maxAttempts ?? 6
    this.#retryBaseMs = options.retryBaseMs ?? 5_000
  }

  protected portalsWithWork(): string[] {
    return this.#store.sync.inbox.portalsWithWork()
  }

  protected nextRetryAt(after: Date): Date | undefined {
    return this.#store.sync.inbox.nextRetryAt(after)
  }

  protected async drain(memberId: string): Promise<void> {
    while (!this.stopped) {
      const portal = this.#store.sync.portals.get(memberId)
      // A portal that needs re-authorisation keeps its events pending until it is installed again.
      if (!portal || portal.status !== 'active') return
      const due = this.#store.sync.inbox.due(memberId, RECORDS_PER_BATCH)
      if (due.length === 0) return
      await this.#process(memberId, due)
    }
  }

  async #process(memberId: string, due: DueRecord[]): Promise<void> {
    let read
    try {
      read = await this.#read(memberId, due)
    } catch (error) {
      // A portal that lost its tokens meanwhile keeps its events pending; they are not its fault.
      if (this.#store.sync.portals.get(memberId)?.status !== 'active') return
      this.#fail(memberId, due, errorMessage(error))
      return
    }
    due.forEach((record, i) => {
      const failure = read.outcome.errors[`r${i}`]
      if (failure && !isNotFound(failure)) {
        this.#fail(memberId, [record], `${failure.error || 'error'}: ${failure.description}`)
        return
      }
      this.#apply(memberId, record, failure ? undefined : this.#found(record, i, read))
    })
  }

  /**
   * Reads records in one batch (50 commands a request): each record (`r<i>`), the first page of its extra list (`x<i>`:
   * a task's history…) and, with `activities`, of the activities bound to each lead and deal (`a<i>`); then the further
   * pages of the lists that need them. A failed request throws.
   */
  async #read(memberId: string, records: ReadonlyArray<{ entity: string; entityId: string }>, activities = false) {
    const client = this.#clients.get(memberId)
    const commands: BatchCommands = {}
    const lists = new Map<string, PagedList>()
    records.forEach((record, i) => {
      commands[`r${i}`] = this.#kind(record).get(record.entityId)
      const extra = this.#kind(record).extra?.list(record.entityId)
      if (extra) lists.set(`x${i}`, extra)
      const bound = activities ? activitiesOfRecord(record.entity, record.entityId) : undefined
      if (bound) lists.set(`a${i}`, bound)
    })
    for (const [key, list] of lists) commands[key] = list.page(0)
    const outcome = await client.batch(commands)
    const firsts = new Map([...lists].map(([key, list]) => [key, { list, result: outcome.results[key], failed: key in outcome.errors }]))
    const rows = await readAllPages((more) => client.batch(more), firsts)
    return { outcome, rows }
  }

  // The record as read, with its extra list folded in (left out when that read failed: the rules then cannot decide).
  #found(record: { entity: string }, i: number, read: { outcome: BatchOutcome; rows: Map<string, unknown[] | undefined> }): Record<string, unknown> | undefined {
    const kind = this.#kind(record)
    const found = kind.unwrap(read.outcome.results[`r${i}`])
    if (!found || !kind.extra) return found
    const rows = read.rows.get(`x${i}`)
    return rows === undefined ? found : { ...found, [kind.extra.field]: kind.extra.keep(rows) }
  }

  /**
   * Re-reads records now, with every activity that decides each lead's and deal's rules (its open ones and newest
   * finished ones, those bound to it from other records too), in as few batch requests as the portal allows, and hands
   * on what changed (the clock engine's records falling due). A failed read leaves the mirror as it was.
   */
  async refresh(memberId: string, records: ReadonlyArray<{ entity: string; entityId: string }>): Promise<void> {
    let read
    try {
      read = await this.#read(memberId, records, true)
    } catch (error) {
      this.#logger.warn({ memberId, records: records.length, err: error }, 'clock re-read failed; deciding on the mirror')
      return
    }
    records.forEach((record, i) => {
      const ownerTypeId = OWNER_TYPE_IDS[record.entity]
      for (const row of read.rows.get(`a${i}`) ?? []) {
        const activity = row as Record<string, unknown>
        const id = String(activity.ID ?? '')
        if (!id || !ownerTypeId) continue
        const known = this.#store.sync.mirror.get(memberId, 'activity', id)
        const found = withBinding(activity, known?.snapshot, { OWNER_TYPE_ID: ownerTypeId, OWNER_ID: record.entityId })
        this.#apply(memberId, { entity: 'activity', entityId: id, eventIds: [], events: ['CLOCK'], attempts: 0 }, found)
      }
      const failure = read.outcome.errors[`r${i}`]
      if (failure && !isNotFound(failure)) return
      this.#apply(memberId, { ...record, eventIds: [], events: ['CLOCK'], attempts: 0 }, failure ? undefined : this.#found(record, i, read))
    })
  }

  // Mirror, event bookkeeping and the rules' reaction land in one transaction, or none of them.
  #apply(memberId: string, record: DueRecord, found: Record<string, unknown> | undefined): void {
    const store = this.#store
    const kind = this.#kind(record)
    const announced = store.sync.transaction((): readonly Announcements[] => {
      const before = store.sync.mirror.get(memberId, record.entity, record.entityId)
      const previous = before && !before.deleted ? before.snapshot : undefined
      const current = found ? project(kind, found) : undefined
      const diff = diffSnapshots(previous, current)
      const modifiedAt = current ? String(current[kind.modifiedField] ?? '') || null : before?.modifiedAt ?? null
      if (current || before) {
        store.sync.mirror.put(memberId, { entity: record.entity, entityId: record.entityId, snapshot: current ?? before?.snapshot ?? {}, deleted: !current, modifiedAt })
      }
      store.sync.inbox.markDone(record.eventIds)
      if (!this.#isMeaningful(memberId, record, diff)) return []
      return this.#onChange({ memberId, entity: record.entity, entityId: record.entityId, events: record.events, previous, current, diff }) ?? []
    })
    if (announced.length > 0) this.#hub?.announce(memberId, announced)
  }

  // Nothing but bookkeeping changed, or exactly what the app itself wrote came back: not a change for rules.
  #isMeaningful(memberId: string, record: DueRecord, diff: Record<string, FieldChange>): boolean {
    const fields = Object.keys(diff).filter((field) => !BOOKKEEPING_FIELDS.has(field))
    if (fields.length === 0) return false
    const written = this.#store.sync.ownWrites.recent(memberId, record.entity, record.entityId)
    const echo = fields.every((field) => field in written && JSON.stringify(written[field]) === JSON.stringify(diff[field]?.to))
    return !echo
  }

  #fail(memberId: string, records: DueRecord[], error: string): void {
    for (const record of records) {
      const attempts = record.attempts + 1
      if (attempts >= this.#maxAttempts) {
        this.#store.sync.inbox.fail(record.eventIds, error, 'park')
        this.#store.sync.journal.append(memberId, 'work.parked', { entity: record.entity, entityId: record.entityId, attempts, error })
        this.#logger.error({ memberId, entity: record.entity, entityId: record.entityId, attempts, error }, 'work parked')
        continue
      }
      const delay = backoffDelay(attempts, this.#retryBaseMs, MAX_RETRY_DELAY_MS)
      this.#store.sync.inbox.fail(record.eventIds, error, new Date(this.#now().getTime() + delay))
      this.#logger.warn({ memberId, entity: record.entity, entityId: record.entityId, attempts, delay, error }, 'work will be retried')
    }
  }

  #kind(record: { entity: string }) {
    const kind = ENTITIES[record.entity]
    if (!kind) throw new Error(`No mirror for entity ${record.entity}`)
    return kind
  }
}
