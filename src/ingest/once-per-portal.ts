// At most one run of a job per portal at a time: a second call joins the run under way.

/** Runs `job` for a portal unless a run for it is already under way, in which case that run is returned. */
export class OncePerPortal<T> {
  readonly #running = new Map<string, Promise<T>>()

  constructor(private readonly job: (memberId: string) => Promise<T>) {}

  /** The run under way for the portal, or a new one. */
  run(memberId: string): Promise<T> {
    const running = this.#running.get(memberId)
    if (running) return running
    const run = this.job(memberId).finally(() => this.#running.delete(memberId))
    this.#running.set(memberId, run)
    return run
  }

  /** The run under way for the portal, if any. */
  current(memberId: string): Promise<T> | undefined {
    return this.#running.get(memberId)
  }

  /** Resolves when no run is under way, whatever their outcome. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running.values()])
  }
}
