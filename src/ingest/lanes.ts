// One lane per portal: at most one runner drains a portal's work, and one timer wakes the next retry.
import type { Logger } from 'pino'
import type { WorkPlace } from '../jobs/engine.js'

const MAX_TIMER_MS = 2 ** 31 - 1

/** Per-portal runners with a retry timer (not a polling tick); the worker and the executor build on it. */
export abstract class PortalLanes {
  readonly #lanes = new Map<string, Promise<void>>()
  // Portals woken while their runner was at work: the wake may have come after the drain's last look, so it drains again.
  readonly #wokenMeanwhile = new Set<string>()
  // Looks at the store under way (which portals have work, when the next retry is): idle() waits for them too.
  readonly #looks = new Set<Promise<void>>()
  #timer: NodeJS.Timeout | undefined
  #stopped = false

  /** Where a portal's work runs: here at once (one process), or on the instance holding its job (`lanes.place`). */
  constructor(
    protected readonly lanes: { name: string; logger: Logger; now: () => Date; place?: WorkPlace | undefined },
  ) {}

  /** Works through one portal's due work; returns when none is left or `stopped` turns true. */
  protected abstract drain(memberId: string): Promise<void>
  /** Portals with work waiting (to resume after a start or a retry moment). */
  protected abstract portalsWithWork(): Promise<string[]> | string[]
  /** The earliest moment after `after` at which backed-off work falls due, if any. */
  protected abstract nextRetryAt(after: Date): Promise<Date | undefined> | Date | undefined

  /** True once stop() was called; drains check it between steps. */
  get stopped(): boolean {
    return this.#stopped
  }

  /** Starts (or restarts) and resumes every portal with work. */
  start(): void {
    this.#stopped = false
    this.#resume()
  }

  /** Makes sure a runner is working through the portal's work: here, or (several instances) where its job runs. */
  wake(memberId: string): void {
    if (this.#stopped) return
    if (this.#lanes.has(memberId)) {
      this.#wokenMeanwhile.add(memberId)
      return
    }
    const { place } = this.lanes
    if (place && !place.holds(memberId)) {
      place.ask(memberId)
      return
    }
    // Work falling due after this moment may have missed the drain's last look (a timer can fire a millisecond
    // early, and under load the clock moves on before the next timer is set): the next timer counts from here.
    const drainedFrom = this.lanes.now()
    const lane = this.drain(memberId)
      .catch((error: unknown) => this.lanes.logger.error({ err: error, memberId }, `${this.lanes.name} lane failed`))
      .finally(() => {
        this.#lanes.delete(memberId)
        if (this.#wokenMeanwhile.delete(memberId)) this.wake(memberId)
        this.#look(() => this.#schedule(drainedFrom))
      })
    this.#lanes.set(memberId, lane)
  }

  /** Works through the portal's work here and now (the job engine gave this process the portal's job). */
  async runHere(memberId: string): Promise<void> {
    this.wake(memberId)
    await this.#lanes.get(memberId)
  }

  /** Looks for portals with work waiting and wakes them (the job engine's minute look, after a lost wake-up). */
  lookForWork(): void {
    if (!this.#stopped) this.#resume()
  }

  /** The portals a runner of this process is working on now. */
  get working(): string[] {
    return [...this.#lanes.keys()]
  }

  /** Resolves when no runner is working. */
  async idle(): Promise<void> {
    while (this.#lanes.size > 0 || this.#looks.size > 0) await Promise.all([...this.#lanes.values(), ...this.#looks])
  }

  /** Stops taking work and waits for the runners' current step. */
  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    await this.idle()
  }

  #resume(): void {
    this.#look(async () => {
      for (const memberId of await this.portalsWithWork()) this.wake(memberId)
    })
  }

  #look(work: () => Promise<void>): void {
    const look = work()
      .catch((error: unknown) => this.lanes.logger.error({ err: error }, `${this.lanes.name} could not look for work`))
      .finally(() => this.#looks.delete(look))
    this.#looks.add(look)
  }

  async #schedule(after: Date): Promise<void> {
    const at = await this.nextRetryAt(after)
    clearTimeout(this.#timer)
    if (!at || this.#stopped) return
    // setTimeout takes at most 2^31-1 ms (24.8 days); a later moment (an answer waiting out long holidays) is looked at again then.
    this.#timer = setTimeout(() => this.#resume(), Math.min(MAX_TIMER_MS, Math.max(0, at.getTime() - this.lanes.now().getTime())))
    this.#timer.unref()
  }
}
