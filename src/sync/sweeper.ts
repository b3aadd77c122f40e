// The sweeper: lists what changed on a portal since the last sweep and feeds what the mirror missed to the worker.
import cron, { type ScheduledTask } from 'node-cron'
import type { Logger } from 'pino'
import type { PortalClients } from '../b24/index.js'
import type { Store } from '../store/index.js'
import type { SweepState } from '../store/sweeps.js'
import { ENTITIES } from './entities.js'
import { OncePerPortal } from './once-per-portal.js'
import type { Worker } from './worker.js'

/** The event code of records the first sweep after an install brings in: the install's audit. */
export const AUDIT_EVENT = 'AUDIT'

/** The kinds swept, in this order (contacts before deals: a deal's client is found through its contact). */
export const SWEPT_ENTITIES = ['lead', 'contact', 'deal', 'company', 'activity', 'task'] as const

/** What one sweep of one portal found, per kind. */
export type SweepReport = SweepState[]

/** Sweeps portals on a schedule and on demand; never two sweeps of one portal at once. */
export class Sweeper {
  readonly #runs = new OncePerPortal<SweepReport>((memberId) => this.#sweep(memberId))
  #task: ScheduledTask | undefined

  constructor(
    private readonly deps: {
      store: Store
      clients: PortalClients
      worker: Worker
      logger: Logger
      now?: () => Date
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
    for (const portal of this.deps.store.portals.all()) {
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

  async #sweepKind(memberId: string, entity: string): Promise<SweepState> {
    const { store, clients, logger } = this.deps
    const now = this.deps.now ?? (() => new Date())
    const kind = ENTITIES[entity]
    if (!kind) throw new Error(`No mirror for entity ${entity}`)
    const before = store.sweeps.get(memberId, entity)
    const first = !before?.cursor
    const state: SweepState = { entity, cursor: before?.cursor ?? null, startedAt: now().toISOString(), finishedAt: null, listed: 0, found: 0, error: null }
    // The first sweep fills the mirror with what is open; later ones take what changed since the newest change seen.
    const filter = first ? kind.list.openFilter : { [`>=${kind.list.modifiedFilter}`]: before.cursor }
    try {
      const { method, select, idKey, resultKey } = kind.list
      const pages = clients.get(memberId).list(method, { filter, select }, resultKey ? { idKey, resultKey } : { idKey })
      for await (const page of pages) {
        store.transaction(() => {
          for (const item of page) this.#consider(memberId, entity, item, state, first)
        })
        if (first) logger.info({ memberId, entity, listed: state.listed, found: state.found }, 'first sweep: filling the mirror')
      }
      state.finishedAt = now().toISOString()
    } catch (error) {
      state.error = error instanceof Error ? error.message : String(error)
      logger.warn({ memberId, entity, error: state.error }, 'sweep failed')
    }
    store.sweeps.save(memberId, state)
    if (state.found > 0) store.journal.append(memberId, 'sweep.found', { entity, found: state.found, first })
    return state
  }

  // A listed record the mirror has not seen at this modification time goes to the worker as if its event had come.
  #consider(memberId: string, entity: string, item: Record<string, unknown>, state: SweepState, first: boolean): void {
    const kind = ENTITIES[entity]
    if (!kind) return
    const id = String(item[kind.list.idKey] ?? '')
    const modified = String(item[kind.modifiedField] ?? '')
    if (!id) return
    state.listed += 1
    if (modified && (!state.cursor || Date.parse(modified) > Date.parse(state.cursor))) state.cursor = modified
    const known = this.deps.store.mirror.get(memberId, entity, id)
    if (known && !known.deleted && known.modifiedAt === modified) return
    const ts = String(Math.floor((Date.parse(modified) || Date.now()) / 1000))
    // The first sweep is the install's audit: what it finds already past is recorded, nobody told.
    const event = first ? AUDIT_EVENT : 'SWEEP'
    if (this.deps.store.inbox.accept({ memberId, event, entity, entityId: id, ts, data: {} })) state.found += 1
  }
}
