// A portal's REST budget as a request meets it: this process's FIFO bucket, then, with several instances, the shared one.
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from 'pino'
import { LeakyBucket } from './leaky-bucket.js'
import type { BudgetSlot, RateBudget, SharedRateBudget } from './types.js'

/** What the budget needs besides the portal's limits. */
export interface PortalBudgetOptions {
  memberId: string
  logger: Logger
  /** The budget every instance draws on; undefined when this process is the only one (SQLite). */
  shared?: SharedRateBudget | undefined
}

/**
 * take() resolves in call order once the request fits this process's bucket and, when there is one, the budget shared
 * with the other instances; markFull() sets both full. The portal's 503 stays the last word: when the shared budget
 * cannot be reached, requests go by this process's bucket alone (logged) and a 503 still backs off.
 */
export class PortalBudget {
  readonly #local: LeakyBucket
  readonly #shared: SharedRateBudget | undefined
  readonly #memberId: string
  readonly #logger: Logger
  #budget: RateBudget
  // One shared take at a time, chained in the order the local bucket lets requests go, so a process's queue stays FIFO.
  #turn: Promise<void> = Promise.resolve()
  #unreachable = false

  constructor(budget: RateBudget, options: PortalBudgetOptions) {
    this.#budget = budget
    // The bucket drains while its real timers wait, so it counts on the monotonic timer, not on the app's clock.
    this.#local = new LeakyBucket(budget, () => performance.now())
    this.#shared = options.shared
    this.#memberId = options.memberId
    this.#logger = options.logger
  }

  /** Resolves, in call order, once one more request fits; counts it as sent. */
  async take(): Promise<void> {
    await this.#local.take()
    if (this.#shared === undefined) return
    const shared = this.#shared
    const mine = this.#turn.then(() => this.#takeShared(shared))
    this.#turn = mine
    await mine
  }

  /** The portal answered QUERY_LIMIT_EXCEEDED: its counter is full, here and for every instance. */
  async markFull(): Promise<void> {
    this.#local.markFull()
    if (this.#shared === undefined) return
    await this.#shared.markFull(this.#memberId, this.#budget).then(() => this.#reached(), (error: unknown) => this.#missed(error))
  }

  /** Switches to another budget (Enterprise found out later), keeping what is already counted. */
  setBudget(budget: RateBudget): void {
    this.#budget = budget
    this.#local.setBudget(budget)
  }

  // Asks until the shared counter takes the request, waiting as long as it says; never rejects.
  async #takeShared(shared: SharedRateBudget): Promise<void> {
    for (;;) {
      let slot: BudgetSlot
      try {
        slot = await shared.take(this.#memberId, { capacity: this.#local.capacity, perSecond: this.#budget.perSecond })
      } catch (error) {
        this.#missed(error)
        return
      }
      this.#reached()
      if (slot.taken) return
      await sleep(slot.waitMs)
    }
  }

  // Said once when the shared budget stops answering and once when it answers again, not at every request.
  #missed(error: unknown): void {
    if (this.#unreachable) return
    this.#unreachable = true
    this.#logger.warn({ memberId: this.#memberId, err: error }, 'shared REST budget unreachable; this instance goes by its own bucket')
  }

  #reached(): void {
    if (!this.#unreachable) return
    this.#unreachable = false
    this.#logger.info({ memberId: this.#memberId }, 'shared REST budget reachable again')
  }
}
