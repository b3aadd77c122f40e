// The offline drain: reserves records of a portal's offline queue, writes them to the inbox, and only then clears them.
import cron, { type ScheduledTask } from 'node-cron'
import type { Logger } from 'pino'
import type { PortalClient, PortalClients } from '../b24/index.js'
import type { StorePort } from '../store/port.js'
import type { InboxEvent } from '../store/inbox.js'
import { readEventRecord } from './event-records.js'
import { OncePerPortal } from './once-per-portal.js'
import type { Worker } from './worker.js'
import { errorMessage } from '../shared/errors.js'
import { asRecord, isRecord } from '../shared/records.js'

/** What one drain of one portal took from the queue. */
export interface DrainReport {
  /** Records taken from the queue (mapped or not), reservations recovered included. */
  taken: number
  /** Inbox rows written or re-opened (a duplicate of a row still pending is not counted). */
  accepted: number
  /** Records that named no record the app follows; cleared all the same, the sweeper finds their change. */
  unmapped: number
  /** Records of earlier reservations that were never cleared (a crash or a failure between get and clear). */
  recovered: number
}

/** One record of event.offline.get (event-offline-get.md). */
interface QueueRecord { ID: string; TIMESTAMP_X: string; EVENT_NAME: string; EVENT_DATA: unknown }

/** event.offline.get's default and the size of the inbox transaction. */
const BATCH = 50
// One drain takes at most this many batches; the next trigger goes on where it stopped.
const MAX_ROUNDS = 200
// How often a portal's queue is searched for reservations nobody cleared.
const RECOVERY_INTERVAL_MS = 10 * 60_000

/** Drains offline queues on ONOFFLINEEVENT and on a schedule; never two drains of one portal at once. */
export class OfflineDrain {
  readonly #runs = new OncePerPortal<DrainReport>((memberId) => this.#drain(memberId))
  readonly #again = new Set<string>()
  // When each portal's queue is next searched for orphaned reservations; absent means at the next drain.
  readonly #recoverAt = new Map<string, number>()
  #task: ScheduledTask | undefined
  #stopped = false

  constructor(private readonly deps: { store: StorePort; clients: PortalClients; worker: Worker; logger: Logger; now: () => Date }) {}

  /** Drains every portal in offline mode on `expression` (cron). */
  schedule(expression: string): void {
    this.#stopped = false
    this.#task = cron.schedule(expression, () => this.drainAll(), { noOverlap: true })
  }

  /** Stops the schedule, lets running drains finish their batch, and starts no more. */
  async stop(): Promise<void> {
    this.#stopped = true
    await this.#task?.destroy()
    await this.idle()
  }

  /** Resolves when no drain is running. */
  async idle(): Promise<void> {
    await this.#runs.idle()
  }

  /** Drains every active portal in offline mode, one after another. */
  async drainAll(): Promise<void> {
    for (const memberId of await this.deps.store.offlineQueues.active()) {
      if (this.#stopped) return
      await this.drain(memberId).catch(() => undefined)
    }
  }

  /** Drains one portal now; during a running drain, joins it and runs once more after it (new records may have come). */
  drain(memberId: string): Promise<DrainReport> {
    const running = this.#runs.current(memberId)
    if (running) {
      this.#again.add(memberId)
      return running
    }
    const run = this.#runs.run(memberId)
    void run.finally(() => {
      if (this.#again.delete(memberId) && !this.#stopped) void this.drain(memberId).catch(() => undefined)
    }).catch(() => undefined)
    return run
  }

  async #drain(memberId: string): Promise<DrainReport> {
    const { store, clients, logger } = this.deps
    const report: DrainReport = { taken: 0, accepted: 0, unmapped: 0, recovered: 0 }
    const queue = await store.offlineQueues.get(memberId)
    const portal = await store.portals.about(memberId)
    if (this.#stopped || queue?.mode !== 'active' || portal?.status !== 'active') return report
    const client = await clients.get(memberId)
    try {
      if ((this.#recoverAt.get(memberId) ?? 0) <= this.#now()) {
        for (const processId of await this.#orphans(client, queue.authConnector)) {
          const taken = await this.#take(memberId, client, queue.authConnector, processId)
          add(report, taken)
          report.recovered += taken.taken
        }
        this.#recoverAt.set(memberId, this.#now() + RECOVERY_INTERVAL_MS)
      }
      for (let round = 0; round < MAX_ROUNDS && !this.#stopped; round++) {
        const taken = await this.#take(memberId, client, queue.authConnector, null)
        add(report, taken)
        if (taken.taken < BATCH) break
      }
    } catch (error) {
      // The failed batch stays reserved on the portal; the next drain looks for it first.
      this.#recoverAt.delete(memberId)
      const message = errorMessage(error)
      await store.offlineQueues.recordDrain(memberId, { drained: report.taken, unmapped: report.unmapped, error: message })
      logger.warn({ memberId, error: message }, 'offline drain failed; its records stay reserved in the portal queue')
      throw error
    }
    await store.offlineQueues.recordDrain(memberId, { drained: report.taken, unmapped: report.unmapped, error: null })
    if (report.unmapped > 0) await store.journal.append(memberId, 'offline.unmapped', { count: report.unmapped })
    if (report.taken > 0) logger.debug({ memberId, ...report }, 'offline queue drained')
    return report
  }

  // Reserve → inbox (one transaction) → clear. A crash before the clear leaves the batch reserved on
  // the portal; recovered and taken again, its rows are duplicates the inbox keeps once.
  async #take(memberId: string, client: PortalClient, connector: string | null, processId: string | null): Promise<DrainReport> {
    const { store, worker, logger } = this.deps
    const params: Record<string, unknown> = { clear: 0, limit: BATCH }
    if (connector !== null) params.auth_connector = connector
    if (processId !== null) params.process_id = processId
    const answer = readGetAnswer(await client.call('event.offline.get', params))
    const report: DrainReport = { taken: answer.events.length, accepted: 0, unmapped: 0, recovered: 0 }
    if (answer.events.length === 0) return report
    const unmapped: QueueRecord[] = []
    const events: InboxEvent[] = []
    for (const record of answer.events) {
      const found = readEventRecord(record.EVENT_NAME, record.EVENT_DATA)
      if (!found) {
        unmapped.push(record)
        continue
      }
      events.push({
        memberId,
        event: record.EVENT_NAME.toUpperCase(),
        entity: found.entity,
        entityId: found.entityId,
        // The queue record's id and change time: the same record taken twice is one inbox row; a later change or a new record is another.
        ts: `${record.TIMESTAMP_X}#${record.ID}`,
        data: { ...found.extra, offlineId: record.ID },
      })
    }
    report.accepted = (await store.acceptEvents(events)).filter(Boolean).length
    report.unmapped = unmapped.length
    // EVENT_DATA may be `false` (the example answer of event-offline-get.md): such a record cannot be
    // mapped to a record, so it is cleared with its batch and the sweeper finds the change.
    if (unmapped.length > 0) logger.warn({ memberId, records: unmapped }, 'offline records name no record; cleared, the sweeper finds their changes')
    try {
      if (answer.processId === null) {
        logger.warn({ memberId }, 'event.offline.get reserved records without a process_id; they cannot be cleared')
      } else {
        await client.call('event.offline.clear', { process_id: answer.processId })
      }
    } finally {
      worker.wake(memberId)
    }
    return report
  }

  // Reservations of this source that nobody cleared: the drain that made them crashed or failed before its clear.
  async #orphans(client: PortalClient, connector: string | null): Promise<string[]> {
    const params: Record<string, unknown> = { filter: { '!=PROCESS_ID': '' } }
    if (connector !== null) params.auth_connector = connector
    try {
      const rows = listOf(await client.call('event.offline.list', params))
      return [...new Set(rows.map((row) => String(asRecord(row).PROCESS_ID ?? '')).filter((id) => id !== ''))]
    } catch (error) {
      this.deps.logger.warn({ memberId: client.memberId, error: errorMessage(error) }, 'could not look for unfinished offline reservations')
      return []
    }
  }

  #now(): number {
    return this.deps.now().getTime()
  }
}

function add(report: DrainReport, taken: DrainReport): void {
  report.taken += taken.taken
  report.accepted += taken.accepted
  report.unmapped += taken.unmapped
}

// `{process_id, events: [{ID, TIMESTAMP_X, EVENT_NAME, EVENT_DATA, EVENT_ADDITIONAL, MESSAGE_ID}]}` (event-offline-get.md).
function readGetAnswer(result: unknown): { processId: string | null; events: QueueRecord[] } {
  const answer = asRecord(result)
  const processId = typeof answer.process_id === 'string' && answer.process_id !== '' ? answer.process_id : null
  const events = listOf(answer.events).map((item) => {
    const record = asRecord(item)
    return {
      ID: String(record.ID ?? ''),
      TIMESTAMP_X: String(record.TIMESTAMP_X ?? ''),
      EVENT_NAME: String(record.EVENT_NAME ?? ''),
      EVENT_DATA: record.EVENT_DATA,
    }
  })
  return { processId, events }
}

// PHP sends an associative array as an object and an empty one as [].
function listOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value
  if (isRecord(value)) return Object.values(value)
  return []
}

