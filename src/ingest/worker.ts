// The worker: takes pending events per portal, re-reads their records in batches, updates the mirror, hands on changes.
import type { Entity } from '../../rules/types.js'
import type { Logger } from 'pino'
import { isNotFound, type BatchCommands, type BatchOutcome, type PortalClients } from '../b24/index.js'
import type { Hub } from '../enforce/hub.js'
import { announcementsOf, type Plan } from '../store/plan.js'
import type { StorePort } from '../store/port.js'
import type { DueRecord, WaveWindow } from '../store/inbox.js'
import { diffSnapshots, ENTITIES, project, type FieldChange } from './entities.js'
import { activitiesOfRecord, OWNER_TYPE_IDS, withBinding } from './record-lists.js'
import { PortalLanes } from './lanes.js'
import type { WorkPlace } from '../jobs/engine.js'
import { WaveGate } from './waves.js'
import { readAllPages, type PagedList } from './paged-lists.js'
import { errorMessage } from '../shared/errors.js'
import { backoffDelay, MAX_RETRY_DELAY_MS } from '../shared/backoff.js'

/** What changed on one record since the mirror last saw it. */
export interface RecordChange {
  memberId: string
  entity: Entity
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
 * Receives each change before it is stored and answers the plans decided on it (reads only; it must not call the
 * portal): the worker stores the change and the plans in one store call, then tells the hub what they announce.
 */
export type ChangeHandler = (change: RecordChange) => Promise<readonly Plan[] | void> | readonly Plan[] | void

/** Tuning of the worker; defaults suit production. */
export interface WorkerOptions {
  store: StorePort
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
  /** How long a burst of events is given to settle before its records are read (src/ingest/waves.ts); none by default. */
  wave?: WaveWindow
  /** Several instances: a portal's records are read where its job runs (src/jobs/engine.ts). */
  place?: WorkPlace | undefined
}

// Fields that change on every save; a change of only these is not a change for rules.
const BOOKKEEPING_FIELDS = new Set(['DATE_MODIFY', 'MODIFY_BY_ID', 'LAST_UPDATED', 'changedDate', 'changedBy'])
// One batch request re-reads at most this many records (the portal's batch limit).
const RECORDS_PER_BATCH = 50

/** Processes the inbox: one lane per portal, records collapsed, at most one batch per 50 records. */
export class Worker extends PortalLanes {
  readonly #store: StorePort
  readonly #clients: PortalClients
  readonly #logger: Logger
  readonly #now: () => Date
  readonly #onChange: ChangeHandler
  readonly #hub: Hub | undefined
  readonly #maxAttempts: number
  readonly #retryBaseMs: number
  readonly #wave: WaveWindow
  readonly #gate: WaveGate

  constructor(options: WorkerOptions) {
    const { now } = options
    super({ name: 'worker', logger: options.logger, now, place: options.place })
    this.#store = options.store
    this.#clients = options.clients
    this.#logger = options.logger
    this.#now = now
    this.#onChange = options.onChange ?? (() => {})
    this.#hub = options.hub
    this.#maxAttempts = options.maxAttempts ?? 6
    this.#retryBaseMs = options.retryBaseMs ?? 5_000
    this.#wave = options.wave ?? { quietMs: 0, maxWaitMs: 0 }
    this.#gate = new WaveGate(now, (memberId) => this.wake(memberId))
  }

  protected portalsWithWork(): Promise<string[]> {
    return this.#store.inbox.portalsWithWork()
  }

  protected nextRetryAt(after: Date): Promise<Date | undefined> {
    return this.#store.inbox.nextRetryAt(after)
  }

  /** Makes sure the portal's work is looked at; while its burst settles (src/ingest/waves.ts) an event only joins the wave. */
  override wake(memberId: string): void {
    if (this.#gate.holds(memberId)) return
    super.wake(memberId)
  }

  /** Resolves once the portal's burst has settled and its wave is due (at once when none settles). */
  settled(memberId: string): Promise<void> {
    return this.#gate.settled(memberId)
  }

  /** Stops taking work (the settling portals' timers too) and waits for the current step. */
  override async stop(): Promise<void> {
    this.#gate.clear()
    await super.stop()
  }

  /** Reads the portal's records in waves (src/ingest/waves.ts): each record once a wave, however many events it collected. */
  protected async drain(memberId: string): Promise<void> {
    while (!this.stopped) {
      if (!(await this.#active(memberId))) return
      const wave = await this.#store.inbox.wave(memberId, this.#wave)
      if (!wave) return
      if (!wave.ready) {
        if (!this.stopped) this.#gate.settleUntil(memberId, wave.at)
        return
      }
      // Nothing of the wave could be taken (its records wait out a backoff): the retry timer comes back for them.
      if ((await this.#drainWave(memberId, wave.lastId)) === 0) return
    }
  }

  // Reads the wave's records (those with an event up to `lastId`) 50 a batch; answers how many were taken.
  async #drainWave(memberId: string, lastId: number): Promise<number> {
    let taken = 0
    while (!this.stopped) {
      if (!(await this.#active(memberId))) break
      const due = await this.#store.inbox.due(memberId, RECORDS_PER_BATCH, lastId)
      if (due.length === 0) break
      taken += due.length
      await this.#process(memberId, due)
    }
    return taken
  }

  // A portal that needs re-authorisation keeps its events pending until it is installed again.
  async #active(memberId: string): Promise<boolean> {
    const portal = await this.#store.portals.about(memberId)
    return portal?.status === 'active'
  }

  async #process(memberId: string, due: DueRecord[]): Promise<void> {
    let read
    try {
      read = await this.#read(memberId, due)
    } catch (error) {
      // A portal that lost its tokens meanwhile keeps its events pending; they are not its fault.
      if ((await this.#store.portals.about(memberId))?.status !== 'active') return
      await this.#fail(memberId, due, errorMessage(error))
      return
    }
    for (const [i, record] of due.entries()) {
      const failure = read.outcome.errors[`r${i}`]
      if (failure && !isNotFound(failure)) {
        await this.#fail(memberId, [record], `${failure.error || 'error'}: ${failure.description}`)
        continue
      }
      await this.#apply(memberId, record, failure ? undefined : this.#found(record, i, read))
    }
  }

  /**
   * Reads records in one batch (50 commands a request): each record (`r<i>`), the first page of its extra list (`x<i>`:
   * a task's history…) and, with `activities`, of the activities bound to each lead and deal (`a<i>`); then the further
   * pages of the lists that need them. A failed request throws.
   */
  async #read(memberId: string, records: ReadonlyArray<{ entity: string; entityId: string }>, activities = false) {
    const client = await this.#clients.get(memberId)
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
  async refresh(memberId: string, records: ReadonlyArray<{ entity: Entity; entityId: string }>): Promise<void> {
    let read
    try {
      read = await this.#read(memberId, records, true)
    } catch (error) {
      this.#logger.warn({ memberId, records: records.length, err: error }, 'clock re-read failed; deciding on the mirror')
      return
    }
    for (const [i, record] of records.entries()) {
      const ownerTypeId = OWNER_TYPE_IDS[record.entity]
      for (const row of read.rows.get(`a${i}`) ?? []) {
        const activity = row as Record<string, unknown>
        const id = String(activity.ID ?? '')
        if (!id || !ownerTypeId) continue
        const known = await this.#store.mirror.get(memberId, 'activity', id)
        const found = withBinding(activity, known?.snapshot, { OWNER_TYPE_ID: ownerTypeId, OWNER_ID: record.entityId })
        await this.#apply(memberId, { entity: 'activity', entityId: id, eventIds: [], events: ['CLOCK'], attempts: 0 }, found)
      }
      const failure = read.outcome.errors[`r${i}`]
      if (failure && !isNotFound(failure)) continue
      await this.#apply(memberId, { ...record, eventIds: [], events: ['CLOCK'], attempts: 0 }, failure ? undefined : this.#found(record, i, read))
    }
  }

  // Read the mirror, decide on the change (reads only), then store the mirror, the event bookkeeping and the rules'
  // plans in one store call: all of them land, or none.
  async #apply(memberId: string, record: DueRecord, found: Record<string, unknown> | undefined): Promise<void> {
    const store = this.#store
    const kind = this.#kind(record)
    const before = await store.mirror.get(memberId, record.entity, record.entityId)
    const previous = before && !before.deleted ? before.snapshot : undefined
    const current = found ? project(kind, found) : undefined
    const diff = diffSnapshots(previous, current)
    const modifiedAt = current ? sureModifiedAt(String(current[kind.modifiedField] ?? ''), this.#now()) : before?.modifiedAt ?? null
    const mirror = current || before
      ? { memberId, record: { entity: record.entity, entityId: record.entityId, snapshot: current ?? before?.snapshot ?? {}, deleted: !current, modifiedAt } }
      : undefined
    const plans = (await this.#isMeaningful(memberId, record, diff))
      ? (await this.#onChange({ memberId, entity: record.entity, entityId: record.entityId, events: record.events, previous, current, diff })) ?? []
      : []
    await store.applyChanges([{ mirror, eventIds: record.eventIds, plans }])
    if (plans.length > 0) this.#hub?.announce(memberId, plans.map(announcementsOf))
  }

  // Nothing but bookkeeping changed, or exactly what the app itself wrote came back: not a change for rules.
  async #isMeaningful(memberId: string, record: DueRecord, diff: Record<string, FieldChange>): Promise<boolean> {
    const fields = Object.keys(diff).filter((field) => !BOOKKEEPING_FIELDS.has(field))
    if (fields.length === 0) return false
    const written = await this.#store.ownWrites.recent(memberId, record.entity, record.entityId)
    const echo = fields.every((field) => field in written && JSON.stringify(written[field]) === JSON.stringify(diff[field]?.to))
    return !echo
  }

  async #fail(memberId: string, records: DueRecord[], error: string): Promise<void> {
    for (const record of records) {
      const attempts = record.attempts + 1
      if (attempts >= this.#maxAttempts) {
        await this.#store.inbox.fail(record.eventIds, error, 'park')
        await this.#store.journal.append(memberId, 'work.parked', { entity: record.entity, entityId: record.entityId, attempts, error })
        this.#logger.error({ memberId, entity: record.entity, entityId: record.entityId, attempts, error }, 'work parked')
        continue
      }
      const delay = backoffDelay(attempts, this.#retryBaseMs, MAX_RETRY_DELAY_MS)
      await this.#store.inbox.fail(record.eventIds, error, new Date(this.#now().getTime() + delay))
      this.#logger.warn({ memberId, entity: record.entity, entityId: record.entityId, attempts, delay, error }, 'work will be retried')
    }
  }

  #kind(record: { entity: string }) {
    const kind = ENTITIES[record.entity]
    if (!kind) throw new Error(`No mirror for entity ${record.entity}`)
    return kind
  }
}

// The portal's modification times count whole seconds (DATE_MODIFY, LAST_UPDATED, CHANGED_DATE), so a change made later in
// the second a record was read carries the time the mirror keeps, and a sweep would take it as seen even when its event was
// lost (the app's own fix, written within that second, is one). A read that close to its record's last change keeps no
// time (null): the next sweep reads the record once more. The margin allows a second of skew between the app and the portal.
const SAME_SECOND_MARGIN_MS = 2_000

function sureModifiedAt(modified: string, now: Date): string | null {
  const at = Date.parse(modified)
  if (modified === '' || Number.isNaN(at)) return null
  return now.getTime() - at < SAME_SECOND_MARGIN_MS ? null : modified
}
