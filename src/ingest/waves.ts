// Waves: the worker reads a portal's changed records once its burst of events has settled, each record once a wave.
//
// The rule, and why no change is lost. An event only says that its record changed at some moment before the portal sent
// it (`ts` is when it left the portal's queue, api-reference/events/index.md); events come at least once and in no
// order. A read sees every change made before the portal answered it. So a read answers every event of its record that
// had reached the inbox when its batch was made up (a moment before it is sent, which errs on the safe side): those
// events are marked done with the read's result, in one store call. An event that reaches the inbox after that may tell
// of a change the read did not see, so it stays pending and its record is read again in the next wave: no event is
// marked done by a read made up before it arrived. (`ts` could prove more only for an event sent a full second, plus
// the clocks' skew, before the record's DATE_MODIFY as read: a late duplicate, never a burst; so it is not used.)
//
// The waves keep that second read rare: a burst (an import, a robot touching a thousand leads, a mass edit) arrives as a
// stream of events, several per record, and reading while it streams reads a record once per event. So a wave starts
// only when the portal's inbox has been quiet for `quietMs` (the burst is over) or its oldest event not yet tried has
// waited `maxWaitMs` (a stream that never pauses is still read, at that pace), both on the app's clock from the events'
// arrival; a failed read's retry falling due joins the next wave, or goes at once when no burst is settling. The wave is the records with an event up to the newest one then; they are read 50 to a `batch`, each with
// all its events pending when its batch is made up (those that came since the wave began too). Events that come in
// meanwhile for records already read wait for the next wave. Only the inbox waits: the outbox (fixes first), the
// deadline clocks' re-reads and the robots do not go through it.

/** Portals whose burst is still settling, and a timer each that looks at the portal again when its wave is due. */
export class WaveGate {
  readonly #settling = new Map<string, { at: Date; timer: NodeJS.Timeout; settled: Promise<void>; over: () => void }>()

  constructor(
    private readonly now: () => Date,
    private readonly look: (memberId: string) => void,
  ) {}

  /** True while the portal's wave is not yet due on the app's clock: an event that comes then only joins the wave. */
  holds(memberId: string): boolean {
    const settling = this.#settling.get(memberId)
    if (!settling) return false
    if (settling.at > this.now()) return true
    this.#end(memberId)
    return false
  }

  /** Looks at the portal again at `at` (app clock); the events that come meanwhile cost no look at the store. */
  settleUntil(memberId: string, at: Date): void {
    const settling = this.#settling.get(memberId)
    clearTimeout(settling?.timer)
    const timer = setTimeout(() => {
      this.#end(memberId)
      this.look(memberId)
    }, Math.max(0, at.getTime() - this.now().getTime()))
    timer.unref()
    let over = settling?.over ?? (() => {})
    const settled = settling?.settled ?? new Promise<void>((resolve) => { over = resolve })
    this.#settling.set(memberId, { at, timer, settled, over })
  }

  /** Resolves once the portal's burst has settled (its wave is due, or the gate is cleared); at once when none settles. */
  settled(memberId: string): Promise<void> {
    return this.#settling.get(memberId)?.settled ?? Promise.resolve()
  }

  /** Forgets every settling portal and its timer. */
  clear(): void {
    for (const memberId of [...this.#settling.keys()]) this.#end(memberId)
  }

  #end(memberId: string): void {
    const settling = this.#settling.get(memberId)
    if (!settling) return
    clearTimeout(settling.timer)
    this.#settling.delete(memberId)
    settling.over()
  }
}
