// Events to mirror over real HTTP: re-reads in batches, duplicates and reorders, sweeps for lost events, own writes.
import { afterEach, describe, expect, it } from 'vitest'
import { ENTITIES, project } from '../../src/ingest/entities.js'
import type { RecordChange } from '../../src/ingest/worker.js'
import { healthOf, settle, startHarness, type Harness } from '../helpers/harness.js'

const leadKind = ENTITIES.lead!

describe('sync', () => {
  let h: Harness
  afterEach(async () => h?.close())

  // The rules stay out of these tests: they watch the raw changes.
  const installed = async (options: Parameters<typeof startHarness>[0] = {}) => {
    h = await startHarness({ ...options, app: { onChange: () => {}, ...options.app } })
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    await settle(h)
    h.portal.clearCalls()
  }
  const mirrored = (id: string) => h.store.mirror.get(h.portal.memberId, 'lead', id)
  const portalLead = (id: string) => project(leadKind, h.portal.data.lead(id) ?? {})
  const batches = () => h.portal.calls.filter((call) => call.method === 'batch' && !call.viaBatch)

  it('a lead created and changed in the portal reaches the mirror', async () => {
    await installed()
    const id = h.portal.data.addLead({ TITLE: 'Заявка с сайта', COMPANY_TITLE: 'ООО "Вектор"', PHONE: [{ VALUE: '+7 (495) 123-45-67', VALUE_TYPE: 'WORK' }] }, { byUserId: 5 })
    await settle(h)
    expect((await mirrored(id))?.snapshot).toMatchObject({ ID: id, TITLE: 'Заявка с сайта', COMPANY_TITLE: 'ООО "Вектор"' })
    h.portal.data.updateLead(id, { TITLE: 'Вектор: 20 ноутбуков' }, { byUserId: 5 })
    await settle(h)
    expect((await mirrored(id))?.snapshot).toEqual(portalLead(id))
    expect((await mirrored(id))?.snapshot.TITLE).toBe('Вектор: 20 ноутбуков')
    h.portal.data.deleteLead(id)
    await settle(h)
    expect((await mirrored(id))?.deleted).toBe(true)
  })

  it('1,000 events for 300 records are all processed, re-read at most one batch per 50 records', async () => {
    await installed()
    await h.app.worker.stop() // hold the worker so that every event is waiting at once
    const ids = Array.from({ length: 300 }, (_, i) => h.portal.data.addLead({ TITLE: `Лид ${i}` }))
    for (let round = 0; round < 2; round++) ids.forEach((id, i) => h.portal.data.updateLead(id, { COMMENTS: `правка ${round}` }))
    for (const id of ids.slice(0, 100)) h.portal.data.updateLead(id, { COMMENTS: 'последняя правка' })
    const delivered = h.portal.deliveries.length
    await h.portal.flushEvents()
    expect(h.portal.deliveries.slice(delivered).filter((d) => d.status === 200)).toHaveLength(1000)
    h.portal.clearCalls()
    h.app.worker.start()
    await settle(h)
    expect(batches()).toHaveLength(6)
    for (const id of ids) expect((await mirrored(id))?.snapshot).toEqual(portalLead(id))
    expect(await h.store.inbox.stats(h.portal.memberId)).toMatchObject({ pending: 0, parked: 0 })
  })

  it('a duplicated and reordered stream leaves the mirror equal to the portal', async () => {
    await installed()
    h.portal.faults.duplicateEvents(40)
    h.portal.faults.reorderEvents(true)
    const ids = Array.from({ length: 20 }, (_, i) => h.portal.data.addLead({ TITLE: `Лид ${i}` }))
    ids.forEach((id, i) => h.portal.data.updateLead(id, { TITLE: `Лид ${i} переименован`, STATUS_ID: 'IN_PROCESS' }))
    await settle(h)
    for (const id of ids) expect((await mirrored(id))?.snapshot).toEqual(portalLead(id))
  })

  it('an event the portal never delivered is found by the next sweep', async () => {
    await installed()
    const seen = h.portal.data.addLead({ TITLE: 'Дошёл' })
    await settle(h)
    h.portal.faults.dropEvents(1)
    const lost = h.portal.data.addLead({ TITLE: 'Потерялся' })
    await settle(h)
    expect(await mirrored(lost)).toBeUndefined()
    const report = await h.app.sweeper.sweep(h.portal.memberId)
    await settle(h)
    expect((await mirrored(lost))?.snapshot).toEqual(portalLead(lost))
    // Found: the lost one, and the one seen, read within the second it changed in, so read once more (see the next test).
    expect(report.find((state) => state.entity === 'lead')).toMatchObject({ found: 2, error: null })
    expect((await mirrored(seen))?.snapshot).toEqual(portalLead(seen))
    const health = await healthOf(h)
    expect(health.portals[0].sweeps.find((s: { entity: string }) => s.entity === 'lead')).toMatchObject({ found: 2 })
  })

  it('a second change in the second of the first, its event lost, is found by the next sweep (DATE_MODIFY counts seconds)', async () => {
    // The portal's clock stands still: every change carries the same DATE_MODIFY, as two changes within one second do.
    const frozen = Date.now()
    await installed({ portal: { now: () => frozen } })
    const id = h.portal.data.addLead({ TITLE: 'Заявка' })
    await settle(h)
    expect((await mirrored(id))?.snapshot.TITLE).toBe('Заявка')
    h.portal.faults.dropEvents(1)
    h.portal.data.updateLead(id, { TITLE: 'Заявка, правка в ту же секунду' })
    await settle(h)
    expect((await mirrored(id))?.snapshot.TITLE).toBe('Заявка')
    expect(h.portal.data.lead(id)?.DATE_MODIFY).toBe((await mirrored(id))?.snapshot.DATE_MODIFY)
    await h.app.sweeper.sweep(h.portal.memberId)
    await settle(h)
    expect((await mirrored(id))?.snapshot).toEqual(portalLead(id))
  })

  it('the first sweep after install fills the mirror with open records and the recent history', async () => {
    h = await startHarness({ app: { onChange: () => {} } })
    const open = h.portal.data.addLead({ TITLE: 'Открытый лид' })
    const junk = h.portal.data.addLead({ TITLE: 'Некачественный', STATUS_ID: 'JUNK' })
    const deal = h.portal.data.addDeal({ TITLE: 'Сделка', STAGE_ID: 'NEW' })
    const task = h.portal.data.addTask({ TITLE: 'РЗ Позвонить', RESPONSIBLE_ID: 5 })
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    await settle(h)
    expect((await mirrored(open))?.snapshot.TITLE).toBe('Открытый лид')
    // Closed, but changed within reports.history (P90D): mirrored for the reports (test/portal/install-history.test.ts).
    expect((await mirrored(junk))?.snapshot.STATUS_SEMANTIC_ID).toBe('F')
    expect((await h.store.mirror.get(h.portal.memberId, 'deal', deal))?.snapshot.TITLE).toBe('Сделка')
    expect((await h.store.mirror.get(h.portal.memberId, 'task', task))?.snapshot.title).toBe('РЗ Позвонить')
  })

  it("the app's own write comes back as an echo and is not handled again", async () => {
    const changes: RecordChange[] = []
    await installed({
      app: {
        onChange: (change) => {
          changes.push(change)
          const title = change.current?.COMPANY_TITLE
          if (change.entity === 'lead' && title === 'ООО "Вектор"') {
            // Written after the transaction, as actions are.
            setImmediate(() => {
              void h.store.ownWrites.record(change.memberId, 'lead', change.entityId, { COMPANY_TITLE: 'Вектор ООО' }).then(() => h.app.clients.get(change.memberId).then((client) => client.call('crm.lead.update', { id: change.entityId, fields: { COMPANY_TITLE: 'Вектор ООО' } })))
            })
          }
        },
      },
    })
    const id = h.portal.data.addLead({ TITLE: 'Заявка', COMPANY_TITLE: 'ООО "Вектор"' })
    await settle(h)
    await new Promise((resolve) => setTimeout(resolve, 200))
    await settle(h)
    expect(h.portal.calls.filter((call) => call.method === 'crm.lead.update')).toHaveLength(1)
    expect(h.portal.data.lead(id)?.COMPANY_TITLE).toBe('Вектор ООО')
    expect((await mirrored(id))?.snapshot.COMPANY_TITLE).toBe('Вектор ООО')
    expect(changes.filter((change) => change.entityId === id)).toHaveLength(1)
  })

  it('failed work is retried, then parked with its error and shown on /healthz', async () => {
    await installed({ env: { WORKER_MAX_ATTEMPTS: '2', WORKER_RETRY_BASE_MS: '100' } })
    // The record's own read fails inside the batch: the client does not retry that, the worker does (no wall-clock race
    // with the client's backoff, which made a failed whole batch take up to 30 s per attempt under load).
    h.portal.faults.fail({ method: 'crm.lead.get', status: 500, error: 'INTERNAL_SERVER_ERROR', description: 'boom', times: 100 })
    const id = h.portal.data.addLead({ TITLE: 'Не прочитать' })
    await h.portal.flushEvents()
    await h.app.worker.idle()
    await new Promise((resolve) => setTimeout(resolve, 200))
    await h.app.worker.idle()
    // Retries run on their own timer; wait for the second attempt to park the work.
    for (let i = 0; i < 100 && (await h.store.inbox.stats(h.portal.memberId)).parked === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(await h.store.inbox.stats(h.portal.memberId)).toMatchObject({ pending: 0, parked: 1 })
    const health = await healthOf(h)
    expect(health.status).toBe('degraded')
    expect(health.portals[0].inbox.parkedWork[0]).toMatchObject({ entity: 'lead', entityId: id, attempts: 2 })
    expect(health.portals[0].inbox.parkedWork[0].error).toContain('INTERNAL_SERVER_ERROR')
  })
})
