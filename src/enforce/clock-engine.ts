// The clock engine: one timer to the next due step of any clock (no minute tick). When it comes, the records due
// together are re-read from the portal in batches, the rules asked again, and the steps still owed are taken.
import type { Entity } from '../../rules/types.js'
import type { StorePort } from '../store/port.js'
import type { Worker } from '../ingest/worker.js'
import type { Enforcer } from './enforcer.js'

// setTimeout cannot wait longer than about 24.8 days; a longer wait is re-armed.
const MAX_TIMER_MS = 2 ** 31 - 1
// Due clocks taken per round; a bigger backlog (a long outage) is worked off round by round.
const ROUND = 1000
// After a failed round the engine waits this long before it tries again (no hot loop on a persistent error).
const BACKOFF_MS = 5_000
// With several instances, a round asked for and not yet run (its instance died) is asked for again after this long.
const ASK_AGAIN_MS = 5_000

/** What the engine needs. */
export interface ClockEngineDeps {
  store: StorePort
  enforcer: Pick<Enforcer, 'stepDue'>
  /** Re-reads records from the portal into the mirror (the worker's batch re-read). */
  worker: Pick<Worker, 'refresh'>
  now: () => Date
  /** Several instances: the timer asks the job engine for each due portal's round, which one instance runs (src/jobs/engine.ts). */
  shared?: { askClocks(memberId: string): void } | undefined
}

/** Takes clocks' steps when they fall due, and catches up on what fell due while the app was down. */
export class ClockEngine {
  #timer: NodeJS.Timeout | undefined
  /** The timer runs between start() and stop(); runDue() works either way until stop(). */
  #watching = false
  #stopped = false
  /** The rounds under way, by portal ('' for every portal's): each asked for again during its run goes round once more. */
  readonly #runs = new Map<string, { done: Promise<void>; again: boolean }>()
  #backoffUntil = 0
  #askedUntil = 0

  constructor(private readonly deps: ClockEngineDeps) {}

  /** Starts watching; anything already due (after a restart) is taken at once, each step once. */
  start(): void {
    this.#watching = true
    this.#stopped = false
    this.reschedule()
  }

  /** Re-arms the timer for the earliest waiting step; call after clocks start (or the clock jumps, in tests). */
  reschedule(): void {
    clearTimeout(this.#timer)
    if (!this.#watching || this.#stopped) return
    void this.#arm()
  }

  async #arm(): Promise<void> {
    const at = await this.deps.store.clocks.nextAt()
    // Another reschedule() may have armed the timer meanwhile, or stop() come: this look is the newest.
    clearTimeout(this.#timer)
    if (!at || !this.#watching || this.#stopped) return
    const now = this.deps.now().getTime()
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, at.getTime() - now, this.#backoffUntil - now, this.#askedUntil - now))
    this.#timer = setTimeout(() => this.#fire(), wait)
    this.#timer.unref()
  }

  // One process runs the round itself; with several instances each portal due gets a round of its own as a job, which
  // one instance runs, and each instance's timer looks again a little later, so a round never waits on one that died.
  #fire(): void {
    const { shared, now, store } = this.deps
    if (!shared) {
      void this.runDue()
      return
    }
    this.#askedUntil = now().getTime() + ASK_AGAIN_MS
    void store.clocks.portalsDue(now())
      .then((portals) => portals.forEach((memberId) => shared.askClocks(memberId)), () => undefined)
      .finally(() => this.reschedule())
  }

  /** Takes every step due now, of every portal or of one; one run at a time each (a call during it makes it go round once more). */
  runDue(memberId?: string): Promise<void> {
    const key = memberId ?? ''
    const running = this.#runs.get(key)
    if (running) {
      running.again = true
      return running.done
    }
    const run = { done: Promise.resolve(), again: false }
    run.done = this.#run(run, memberId).finally(() => {
      this.#runs.delete(key)
      this.reschedule()
    })
    this.#runs.set(key, run)
    return run.done
  }

  /** Stops the timer and waits for the runs under way. */
  async stop(): Promise<void> {
    this.#watching = false
    this.#stopped = true
    clearTimeout(this.#timer)
    await Promise.all([...this.#runs.values()].map((run) => run.done))
  }

  async #run(run: { again: boolean }, memberId: string | undefined): Promise<void> {
    do {
      run.again = false
      const due = await this.deps.store.clocks.due(this.deps.now(), ROUND, memberId)
      const byPortal = new Map<string, Map<string, { entity: Entity; entityId: string }>>()
      for (const clock of due) {
        const records = byPortal.get(clock.memberId) ?? new Map()
        records.set(`${clock.entity}:${clock.entityId}`, { entity: clock.entity, entityId: clock.entityId })
        byPortal.set(clock.memberId, records)
      }
      for (const [portal, records] of byPortal) {
        if (this.#stopped) return
        const list = [...records.values()]
        await this.deps.worker.refresh(portal, list)
        // The round's plans tell the hub (the outbox) once they commit. What failed stays due: it is tried again
        // after a pause, not in a hot loop.
        if ((await this.deps.enforcer.stepDue(portal, list)) > 0) this.#backoffUntil = this.deps.now().getTime() + BACKOFF_MS
      }
      if (due.length === ROUND) run.again = true
    } while (run.again && !this.#stopped && this.deps.now().getTime() >= this.#backoffUntil)
  }
}
