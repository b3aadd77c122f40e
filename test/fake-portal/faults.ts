// Scripted faults: REST errors and delays, and lost, doubled, slow or reordered event deliveries.
import { Chaos, type ChaosCounts, type ChaosOptions, type ChaosVerdict } from './chaos.js'
import type { FakeFaults } from './types.js'

/** A REST error the next matching requests answer with. */
export interface FailRule {
  method: string | null
  status: number
  error: string
  description: string
  times: number
  /** Matching requests still let through before the rule starts answering. */
  skip: number
}

interface SlowRule { method: string | null; ms: number; times: number }

const DEFAULT_DESCRIPTIONS: Record<string, string> = {
  QUERY_LIMIT_EXCEEDED: 'Too many requests',
  OPERATION_TIME_LIMIT: 'Method is blocked due to operation time limit.',
  INTERNAL_SERVER_ERROR: 'Internal server error',
  ERROR_UNEXPECTED_ANSWER: 'Server returned an unexpected response',
  OVERLOAD_LIMIT: 'REST API is blocked due to overload',
  expired_token: 'The access token provided has expired',
  NO_AUTH_FOUND: 'Wrong authorization data',
}

/** The fault book the REST layer and the event queue consult. */
export class FaultBook implements FakeFaults {
  private fails: FailRule[] = []
  private slows: SlowRule[] = []
  /** Delay before each event delivery. */
  eventDelayMs = 0
  private dropCount = 0
  private duplicateCount = 0
  /** Deliver each batch of queued events newest first. */
  reorder = false

  fail(o: { method?: string; status: number; error: string; description?: string; times?: number; skip?: number }): void {
    this.fails.push({
      skip: o.skip ?? 0,
      method: o.method?.toLowerCase() ?? null,
      status: o.status,
      error: o.error,
      description: o.description ?? DEFAULT_DESCRIPTIONS[o.error] ?? o.error,
      times: o.times ?? 1,
    })
  }

  slow(o: { method?: string; ms: number; times?: number }): void {
    this.slows.push({ method: o.method?.toLowerCase() ?? null, ms: o.ms, times: o.times ?? 1 })
  }

  slowEvents(ms: number): void { this.eventDelayMs = ms }
  dropEvents(n: number): void { this.dropCount += n }
  duplicateEvents(n: number): void { this.duplicateCount += n }
  reorderEvents(on: boolean): void { this.reorder = on }

  #chaos: Chaos | null = null
  #counts: ChaosCounts | null = null

  chaos(o: ChaosOptions): void {
    this.#chaos = new Chaos(o)
    this.#counts = this.#chaos.counts
  }

  calm(): void { this.#chaos = null }

  get chaosCounts(): ChaosCounts | null { return this.#counts === null ? null : { ...this.#counts } }

  /** What chaos does to the next REST request; null when none is on or it spares this one. */
  takeChaos(): ChaosVerdict | null { return this.#chaos?.request() ?? null }

  reset(): void {
    this.fails = []
    this.slows = []
    this.eventDelayMs = 0
    this.dropCount = 0
    this.duplicateCount = 0
    this.reorder = false
    this.#chaos = null
  }

  /**
   * Consumes the first fail rule matching a request. A rule without a method matches whole HTTP
   * requests only; a batch sub-call matches only rules that name its method.
   */
  takeFail(method: string, viaBatch: boolean): FailRule | null {
    const rule = this.fails.find((r) => (r.method === null ? !viaBatch : r.method === method) && !(viaBatch && r.error === 'HTML'))
    if (rule === undefined) return null
    if (rule.skip > 0) {
      rule.skip -= 1
      return null
    }
    rule.times -= 1
    if (rule.times <= 0) this.fails = this.fails.filter((r) => r !== rule)
    return rule
  }

  /** Consumes the first slow rule matching a request (a batch matches by any of its commands too); 0 when none. */
  takeSlow(method: string, commands: readonly string[] = []): number {
    const rule = this.slows.find((r) => r.method === null || r.method === method || commands.includes(r.method))
    if (rule === undefined) return 0
    rule.times -= 1
    if (rule.times <= 0) this.slows = this.slows.filter((r) => r !== rule)
    return rule.ms
  }

  /** True when the next delivery must be dropped (consumes one). */
  takeDrop(): boolean {
    if (this.dropCount <= 0) return this.#chaos?.dropEvent() ?? false
    this.dropCount -= 1
    return true
  }

  /** True when the next delivery must be sent twice (consumes one). */
  takeDuplicate(): boolean {
    if (this.duplicateCount <= 0) return this.#chaos?.duplicateEvent() ?? false
    this.duplicateCount -= 1
    return true
  }
}
