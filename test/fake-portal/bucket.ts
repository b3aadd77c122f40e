// The portal's leaky bucket (limits.md): every request adds 1, the level drains `perSecond`.

/** A leaky bucket that refuses a request when it would push the level past `burst`. */
export class LeakyBucket {
  private level = 0
  private updatedAt: number

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.updatedAt = now()
  }

  /** Adds one request; false (and nothing added) when the bucket is full. */
  take(): boolean {
    this.drain()
    if (this.level + 1 > this.burst) return false
    this.level += 1
    return true
  }

  /** The current fill level after draining. */
  current(): number {
    this.drain()
    return this.level
  }

  private drain(): void {
    const t = this.now()
    this.level = Math.max(0, this.level - ((t - this.updatedAt) / 1000) * this.perSecond)
    this.updatedAt = t
  }
}
