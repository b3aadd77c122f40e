// A small typed hub: after a plan commits, whoever cares hears of it (the outbox, the clock timer, the directory).
import type { Announcements } from '../store/plan.js'

/** The hub's events and what each carries. */
export interface HubEvents {
  /** A portal has new actions in the outbox. */
  'actions.planned': { memberId: string }
  /** Clocks started, stepped, paused or stopped: the timer's next moment may have moved. */
  'clocks.changed': { memberId: string }
  /** A responsible the directory does not know yet. */
  'user.unknown': { memberId: string; userId: string }
}

type Listener<K extends keyof HubEvents> = (event: HubEvents[K]) => void

/** Listeners by event; emit() calls them in the order they subscribed. A listener's throw does not stop the others. */
export class Hub {
  readonly #listeners: { [K in keyof HubEvents]?: Array<Listener<K>> } = {}

  constructor(private readonly onError: (error: unknown) => void = () => {}) {}

  on<K extends keyof HubEvents>(event: K, listener: Listener<K>): void {
    const listeners = (this.#listeners[event] ??= []) as Array<Listener<K>>
    listeners.push(listener)
  }

  emit<K extends keyof HubEvents>(event: K, detail: HubEvents[K]): void {
    for (const listener of (this.#listeners[event] ?? []) as Array<Listener<K>>) {
      try {
        listener(detail)
      } catch (error) {
        this.onError(error)
      }
    }
  }

  /** Tells what committed plans announced (call only after the commit). */
  announce(memberId: string, announcements: readonly Announcements[]): void {
    if (announcements.some((a) => a.actionsPlanned)) this.emit('actions.planned', { memberId })
    if (announcements.some((a) => a.clocksChanged)) this.emit('clocks.changed', { memberId })
    for (const a of announcements) for (const userId of a.unknownUsers) this.emit('user.unknown', { memberId, userId })
  }
}
