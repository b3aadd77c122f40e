// The store port's report rows (port.ts, ReportRows), run against each adapter: the same rows as the whole-list reads,
// in the same order, across many pages, each row once while others are written between pages.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Clock } from '../../src/shared/clock.js'
import type { ReportClock, StorePort } from '../../src/store/port.js'
import { A, B, install, iso, MINUTE, START } from './fixtures.js'

// More than two pages of any adapter that pages by 500.
const MANY = 1_203

async function all<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const list: T[] = []
  for await (const row of rows) list.push(row)
  return list
}

/** Runs the report rows' contract on the store `open` gives (fresh and empty for each test). */
export function describeReportRowsContract(name: string, open: (now: Clock) => Promise<StorePort> | StorePort): void {
  describe(`report rows: ${name}`, () => {
    let store: StorePort
    let time = START
    const now: Clock = () => new Date(time)

    beforeEach(async () => {
      time = START
      store = await open(now)
      await store.portals.install(install(A, 'acme.bitrix24.ru'))
      await store.portals.install(install(B, 'beta.bitrix24.ru'))
    })
    afterEach(async () => store.close())

    it('gives the live records of one entity as mirror.list does, by numeric id, page after page', async () => {
      // Ids in an order that text would sort otherwise: 9 before 10, 99 before 100.
      for (let n = MANY; n >= 1; n--) {
        await store.mirror.put(A, { entity: 'lead', entityId: String(n), snapshot: { ID: String(n), TITLE: `ООО «Вектор» №${n}` }, deleted: n % 100 === 0, modifiedAt: null })
      }
      await store.mirror.put(A, { entity: 'deal', entityId: '5', snapshot: { ID: '5' }, deleted: false, modifiedAt: null })
      await store.mirror.put(B, { entity: 'lead', entityId: '5', snapshot: { ID: '5' }, deleted: false, modifiedAt: null })
      const streamed = await all(store.reportRows.records(A, 'lead'))
      expect(streamed).toEqual(await store.mirror.list(A, 'lead'))
      expect(streamed.slice(7, 11).map((record) => record.entityId)).toEqual(['8', '9', '10', '11'])
      expect(streamed).toHaveLength(MANY - Math.floor(MANY / 100))
      expect(await all(store.reportRows.records(B, 'deal'))).toEqual([])
    })

    it('gives each record that stays once, in the state its page read, while records are written between pages', async () => {
      for (let n = 1; n <= MANY; n++) await store.mirror.put(A, { entity: 'lead', entityId: String(n), snapshot: { ID: String(n), v: 1 }, deleted: false, modifiedAt: null })
      const seen: Array<{ id: string; v: unknown }> = []
      for await (const record of store.reportRows.records(A, 'lead')) {
        seen.push({ id: record.entityId, v: record.snapshot.v })
        if (seen.length === 1) {
          await store.mirror.put(A, { entity: 'lead', entityId: String(MANY), snapshot: { ID: String(MANY), v: 2 }, deleted: false, modifiedAt: null })
          await store.mirror.put(A, { entity: 'lead', entityId: String(MANY + 1), snapshot: { ID: String(MANY + 1), v: 1 }, deleted: false, modifiedAt: null })
        }
      }
      const ids = seen.map((row) => row.id)
      expect(new Set(ids).size).toBe(ids.length)
      expect(ids.slice(0, MANY)).toEqual(Array.from({ length: MANY }, (_, i) => String(i + 1)))
      expect(seen.find((row) => row.id === String(MANY))?.v).toBe(2)
    })

    it('gives the clocks stopped or breached in a period as clocks.ofRulesBetween does, by id', async () => {
      for (let n = 1; n <= MANY; n++) {
        const ruleId = n % 3 === 0 ? 'TASK-OVERDUE' : 'LEAD-CONTACT-SLA'
        const { id } = await store.clocks.start(n % 50 === 0 ? B : A, {
          ruleId, ruleVersion: 1, entity: ruleId === 'TASK-OVERDUE' ? 'task' : 'lead', entityId: String(n), variant: '', responsibleId: '5', warnTo: ['5'],
          basis: '24/7', startedAt: iso(START), dueAt: iso(START + 15 * MINUTE), steps: [], nextAt: null, pausedAt: null, audit: false, eventAt: iso(START),
        })
        time = START + n * MINUTE
        if (n % 4 !== 0) await store.clocks.stop(id, n % 2 === 0 ? 'met' : 'late', n * MINUTE)
      }
      const from = new Date(START + 10 * MINUTE)
      const to = new Date(START + 1_000 * MINUTE)
      const rules = ['LEAD-CONTACT-SLA', 'TASK-OVERDUE']
      const streamed = await all(store.reportRows.clocksBetween(A, rules, from, to))
      const counted = ({ id, ruleId, entity, entityId, responsibleId, breachedAt, stoppedAt, outcome, elapsedMs }: ReportClock): ReportClock =>
        ({ id, ruleId, entity, entityId, responsibleId, breachedAt, stoppedAt, outcome, elapsedMs })
      expect(streamed).toEqual((await store.clocks.ofRulesBetween(A, rules, from, to)).map(counted))
      expect(streamed.length).toBeGreaterThan(500)
      expect(await all(store.reportRows.clocksBetween(A, ['TASK-FEEDBACK-SLA'], from, to))).toEqual([])
      const some = await store.reportRows.clocksOf(A, 'lead', ['1', '2', '4', '3'], ['LEAD-CONTACT-SLA'])
      expect(some.map((clock) => clock.entityId)).toEqual(['1', '2', '4'])
      expect(await store.reportRows.clocksOf(A, 'lead', [], ['LEAD-CONTACT-SLA'])).toEqual([])
    })

    it('gives the violations opened in a period as violations.openedBetween does, by when they opened', async () => {
      for (let n = 1; n <= MANY; n++) {
        // Two violations a minute, so that pages break between equal times too.
        time = START + Math.floor(n / 2) * MINUTE
        await store.violations.open(n % 50 === 0 ? B : A, {
          ruleId: 'LEAD-COMPANY-NAME', ruleVersion: 1, entity: 'lead', entityId: String(n), variant: '', responsibleId: '5',
          message: { problem: { ru: 'Название компании без формы', en: 'Company name without its legal form' }, todo: { ru: 'ООО «Вектор»', en: 'Vector LLC' } },
        })
      }
      const from = new Date(START + 3 * MINUTE)
      const to = new Date(START + 590 * MINUTE)
      const streamed = await all(store.reportRows.violationsOpened(A, from, to))
      expect(streamed).toEqual(await store.violations.openedBetween(A, from, to))
      expect(streamed.length).toBeGreaterThan(1_000)
    })

    it('gives a rule’s outstanding violations as violations.outstanding does, by when they opened', async () => {
      for (let n = 1; n <= MANY; n++) {
        time = START + Math.floor(n / 3) * MINUTE
        const id = await store.violations.open(A, {
          ruleId: n % 4 === 0 ? 'LEAD-COMPANY-NAME' : 'DEAL-NEXT-STEP', ruleVersion: 1, entity: 'deal', entityId: String(n), variant: n % 2 === 0 ? 'none:' : 'after:x',
          responsibleId: '5', message: { problem: { ru: 'Нет следующего шага', en: 'No next step' }, todo: { ru: 'Запланируйте дело', en: 'Plan an activity' } },
        })
        if (n % 7 === 0) await store.violations.resolve(id, 'fixed')
        if (n % 11 === 0) await store.violations.excuse(id, '1', 'Клиент в отпуске')
      }
      const streamed = await all(store.reportRows.outstandingOf(A, 'DEAL-NEXT-STEP'))
      expect(streamed).toEqual((await store.violations.outstanding(A)).filter((violation) => violation.ruleId === 'DEAL-NEXT-STEP'))
      expect(streamed.length).toBeGreaterThan(500)
      expect(await all(store.reportRows.outstandingOf(B, 'DEAL-NEXT-STEP'))).toEqual([])
    })
  })
}
