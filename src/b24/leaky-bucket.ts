// A client-side copy of the portal's leaky bucket, so requests wait here instead of meeting 503.
import type { RateBudget } from './types.js'

// Why our own bucket and not the SDK's RateLimiter (it is switched off in sdk-instance.ts):
// the SDK's arithmetic matches the portal's ("counter > X ⇒ 503, drains Y/s", docs: limits.md)
// but with zero margin, so in steady state a request that arrives a few ms early relative to its
// predecessor (network jitter, a server clock that drains in whole seconds) overflows the portal
// by a fraction and gets 503. Its waiters also all wake at once and race, so order is not kept,
// and it lowers its own limits by 20% on errors. Here: the same arithmetic, a margin that absorbs
// ~2.5 s of jitter at 2/s, strict FIFO, one timer, and the level re-synced to "full" on a 503.

/** Share of the burst kept free as a safety margin (at least one request). */
const MARGIN_SHARE = 0.1

/** A FIFO leaky bucket: take() resolves when one more request keeps the level within burst minus margin. */
export class LeakyBucket {
  #burst: number
  #perSecond: number
  #level = 0
  #updatedAt: number
  #waiting: Array<() => void> = []
  #timer: NodeJS.Timeout | undefined
  readonly #now: () => number

  /** `now`: a monotonic millisecond timer (the bucket's waits are real timers, so it drains in real time). */
  constructor(budget: RateBudget, now: () => number) {
    this.#now = now
    this.#burst = budget.burst
    this.#perSecond = budget.perSecond
    this.#updatedAt = now()
  }

  /** The most requests allowed in the portal's counter at once, margin taken off. */
  get capacity(): number {
    const margin = Math.max(1, Math.ceil(this.#burst * MARGIN_SHARE))
    return Math.max(1, this.#burst - margin)
  }

  /** Resolves, in call order, once this request fits; counts it as sent. */
  take(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve)
      this.#pump()
    })
  }

  /** The portal answered QUERY_LIMIT_EXCEEDED: its counter is at the burst (others share it), so ours is too. */
  markFull(): void {
    this.#drain()
    this.#level = Math.max(this.#level, this.#burst)
    this.#pump()
  }

  /** Switches to another budget (Enterprise found out later), keeping what is already in the bucket. */
  setBudget(budget: RateBudget): void {
    this.#drain()
    this.#burst = budget.burst
    this.#perSecond = budget.perSecond
    this.#pump()
  }

  #drain(): void {
    const now = this.#now()
    this.#level = Math.max(0, this.#level - ((now - this.#updatedAt) / 1000) * this.#perSecond)
    this.#updatedAt = now
  }

  #pump(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
    this.#drain()
    while (this.#waiting.length > 0 && this.#level + 1 <= this.capacity) {
      this.#level += 1
      this.#waiting.shift()?.()
    }
    if (this.#waiting.length === 0) return
    const waitMs = Math.ceil(((this.#level + 1 - this.capacity) / this.#perSecond) * 1000)
    this.#timer = setTimeout(() => this.#pump(), Math.max(1, waitMs))
  }
}
