// One timer to the next escalation moment (not a minute tick): when it comes, the rule is asked again.
import type { Logger } from 'pino'
import type { Store } from '../store/index.js'
import type { Enforcer } from './enforcer.js'

// setTimeout cannot wait longer than about 24.8 days; a longer wait is re-armed.
const MAX_TIMER_MS = 2 ** 31 - 1

/** Fires escalations when they fall due. */
export class Escalator {
  #timer: NodeJS.Timeout | undefined
  #stopped = true

  constructor(private readonly deps: { store: Store; enforcer: Enforcer; logger: Logger; now?: () => Date }) {}

  /** Starts watching (and fires what is overdue after a restart). */
  start(): void {
    this.#stopped = false
    this.reschedule()
  }

  /** Re-arms the timer for the earliest open escalation; call after violations open. */
  reschedule(): void {
    clearTimeout(this.#timer)
    if (this.#stopped) return
    const at = this.deps.store.violations.nextEscalationAt()
    if (!at) return
    const now = (this.deps.now ?? (() => new Date()))().getTime()
    this.#timer = setTimeout(() => this.#fire(), Math.min(MAX_TIMER_MS, Math.max(0, at.getTime() - now)))
    this.#timer.unref()
  }

  /** Stops the timer. */
  stop(): void {
    this.#stopped = true
    clearTimeout(this.#timer)
  }

  #fire(): void {
    try {
      this.deps.enforcer.escalateDue()
    } catch (error) {
      this.deps.logger.error({ err: error }, 'escalation failed')
    }
    this.reschedule()
  }
}
