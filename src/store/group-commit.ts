// Events that arrive together are committed together: one transaction (one fsync) per turn of the
// event loop instead of one per event, and each caller still hears back only after its commit.
import type { InboxEvent } from './inbox.js'
import type { StorePort } from './port.js'

interface Waiting {
  event: InboxEvent
  resolve: (fresh: boolean) => void
  reject: (error: unknown) => void
}

/** Accepts inbox events in groups; `accept` resolves once the event is durably stored. */
export class GroupCommit {
  #waiting: Waiting[] = []

  constructor(private readonly store: Pick<StorePort, 'acceptEvents'>) {}

  /** Resolves with false for a duplicate of a pending event, true otherwise — after the commit. */
  accept(event: InboxEvent): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (this.#waiting.length === 0) setImmediate(() => this.#commit())
      this.#waiting.push({ event, resolve, reject })
    })
  }

  #commit(): void {
    const group = this.#waiting
    this.#waiting = []
    this.store.acceptEvents(group.map((waiting) => waiting.event)).then(
      (fresh) => group.forEach((waiting, i) => waiting.resolve(fresh[i] ?? false)),
      (error: unknown) => group.forEach((waiting) => waiting.reject(error)),
    )
  }
}
