// The store port's contract: what the app relies on from any store, run against each adapter (SQLite and PostgreSQL).
// Every call is awaited, so the suite runs unchanged when the port's methods return promises.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Clock } from '../../src/shared/clock.js'
import type { StorePort } from '../../src/store/port.js'
import { A, B, install, iso, MINUTE, START } from './fixtures.js'
import type { NewClock } from '../../src/store/clocks.js'
import type { NewViolation } from '../../src/store/violations.js'
import type { Plan } from '../../src/store/plan.js'
import { planNotice, planNoticesTogether } from './plan-notice.js'


const event = (memberId: string, entityId: string, ts: string, name = 'ONCRMLEADUPDATE') =>
  ({ memberId, event: name, entity: 'lead' as const, entityId, ts, data: { FIELDS: { ID: entityId } } })

const violation = (entityId: string, ruleId = 'LEAD-COMPANY-NAME'): NewViolation => ({
  ruleId, ruleVersion: 1, entity: 'lead', entityId, variant: '', responsibleId: '5',
  message: { problem: { ru: 'Название компании без формы', en: 'Company name without its legal form' }, todo: { ru: 'ООО «Вектор»', en: 'Vector LLC' } },
})

const clock = (entityId: string, nextAt: string | null, ruleId = 'LEAD-CONTACT-SLA'): NewClock => ({
  ruleId, ruleVersion: 1, entity: 'lead', entityId, variant: '', responsibleId: '5', warnTo: ['5'], basis: '24/7',
  startedAt: iso(START), dueAt: iso(START + 15 * MINUTE), steps: [{ kind: 'breach', level: 0, at: iso(START + 15 * MINUTE), doneAt: null }],
  nextAt, pausedAt: null, audit: false, eventAt: iso(START),
})

/**
 * Runs the contract on the store `open` gives (a fresh, empty one for each test, on the clock it is handed). The same
 * suite is to pass on every adapter of the port.
 */
export function describeStoreContract(name: string, open: (now: Clock) => Promise<StorePort> | StorePort): void {
  describe(`store contract: ${name}`, () => {
    let store: StorePort
    let time = START
    const now: Clock = () => new Date(time)
    const later = (ms: number) => { time += ms }

    beforeEach(async () => {
      time = START
      store = await open(now)
      await store.portals.install(install(A, 'acme.bitrix24.ru'))
      await store.portals.install(install(B, 'beta.bitrix24.ru'))
    })
    afterEach(async () => store.close())

    describe('portals', () => {
      it('installs, keeps refreshed tokens, needs re-authorisation, is installed again, and is revoked keeping its data', async () => {
        expect(await store.portals.get(A)).toMatchObject({ domain: 'acme.bitrix24.ru', status: 'active', accessToken: 'access-acme.bitrix24.ru' })
        expect((await store.portals.all()).map((portal) => portal.domain)).toEqual(['acme.bitrix24.ru', 'beta.bitrix24.ru'])
        await store.portals.saveTokens(A, {
          accessToken: 'access-2', refreshToken: 'refresh-2', expiresAt: 1_800_003_600,
          clientEndpoint: 'https://acme.bitrix24.ru/rest/', serverEndpoint: 'https://oauth.bitrix.info/rest/', scope: 'crm,task,user',
        })
        expect(await store.portals.get(A)).toMatchObject({ accessToken: 'access-2', refreshToken: 'refresh-2', expiresAt: 1_800_003_600 })
        await store.portals.markNeedsReauth(A, 'invalid_grant')
        expect(await store.portals.get(A)).toMatchObject({ status: 'needs_reauth', statusReason: 'invalid_grant' })
        // What deciding needs of a portal comes without a token.
        const { accessToken: _access, refreshToken: _refresh, applicationToken: _application, ...about } = (await store.portals.get(A))!
        expect(await store.portals.about(A)).toEqual(about)
        expect(await store.portals.about('never-installed')).toBeUndefined()
        await store.portals.install({ ...install(A, 'acme.bitrix24.ru'), accessToken: 'access-3' })
        expect(await store.portals.get(A)).toMatchObject({ status: 'active', statusReason: null, accessToken: 'access-3' })
        await store.mirror.put(A, { entity: 'lead', entityId: '7', snapshot: { ID: '7' }, deleted: false, modifiedAt: null })
        await store.portals.revoke(A, 'uninstalled by the portal')
        expect(await store.portals.get(A)).toMatchObject({ status: 'uninstalled', accessToken: '', refreshToken: '' })
        expect(await store.mirror.get(A, 'lead', '7')).toBeDefined()
        expect(await store.portals.get('never-installed')).toBeUndefined()
      })
    })

    describe('inbox', () => {
      it('accepts an event once, hands out each record once with all its events, and forgets it once done', async () => {
        expect(await store.inbox.accept(event(A, '7', '1766047124', 'ONCRMLEADADD'))).toBe(true)
        expect(await store.inbox.accept(event(A, '7', '1766047124', 'ONCRMLEADADD'))).toBe(false)
        expect(await store.inbox.accept(event(A, '7', '1766047125'))).toBe(true)
        expect(await store.inbox.accept(event(A, '8', '1766047125'))).toBe(true)
        expect(await store.inbox.accept(event(B, '7', '1766047125'))).toBe(true)
        expect(await store.inbox.count(A)).toBe(3)
        expect((await store.inbox.portalsWithWork()).sort()).toEqual([A, B].sort())
        const due = await store.inbox.due(A, 10)
        expect(due.map((record) => [record.entity, record.entityId])).toEqual([['lead', '7'], ['lead', '8']])
        expect(due[0]!.eventIds).toHaveLength(2)
        expect([...due[0]!.events].sort()).toEqual(['ONCRMLEADADD', 'ONCRMLEADUPDATE'])
        expect(await store.inbox.due(A, 1)).toHaveLength(1)
        await store.inbox.markDone(due.flatMap((record) => record.eventIds))
        expect(await store.inbox.due(A, 10)).toEqual([])
        expect(await store.inbox.count(A)).toBe(3)
        expect(await store.inbox.stats(A)).toMatchObject({ pending: 0, parked: 0, oldestPendingAt: null })
        expect(await store.inbox.portalsWithWork()).toEqual([B])
      })

      it('backs a failed record off until its retry, and parks it for good when told to', async () => {
        await store.inbox.accept(event(A, '7', '1'))
        await store.inbox.accept(event(A, '8', '1'))
        const [seven, eight] = await store.inbox.due(A, 10)
        await store.inbox.fail(seven!.eventIds, 'QUERY_LIMIT_EXCEEDED', new Date(START + MINUTE))
        await store.inbox.fail(eight!.eventIds, 'Lead not found', 'park')
        expect(await store.inbox.due(A, 10)).toEqual([])
        expect((await store.inbox.nextRetryAt())?.toISOString()).toBe(iso(START + MINUTE))
        expect(await store.inbox.stats(A)).toMatchObject({ pending: 1, parked: 1 })
        expect(await store.inbox.parked(A)).toEqual([{ entity: 'lead', entityId: '8', event: 'ONCRMLEADUPDATE', error: 'Lead not found', attempts: 1 }])
        later(MINUTE)
        expect(await store.inbox.due(A, 10)).toMatchObject([{ entityId: '7', attempts: 1 }])
      })

      it('forms a wave once the events stop for the quiet time or the oldest has waited its longest; a wave takes its records with their later events', async () => {
        const window = { quietMs: 1_000, maxWaitMs: 10_000 }
        expect(await store.inbox.wave(A, window)).toBeUndefined()
        await store.inbox.accept(event(A, '7', '1'))
        expect(await store.inbox.wave(A, window)).toEqual({ ready: false, at: new Date(START + 1_000) })
        later(600)
        await store.inbox.accept(event(A, '8', '2'))
        expect(await store.inbox.wave(A, window)).toEqual({ ready: false, at: new Date(START + 1_600) })
        later(1_000)
        const wave = await store.inbox.wave(A, window)
        expect(wave?.ready).toBe(true)
        const lastId = wave?.ready ? wave.lastId : 0
        // Events after the wave began: 7's joins its record's read, 9 waits for the next wave.
        await store.inbox.accept(event(A, '7', '3'))
        await store.inbox.accept(event(A, '9', '3'))
        const due = await store.inbox.due(A, 10, lastId)
        expect(due.map((record) => [record.entityId, record.eventIds.length])).toEqual([['7', 2], ['8', 1]])
        await store.inbox.markDone(due.flatMap((record) => record.eventIds))
        expect(await store.inbox.due(A, 10, lastId)).toEqual([])
        // A stream that never stops is still read: at the oldest event's longest wait.
        for (let i = 0; i < 12; i++) {
          later(900)
          await store.inbox.accept(event(A, '10', String(10 + i)))
        }
        expect((await store.inbox.wave(A, window))?.ready).toBe(true)
        expect(await store.inbox.wave(B, window)).toBeUndefined()
      })

      it('lets a retry falling due go at once when it is alone, and wait with a burst when one is settling', async () => {
        const window = { quietMs: 1_000, maxWaitMs: 10_000 }
        await store.inbox.accept(event(A, '7', '1'))
        const [seven] = await store.inbox.due(A, 10)
        await store.inbox.fail(seven!.eventIds, 'QUERY_LIMIT_EXCEEDED', new Date(START + MINUTE))
        expect(await store.inbox.wave(A, window)).toBeUndefined()
        later(MINUTE)
        expect((await store.inbox.wave(A, window))?.ready).toBe(true)
        await store.inbox.accept(event(A, '8', '2'))
        expect(await store.inbox.wave(A, window)).toEqual({ ready: false, at: new Date(START + MINUTE + 1_000) })
        // A record waiting out a backoff waits whole: its new event does not count toward a wave.
        later(1_000)
        const [due7, due8] = await store.inbox.due(A, 10)
        await store.inbox.markDone(due8!.eventIds)
        await store.inbox.fail(due7!.eventIds, 'QUERY_LIMIT_EXCEEDED', new Date(START + 2 * MINUTE))
        await store.inbox.accept(event(A, '7', '3'))
        later(20_000)
        expect(await store.inbox.wave(A, window)).toBeUndefined()
      })
    })

    describe('mirror', () => {
      it('keeps the last snapshot of each record, stamped on the store’s clock, deleted ones kept but not listed', async () => {
        await store.mirror.put(A, { entity: 'lead', entityId: '7', snapshot: { ID: '7', TITLE: 'ООО «Вектор»' }, deleted: false, modifiedAt: '2026-12-01T08:59:00+03:00' })
        later(1000)
        await store.mirror.put(A, { entity: 'lead', entityId: '7', snapshot: { ID: '7', TITLE: '"Ромашка", АО' }, deleted: false, modifiedAt: null })
        await store.mirror.put(A, { entity: 'lead', entityId: '8', snapshot: { ID: '8' }, deleted: true, modifiedAt: null })
        expect(await store.mirror.get(A, 'lead', '7')).toEqual({
          entity: 'lead', entityId: '7', snapshot: { ID: '7', TITLE: '"Ромашка", АО' }, deleted: false, modifiedAt: null, syncedAt: iso(START + 1000),
        })
        expect(await store.mirror.get(A, 'lead', '8')).toMatchObject({ deleted: true, snapshot: { ID: '8' } })
        expect((await store.mirror.list(A, 'lead')).map((record) => record.entityId)).toEqual(['7'])
        expect(await store.mirror.count(A)).toBe(1)
        expect(await store.mirror.get(B, 'lead', '7')).toBeUndefined()
      })

      it('finds activities by the records they are bound to: their owner until the bindings are read, then each binding', async () => {
        await store.mirror.put(A, { entity: 'activity', entityId: '100', snapshot: { ID: '100', OWNER_TYPE_ID: '1', OWNER_ID: '7' }, deleted: false, modifiedAt: null })
        expect((await store.mirror.activitiesOf(A, '1', '7')).map((record) => record.entityId)).toEqual(['100'])
        await store.mirror.put(A, { entity: 'activity', entityId: '100', snapshot: {
          ID: '100', OWNER_TYPE_ID: '1', OWNER_ID: '7', BINDINGS: [{ OWNER_TYPE_ID: '2', OWNER_ID: '12' }, { OWNER_TYPE_ID: '1', OWNER_ID: '9' }],
        }, deleted: false, modifiedAt: null })
        expect(await store.mirror.activitiesOf(A, '1', '7')).toEqual([])
        expect((await store.mirror.activitiesOf(A, '2', '12')).map((record) => record.entityId)).toEqual(['100'])
        expect((await store.mirror.activitiesOf(A, '1', '9')).map((record) => record.entityId)).toEqual(['100'])
        expect(await store.mirror.activitiesOf(B, '2', '12')).toEqual([])
        await store.mirror.put(A, { entity: 'activity', entityId: '100', snapshot: { ID: '100', BINDINGS: [{ OWNER_TYPE_ID: '2', OWNER_ID: '12' }] }, deleted: true, modifiedAt: null })
        expect(await store.mirror.activitiesOf(A, '2', '12')).toEqual([])
      })

      it('reads several records and their activities at once, as get and activitiesOf answer them one by one', async () => {
        await store.mirror.put(A, { entity: 'deal', entityId: '12', snapshot: { ID: '12', TITLE: 'Поставка серверов' }, deleted: false, modifiedAt: null })
        await store.mirror.put(A, { entity: 'deal', entityId: '13', snapshot: { ID: '13' }, deleted: true, modifiedAt: null })
        await store.mirror.put(B, { entity: 'deal', entityId: '14', snapshot: { ID: '14' }, deleted: false, modifiedAt: null })
        await store.mirror.put(A, { entity: 'activity', entityId: '101', snapshot: { ID: '101', BINDINGS: [{ OWNER_TYPE_ID: '2', OWNER_ID: '12' }, { OWNER_TYPE_ID: '2', OWNER_ID: '13' }] }, deleted: false, modifiedAt: null })
        await store.mirror.put(A, { entity: 'activity', entityId: '100', snapshot: { ID: '100', OWNER_TYPE_ID: '2', OWNER_ID: '12' }, deleted: false, modifiedAt: null })
        await store.mirror.put(A, { entity: 'activity', entityId: '102', snapshot: { ID: '102', OWNER_TYPE_ID: '2', OWNER_ID: '12' }, deleted: true, modifiedAt: null })
        const records = await store.mirror.getMany(A, 'deal', ['12', '13', '14', '15'])
        expect(records.sort((a, b) => a.entityId.localeCompare(b.entityId))).toEqual([await store.mirror.get(A, 'deal', '12'), await store.mirror.get(A, 'deal', '13')])
        expect(await store.mirror.getMany(A, 'deal', [])).toEqual([])
        const activities = await store.mirror.activitiesOfMany(A, '2', ['12', '13', '14'])
        expect(activities.map(({ ownerId, activity }) => `${ownerId}:${activity.entityId}`).sort()).toEqual(['12:100', '12:101', '13:101'])
        expect(activities.filter(({ ownerId }) => ownerId === '12').map(({ activity }) => activity)).toEqual(await store.mirror.activitiesOf(A, '2', '12'))
        expect(await store.mirror.activitiesOfMany(B, '2', ['12'])).toEqual([])
      })
    })

    describe('clocks', () => {
      it('runs a clock per rule and record, hands out the due ones earliest first, and stops each once', async () => {
        const late = (await store.clocks.start(A, clock('7', iso(START + 10 * MINUTE)))).id
        const early = (await store.clocks.start(A, clock('8', iso(START + 5 * MINUTE)))).id
        await store.clocks.start(A, clock('9', null))
        expect((await store.clocks.runningFor(A, 'lead', '7')).map((item) => item.id)).toEqual([late])
        expect(await store.clocks.get(late)).toMatchObject({ memberId: A, ruleId: 'LEAD-CONTACT-SLA', warnTo: ['5'], stoppedAt: null, createdAt: iso(START) })
        expect(await store.clocks.runningCount()).toBe(3)
        expect((await store.clocks.nextAt())?.toISOString()).toBe(iso(START + 5 * MINUTE))
        expect(await store.clocks.due()).toEqual([])
        expect((await store.clocks.due(new Date(START + 10 * MINUTE))).map((item) => item.id)).toEqual([early, late])
        await store.clocks.update(early, { nextAt: iso(START + 20 * MINUTE), told: [{ step: 0, userId: '5', at: iso(START) }] })
        expect(await store.clocks.get(early)).toMatchObject({ nextAt: iso(START + 20 * MINUTE), told: [{ step: 0, userId: '5', at: iso(START) }] })
        later(7 * MINUTE)
        await store.clocks.stop(late, 'met', 7 * MINUTE)
        await store.clocks.stop(late, 'late', 8 * MINUTE)
        expect(await store.clocks.get(late)).toMatchObject({ stoppedAt: iso(START + 7 * MINUTE), outcome: 'met', elapsedMs: 7 * MINUTE, nextAt: null })
        expect(await store.clocks.runningFor(A, 'lead', '7')).toEqual([])
        expect((await store.clocks.due(new Date(START + 30 * MINUTE))).map((item) => item.id)).toEqual([early])
        expect((await store.clocks.all(A)).map((item) => item.id)).toHaveLength(3)
      })

      it('reads the running clocks of several records at once, by id, as runningFor answers them one by one', async () => {
        const seven = (await store.clocks.start(A, clock('7', iso(START)))).id
        const eight = (await store.clocks.start(A, clock('8', iso(START)))).id
        const eightAgain = (await store.clocks.start(A, clock('8', iso(START), 'LEAD-TITLE'))).id
        await store.clocks.start(A, clock('9', iso(START)))
        await store.clocks.start(B, clock('7', iso(START)))
        await store.clocks.stop(seven, 'met', 0)
        const running = await store.clocks.runningForMany(A, 'lead', ['7', '8', '10'])
        expect(running.map((item) => item.id)).toEqual([eight, eightAgain])
        expect(running).toEqual(await store.clocks.runningFor(A, 'lead', '8'))
        expect(await store.clocks.runningForMany(A, 'deal', ['8'])).toEqual([])
        expect(await store.clocks.runningForMany(A, 'lead', [])).toEqual([])
      })

      it("hands out one portal's due clocks, and names the portals with a clock due, each once", async () => {
        const mine = (await store.clocks.start(A, clock('7', iso(START)))).id
        const mineLater = (await store.clocks.start(A, clock('8', iso(START + 5 * MINUTE)))).id
        const theirs = (await store.clocks.start(B, clock('7', iso(START)))).id
        await store.clocks.start(B, clock('8', iso(START + 20 * MINUTE)))
        const at = new Date(START + 10 * MINUTE)
        expect((await store.clocks.due(at, 1000, A)).map((item) => item.id)).toEqual([mine, mineLater])
        expect((await store.clocks.due(at, 1, A)).map((item) => item.id)).toEqual([mine])
        expect((await store.clocks.due(at, 1000, B)).map((item) => item.id)).toEqual([theirs])
        expect(await store.clocks.portalsDue(at)).toEqual([A, B].sort())
        expect(await store.clocks.portalsDue(new Date(START - MINUTE))).toEqual([])
        await store.portals.markNeedsReauth(B, 'invalid_grant')
        expect(await store.clocks.portalsDue(at)).toEqual([A])
        expect(await store.clocks.due(at, 1000, B)).toEqual([])
      })

      it('runs no clock of a portal that is not active', async () => {
        await store.clocks.start(B, clock('7', iso(START)))
        await store.portals.markNeedsReauth(B, 'invalid_grant')
        expect(await store.clocks.due()).toEqual([])
        expect(await store.clocks.nextAt()).toBeUndefined()
      })
    })

    describe('violations', () => {
      it('opens one per rule and record, resolves it once, and an excused one stays open but is not outstanding', async () => {
        const first = await store.violations.open(A, violation('7'))
        const second = await store.violations.open(A, violation('8'))
        expect(await store.violations.openFor(A, 'lead', '7')).toMatchObject([{ id: first, ruleId: 'LEAD-COMPANY-NAME', openedAt: iso(START), resolvedAt: null }])
        expect((await store.violations.outstanding(A)).map((item) => item.id)).toEqual([first, second])
        later(MINUTE)
        await store.violations.resolve(first, 'fixed')
        await store.violations.resolve(first, 'record deleted')
        expect(await store.violations.openFor(A, 'lead', '7')).toEqual([])
        expect(await store.violations.get(first)).toMatchObject({ resolvedAt: iso(START + MINUTE), resolution: 'fixed' })
        expect(await store.violations.excuse(second, '3', 'Клиент в отпуске')).toBe(true)
        expect(await store.violations.excuse(second, '3', 'again')).toBe(false)
        expect(await store.violations.openFor(A, 'lead', '8')).toMatchObject([{ excusedBy: '3', excuse: 'Клиент в отпуске' }])
        expect(await store.violations.outstanding(A)).toEqual([])
        const again = await store.violations.open(A, violation('7'))
        expect((await store.violations.history(A, 'lead', '7')).map((item) => item.id)).toEqual([again, first])
        expect(await store.violations.all(B)).toEqual([])
      })

      it('reads the open violations of several records at once, by id, as openFor answers them one by one', async () => {
        const seven = await store.violations.open(A, violation('7'))
        const eight = await store.violations.open(A, violation('8'))
        const eightAgain = await store.violations.open(A, violation('8', 'LEAD-TITLE'))
        await store.violations.open(A, violation('9'))
        await store.violations.open(B, violation('8'))
        await store.violations.resolve(seven, 'fixed')
        const open = await store.violations.openForMany(A, 'lead', ['7', '8', '10'])
        expect(open.map((item) => item.id)).toEqual([eight, eightAgain])
        expect(open).toEqual(await store.violations.openFor(A, 'lead', '8'))
        expect(await store.violations.openForMany(A, 'lead', [])).toEqual([])
      })
    })

    describe('actions', () => {
      it('plans each key once, claims by priority then age, and settles each claimed action', async () => {
        expect(await store.actions.plan(A, 'v1:notify:5', 'notify', { userId: '5', message: 'notice' })).toBe(true)
        expect(await store.actions.plan(A, 'v1:notify:5', 'notify', { userId: '5', message: 'notice' })).toBe(false)
        await store.actions.plan(A, 'v2:escalate:4', 'notify', { userId: '4', message: 'escalation' }, 'deadline')
        await store.actions.plan(A, 'v3:fix', 'fix', { entity: 'lead', entityId: '3', fields: { COMPANY_TITLE: 'Вектор ООО' } })
        await store.actions.plan(A, 'v4:comment', 'comment', { comment: 'timeline' })
        expect(await store.actions.portalsWithWork()).toEqual([A])
        const claimed = await store.actions.claim(A, 3)
        expect(claimed.map((action) => [action.key, action.attempts])).toEqual([['v3:fix', 1], ['v2:escalate:4', 1], ['v1:notify:5', 1]])
        expect(claimed[0]!.payload).toEqual({ entity: 'lead', entityId: '3', fields: { COMPANY_TITLE: 'Вектор ООО' } })
        expect(await store.actions.stats(A)).toEqual({ pending: 1, sending: 3, failed: 0 })
        await store.actions.done(claimed[0]!.id)
        await store.actions.retry(claimed[1]!.id, 'QUERY_LIMIT_EXCEEDED', new Date(START + MINUTE))
        await store.actions.fail(claimed[2]!.id, 'user not found')
        expect((await store.actions.inState(A, 'done')).map((action) => action.key)).toEqual(['v3:fix'])
        expect((await store.actions.inState(A, 'failed')).map((action) => action.key)).toEqual(['v1:notify:5'])
        expect((await store.actions.claim(A, 10)).map((action) => action.key)).toEqual(['v4:comment'])
        expect((await store.actions.nextRetryAt())?.toISOString()).toBe(iso(START + MINUTE))
        later(MINUTE)
        expect(await store.actions.claim(A, 10)).toMatchObject([{ key: 'v2:escalate:4', attempts: 2 }])
        expect(await store.actions.claim(B, 10)).toEqual([])
      })

      it('after a crash, sends a half-sent action again or gives it up, as asked', async () => {
        await store.actions.plan(A, 'v1:fix', 'fix', { entity: 'lead', entityId: '1', fields: {} })
        await store.actions.plan(A, 'v2:comment', 'comment', { comment: 'once' })
        await store.actions.claim(A, 10)
        const interrupted = await store.actions.recoverInterrupted((action) => action.kind === 'fix')
        expect(interrupted.map((action) => action.key).sort()).toEqual(['v1:fix', 'v2:comment'])
        expect((await store.actions.inState(A, 'pending')).map((action) => action.key)).toEqual(['v1:fix'])
        expect((await store.actions.inState(A, 'failed')).map((action) => action.key)).toEqual(['v2:comment'])
      })

      it('folds notices past a person’s limit into one digest, and says who was told of which violation', async () => {
        const policy = { limit: 2, windowMs: 10 * MINUTE, heading: 'Сводка', more: '… и ещё {n}' }
        for (const id of [1, 2, 3, 4]) {
          expect(await planNotice(store, A, { key: `v${id}:notify:5`, userId: '5', message: `notice ${id}`, line: `• ${id}`, violationId: id }, policy, now())).toBe(true)
        }
        expect(await planNotice(store, A, { key: 'v4:notify:5', userId: '5', message: 'notice 4', line: '• 4', violationId: 4 }, policy, now())).toBe(false)
        const pending = await store.actions.inState(A, 'pending')
        expect(pending.map((action) => action.key)).toEqual(['v1:notify:5', 'v2:notify:5', expect.stringMatching(/^digest:5:/)])
        expect(pending[2]!.payload.message).toBe('Сводка\n• 3\n• 4')
        expect((await store.actions.noticesOf(A, [1, 3, 9])).map((notice) => [notice.violationId, notice.userId, notice.state]))
          .toEqual([[1, '5', 'pending'], [3, '5', 'folded']])
        expect(await store.actions.noticesOf(A, [])).toEqual([])
      })

      it('lands plans folded together in one call: a later plan joins the digest an earlier one opened', async () => {
        const policy = { limit: 2, windowMs: 10 * MINUTE, heading: 'Сводка', more: '… и ещё {n}' }
        const notices = [1, 2, 3, 4].map((id) => ({ key: `v${id}:notify:5`, userId: '5', message: `notice ${id}`, line: `• ${id}`, violationId: id }))
        expect(await planNoticesTogether(store, A, notices, policy, now())).toEqual([undefined, undefined, undefined, undefined])
        const pending = await store.actions.inState(A, 'pending')
        expect(pending.map((action) => action.key)).toEqual(['v1:notify:5', 'v2:notify:5', expect.stringMatching(/^digest:5:/)])
        expect(pending[2]!.payload.message).toBe('Сводка\n• 3\n• 4')
        expect((await store.actions.noticesOf(A, [3, 4])).map((notice) => [notice.violationId, notice.state])).toEqual([[3, 'folded'], [4, 'folded']])
      })
    })

    describe('journal', () => {
      it('keeps what happened per portal, newest first, stamped on the store’s clock', async () => {
        await store.journal.append(A, 'app.installed', { via: 'install' })
        later(1000)
        await store.journal.append(A, 'settings.saved', { by: '1' })
        await store.journal.append(null, 'app.started')
        expect(await store.journal.recent(A)).toMatchObject([
          { kind: 'settings.saved', detail: { by: '1' }, at: iso(START + 1000), memberId: A },
          { kind: 'app.installed', detail: { via: 'install' }, at: iso(START) },
        ])
        expect(await store.journal.recent(A, 1)).toHaveLength(1)
        expect(await store.journal.recent(null)).toMatchObject([{ kind: 'app.started', memberId: null }])
        expect(await store.journal.recent(B)).toEqual([])
      })
    })

    describe('login states', () => {
      it('spends a login state once, and forgets it once it would have expired anyway', async () => {
        const until = new Date(START + 10 * MINUTE)
        expect(await store.loginStates.spend('nonce-1', until)).toBe(true)
        expect(await store.loginStates.spend('nonce-1', until)).toBe(false)
        expect(await store.loginStates.spend('nonce-2', until)).toBe(true)
        later(10 * MINUTE)
        // Expired, it is refused by its own expiry before the store is asked; the store need not keep it.
        expect(await store.loginStates.spend('nonce-1', new Date(START + 20 * MINUTE))).toBe(true)
      })
    })

    describe('report deliveries', () => {
      const claim = { memberId: A, kind: 'week' as const, from: '2026-11-23', to: '2026-11-30', departmentId: '1', supervisorId: '3' }

      it('claims each portal, period and department once, uploads once, and is notified once', async () => {
        const first = await store.reportDeliveries.claim(claim)
        const second = await store.reportDeliveries.claim({ ...claim, supervisorId: '4' })
        expect(second).toEqual(first)
        expect(first).toMatchObject({ state: 'pending', attempts: 0, supervisorId: '3' })
        await store.reportDeliveries.claim({ ...claim, departmentId: '2' })
        expect((await store.reportDeliveries.ofPeriod(A, 'week', '2026-11-23')).map((item) => item.departmentId)).toEqual(['1', '2'])
        await store.reportDeliveries.markUploaded(first.id, { id: '77', name: 'Report.xlsx', url: 'https://acme.bitrix24.ru/disk/77' })
        await store.reportDeliveries.markUploaded(first.id, { id: '78', name: 'Other.xlsx', url: 'https://acme.bitrix24.ru/disk/78' })
        expect(await store.reportDeliveries.claim(claim)).toMatchObject({ state: 'uploaded', fileId: '77', attempts: 1, uploadedAt: iso(START), notifiedAt: null })
        later(1000)
        await store.reportDeliveries.markNotified([first.id])
        await store.reportDeliveries.markNotified([first.id])
        expect(await store.reportDeliveries.claim(claim)).toMatchObject({ notifiedAt: iso(START + 1000) })
        expect(await store.reportDeliveries.all(B)).toEqual([])
      })

      it('retries a failed upload until its last attempt, then gives it up', async () => {
        const delivery = await store.reportDeliveries.claim(claim)
        await store.reportDeliveries.markFailed(delivery.id, 'disk full', 2)
        expect(await store.reportDeliveries.claim(claim)).toMatchObject({ state: 'pending', attempts: 1, error: 'disk full' })
        await store.reportDeliveries.markFailed(delivery.id, 'disk full', 2)
        expect(await store.reportDeliveries.claim(claim)).toMatchObject({ state: 'failed', attempts: 2 })
        expect(await store.reportDeliveries.stats(A)).toMatchObject({ pending: 0, failed: 1 })
      })
    })

    describe('deletePortalData', () => {
      it('removes every row the app keeps about a portal, journal included, and nothing of another portal', async () => {
        for (const memberId of [A, B]) {
          await store.inbox.accept(event(memberId, '7', '1'))
          await store.mirror.put(memberId, { entity: 'lead', entityId: '7', snapshot: { ID: '7' }, deleted: false, modifiedAt: null })
          await store.mirror.put(memberId, { entity: 'activity', entityId: '100', snapshot: { ID: '100', OWNER_TYPE_ID: '1', OWNER_ID: '7' }, deleted: false, modifiedAt: null })
          await store.ownWrites.record(memberId, 'lead', '7', { COMPANY_TITLE: 'Вектор ООО' })
          await store.sweeps.save(memberId, { entity: 'lead', cursor: '7', startedAt: iso(START), finishedAt: null, listed: 1, found: 1, error: null })
          await store.directory.replace(memberId, [{ id: '5', name: 'Анна', active: true, departments: ['1'] }], [{ id: '1', name: 'Продажи', parentId: null, headId: '3' }])
          await store.directory.replaceLeadStatuses(memberId, [{ statusId: 'NEW', sort: 10, semantics: null }])
          await store.directory.replaceCrmNames(memberId, { statuses: new Map([['NEW', 'Новый']]), stages: new Map(), pipelines: new Map() })
          await store.violations.open(memberId, violation('7'))
          await store.actions.plan(memberId, 'v1:notify:5', 'notify', { userId: '5', message: 'notice' })
          await store.clocks.start(memberId, clock('7', iso(START)))
          await store.portalSettings.save(memberId, { notifications: {} }, '1')
          await store.contactKeys.replace(memberId, 'lead', '7', ['phone:74951234567'])
          await store.offlineQueues.setMode(memberId, 'off', null)
          await store.reportDeliveries.claim({ memberId, kind: 'week', from: '2026-11-23', to: '2026-11-30', departmentId: '1', supervisorId: '3' })
          await store.journal.append(memberId, 'app.installed')
        }
        await store.deletePortalData(A)
        const left = async (memberId: string) => ({
          portal: (await store.portals.get(memberId)) !== undefined,
          inbox: await store.inbox.count(memberId),
          lead: (await store.mirror.get(memberId, 'lead', '7')) !== undefined,
          activities: (await store.mirror.activitiesOf(memberId, '1', '7')).length,
          ownWrites: Object.keys(await store.ownWrites.recent(memberId, 'lead', '7')).length,
          sweeps: (await store.sweeps.all(memberId)).length,
          users: (await store.directory.load(memberId)).users.size,
          departments: (await store.directory.load(memberId)).departments.size,
          directorySynced: (await store.directory.syncedAt(memberId)) !== undefined,
          leadStatuses: (await store.directory.leadStatuses(memberId)).length,
          crmNames: (await store.directory.crmNames(memberId)).statuses.size,
          violations: (await store.violations.all(memberId)).length,
          actions: (await store.actions.inState(memberId, 'pending')).length,
          clocks: (await store.clocks.all(memberId)).length,
          settings: (await store.portalSettings.get(memberId)) !== undefined,
          contactKeys: (await store.contactKeys.sharing(memberId, ['phone:74951234567'])).length,
          offlineQueue: (await store.offlineQueues.get(memberId)) !== undefined,
          deliveries: (await store.reportDeliveries.all(memberId)).length,
          journal: (await store.journal.recent(memberId)).length,
        })
        expect(await left(A)).toEqual({
          portal: false, inbox: 0, lead: false, activities: 0, ownWrites: 0, sweeps: 0, users: 0, departments: 0, directorySynced: false,
          leadStatuses: 0, crmNames: 0, violations: 0, actions: 0, clocks: 0, settings: false, contactKeys: 0, offlineQueue: false,
          deliveries: 0, journal: 0,
        })
        // Nothing can be kept about a portal that is not installed (events arrive only for installed portals).
        await expect(async () => store.inbox.accept(event(A, '8', '2'))).rejects.toThrow()
        await expect(async () => store.mirror.put('never-installed', { entity: 'lead', entityId: '1', snapshot: {}, deleted: false, modifiedAt: null })).rejects.toThrow()
        expect(await store.inbox.count(A)).toBe(0)
        expect(await left(B)).toEqual({
          portal: true, inbox: 1, lead: true, activities: 1, ownWrites: 1, sweeps: 1, users: 1, departments: 1, directorySynced: true,
          leadStatuses: 1, crmNames: 1, violations: 1, actions: 1, clocks: 1, settings: true, contactKeys: 1, offlineQueue: true,
          deliveries: 1, journal: 1,
        })
      })
    })

    describe('operations that land together', () => {
      const openPlan = (memberId: string, entityId: string, ruleId = 'LEAD-COMPANY-NAME'): Plan => ({
        memberId, unknownUsers: [], steps: [{ op: 'violation.open', ref: 'v', violation: violation(entityId, ruleId), journal: { ruleId } }],
      })

      it('stores a re-read record with its events done and its plans; one that fails undoes only itself, and the call says so', async () => {
        await store.inbox.accept(event(A, '7', '1'))
        await store.inbox.accept(event(A, '8', '1'))
        const [seven, eight] = await store.inbox.due(A, 10)
        const record = (entityId: string) => ({ memberId: A, record: { entity: 'lead', entityId, snapshot: { ID: entityId }, deleted: false, modifiedAt: null } })
        const broken: Plan = { memberId: A, unknownUsers: [], steps: [{ op: 'clock.update', clock: { ref: 'none' }, change: { nextAt: null } }] }
        await expect(store.applyChanges([
          { mirror: record('7'), eventIds: seven!.eventIds, plans: [openPlan(A, '7')] },
          { mirror: record('8'), eventIds: eight!.eventIds, plans: [broken] },
        ])).rejects.toThrow()
        expect(await store.mirror.get(A, 'lead', '7')).toMatchObject({ snapshot: { ID: '7' } })
        expect(await store.violations.openFor(A, 'lead', '7')).toHaveLength(1)
        expect(await store.mirror.get(A, 'lead', '8')).toBeUndefined()
        expect((await store.inbox.due(A, 10)).map((due) => due.entityId)).toEqual(['8'])
        // The same change again (a retry after a crash) makes nothing twice.
        await store.applyChanges([{ mirror: record('7'), eventIds: [], plans: [openPlan(A, '7')] }])
        expect(await store.violations.openFor(A, 'lead', '7')).toHaveLength(1)
      })

      it('applies plans each whole or not at all, answering each one’s error', async () => {
        const broken: Plan = { memberId: A, unknownUsers: [], steps: [...openPlan(A, '9').steps, { op: 'clock.update', clock: { ref: 'none' }, change: { nextAt: null } }] }
        const errors = await store.applyEach([openPlan(A, '7'), broken, openPlan(A, '8')])
        expect(errors.map((error) => error === undefined)).toEqual([true, false, true])
        expect((await store.violations.all(A)).map((open) => open.entityId).sort()).toEqual(['7', '8'])
      })

      it('accepts events in one commit, each duplicate once, and claims actions as the outbox does', async () => {
        expect(await store.acceptEvents([event(A, '7', '1'), event(A, '7', '1'), event(B, '7', '1')])).toEqual([true, false, true])
        expect(await store.inbox.count(A)).toBe(1)
        await store.actions.plan(A, 'v1:notify:5', 'notify', { userId: '5', message: 'notice' })
        expect((await store.claimActions(A, 10)).map((action) => action.key)).toEqual(['v1:notify:5'])
        expect(await store.claimActions(A, 10)).toEqual([])
      })

      it('installs and uninstalls with their journal lines, keeps offline set-ups, settings and directories with theirs', async () => {
        await store.installPortal({ ...install(A, 'acme.bitrix24.ru'), accessToken: 'access-4' }, { kind: 'app.updated', detail: { tokenRotated: false } })
        expect(await store.portals.get(A)).toMatchObject({ accessToken: 'access-4' })
        await store.setOfflineMode(A, 'active', 'connector-1', { kind: 'offline.active', detail: {} })
        expect(await store.offlineQueues.get(A)).toMatchObject({ mode: 'active', authConnector: 'connector-1' })
        await store.saveSettings(A, { notifications: {} }, '1')
        await store.saveSettings(A, { reports: {} }, '1')
        expect(await store.portalSettings.get(A)).toMatchObject({ overrides: { reports: {} } })
        await store.replaceDirectory(A, {
          users: [{ id: '5', name: 'Анна Морозова', active: true, departments: ['1'] }], departments: [{ id: '1', name: 'Отдел продаж', parentId: null, headId: '5' }],
          leadStatuses: [{ statusId: 'NEW', sort: 10, semantics: null }], crmNames: { statuses: new Map([['NEW', 'Новый']]), stages: new Map(), pipelines: new Map() }, at: now(),
        })
        expect((await store.directory.load(A)).users.get('5')).toMatchObject({ name: 'Анна Морозова' })
        expect((await store.directory.leadStatuses(A)).map((status) => status.statusId)).toEqual(['NEW'])
        expect((await store.journal.recent(A)).map((line) => line.kind).reverse()).toEqual(['app.updated', 'offline.active', 'settings.changed', 'settings.changed', 'directory.refreshed'])
        expect((await store.journal.recent(A))[1]).toMatchObject({ kind: 'settings.changed', detail: { userId: '1', before: { notifications: {} }, after: { reports: {} } } })
        await store.uninstallPortal(A, false)
        expect(await store.portals.get(A)).toMatchObject({ status: 'uninstalled', accessToken: '' })
        await store.uninstallPortal(B, true)
        expect(await store.portals.get(B)).toBeUndefined()
        expect(await store.journal.recent(B)).toMatchObject([{ kind: 'app.uninstalled', detail: { clean: true } }])
      })
    })
  })
}
