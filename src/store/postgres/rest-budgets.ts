// The portals' REST budgets on PostgreSQL, where every instance draws on them: one atomic statement a request.
import type { BudgetLimits, BudgetSlot, RateBudget } from '../../b24/types.js'
import type { Async } from '../port.js'
import { waitSlot, type RestBudgetRepo } from '../rest-budgets.js'
import type { Sql } from './sql.js'

// The server's clock, read once a statement (clock_timestamp(), not now(): the moment the statement runs, not the moment
// its transaction began), so instances' own clocks do not matter.
const CLOCK = 'extract(epoch FROM clock_timestamp())::float8'

// The row's counter drained up to `at`, never backwards (a statement that read the clock before another instance's
// commit drains nothing). SQLite's twin: store/rest-budgets.ts.
const drained = (at: string) => `greatest(0, b.level - greatest(0, ${at} - b.updated_at) * $2::float8)`

// Takes a slot when the drained counter plus one fits under $3, in the INSERT … ON CONFLICT, which locks the row and
// checks the newest version: two instances asking at once are counted one after the other. When it does not fit,
// nothing is written and the same statement answers how many seconds until it would (read from the statement's
// snapshot: at worst a little early, and the caller asks again). A new row is one request.
const TAKE = `
  WITH clock AS MATERIALIZED (SELECT ${CLOCK} AS t),
  taken AS (
    INSERT INTO rest_budgets AS b (member_id, level, updated_at) SELECT $1, 1, t FROM clock
    ON CONFLICT (member_id) DO UPDATE SET level = ${drained('excluded.updated_at')} + 1, updated_at = greatest(b.updated_at, excluded.updated_at)
    WHERE ${drained('excluded.updated_at')} + 1 <= $3::float8
    RETURNING 1
  )
  SELECT true AS taken, NULL::float8 AS wait FROM taken
  UNION ALL
  SELECT false, (${drained('clock.t')} + 1 - $3::float8) / $2::float8 FROM rest_budgets b, clock
  WHERE b.member_id = $1 AND NOT EXISTS (SELECT 1 FROM taken)`

const MARK_FULL = `
  INSERT INTO rest_budgets AS b (member_id, level, updated_at) VALUES ($1, $3::float8, ${CLOCK})
  ON CONFLICT (member_id) DO UPDATE SET level = greatest(excluded.level, ${drained('excluded.updated_at')}),
    updated_at = greatest(b.updated_at, excluded.updated_at)`

/** Takes and fills portals' REST budgets, each call one statement. */
export class PgRestBudgetRepo implements Async<RestBudgetRepo> {
  constructor(private readonly sql: Sql) {}

  async take(memberId: string, limits: BudgetLimits): Promise<BudgetSlot> {
    const row = await this.sql.row<{ taken: boolean; wait: number | null }>(TAKE, [memberId, limits.perSecond, limits.capacity])
    if (row?.taken === true) return { taken: true }
    return waitSlot(row?.wait ?? undefined, limits)
  }

  async markFull(memberId: string, budget: RateBudget): Promise<void> {
    await this.sql.run(MARK_FULL, [memberId, budget.perSecond, budget.burst])
  }
}
