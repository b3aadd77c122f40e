// Seeded chaos: a share of REST requests fail in the ways real portals fail, and a share of events are lost or doubled.

/**
 * How a request can fail. The answers are the documented ones: `500 INTERNAL_SERVER_ERROR` and `503
 * QUERY_LIMIT_EXCEEDED` (_includes/system-errors.md), `429 OPERATION_TIME_LIMIT` (limits.md "Method execution time
 * limit"); a `timeout` does the work and answers after the client gave up (the answer is lost, the change is made);
 * a `disconnect` destroys the socket without an answer, half the time before the work, half after it.
 */
export const CHAOS_KINDS = ['error500', 'queryLimit', 'operationLimit', 'timeout', 'disconnect'] as const

/** One way a request can fail. */
export type ChaosKind = (typeof CHAOS_KINDS)[number]

/** What `faults.chaos()` takes. */
export interface ChaosOptions {
  /** Same seed, same sequence of decisions. */
  seed: number
  /** Share of REST requests (whole HTTP requests, `batch` included; not its sub-calls) that fail, 0–1. */
  rate: number
  /** The ways they fail, picked evenly; default all. */
  kinds?: readonly ChaosKind[]
  /** How long a `timeout` holds its answer (past the client's timeout); default 3000. */
  timeoutMs?: number
  /** Shares of event deliveries never sent, and sent twice. */
  events?: { drop?: number; duplicate?: number }
}

/** What chaos decided for one request: answer an error, hold the answer, or cut the connection. */
export type ChaosVerdict =
  | { kind: 'error500' | 'queryLimit' | 'operationLimit'; status: number; error: string; description: string }
  | { kind: 'timeout'; ms: number }
  | { kind: 'disconnect'; afterWork: boolean }

/** How often each fault struck while chaos was on. */
export type ChaosCounts = Record<ChaosKind | 'eventsDropped' | 'eventsDuplicated', number>

const ERRORS = {
  error500: { status: 500, error: 'INTERNAL_SERVER_ERROR', description: 'Internal server error' },
  queryLimit: { status: 503, error: 'QUERY_LIMIT_EXCEEDED', description: 'Too many requests' },
  operationLimit: { status: 429, error: 'OPERATION_TIME_LIMIT', description: 'Method is blocked due to operation time limit.' },
} as const

/** mulberry32: a small seeded generator, so a failing run replays. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The chaos of one run: decides per request and per delivery, and counts what it did. */
export class Chaos {
  readonly counts: ChaosCounts = { error500: 0, queryLimit: 0, operationLimit: 0, timeout: 0, disconnect: 0, eventsDropped: 0, eventsDuplicated: 0 }
  readonly #random: () => number
  readonly #kinds: readonly ChaosKind[]

  constructor(private readonly options: ChaosOptions) {
    this.#random = seeded(options.seed)
    this.#kinds = options.kinds ?? CHAOS_KINDS
  }

  /** Null when the request goes through untouched. */
  request(): ChaosVerdict | null {
    if (this.#random() >= this.options.rate || this.#kinds.length === 0) return null
    const kind = this.#kinds[Math.floor(this.#random() * this.#kinds.length)] ?? 'error500'
    this.counts[kind] += 1
    if (kind === 'timeout') return { kind, ms: this.options.timeoutMs ?? 3000 }
    if (kind === 'disconnect') return { kind, afterWork: this.#random() < 0.5 }
    return { kind, ...ERRORS[kind] }
  }

  /** True when this delivery is to be lost. */
  dropEvent(): boolean {
    const drop = this.#random() < (this.options.events?.drop ?? 0)
    if (drop) this.counts.eventsDropped += 1
    return drop
  }

  /** True when this delivery is to be sent twice. */
  duplicateEvent(): boolean {
    const twice = this.#random() < (this.options.events?.duplicate ?? 0)
    if (twice) this.counts.eventsDuplicated += 1
    return twice
  }
}
