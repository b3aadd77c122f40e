// The event queue: changes queue form-encoded POSTs that are delivered later, once, in order.
import type { FaultBook } from './faults.js'
import { encodeForm, type Outgoing } from './http.js'
import { LOG_LIMIT } from './state.js'
import type { FakeDelivery, FakeReply } from './types.js'
import { pushBounded, sleep } from './util.js'

/** One POST to make: the payload gets its `ts` when it leaves the queue (events/index.md). */
export interface EventJob {
  event: string
  url: string
  payload: Record<string, unknown>
}

const QUEUE_LIMIT = 100_000

/**
 * Delivers queued events one at a time, like the queue server: never retried, failures only logged
 * (events/index.md "No retries"); faults can drop, double, delay or reorder them.
 */
export class EventQueue {
  readonly deliveries: FakeDelivery[] = []
  private pending: EventJob[] = []
  private running = false
  private closed = false
  private waiters: Array<() => void> = []

  constructor(
    private readonly faults: FaultBook,
    private readonly out: Outgoing,
    private readonly now: () => number,
  ) {}

  /** Queues a delivery; it leaves asynchronously. */
  enqueue(job: EventJob): void {
    if (this.closed) return
    if (this.pending.length >= QUEUE_LIMIT) {
      this.record(job, { status: 0, body: '', dropped: true, error: 'queue full' })
      return
    }
    this.pending.push(job)
    if (!this.running) {
      this.running = true
      setImmediate(() => void this.pump())
    }
  }

  /** Sends at once and waits for the answer (lifecycle events); logged like any delivery; rejects when unreachable. */
  async sendNow(job: EventJob): Promise<FakeReply> {
    const { reply, error } = await this.send(job)
    if (reply === null) throw new Error(`POST ${job.event} to ${job.url} failed: ${error ?? 'no answer'}`)
    return reply
  }

  /** Resolves when the queue is empty and nothing is in flight. */
  flush(): Promise<void> {
    if (!this.running && this.pending.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  /** Stops delivering; whatever is still queued is forgotten. */
  close(): void {
    this.closed = true
    this.pending = []
    this.release()
  }

  private async pump(): Promise<void> {
    while (this.pending.length > 0 && !this.closed) {
      const batch = this.pending.splice(0)
      if (this.faults.reorder) batch.reverse()
      for (const job of batch) {
        if (this.closed) break
        await this.deliver(job)
      }
    }
    this.running = false
    this.release()
  }

  private release(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const resolve of waiters) resolve()
  }

  private async deliver(job: EventJob): Promise<void> {
    if (this.faults.takeDrop()) {
      this.record(job, { status: 0, body: this.encode(job), dropped: true })
      return
    }
    const times = this.faults.takeDuplicate() ? 2 : 1
    for (let i = 0; i < times; i++) {
      if (this.faults.eventDelayMs > 0) await sleep(this.faults.eventDelayMs)
      if (this.closed) return
      await this.send(job)
    }
  }

  private async send(job: EventJob): Promise<{ reply: FakeReply | null; error?: string }> {
    const body = this.encode(job)
    try {
      const reply = await this.out.post(job.url, body, 'application/x-www-form-urlencoded')
      this.record(job, { status: reply.status, body })
      return { reply }
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err)
      this.record(job, { status: 0, body, error })
      return { reply: null, error }
    }
  }

  private encode(job: EventJob): string {
    return encodeForm({ ...job.payload, ts: String(Math.floor(this.now() / 1000)) })
  }

  private record(job: EventJob, result: Pick<FakeDelivery, 'status' | 'body' | 'dropped' | 'error'>): void {
    const delivery: FakeDelivery = { event: job.event, url: job.url, status: result.status, body: result.body, at: this.now() }
    if (result.dropped === true) delivery.dropped = true
    if (result.error !== undefined) delivery.error = result.error
    pushBounded(this.deliveries, delivery, LOG_LIMIT)
  }
}
