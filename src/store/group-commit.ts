// Events that arrive together are committed together: one transaction (one fsync) for every event that came while the
// one before was committing, instead of one per event, and each caller still hears back only after its commit.
import type { InboxEvent } from './inbox.js'
import type { StorePort } from './port.js'

// Commits under way at once. While they are, events gather into the next group: on PostgreSQL, where a commit takes a
// few round trips, a burst from many connections lands in a few transactions (and a few job asks), not one each.
const AT_ONCE = 2

interface Waiting {
  event: InboxEvent
  resolve: (fresh: boolean) => void
  reject: (error: unknown) => void
}

/** Accepts inbox events in groups; `accept` resolves once the event is durably stored. */
export class GroupCommit {
  #waiting: Waiting[] = []
  #committing = 0

  constructor(private readonly store: Pick<StorePort, 'acceptEvents'>) {}

  /** Resolves with false for a duplicate of a pending event, true otherwise — after the commit. */
  accept(event: InboxEvent): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ event, resolve, reject })
      if (this.#waiting.length === 1) setImmediate(() => this.#commit())
    })
  }

  // Commits what waits, unless AT_ONCE commits are under way: the first of them to end commits it.
  #commit(): void {
    if (this.#committing >= AT_ONCE || this.#waiting.length === 0) return
    const group = this.#waiting
    this.#waiting = []
    this.#committing += 1
    this.store.acceptEvents(group.map((waiting) => waiting.event))
      .then(
        (fresh) => group.forEach((waiting, i) => waiting.resolve(fresh[i] ?? false)),
        (error: unknown) => group.forEach((waiting) => waiting.reject(error)),
      )
      .finally(() => {
        this.#committing -= 1
        this.#commit()
      })
  }
}
