// Small figures of a report: a monthly plan's share of a period, a percentile, the deals by stage.
import { localDateOf, startOfDay, type LocalDate } from '../shared/zoned-days.js'
import type { DealRow, ReportFrame, StageRow } from './report-types.js'

/**
 * A monthly figure for [fromMs, toMs): each month's share of it is the share of that month's working time the period
 * covers (a week of a 21-day month gets 5/21). One decimal; null without a figure.
 */
export function planFor(monthly: number | null | undefined, fromMs: number, toMs: number, frame: Pick<ReportFrame, 'timeZone' | 'calendar'>): number | null {
  if (monthly === null || monthly === undefined) return null
  let plan = 0
  const first = localDateOf(fromMs, frame.timeZone)
  for (let month = { year: first.year, month: first.month, day: 1 }; ; month = nextMonth(month)) {
    const start = startOfDay(month, frame.timeZone)
    if (start >= toMs) break
    const end = startOfDay(nextMonth(month), frame.timeZone)
    const whole = frame.calendar.workingMinutesBetween(start, end)
    const covered = frame.calendar.workingMinutesBetween(Math.max(start, fromMs), Math.min(end, toMs))
    if (whole > 0) plan += (monthly * covered) / whole
  }
  return Math.round(plan * 10) / 10
}

function nextMonth(date: LocalDate): LocalDate {
  return date.month === 12 ? { year: date.year + 1, month: 1, day: 1 } : { year: date.year, month: date.month + 1, day: 1 }
}

/** The nearest-rank percentile of sorted values, null for none. */
export function percentile(sorted: readonly number[], share: number): number | null {
  if (sorted.length === 0) return null
  const rank = Math.max(1, Math.ceil(share * sorted.length))
  return sorted[rank - 1]!
}

/** Deals counted and summed by pipeline, stage and currency as they come; `rows()` in that order. */
export class StageTotals {
  readonly #stages = new Map<string, StageRow>()

  add(deal: DealRow): void {
    const key = `${deal.categoryId}\u0000${deal.stageId}\u0000${deal.currency}`
    const row = this.#stages.get(key) ?? { categoryId: deal.categoryId, stageId: deal.stageId, currency: deal.currency, count: 0, amount: 0 }
    row.count += 1
    row.amount += deal.amount
    this.#stages.set(key, row)
  }

  rows(): StageRow[] {
    return [...this.#stages.values()].sort((a, b) => a.categoryId.localeCompare(b.categoryId) || a.stageId.localeCompare(b.stageId) || a.currency.localeCompare(b.currency))
  }
}

/** The deals counted and summed by pipeline, stage and currency, in that order. */
export function stagesOf(deals: readonly DealRow[]): StageRow[] {
  const totals = new StageTotals()
  for (const deal of deals) totals.add(deal)
  return totals.rows()
}
