// The offline event queue (api-reference/events/offline-events.md): one record per changed object, per source key.
import { createHash } from 'node:crypto'
import { formatIso } from './clock.js'
import { matchesAll, parseFilter, parseOrder, sortRows, upperResolve } from './list.js'
import type { FakeEventBinding, FakeOfflineRecord } from './types.js'
import { randomHex } from './util.js'

/** "The reserved batch is stored for up to 30 days and is then automatically deleted" (offline-events.md). */
const RESERVATION_MS = 30 * 24 * 3600_000

/** What event.offline.get selects: the caller's source, its own reservation or free records, with or without errors. */
export interface Selection {
  connector: string
  processId: string
  withErrors: boolean
  filter: unknown
  order: unknown
  limit: number
}

/**
 * The queue keeps "the current state of the object", not every change: "If the same deal is modified
 * 1000 times, only one record with the timestamp of the last change will remain" (offline-events.md).
 */
export class OfflineQueue {
  private records: FakeOfflineRecord[] = []
  private readonly reservedAt = new Map<string, number>()
  private seq = 0

  constructor(
    private readonly now: () => number,
    private readonly offset: () => string,
    private readonly eventData: () => 'identifiers' | 'false',
  ) {}

  /** Every record, oldest first (for tests). */
  get all(): ReadonlyArray<FakeOfflineRecord> {
    this.expire()
    return this.records
  }

  /**
   * Queues a change for one offline binding. EVENT_DATA holds what the online event's `data` holds
   * (`{FIELDS: {ID}}` for CRM, `{FIELDS_AFTER: {ID}}` for tasks): offline-events.md says the record
   * "contains the event name and the identifiers of the modified object"; the example on
   * event-offline-get.md shows `false`, which names no object; the concept page is followed unless
   * the portal was started with `offlineEventData: 'false'`. Records are told apart by their data either way.
   */
  put(binding: FakeEventBinding, data: Record<string, unknown>): void {
    const timestamp = formatIso(this.now(), this.offset())
    // Inference: MESSAGE_ID is stable per event and object (the docs' example shows "1"); a test app must not read it as a change id.
    const messageId = createHash('md5').update(`${binding.event}|${JSON.stringify(data)}`).digest('hex')
    const known = this.records.find((r) => r.connector === binding.authConnector && r.MESSAGE_ID === messageId)
    if (known !== undefined) {
      // Inference: a change after a reservation puts the record back in the queue, so clearing the old batch cannot lose it.
      Object.assign(known, { TIMESTAMP_X: timestamp, PROCESS_ID: '', ERROR: '0' })
      this.records = [...this.records.filter((r) => r !== known), known]
      return
    }
    this.seq += 1
    this.records.push({
      ID: String(this.seq),
      TIMESTAMP_X: timestamp,
      EVENT_NAME: binding.event,
      EVENT_DATA: this.eventData() === 'false' ? false : structuredClone(data),
      EVENT_ADDITIONAL: false,
      MESSAGE_ID: messageId,
      PROCESS_ID: '',
      ERROR: '0',
      connector: binding.authConnector,
    })
  }

  /** The records a get would see: of the source, unreserved (or of `processId`), errors only when asked. */
  select(s: Selection): FakeOfflineRecord[] {
    this.expire()
    const offset = this.offset()
    const mine = this.records.filter(
      (r) => r.connector === s.connector && r.PROCESS_ID === s.processId && (s.withErrors || r.ERROR === '0'),
    )
    const matched = mine.filter((r) => matchesAll(view(r), parseFilter(s.filter), upperResolve, offset))
    const order = parseOrder(s.order)
    const sorted = sortRows(matched.map(view), order.length > 0 ? order : [['TIMESTAMP_X', false]], upperResolve, offset)
    const ids = sorted.slice(0, s.limit).map((row) => String(row.ID))
    return ids.map((id) => this.records.find((r) => r.ID === id)).filter((r): r is FakeOfflineRecord => r !== undefined)
  }

  /** Marks records with a process id (the reservation of `clear=0`); returns the id. */
  reserve(records: FakeOfflineRecord[], processId: string | null): string {
    const id = processId ?? randomHex(16)
    for (const record of records) record.PROCESS_ID = id
    this.reservedAt.set(id, this.now())
    return id
  }

  /** Deletes the given records. */
  remove(records: FakeOfflineRecord[]): void {
    this.records = this.records.filter((r) => !records.includes(r))
  }

  /** The records reserved by a process, optionally narrowed to ids or message ids (event-offline-clear.md). */
  ofProcess(processId: string, ids: string[] | null, messageIds: string[] | null): FakeOfflineRecord[] {
    const reserved = this.records.filter((r) => r.PROCESS_ID === processId)
    if (ids !== null) return reserved.filter((r) => ids.includes(r.ID))
    if (messageIds !== null) return reserved.filter((r) => messageIds.includes(r.MESSAGE_ID))
    return reserved
  }

  /** Keeps records "marked with an error" (event-offline-error.md); they leave the reservation and come back with error=1. */
  markError(records: FakeOfflineRecord[]): void {
    for (const record of records) Object.assign(record, { ERROR: '1', PROCESS_ID: '' })
  }

  /** The app was deleted: its queue goes with it. */
  clear(): void {
    this.records = []
    this.reservedAt.clear()
  }

  private expire(): void {
    const limit = this.now() - RESERVATION_MS
    for (const [id, at] of this.reservedAt) {
      if (at > limit) continue
      this.records = this.records.filter((r) => r.PROCESS_ID !== id)
      this.reservedAt.delete(id)
    }
  }
}

/** A record as event.offline.list shows it (without the fake's source field). */
export function view(record: FakeOfflineRecord): Record<string, unknown> {
  const { connector: _connector, ...shown } = record
  return shown
}

/** The record as event.offline.get shows it: no PROCESS_ID or ERROR (event-offline-get.md). */
export function getView(record: FakeOfflineRecord): Record<string, unknown> {
  const { ID, TIMESTAMP_X, EVENT_NAME, EVENT_DATA, EVENT_ADDITIONAL, MESSAGE_ID } = record
  return { ID, TIMESTAMP_X, EVENT_NAME, EVENT_DATA, EVENT_ADDITIONAL, MESSAGE_ID }
}
