// The portals' REST budgets as the store keeps them for every instance: one leaky-bucket counter a portal (migration 020).
import type { BudgetLimits, BudgetSlot, RateBudget } from '../b24/types.js'
import type { Db } from './db.js'

// Time is the database's clock (here the process's; on PostgreSQL the server's), never the app's `now`: the counter
// drains in real seconds whichever instance asks, and a test's moved clock must not drain it.
const DB_SECONDS = "unixepoch('subsec')"

// The counter drained from updated_at to the moment `at`, as SQL over the row's columns. Never backwards: a statement
// that read the clock before another's commit drains nothing (PostgreSQL's twin: postgres/rest-budgets.ts).
function drainedLevel(at: string): string {
  return `max(0, level - max(0, ${at} - updated_at) * @perSecond)`
}

// SQLite's clock counts whole milliseconds: two readings may be up to 1 ms closer than the time between them.
const CLOCK_STEP_MS = 1

/** A refusal that waits `seconds`, rounded up past the clock's step; without a reading (the row not seen), one drain step. */
export function waitSlot(seconds: number | undefined, limits: BudgetLimits): BudgetSlot {
  const wait = seconds ?? 1 / limits.perSecond
  return { taken: false, waitMs: Math.max(0, Math.ceil(wait * 1000)) + CLOCK_STEP_MS }
}

/** Takes and fills portals' REST budgets; each call lands whole. */
export class RestBudgetRepo {
  readonly #take
  readonly #wait
  readonly #markFull
  readonly #takeOrWait

  constructor(db: Db) {
    // A slot is taken only when the drained counter plus this request stays within capacity; a new row is one request.
    this.#take = db.prepare<[{ memberId: string; capacity: number; perSecond: number }], { level: number }>(`
      INSERT INTO rest_budgets (member_id, level, updated_at) VALUES (@memberId, 1, ${DB_SECONDS})
      ON CONFLICT (member_id) DO UPDATE SET
        level = ${drainedLevel('excluded.updated_at')} + 1, updated_at = max(updated_at, excluded.updated_at)
      WHERE ${drainedLevel('excluded.updated_at')} + 1 <= @capacity
      RETURNING level`)
    this.#wait = db.prepare<[{ memberId: string; capacity: number; perSecond: number }], { wait: number }>(`
      SELECT (${drainedLevel(DB_SECONDS)} + 1 - @capacity) / @perSecond AS wait FROM rest_budgets WHERE member_id = @memberId`)
    this.#markFull = db.prepare(`
      INSERT INTO rest_budgets (member_id, level, updated_at) VALUES (@memberId, @burst, ${DB_SECONDS})
      ON CONFLICT (member_id) DO UPDATE SET
        level = max(excluded.level, ${drainedLevel('excluded.updated_at')}), updated_at = max(updated_at, excluded.updated_at)`)
    // Both statements in one transaction: no other writer (another process on the file) comes between them.
    this.#takeOrWait = db.transaction((params: { memberId: string; capacity: number; perSecond: number }): BudgetSlot => {
      if (this.#take.get(params) !== undefined) return { taken: true }
      return waitSlot(this.#wait.get(params)?.wait, params)
    })
  }

  /** Counts one request of the portal when the drained counter plus one stays within `capacity`; else counts nothing and says how long to wait. */
  take(memberId: string, limits: BudgetLimits): BudgetSlot {
    return this.#takeOrWait({ memberId, capacity: limits.capacity, perSecond: limits.perSecond })
  }

  /** The portal answered QUERY_LIMIT_EXCEEDED: its counter is at the burst at least. */
  markFull(memberId: string, budget: RateBudget): void {
    this.#markFull.run({ memberId, burst: budget.burst, perSecond: budget.perSecond })
  }
}
