// One lane per portal: at most one runner drains a portal's work, and one timer wakes the next retry.
import type { Logger } from 'pino'

/** What a set of lanes drains and how it finds work again. */
export interface LanesOptions {
  /** Works through one portal's due work; returns when none is left. */
  drain: (memberId: string) => Promise<void>
  /** Portals with work waiting (to resume after a start or a retry moment). */
  portalsWithWork: () => string[]
  /** The next moment backed-off work falls due, if any. */
  nextRetryAt: () => Date | undefined
  logger: Logger
  name: string
  now?: () => Date
}

/** Per-portal runners with a retry timer (not a polling tick). */
export class PortalLanes {
  readonly #lanes = new Map<string, Promise<void>>()
  #timer: NodeJS.Timeout | undefined
  #stopped = false

  constructor(private readonly options: LanesOptions) {}

  /** True once stop() was called; drains check it between steps. */
  get stopped(): boolean {
    return this.#stopped
  }

  /** Resumes every portal with work. */
  start(): void {
    this.#stopped = false
    for (const memberId of this.options.portalsWithWork()) this.wake(memberId)
  }

  /** Makes sure a runner is working through the portal's work. */
  wake(memberId: string): void {
    if (this.#stopped || this.#lanes.has(memberId)) return
    const lane = this.options
      .drain(memberId)
      .catch((error: unknown) => this.options.logger.error({ err: error, memberId }, `${this.options.name} lane failed`))
      .finally(() => {
        this.#lanes.delete(memberId)
        this.#schedule()
      })
    this.#lanes.set(memberId, lane)
  }

  /** Resolves when no runner is working. */
  async idle(): Promise<void> {
    while (this.#lanes.size > 0) await Promise.all([...this.#lanes.values()])
  }

  /** Stops taking work and waits for the runners' current step. */
  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    await this.idle()
  }

  #schedule(): void {
    clearTimeout(this.#timer)
    const at = this.options.nextRetryAt()
    if (!at || this.#stopped) return
    const now = (this.options.now ?? (() => new Date()))().getTime()
    this.#timer = setTimeout(() => this.start(), Math.max(0, at.getTime() - now))
    this.#timer.unref()
  }
}
