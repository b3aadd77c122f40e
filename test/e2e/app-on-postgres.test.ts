// The app end to end over real HTTP with the fake portal, its store on PostgreSQL (TEST_DATABASE_URL; skipped without).
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { ENTITIES, project } from '../../src/ingest/entities.js'
import { systemClock } from '../../src/shared/clock.js'
import type { StorePort } from '../../src/store/port.js'
import { openPostgresStore } from '../../src/store/postgres/index.js'
import { startFakePortal, type FakePortal } from '../fake-portal/index.js'
import { freePort, harnessConfig, settleUntil, testSettings } from '../helpers/harness.js'
import { freshSchemas, sayPostgresSkipped, TEST_DATABASE_URL } from '../store/postgres-target.js'

if (TEST_DATABASE_URL === undefined) {
  describe('the app on PostgreSQL', () => sayPostgresSkipped('the app on PostgreSQL'))
} else {
  const schemas = freshSchemas(TEST_DATABASE_URL)
  afterAll(() => schemas.dropAll())
  let h: { portal: FakePortal; app: FastifyInstance; store: StorePort; url: string }
  afterEach(async () => {
    await h.app.close()
    await h.store.close()
    await h.portal.close()
  })

  // The fake portal and the app on a fresh schema, installed, its first sweep done.
  const start = async () => {
    const portal = await startFakePortal()
    const config = harnessConfig(portal, await freePort())
    const store = await openPostgresStore({ ...schemas.next(), max: 10 }, systemClock, config.tokenKey)
    const app = await buildApp(config, { store, schedule: false, rules: testSettings(), now: systemClock })
    await app.listen({ port: config.port, host: config.host })
    h = { portal, app, store, url: config.publicUrl }
    await portal.installApp({ installUrl: `${h.url}/install` })
    await settle()
    portal.clearCalls()
  }
  const settle = () => settleUntil(h, async () => {
    const actions = (await h.store.actions.inState(h.portal.memberId, 'pending')).filter((action) => action.payload.digest !== true)
    return (await h.store.inbox.stats(h.portal.memberId)).pending + actions.length
  })
  const calls = (method: string) => h.portal.calls.filter((call) => call.method === method)

  describe('the app on PostgreSQL', () => {
    it('renames ООО "Вектор" to Вектор ООО with one update and one timeline comment, and resolves its violation', async () => {
      await start()
      const id = h.portal.data.addLead({ TITLE: 'Вектор: 20 ноутбуков', COMPANY_TITLE: 'ООО "Вектор"' }, { byUserId: 5 })
      await settle()
      expect(h.portal.data.lead(id)?.COMPANY_TITLE).toBe('Вектор ООО')
      expect(calls('crm.lead.update')).toHaveLength(1)
      expect(h.portal.data.timelineComments).toHaveLength(1)
      expect(await h.store.violations.all(h.portal.memberId)).toMatchObject([{ ruleId: 'LEAD-COMPANY-NAME', entityId: id, resolution: 'fixed by the app' }])
      h.portal.data.updateLead(id, { COMMENTS: 'перезвонить' }, { byUserId: 5 })
      await settle()
      expect(calls('crm.lead.update')).toHaveLength(1)
    })

    it('processes 1,000 events for 300 records, the mirror equal to the portal', async () => {
      await start()
      await h.app.worker.stop()
      const ids = Array.from({ length: 300 }, (_, i) => h.portal.data.addLead({ TITLE: `Лид ${i}`, COMPANY_TITLE: 'Вектор ООО' }))
      for (let round = 0; round < 2; round++) ids.forEach((id) => h.portal.data.updateLead(id, { COMMENTS: `правка ${round}` }))
      for (const id of ids.slice(0, 100)) h.portal.data.updateLead(id, { COMMENTS: 'последняя правка' })
      const delivered = h.portal.deliveries.length
      await h.portal.flushEvents()
      expect(h.portal.deliveries.slice(delivered).filter((delivery) => delivery.status === 200)).toHaveLength(1000)
      h.app.worker.start()
      await settle()
      for (const id of ids) expect((await h.store.mirror.get(h.portal.memberId, 'lead', id))?.snapshot).toEqual(project(ENTITIES.lead!, h.portal.data.lead(id) ?? {}))
      expect(await h.store.inbox.stats(h.portal.memberId)).toMatchObject({ pending: 0, parked: 0 })
    }, 120_000) // about 8,000 transactions: 15 s alone, more beside the whole suite
  })
}
