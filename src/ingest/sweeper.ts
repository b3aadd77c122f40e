// The sweeper: lists what changed on a portal since the last sweep and feeds what the mirror missed to the worker.
import cron, { type ScheduledTask } from 'node-cron'
import type { Logger } from 'pino'
import type { Entity } from '../../rules/types.js'
import type { PortalClients } from '../b24/index.js'
import type { SettingsSource } from '../settings/portal-settings.js'
import type { StorePort } from '../store/port.js'
import type { InboxEvent } from '../store/inbox.js'
import type { SweepState } from '../store/sweeps.js'
import { ENTITIES, type EntityKind } from './entities.js'
import { OncePerPortal } from './once-per-portal.js'
import type { Worker } from './worker.js'
import { errorMessage } from '../shared/errors.js'

/** The event code of records the first sweep after an install brings in: the install's audit. */
export const AUDIT_EVENT = 'AUDIT'

/** The kinds swept, in this order (contacts before deals: a deal's client is found through its contact). */
export const SWEPT_ENTITIES = ['lead', 'contact', 'deal', 'company', 'activity', 'task'] as const

/** What one sweep of one portal found, per kind. */
export type SweepReport = SweepState[]

// One kind's sweep under way: its state so far, and the ids already taken (a first sweep lists some twice).
interface KindSweep {
  memberId: string
  entity: Entity
  kind: EntityKind
  first: boolean
  state: SweepState
  seen: Set<string>
}

/** Sweeps portals on a schedule and on demand; never two sweeps of one portal at once. */
export class Sweeper {
  readonly #runs = new OncePerPortal<SweepReport>((memberId) => this.#sweep(memberId))
  #task: ScheduledTask | undefined

  constructor(
    private readonly deps: {
      store: StorePort
      clients: PortalClients
      worker: Worker
      logger: Logger
      /** Each portal's settings: `reports.historyMs` is how far back the first sweep reaches. */
      settings: Pick<SettingsSource, 'of'>
      now: () => Date
      /** Runs before each sweep of a portal (the app refreshes a stale directory there). */
      prepare?: (memberId: string) => Promise<unknown>
    },
  ) {}

  /** Sweeps every active portal on `expression` (cron). */
  schedule(expression: string): void {
    this.#task = cron.schedule(expression, () => this.sweepAll(), { noOverlap: true })
  }

  /** Stops the schedule and waits for running sweeps. */
  async stop(): Promise<void> {
    await this.#task?.destroy()
    await this.#runs.idle()
  }

  /** Resolves when no sweep is running. */
  async idle(): Promise<void> {
    await this.#runs.idle()
  }

  /** Sweeps every active portal one after another. */
  async sweepAll(): Promise<void> {
    for (const portal of await this.deps.store.portals.all()) {
      if (portal.status === 'active') await this.sweep(portal.memberId).catch(() => undefined)
    }
  }

  /** Sweeps one portal (joining a sweep already under way). */
  sweep(memberId: string): Promise<SweepReport> {
    return this.#runs.run(memberId)
  }

  async #sweep(memberId: string): Promise<SweepReport> {
    await this.deps.prepare?.(memberId).catch(() => undefined)
    const report: SweepReport = []
    for (const entity of SWEPT_ENTITIES) {
      report.push(await this.#sweepKind(memberId, entity))
      // Records found so far can be processed while the next kind is listed.
      this.deps.worker.wake(memberId)
    }
    return report
  }

  async #sweepKind(memberId: string, entity: Entity): Promise<SweepState> {
    const { store, logger } = this.deps
    const now = this.#now()
    const kind = ENTITIES[entity]
    if (!kind) throw new Error(`No mirror for entity ${entity}`)
    const before = await store.sweeps.get(memberId, entity)
    const first = !before?.cursor
    const state: SweepState = { entity, cursor: before?.cursor ?? null, startedAt: now.toISOString(), finishedAt: null, listed: 0, found: 0, error: null }
    const filters = first ? await this.#auditFilters(memberId, kind) : [{ [`>=${kind.list.modifiedFilter}`]: before.cursor }]
    // A record both open and changed in the window is listed twice and taken once.
    const run: KindSweep = { memberId, entity, kind, first, state, seen: new Set() }
    try {
      for (const filter of filters) await this.#list(run, filter)
      state.finishedAt = this.#now().toISOString()
    } catch (error) {
      state.error = errorMessage(error)
      // An audit cut short is done again whole by the next sweep: a cursor now would skip the older records unlisted.
      if (first) state.cursor = null
      logger.warn({ memberId, entity, error: state.error }, 'sweep failed')
    }
    await store.sweeps.save(memberId, state)
    if (state.found > 0) await store.journal.append(memberId, 'sweep.found', { entity, found: state.found, first })
    return state
  }

  /**
   * The first sweep's listings: the open records, then (unless the open filter already lists everything, or the portal's
   * `reports.history` is zero) every record changed since now − history, closed ones too, so reports on the weeks
   * before the install count them.
   */
  async #auditFilters(memberId: string, kind: EntityKind): Promise<Array<Record<string, unknown>>> {
    const { historyMs } = (await this.deps.settings.of(memberId)).reports
    const open = kind.list.openFilter
    if (historyMs <= 0 || Object.keys(open).length === 0) return [open]
    return [open, { [`>=${kind.list.modifiedFilter}`]: portalTime(this.#now().getTime() - historyMs) }]
  }

  // One listing, page by page (keyset, 50 a page); what each page brings to the inbox is accepted in one commit.
  async #list(run: KindSweep, filter: Record<string, unknown>): Promise<void> {
    const { store, clients, logger } = this.deps
    const { memberId, entity, state } = run
    const { method, select, idKey, resultKey } = run.kind.list
    const pages = (await clients.get(memberId)).list(method, { filter, select }, resultKey ? { idKey, resultKey } : { idKey })
    for await (const page of pages) {
      const events: InboxEvent[] = []
      for (const item of page) {
        const event = await this.#consider(run, item)
        if (event) events.push(event)
      }
      if (events.length > 0) run.state.found += (await store.acceptEvents(events)).filter(Boolean).length
      if (run.first) logger.info({ memberId, entity, filter, listed: state.listed, found: state.found }, 'first sweep: filling the mirror')
    }
  }

  #now(): Date {
    return this.deps.now()
  }

  // A listed record the mirror has not seen at this modification time goes to the worker as if its event had come.
  async #consider(run: KindSweep, item: Record<string, unknown>): Promise<InboxEvent | undefined> {
    const { memberId, entity, kind, first, state, seen } = run
    const id = String(item[kind.list.idKey] ?? '')
    const modified = String(item[kind.modifiedField] ?? '')
    if (!id || seen.has(id)) return undefined
    seen.add(id)
    state.listed += 1
    if (modified && (!state.cursor || Date.parse(modified) > Date.parse(state.cursor))) state.cursor = modified
    const known = await this.deps.store.mirror.get(memberId, entity, id)
    if (known && !known.deleted && known.modifiedAt === modified) return undefined
    const ts = String(Math.floor((Date.parse(modified) || this.#now().getTime()) / 1000))
    // The first sweep is the install's audit, history included: what it finds already past is recorded, nobody told.
    const event = first ? AUDIT_EVENT : 'SWEEP'
    return { memberId, event, entity, entityId: id, ts, data: {} }
  }
}

// A filter instant as the portal writes its own dates (ISO 8601 to the second, with its offset), in UTC.
function portalTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00')
}
