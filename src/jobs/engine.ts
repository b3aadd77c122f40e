// Several instances share the work through pg-boss, a maintained job engine on the same PostgreSQL: a portal's work
// (its inbox, robot calls and outbox) is a job that one instance at a time holds, asked for in the transaction that
// leaves the work; a portal's round of due deadline clocks is a job one instance at a time runs; each cron (sweeps,
// offline drains, reports) fires once across the instances.
import type { Logger } from 'pino'
import { PgBoss } from 'pg-boss'
import type { TransactionQueries } from '../store/port.js'

/** Whether pg-boss runs on this Node (its package.json: engines node >= 22.12); the app on SQLite runs on Node 20. */
export function engineRunsOn(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number)
  return major > 22 || (major === 22 && minor >= 12)
}

/** The database the jobs live in, and the schema of their own there. */
export interface JobTarget {
  connectionString: string
  schema: string
}

/** Where a portal's work may run (src/ingest/lanes.ts): the lanes ask it before they run a portal. */
export interface WorkPlace {
  /** True while this process holds the portal's job: its lanes run here. */
  holds(memberId: string): boolean
  /** Asks for the portal's work to run: a job for it, taken by whichever instance is free. */
  ask(memberId: string): void
}

/** What the engine runs. */
export interface EngineWork {
  /** Once when this process takes a portal's job: picks up what a holder that died left half done. */
  take(memberId: string): Promise<void>
  /** A portal's work, here and now; returns when it is done or the process stops. */
  portal(memberId: string): Promise<void>
  /** True while something of the portal's still runs here (a wake that came during the job). */
  busy(memberId: string): boolean
  /** One round of a portal's due deadline clocks. */
  clocks(memberId: string): Promise<void>
  /** The timed jobs: a name, its cron expression (the server's time zone) and what it does. */
  crons: ReadonlyArray<{ name: string; cron: string; run: () => Promise<unknown> }>
  /** False: the timed jobs run only when fired (tests drive them). */
  schedule: boolean
}

/** What /healthz shows of the engine. */
export interface EngineStatus {
  /** The portals whose job this instance holds now. */
  holds: string[]
  /** Jobs waiting and running, per queue, across the instances. */
  queues: Record<string, { queued: number; active: number }>
}

const PORTAL = 'portal-work'
const CLOCKS = 'clock-round'
// A job whose instance stops sending heartbeats (killed, cut off) is taken again by another one after this long,
// plus at most one supervision pass; pg-boss's minimum is 10 s.
const HEARTBEAT_S = 10
const SUPERVISE_S = 10
// The heartbeat, not the expiry, finds a dead instance: a portal's long catch-up must never be taken from a live one.
const EXPIRE_S = 6 * 3600
const PORTALS_AT_ONCE = 4
const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone

/** The job engine of one instance. */
export class JobEngine implements WorkPlace {
  readonly #boss: PgBoss
  readonly #held = new Set<string>()
  readonly #logger: Logger
  #started = false
  #stopping = false
  #crons: string[] = []

  constructor(target: JobTarget, logger: Logger) {
    this.#logger = logger
    this.#boss = new PgBoss({
      connectionString: target.connectionString,
      schema: target.schema,
      max: 4,
      superviseIntervalSeconds: SUPERVISE_S,
      monitorIntervalSeconds: SUPERVISE_S,
      // A job sent by one instance wakes the others at once instead of at their next poll.
      useListenNotify: true,
    })
    this.#boss.on('error', (error: unknown) => logger.error({ err: error }, 'the job engine failed'))
  }

  holds(memberId: string): boolean {
    return this.#held.has(memberId)
  }

  ask(memberId: string): void {
    // Stately: one job per portal running and one waiting; asking again while one waits adds nothing.
    void this.#send(PORTAL, { memberId }, memberId)
  }

  /**
   * Asks for the portal's job inside a store transaction that leaves it work (the store calls this before its commit,
   * src/store/postgres/sql.ts): the job lands with the work or neither does. Throws when the job cannot be written.
   */
  readonly askWithin = async (within: TransactionQueries, memberId: string): Promise<void> => {
    if (!this.#started) throw new Error('the job engine has not started')
    // Held here, the portal's running job is the guarantee: if this process dies, pg-boss gives that job to another
    // instance, which finds the work; and the wake after the commit runs it here (or asks, once released).
    if (this.#held.has(memberId)) return
    await this.#boss.send(PORTAL, { memberId }, { singletonKey: memberId, db: within })
  }

  /** Asks for a round of the portal's due clocks (one instance runs it; more asks while it waits add nothing). */
  askClocks(memberId: string): void {
    void this.#send(CLOCKS, { memberId }, memberId)
  }

  /** Runs a timed job now, as its schedule would: on one instance, however many instances fire it at once. */
  fire(name: string): Promise<void> {
    return this.#send(name, {})
  }

  /** Creates the queues and schedules (every instance may: it is idempotent) and starts taking jobs. */
  async start(work: EngineWork): Promise<void> {
    await this.#boss.start()
    const queue = { policy: 'stately' as const, heartbeatSeconds: HEARTBEAT_S, expireInSeconds: EXPIRE_S, retryLimit: 1000, retryDelay: 1, notify: true }
    await this.#boss.createQueue(PORTAL, queue)
    await this.#boss.createQueue(CLOCKS, queue)
    await this.#boss.work<{ memberId: string }>(PORTAL, { localConcurrency: PORTALS_AT_ONCE, pollingIntervalSeconds: 2 }, async ([job]) => {
      if (job) await this.#hold(job.data.memberId, work)
    })
    await this.#boss.work<{ memberId: string }>(CLOCKS, { localConcurrency: PORTALS_AT_ONCE, pollingIntervalSeconds: 2 }, async ([job]) => {
      // A round asked for by an older version named no portal: the timers ask again, by portal.
      if (job?.data.memberId) await work.clocks(job.data.memberId)
    })
    this.#crons = work.crons.map((cron) => cron.name)
    for (const { name, cron, run } of work.crons) {
      await this.#boss.createQueue(name, { policy: 'stately', heartbeatSeconds: HEARTBEAT_S, expireInSeconds: EXPIRE_S, retryLimit: 0 })
      if (work.schedule) await this.#boss.schedule(name, cron, {}, { tz: ZONE })
      await this.#boss.work(name, { pollingIntervalSeconds: 5 }, async () => void (await run()))
    }
    this.#started = true
  }

  /** Takes no more jobs; the ones running here end as their lanes stop (call before stopping the lanes). */
  async stopTaking(): Promise<void> {
    if (!this.#started) return
    this.#stopping = true
    for (const queue of [PORTAL, CLOCKS, ...this.#crons]) await this.#boss.offWork(queue, { wait: false })
  }

  /** Waits for the jobs running here and closes the engine's connections. */
  async stop(): Promise<void> {
    if (!this.#started) return
    this.#started = false
    await this.#boss.stop({ graceful: true, timeout: 30_000, close: true })
  }

  /** What this instance holds, and the queues' depths. */
  async status(): Promise<EngineStatus> {
    const queues: EngineStatus['queues'] = {}
    for (const queue of await this.#boss.getQueues()) queues[queue.name] = { queued: queue.queuedCount, active: queue.activeCount }
    return { holds: [...this.#held], queues }
  }

  // The portal is held from the job's start until nothing of its work runs here: the last look and the release happen
  // in one turn of the event loop, so a wake coming after it asks for a new job instead of running unheld.
  async #hold(memberId: string, work: EngineWork): Promise<void> {
    this.#held.add(memberId)
    try {
      await work.take(memberId)
      do await work.portal(memberId)
      while (work.busy(memberId))
    } finally {
      this.#held.delete(memberId)
    }
    // Stopping, the lanes ended with work perhaps left: the next job for the portal goes to another instance.
    if (this.#stopping) this.ask(memberId)
  }

  async #send(queue: string, data: object, key?: string): Promise<void> {
    try {
      await this.#boss.send(queue, data, key === undefined ? {} : { singletonKey: key })
    } catch (error) {
      // Nothing is lost: the work stays in the store, and the minute's look (or the next start) asks again.
      this.#logger.warn({ err: error, queue, key }, 'could not ask the job engine for work; the next look will')
    }
  }
}
