// The same calls on SQLite and on PostgreSQL give the same answers, to the letter: types, nulls, orders and times.
import { afterAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/store/index.js'
import type { Plan } from '../../src/store/plan.js'
import type { StorePort } from '../../src/store/port.js'
import { openPostgresStore } from '../../src/store/postgres/index.js'
import { freshSchemas, sayPostgresSkipped, TEST_DATABASE_URL } from './postgres-target.js'

const A = 'a223c6b3710f85df22e9377d6c4f7553'
const START = Date.parse('2026-12-01T09:00:00.000Z')
const iso = (ms: number) => new Date(ms).toISOString()

// A day of a portal's life, through the port only; `later` moves the stores' clock.
async function live(store: StorePort, later: (ms: number) => void): Promise<void> {
  await store.installPortal({
    memberId: A, domain: 'acme.bitrix24.ru', clientEndpoint: 'https://acme.bitrix24.ru/rest/', serverEndpoint: 'https://oauth.bitrix.info/rest/',
    accessToken: 'access', refreshToken: 'refresh', expiresAt: 1_800_000_000, applicationToken: 'app', scope: 'crm', adminUserId: null,
    appStatus: null, licenseFamily: null, language: null,
  }, { kind: 'app.installed', detail: { via: 'install' } })
  await store.acceptEvents([7, 8, 10, 9].map((id) => ({ memberId: A, event: 'ONCRMLEADUPDATE', entity: 'lead', entityId: String(id), ts: '1', data: { ID: id } })))
  const plan: Plan = { memberId: A, unknownUsers: [], steps: [
    { op: 'violation.open', ref: 'v', violation: { ruleId: 'LEAD-COMPANY-NAME', ruleVersion: 2, entity: 'lead', entityId: '10', variant: '', responsibleId: null, message: { problem: { ru: 'Нет формы', en: 'No form' }, todo: { ru: 'ООО «Вектор»', en: 'Vector LLC' } } }, journal: {} },
    { op: 'clock.start', ref: 'c', clock: { ruleId: 'LEAD-CONTACT-SLA', ruleVersion: 1, entity: 'lead', entityId: '10', variant: '', responsibleId: '5', warnTo: [], basis: 'working', startedAt: iso(START), dueAt: iso(START + 60_000), steps: [], nextAt: null, pausedAt: null, audit: true, eventAt: null }, journal: {} },
    { op: 'clock.update', clock: { ref: 'c' }, change: { violation: { ref: 'v' }, pausedMs: 1500 } },
    { op: 'keys.replace', entity: 'lead', entityId: '10', keys: ['phone:74951234567', 'email:a@b.ru'] },
  ] }
  const [due] = await store.inbox.due(A, 1)
  await store.applyChanges([{ mirror: { memberId: A, record: { entity: 'lead', entityId: '10', snapshot: { ID: '10', TITLE: '"Ромашка", АО', z: 1, a: [2] }, deleted: false, modifiedAt: null } }, eventIds: due!.eventIds, plans: [plan] }])
  later(1000)
  await store.actions.plan(A, 'v1:fix', 'fix', { fields: { TITLE: 'x' } })
  await store.actions.plan(A, 'v1:comment', 'comment', { comment: 'c' }, 'warning', iso(START + 5000))
  const claimed = await store.claimActions(A, 5)
  await store.settle(A, claimed.map((action) => ({ action, outcome: 'done' as const, then: [{ op: 'journal' as const, kind: 'sent', detail: { key: action.key } }] })))
  await store.inbox.fail([99], 'nothing', 'park')
  await store.sweeps.save(A, { entity: 'lead', cursor: null, startedAt: iso(START), finishedAt: null, listed: 0, found: 0, error: null })
  await store.replaceDirectory(A, { users: [{ id: '5', name: 'Анна', active: false, departments: [] }], departments: [{ id: '1', name: 'Продажи', parentId: null, headId: null }], leadStatuses: [{ statusId: 'NEW', sort: 10, semantics: null }], crmNames: { statuses: new Map(), stages: new Map([['C1:WON', 'Сделка успешна']]), pipelines: new Map() }, at: new Date(START) })
}

// What the app can read back, in one object.
async function everything(store: StorePort) {
  return {
    portal: await store.portals.get(A), inbox: [await store.inbox.due(A, 10), await store.inbox.stats(A), await store.inbox.count(A)],
    mirror: [await store.mirror.list(A, 'lead'), await store.mirror.count(A)], violations: await store.violations.all(A),
    clocks: [await store.clocks.all(A), await store.clocks.stats(A), await store.clocks.runningCount()],
    actions: [await store.actions.inState(A, 'done'), await store.actions.inState(A, 'pending'), await store.actions.stats(A), await store.actions.nextRetryAt()],
    journal: (await store.journal.recent(A)).map(({ id: _id, ...line }) => line), sweeps: await store.sweeps.all(A),
    directory: [await store.directory.load(A), await store.directory.leadStatuses(A), await store.directory.crmNames(A), await store.directory.syncedAt(A)],
    keys: await store.contactKeys.sharing(A, ['email:a@b.ru']),
  }
}

if (TEST_DATABASE_URL === undefined) {
  describe('the same answers on SQLite and PostgreSQL', () => sayPostgresSkipped('same answers'))
} else {
  const schemas = freshSchemas(TEST_DATABASE_URL)
  afterAll(() => schemas.dropAll())

  describe('the same answers on SQLite and PostgreSQL', () => {
    it('answers a portal’s day of calls identically', async () => {
      let time = START
      const now = () => new Date(time)
      const sqlite = openStore(':memory:', now)
      const postgres = await openPostgresStore(schemas.next(), now)
      try {
        await live(sqlite, (ms) => { time += ms })
        time = START
        await live(postgres, (ms) => { time += ms })
        expect(await everything(postgres)).toStrictEqual(await everything(sqlite))
      } finally {
        await sqlite.close()
        await postgres.close()
      }
    })
  })
}
