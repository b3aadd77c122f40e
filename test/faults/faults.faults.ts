// npm run test:faults: a day against a chaotic portal (20 % of requests failing, 10 % of events lost and 10 % doubled),
// the app SIGKILLed 20 times and started again; at the end nothing is lost and everything is done once. Prints its figures.
import { rmSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { settled } from '../helpers/app-db.js'
import { sqliteRows } from '../store/sqlite-file.js'
import { checkClocks, checkEffects, checkInbox, checkMirror, checkReports, type Figures } from './checks.js'
import { playDay, sweptSince, type Day } from './day.js'

const SEED = Number(process.env.FAULTS_SEED ?? 21)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// With the faults off: the inbox and outbox empty, a whole sweep since, every report delivered and told, no clock step overdue.
async function settleAll(day: Day): Promise<void> {
  const deadline = Date.now() + 180_000
  const { portal, app, databasePath } = day
  while (Date.now() < deadline) {
    await settled(app, portal, databasePath, deadline - Date.now())
    const swept = await sweptSince(app, portal.memberId, day.calmAt)
    const [reports] = sqliteRows<{ open: number; n: number }>(databasePath,
      "SELECT sum(state != 'uploaded' OR notified_at IS NULL) AS open, count(*) AS n FROM report_deliveries WHERE member_id = ?", portal.memberId)
    const [clocks] = sqliteRows<{ n: number }>(databasePath,
      'SELECT count(*) AS n FROM clocks WHERE member_id = ? AND stopped_at IS NULL AND next_at IS NOT NULL AND next_at <= ?', portal.memberId, new Date().toISOString())
    if (swept && reports?.open === 0 && (reports?.n ?? 0) > 0 && clocks?.n === 0) {
      await settled(app, portal, databasePath, deadline - Date.now())
      return
    }
    await sleep(500)
  }
  throw new Error(`the day did not settle after the faults stopped:\n${app.stderr()}`)
}

describe('faults', () => {
  it(`a day of a failing portal and 20 SIGKILLs loses nothing and does everything once (seed ${SEED})`, async () => {
    const started = Date.now()
    const day = await playDay(SEED)
    try {
      await settleAll(day)
      day.log.stop()
      const figures: Figures = {}
      const chaos: Record<string, number> = day.portal.faults.chaosCounts ?? {}
      figures.kills = day.kills.length
      figures.restarts = day.restarts
      figures['requests failed by chaos'] = Object.entries(chaos).filter(([kind]) => !kind.startsWith('events')).reduce((sum, [, n]) => sum + n, 0)
      for (const [kind, n] of Object.entries(chaos)) figures[`  chaos ${kind}`] = n
      // Every check runs and the figures are printed before the first failure is thrown.
      const failures: unknown[] = []
      for (const check of [checkInbox, checkMirror, checkEffects, checkClocks, checkReports]) {
        try {
          check(day, figures)
        } catch (error) {
          failures.push(error)
        }
      }
      const width = Math.max(...Object.keys(figures).map((k) => k.length))
      const lines = [
        `fault suite, seed ${SEED}: ${((Date.now() - started) / 1000).toFixed(0)} s`,
        ...Object.entries(figures).map(([name, n]) => `  ${name.padEnd(width)}  ${n}`),
        '  kills by phase:',
        ...day.kills.map((kill, i) => `    ${String(i + 1).padStart(2)}. ${kill.phase.padEnd(8)} ${kill.trigger}`),
      ]
      process.stdout.write(`${lines.join('\n')}\n`)
      if (failures.length > 0) throw failures[0]
      expect(day.kills).toHaveLength(20)
    } finally {
      day.log.stop()
      await day.app.stop('SIGKILL')
      await day.portal.close()
      rmSync(day.dir, { recursive: true, force: true })
    }
  }, 600_000)
})
