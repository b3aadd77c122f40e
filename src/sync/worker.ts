// The worker: takes pending events per portal, re-reads their records in batches, updates the mirror, hands on changes.
import type { Logger } from 'pino'
import { isNotFound, type PortalClients } from '../b24/index.js'
import type { Store } from '../store/index.js'
import type { DueRecord } from '../store/inbox.js'
import { diffSnapshots, ENTITIES, project, type FieldChange } from './entities.js'
import { PortalLanes } from './lanes.js'

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

/** Receives each change inside the transaction that stores it; it must be synchronous and must not call the portal. */
export type ChangeHandler = (change: RecordChange) => void

/** Tuning of the worker; defaults suit production. */
export interface WorkerOptions {
  store: Store
  clients: PortalClients
  logger: Logger
  now?: () => Date
  onChange?: ChangeHandler
  /** Called after a transaction that handed a change on has committed (the app starts sending actions there). */
  afterChange?: (memberId: string) => void
  /** Attempts before a record's events are parked. */
  maxAttempts?: number
  /** First retry delay; doubles each attempt up to 10 minutes. */
  retryBaseMs?: number
}

// Fields that change on every save; a change of only these is not a change for rules.
const BOOKKEEPING_FIELDS = new Set(['DATE_MODIFY', 'MODIFY_BY_ID', 'LAST_UPDATED', 'changedDate', 'changedBy'])
// One batch request re-reads at most this many records (the portal's batch limit).
const RECORDS_PER_BATCH = 50
const MAX_RETRY_DELAY_MS = 10 * 60_000
// crm.activity.list's OWNER_TYPE_ID of the records whose activities rules read.
const OWNER_TYPES: Record<string, string> = { lead: '1', deal: '2' }

/** Processes the inbox: one lane per portal, records collapsed, at most one batch per 50 records. */
export class Worker extends PortalLanes {
  readonly #store: Store
  readonly #clients: PortalClients
  readonly #logger: Logger
  readonly #now: () => Date
  readonly #onChange: ChangeHandler
  readonly #afterChange: (memberId: string) => void
  readonly #maxAttempts: number
  readonly #retryBaseMs: number

  constructor(options: WorkerOptions) {
    const now = options.now ?? (() => new Date())
    super({ name: 'worker', logger: options.logger, now })
    this.#store = options.store
    this.#clients = options.clients
    this.#logger = options.logger
    this.#now = now
    this.#onChange = options.onChange ?? (() => {})
    this.#afterChange = options.afterChange ?? (() => {})
    this.#maxAttempts = options.maxAttempts ?? 6
    this.#retryBaseMs = options.retryBaseMs ?? 5_000
  }

  protected portalsWithWork(): string[] {
    return this.#store.inbox.portalsWithWork()
  }

  protected nextRetryAt(after: Date): Date | undefined {
    return this.#store.inbox.nextRetryAt(after)
  }

  protected async drain(memberId: string): Promise<void> {
    while (!this.stopped) {
      const portal = this.#store.portals.get(memberId)
      // A portal that needs re-authorisation keeps its events pending until it is installed again.
      if (!portal || portal.status !== 'active') return
      const due = this.#store.inbox.due(memberId, RECORDS_PER_BATCH)
      if (due.length === 0) return
      await this.#process(memberId, due)
    }
  }

  async #process(memberId: string, due: DueRecord[]): Promise<void> {
    const commands: Record<string, { method: string; params: Record<string, unknown> }> = {}
    due.forEach((record, i) => this.#commands(commands, i, record))
    let outcome
    try {
      outcome = await this.#clients.get(memberId).batch(commands)
    } catch (error) {
      // A portal that lost its tokens meanwhile keeps its events pending; they are not its fault.
      if (this.#store.portals.get(memberId)?.status !== 'active') return
      this.#fail(memberId, due, error instanceof Error ? error.message : String(error))
      return
    }
    due.forEach((record, i) => {
      const key = `r${i}`
      const failure = outcome.errors[key]
      if (failure && !isNotFound(failure)) {
        this.#fail(memberId, [record], `${failure.error || 'error'}: ${failure.description}`)
        return
      }
      this.#apply(memberId, record, failure ? undefined : this.#found(record, i, outcome.results))
    })
  }

  // The record's own read and, for kinds with one, its extra read (a task's history), keyed by the record's place.
  #commands(commands: Record<string, { method: string; params: Record<string, unknown> }>, i: number, record: { entity: string; entityId: string }): void {
    const kind = this.#kind(record)
    commands[`r${i}`] = kind.get(record.entityId)
    if (kind.extra) commands[`x${i}`] = kind.extra.get(record.entityId)
  }

  // The record as read, with its extra read folded in (left out when that read failed: the rules then cannot decide).
  #found(record: { entity: string }, i: number, results: Record<string, unknown>): Record<string, unknown> | undefined {
    const kind = this.#kind(record)
    const found = kind.unwrap(results[`r${i}`])
    if (!found || !kind.extra) return found
    const extra = kind.extra.read(results[`x${i}`])
    return extra === undefined ? found : { ...found, [kind.extra.field]: extra }
  }

  /**
   * Re-reads records now, with the activities bound to each lead and deal, in as few batch requests as the portal
   * allows, and hands on what changed (the clock engine's records falling due). A failed read leaves the mirror as it was.
   */
  async refresh(memberId: string, records: ReadonlyArray<{ entity: string; entityId: string }>): Promise<void> {
    const commands: Record<string, { method: string; params: Record<string, unknown> }> = {}
    records.forEach((record, i) => {
      this.#commands(commands, i, record)
      const ownerTypeId = OWNER_TYPES[record.entity]
      if (ownerTypeId) {
        const { method, select } = ENTITIES.activity!.list
        commands[`a${i}`] = { method, params: { filter: { OWNER_TYPE_ID: ownerTypeId, OWNER_ID: record.entityId }, select, order: { ID: 'ASC' } } }
      }
    })
    let outcome
    try {
      outcome = await this.#clients.get(memberId).batch(commands)
    } catch (error) {
      this.#logger.warn({ memberId, records: records.length, err: error }, 'clock re-read failed; deciding on the mirror')
      return
    }
    records.forEach((record, i) => {
      const activities = outcome.results[`a${i}`]
      for (const activity of Array.isArray(activities) ? activities : []) {
        const id = String((activity as Record<string, unknown>).ID ?? '')
        if (id) this.#apply(memberId, { entity: 'activity', entityId: id, eventIds: [], events: ['CLOCK'], attempts: 0 }, activity as Record<string, unknown>)
      }
      const failure = outcome.errors[`r${i}`]
      if (failure && !isNotFound(failure)) return
      this.#apply(memberId, { ...record, eventIds: [], events: ['CLOCK'], attempts: 0 }, failure ? undefined : this.#found(record, i, outcome.results))
    })
  }

  // Mirror, event bookkeeping and the rules' reaction land in one transaction, or none of them.
  #apply(memberId: string, record: DueRecord, found: Record<string, unknown> | undefined): void {
    const store = this.#store
    const kind = this.#kind(record)
    const changed = store.transaction(() => {
      const before = store.mirror.get(memberId, record.entity, record.entityId)
      const previous = before && !before.deleted ? before.snapshot : undefined
      const current = found ? project(kind, found) : undefined
      const diff = diffSnapshots(previous, current)
      const modifiedAt = current ? String(current[kind.modifiedField] ?? '') || null : before?.modifiedAt ?? null
      if (current || before) {
        store.mirror.put(memberId, { entity: record.entity, entityId: record.entityId, snapshot: current ?? before?.snapshot ?? {}, deleted: !current, modifiedAt })
      }
      store.inbox.markDone(record.eventIds)
      if (!this.#isMeaningful(memberId, record, diff)) return false
      this.#onChange({ memberId, entity: record.entity, entityId: record.entityId, events: record.events, previous, current, diff })
      return true
    })
    if (changed) this.#afterChange(memberId)
  }

  // Nothing but bookkeeping changed, or exactly what the app itself wrote came back: not a change for rules.
  #isMeaningful(memberId: string, record: DueRecord, diff: Record<string, FieldChange>): boolean {
    const fields = Object.keys(diff).filter((field) => !BOOKKEEPING_FIELDS.has(field))
    if (fields.length === 0) return false
    const written = this.#store.ownWrites.recent(memberId, record.entity, record.entityId)
    const echo = fields.every((field) => field in written && JSON.stringify(written[field]) === JSON.stringify(diff[field]?.to))
    return !echo
  }

  #fail(memberId: string, records: DueRecord[], error: string): void {
    for (const record of records) {
      const attempts = record.attempts + 1
      if (attempts >= this.#maxAttempts) {
        this.#store.inbox.fail(record.eventIds, error, 'park')
        this.#store.journal.append(memberId, 'work.parked', { entity: record.entity, entityId: record.entityId, attempts, error })
        this.#logger.error({ memberId, entity: record.entity, entityId: record.entityId, attempts, error }, 'work parked')
        continue
      }
      const delay = Math.min(this.#retryBaseMs * 2 ** (attempts - 1), MAX_RETRY_DELAY_MS)
      this.#store.inbox.fail(record.eventIds, error, new Date(this.#now().getTime() + delay))
      this.#logger.warn({ memberId, entity: record.entity, entityId: record.entityId, attempts, delay, error }, 'work will be retried')
    }
  }

  #kind(record: { entity: string }) {
    const kind = ENTITIES[record.entity]
    if (!kind) throw new Error(`No mirror for entity ${record.entity}`)
    return kind
  }
}
