// Several instances on one PostgreSQL sharing the work through the job engine (pg-boss), behind a round-robin sender,
// over real HTTP with the fake portal (TEST_DATABASE_URL; skipped without, and pg-boss needs Node ≥ 22.12).
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { engineRunsOn } from '../../src/jobs/engine.js'
import type { FastifyInstance } from 'fastify'
import { RULE_IDS } from '../../rules/catalogue.js'
import { addDays, localDateOf, startOfDay } from '../../src/shared/zoned-days.js'
import { buildApp } from '../../src/app.js'
import { ENTITIES, project } from '../../src/ingest/entities.js'
import type { StorePort } from '../../src/store/port.js'
import { openPostgresStore } from '../../src/store/postgres/index.js'
import { startFakePortal, type FakePortal } from '../fake-portal/index.js'
import { freePort, harnessConfig, testSettings } from '../helpers/harness.js'
import { startRoundRobin, type RoundRobin } from '../helpers/round-robin.js'
import { freshSchemas, sayPostgresSkipped, TEST_DATABASE_URL } from '../store/postgres-target.js'

const ANNA = 5
const OFF = Object.fromEntries(RULE_IDS.map((id) => [id, { mode: 'off' }]))
const HOUR = 3_600_000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const ENGINE_RUNS = engineRunsOn()

if (TEST_DATABASE_URL === undefined || !ENGINE_RUNS) {
  describe('several instances', () => {
    if (TEST_DATABASE_URL === undefined) sayPostgresSkipped('several instances')
    else it.skip(`several instances: pg-boss needs Node ≥ 22.12, this is ${process.versions.node}`, () => {})
  })
} else {
  const url = TEST_DATABASE_URL
  const schemas = freshSchemas(url)
  afterAll(() => schemas.dropAll())
  let h: { portal: FakePortal; apps: FastifyInstance[]; stores: StorePort[]; rr: RoundRobin; offset: number } | undefined
  afterEach(async () => {
    if (!h) return
    for (const app of h.apps) await app.close()
    for (const store of h.stores) await store.close()
    await h.rr.close()
    await h.portal.close()
    h = undefined
  })

  // The fake portal, `count` instances on one store schema and one jobs schema, on one clock the test moves, installed.
  const start = async (count: number, rules: Record<string, unknown>, at = Date.now()) => {
    const state = { offset: at - Date.now() }
    const now = () => Date.now() + state.offset
    const portal = await startFakePortal({ now })
    const target = schemas.next()
    const jobs = { connectionString: url, schema: schemas.named(`${target.schema}_jobs`) }
    const rr = await startRoundRobin([])
    const apps: FastifyInstance[] = []
    const stores: StorePort[] = []
    for (let i = 0; i < count; i++) {
      const port = await freePort()
      const config = harnessConfig(portal, port, { PUBLIC_URL: rr.url })
      const store = await openPostgresStore({ ...target, max: 6 }, () => new Date(now()), config.tokenKey)
      const app = await buildApp(config, { store, schedule: false, rules: testSettings({ rules: rules }), now: () => new Date(now()), jobs })
      await app.listen({ port, host: '127.0.0.1' })
      apps.push(app)
      stores.push(store)
      rr.targets.push(`http://127.0.0.1:${port}`)
    }
    h = { portal, apps, stores, rr, get offset() { return state.offset }, set offset(ms) { state.offset = ms } }
    await portal.installApp({ installUrl: `${rr.url}/install` })
    await settled()
    portal.clearCalls()
    return h
  }

  // Until the portal has delivered every event and no event or action is left to do on any instance (but digests whose
  // window has not closed, unless `digests`).
  const settled = async (digests = false) => {
    const { portal, stores } = h!
    let left = {}
    for (let round = 0; round < 600; round++) {
      await portal.flushEvents()
      const inbox = await stores[0]!.inbox.stats(portal.memberId)
      // A digest waits for its window to close (the clock moved on sends it).
      const waiting = [...await stores[0]!.actions.inState(portal.memberId, 'pending'), ...await stores[0]!.actions.inState(portal.memberId, 'sending')]
      const actions = waiting.filter((action) => digests || action.payload.digest !== true).length
      if (inbox.pending + actions === 0 && round > 0) return
      left = { inbox, actions, jobs: await h!.apps[0]!.instance.jobs?.() }
      await sleep(100)
    }
    throw new Error(`the instances never settled: ${JSON.stringify(left)}`)
  }
  const calls = (method: string) => h!.portal.calls.filter((call) => call.method === method)

  describe('several instances', () => {
    it('events spread over two instances: each company name fixed once, the mirror equal, the portal worked on by one instance at a time', async () => {
      const { portal, apps, stores, rr } = await start(2, { ...OFF, 'LEAD-COMPANY-NAME': { mode: 'autofix' } })
      // How many instances work on the portal at the same moment, looked at every few milliseconds.
      let most = 0
      const watch = setInterval(() => {
        const working = apps.filter((app) => app.worker.working.includes(portal.memberId) || app.executor.working.includes(portal.memberId)).length
        most = Math.max(most, working)
      }, 2)
      const ids = Array.from({ length: 60 }, (_, i) => portal.data.addLead({ TITLE: `Лид ${i}`, COMPANY_TITLE: `ООО "Вектор ${i}"` }, { byUserId: ANNA }))
      for (const id of ids.slice(0, 30)) portal.data.updateLead(id, { COMMENTS: 'перезвонить' }, { byUserId: ANNA })
      await settled()
      clearInterval(watch)
      for (const [i, id] of ids.entries()) expect(portal.data.lead(id)?.COMPANY_TITLE).toBe(`Вектор ${i} ООО`)
      expect(calls('crm.lead.update')).toHaveLength(60)
      expect(portal.data.timelineComments).toHaveLength(60)
      for (const id of ids) expect((await stores[0]!.mirror.get(portal.memberId, 'lead', id))?.snapshot).toEqual(project(ENTITIES.lead!, portal.data.lead(id) ?? {}))
      // Both instances took events, and the portal's work ran on one of them at a time.
      expect([...rr.counts.values()].every((n) => n > 10)).toBe(true)
      expect(most).toBe(1)
    }, 120_000)

    it("a portal's job lands in the transaction that stores its work: with no ask after the commit, every event is still worked off", async () => {
      const { portal, apps } = await start(2, { ...OFF, 'LEAD-COMPANY-NAME': { mode: 'autofix' } })
      // Neither instance asks for a job once its events have committed (as if each died right after its commit), and no
      // look for forgotten work runs (schedule off): only the job written with the events can run them.
      for (const app of apps) app.engine!.ask = () => {}
      const ids = Array.from({ length: 20 }, (_, i) => portal.data.addLead({ TITLE: `Лид ${i}`, COMPANY_TITLE: `ООО "Вектор ${i}"` }, { byUserId: ANNA }))
      await settled()
      for (const [i, id] of ids.entries()) expect(portal.data.lead(id)?.COMPANY_TITLE).toBe(`Вектор ${i} ООО`)
      expect(calls('crm.lead.update')).toHaveLength(20)
    }, 120_000)

    it('200 deadlines due at one moment on two instances: each deal told once, each step taken once', async () => {
      const { portal, apps, stores } = await start(2, { ...OFF, 'DEAL-NEXT-STEP': { mode: 'notify', within: 'PT30S', escalate: [], time: '24/7' } })
      const ids = Array.from({ length: 200 }, (_, i) => portal.data.addDeal({ TITLE: `Сделка ${i}`, ASSIGNED_BY_ID: ANNA }, { byUserId: ANNA }))
      await settled()
      expect((await stores[0]!.clocks.stats(portal.memberId)).running).toBe(200)
      h!.offset += 31_000
      // Both instances' timers come at the same moment; one of them runs the round.
      for (const app of apps) app.clocks.reschedule()
      for (let round = 0; round < 300 && (await stores[0]!.violations.all(portal.memberId)).length < 200; round++) await sleep(100)
      // Ten minutes on, the digests' window has closed: everything owed is told.
      const later = async (ms: number) => {
        h!.offset += ms
        for (const app of apps) app.clocks.reschedule()
        for (const app of apps) app.executor.wake(portal.memberId)
        await settled(true)
      }
      await later(10 * 60_000)
      const violations = await stores[0]!.violations.all(portal.memberId)
      expect(violations.map((violation) => violation.entityId).sort()).toEqual([...ids].sort())
      // Told once per deal: a notice each for the first, the rest folded into a digest that lists some and counts the
      // others («… и ещё N»); no deal twice, none left out.
      const told = calls('im.notify.system.add').map((call) => String((call.params as { MESSAGE: unknown }).MESSAGE))
      const named = ids.map((id) => told.filter((message) => message.includes(`/crm/deal/details/${id}/`)).length)
      const counted = told.reduce((sum, message) => sum + Number(/и ещё (\d+)/.exec(message)?.[1] ?? 0), 0)
      expect(Math.max(...named)).toBe(1)
      expect(named.reduce((sum, n) => sum + n, 0) + counted).toBe(200)
      // Moved on further, nothing more is told.
      await later(60 * 60_000)
      expect(calls('im.notify.system.add')).toHaveLength(told.length)
    }, 120_000)

    it('the weekly report with three instances at Monday 09:00: each head gets one file and one message', async () => {
      // Installed on a Wednesday at 12:00 Moscow time; the weekly default comes the Monday after, at 09:00.
      const today = localDateOf(Date.now(), 'Europe/Moscow')
      const wednesday = startOfDay(addDays(today, ((3 - today.weekday + 7) % 7) || 7), 'Europe/Moscow') + 12 * HOUR
      const { portal, apps } = await start(3, OFF, wednesday)
      portal.data.addDeal({ TITLE: 'Вектор: серверы', ASSIGNED_BY_ID: ANNA, OPPORTUNITY: 1000, CURRENCY_ID: 'RUB' }, { byUserId: ANNA })
      await settled()
      h!.offset += 5 * 24 * HOUR - 3 * HOUR + 30_000
      // Each instance's minute comes at once, twice over: the job engine runs the delivery on one instance at a time.
      for (let round = 0; round < 2; round++) await Promise.all(apps.map((app) => app.engine!.fire('reports')))
      const reportJobs = async () => Object.entries((await apps[0]!.engine!.status()).queues).filter(([name]) => name === 'reports').reduce((n, [, q]) => n + q.queued + q.active, 0)
      for (let round = 0; round < 300 && (portal.data.notifications.every((notice) => !notice.tag?.startsWith('RULES_REPORT|')) || (await reportJobs()) > 0); round++) await sleep(100)
      await settled(true)
      const told = portal.data.notifications.filter((notice) => notice.tag?.startsWith('RULES_REPORT|')).map((notice) => notice.tag)
      expect(told.length).toBeGreaterThan(0)
      expect(new Set(told).size).toBe(told.length)
      const files = portal.data.files.filter((file) => file.name.endsWith('.xlsx'))
      expect(files).toHaveLength(told.length)
      expect(new Set(files.map((file) => file.folderId)).size).toBe(files.length)
    }, 120_000)
  })
}
