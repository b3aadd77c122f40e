// What the supervisors' dashboard shows: violations by rule and by manager this week against last week, deadline
// attainment, the worst open items and a daily trend, for the people a viewer sees. Reads the store; changes nothing.
import { CATALOGUE, type RuleId } from '../../rules/catalogue.js'
import { userName, type Directory } from '../../rules/directory.js'
import { pathOf, titleOf } from '../../rules/record.js'
import type { Entity, Text } from '../../rules/types.js'
import type { StorePort } from '../store/port.js'
import type { Violation } from '../store/violations.js'
import { addDays, isoDate, localDateOf, startOfDay, startOfWeek } from '../shared/zoned-days.js'

/** One row of a comparison table: violations opened this week and last week. */
export interface WeekRow {
  key: string
  label: Text
  thisWeek: number
  lastWeek: number
}

/** Deadlines of a week: met in time, missed; `share` of met, null when no deadline was decided. */
export interface Attainment {
  met: number
  missed: number
  share: number | null
}

/** An open violation nobody excused, with where to find it. */
export interface WorstItem {
  violationId: number
  ruleId: string
  rule: Text
  entity: Entity
  entityId: string
  recordTitle: string
  /** The record's path in the portal, to append to its origin. */
  path: string
  responsible: string
  openedAt: string
}

/** Everything the dashboard shows. */
export interface Dashboard {
  thisWeekFrom: string
  lastWeekFrom: string
  totals: { thisWeek: number; lastWeek: number }
  byRule: WeekRow[]
  byManager: WeekRow[]
  attainment: { thisWeek: Attainment; lastWeek: Attainment }
  /** How many open, unexcused violations there are; `worst` holds the oldest of them. */
  outstanding: number
  worst: WorstItem[]
  /** Violations opened each local day of the last four weeks, today last; `day` is YYYY-MM-DD. */
  trend: Array<{ day: string; count: number }>
}

/** Whose violations count: a set of user ids, or `'all'` for an administrator. */
export type People = ReadonlySet<string> | 'all'

const WORST = 10
const TREND_DAYS = 28
const NOBODY: Text = { ru: 'без ответственного', en: 'no responsible' }

/** The dashboard of `people` on a portal at `now`, weeks starting Monday 00:00 in `timeZone`. */
export async function dashboardOf(deps: { store: StorePort; directory: Directory }, memberId: string, people: People, now: Date, timeZone: string): Promise<Dashboard> {
  const { store, directory } = deps
  const counts = (violation: { responsibleId: string | null }) =>
    people === 'all' || (violation.responsibleId !== null && people.has(violation.responsibleId))
  const at = now.getTime()
  const thisWeek = startOfWeek(at, timeZone)
  const lastWeek = startOfWeek(thisWeek - 1, timeZone)
  const nextWeek = startOfWeek(thisWeek + 8 * 86_400_000, timeZone)
  const today = localDateOf(at, timeZone)
  const days = Array.from({ length: TREND_DAYS }, (_, i) => addDays(today, i - TREND_DAYS + 1))
  const trendFrom = Math.min(startOfDay(days[0]!, timeZone), lastWeek)
  const opened = (await store.violations.openedBetween(memberId, new Date(trendFrom), new Date(Math.max(at + 1, nextWeek)))).filter(counts)
  const week = (violation: Violation) => {
    const openedAt = Date.parse(violation.openedAt)
    if (openedAt >= thisWeek && openedAt < nextWeek) return 'thisWeek'
    if (openedAt >= lastWeek && openedAt < thisWeek) return 'lastWeek'
    return undefined
  }
  const inWeeks = opened.filter((violation) => week(violation) !== undefined)
  const outstanding = (await store.violations.outstanding(memberId)).filter(counts)
  const worst = outstanding.slice(0, WORST)
  const records = await Promise.all(worst.map((violation) => store.mirror.get(memberId, violation.entity, violation.entityId)))
  const thisWeekAttainment = await attainment(store, memberId, counts, thisWeek, nextWeek)
  const lastWeekAttainment = await attainment(store, memberId, counts, lastWeek, thisWeek)
  const dayStarts = days.map((day) => startOfDay(day, timeZone))
  return {
    thisWeekFrom: new Date(thisWeek).toISOString(),
    lastWeekFrom: new Date(lastWeek).toISOString(),
    totals: {
      thisWeek: inWeeks.filter((violation) => week(violation) === 'thisWeek').length,
      lastWeek: inWeeks.filter((violation) => week(violation) === 'lastWeek').length,
    },
    byRule: rows(inWeeks, week, (violation) => violation.ruleId, (ruleId) => CATALOGUE[ruleId as RuleId]?.title ?? { ru: ruleId, en: ruleId }),
    byManager: rows(inWeeks, week, (violation) => violation.responsibleId ?? '', (userId) => (userId === '' ? NOBODY : same(userName(directory, userId)))),
    attainment: {
      thisWeek: thisWeekAttainment,
      lastWeek: lastWeekAttainment,
    },
    outstanding: outstanding.length,
    worst: worst.map((violation, i) => {
      const { entity } = violation
      const mirrored = records[i]
      return {
        violationId: violation.id, ruleId: violation.ruleId, rule: CATALOGUE[violation.ruleId as RuleId]?.title ?? same(violation.ruleId),
        entity, entityId: violation.entityId, recordTitle: mirrored ? titleOf(entity, mirrored.snapshot) : '',
        path: pathOf(entity, violation.entityId), responsible: violation.responsibleId ? userName(directory, violation.responsibleId) : '',
        openedAt: violation.openedAt,
      }
    }),
    trend: days.map((day, i) => {
      const from = dayStarts[i]!
      const to = dayStarts[i + 1] ?? at + 1
      return { day: isoDate(day), count: opened.filter((violation) => Date.parse(violation.openedAt) >= from && Date.parse(violation.openedAt) < to).length }
    }),
  }
}

// Counts by a key, most this week first, then most last week, then by label.
function rows(violations: Violation[], week: (violation: Violation) => 'thisWeek' | 'lastWeek' | undefined,
  keyOf: (violation: Violation) => string, labelOf: (key: string) => Text): WeekRow[] {
  const byKey = new Map<string, WeekRow>()
  for (const violation of violations) {
    const key = keyOf(violation)
    const which = week(violation)
    if (which === undefined) continue
    const row = byKey.get(key) ?? { key, label: labelOf(key), thisWeek: 0, lastWeek: 0 }
    row[which] += 1
    byKey.set(key, row)
  }
  return [...byKey.values()].sort((a, b) => b.thisWeek - a.thisWeek || b.lastWeek - a.lastWeek || a.label.ru.localeCompare(b.label.ru, 'ru'))
}

async function attainment(store: StorePort, memberId: string, counts: (clock: { responsibleId: string | null }) => boolean, from: number, to: number): Promise<Attainment> {
  const clocks = (await store.clocks.decidedBetween(memberId, new Date(from), new Date(to))).filter(counts)
  // A clock both breached and met in one week cannot be: met means stopped before the breach.
  const met = clocks.filter((clock) => clock.outcome === 'met').length
  const missed = clocks.length - met
  return { met, missed, share: met + missed === 0 ? null : met / (met + missed) }
}

function same(text: string): Text {
  return { ru: text, en: text }
}
