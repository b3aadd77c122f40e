// The fake portal keeps its last 10,000 calls and deliveries; a run of the fault suite makes more, so it keeps its own copy.
import type { FakeCall, FakeDelivery, FakePortal } from '../fake-portal/index.js'

/** Every REST call and event delivery of a portal from start() to stop(), copied as they happen. */
export class FullLog {
  readonly calls: FakeCall[] = []
  readonly deliveries: FakeDelivery[] = []
  #timer: NodeJS.Timeout | undefined

  constructor(private readonly portal: FakePortal) {}

  start(): void {
    this.#timer = setInterval(() => this.catchUp(), 10)
  }

  stop(): void {
    clearInterval(this.#timer)
    this.catchUp()
  }

  /** Copies what the portal logged since the last look; throws when the portal's log moved on too far to tell. */
  catchUp(): void {
    copyNew(this.portal.calls, this.calls, 'calls')
    copyNew(this.portal.deliveries, this.deliveries, 'deliveries')
  }
}

// Entries are objects the portal keeps updating (a call's status is set after it is logged), so the copy holds the same objects.
function copyNew<T>(source: ReadonlyArray<T>, copy: T[], name: string): void {
  const last = copy.at(-1)
  const index = last === undefined ? -1 : source.lastIndexOf(last)
  if (last !== undefined && index === -1) throw new Error(`the portal's ${name} log moved on past the copy`)
  for (let i = index + 1; i < source.length; i++) copy.push(source[i] as T)
}
