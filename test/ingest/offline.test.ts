// Offline events over real HTTP with the fake portal: set-up by plan, drain into the mirror, clear after commit, own writes.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { loadManifest } from '../../src/portal/manifest.js'
import { bindOffline, OFFLINE_CONNECTOR } from '../../src/portal/offline-setup.js'
import { recordKindOf } from '../../src/ingest/event-records.js'
import { healthOf, settle, startHarness, type Harness } from '../helpers/harness.js'
import { itOnSqlite, syncOf } from '../helpers/test-store.js'

const manifest = loadManifest()
const RECORD_EVENTS = manifest.events.codes.filter((code) => !code.startsWith('ONAPP'))

describe('offline events', () => {
  let h: Harness
  afterEach(async () => {
    vi.restoreAllMocks()
    await h?.close()
  })

  const installed = async (options: Parameters<typeof startHarness>[0] = {}) => {
    // No rules stage: these tests watch the sync alone.
    h = await startHarness({ ...options, env: { B24_OFFLINE_EVENTS: 'on', ...options.env }, app: { onChange: () => {}, ...options.app } })
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    await drained()
    h.portal.clearCalls()
  }
  const drained = async () => {
    await h.portal.flushEvents()
    await h.app.offline.idle()
    await settle(h)
  }
  // What the schedule does in production: a push is not sent again within minTimeout.
  const drainNow = async () => {
    await h.portal.flushEvents()
    await h.app.offline.drain(member())
    await settle(h)
  }
  const member = () => h.portal.memberId
  const mirrored = (id: string) => h.store.mirror.get(member(), 'lead', id)
  const health = async () => (await healthOf(h)).portals[0]
  const called = (method: string) => h.portal.calls.filter((call) => call.method === method)

  it('binds every record event offline with the source key, and ONOFFLINEEVENT, once however often it installs', async () => {
    await installed()
    const offline = h.portal.eventBindings.filter((binding) => binding.offline)
    expect(offline.map((binding) => binding.event).sort()).toEqual([...RECORD_EVENTS].sort())
    expect(RECORD_EVENTS.every((code) => recordKindOf(code) !== undefined)).toBe(true)
    expect(offline.every((binding) => binding.authConnector === OFFLINE_CONNECTOR && binding.handler === '')).toBe(true)
    const pushes = h.portal.eventBindings.filter((binding) => binding.event === 'ONOFFLINEEVENT')
    // Batch parameters travel form-encoded: the portal keeps minTimeout as the string it got.
    expect(pushes).toMatchObject([{ offline: false, handler: `${h.url}/events`, options: { minTimeout: '1' } }])
    expect(await h.store.offlineQueues.get(member())).toMatchObject({ mode: 'active', authConnector: OFFLINE_CONNECTOR })
    expect((await h.store.journal.recent(member())).map((entry) => entry.kind)).toContain('offline.active')
    const before = h.portal.eventBindings.length

    await h.portal.installApp({ installUrl: `${h.url}/install` })
    await drained()
    expect(called('event.bind')).toEqual([])
    expect(called('event.unbind')).toEqual([])
    expect(h.portal.eventBindings).toHaveLength(before)
    expect((await health()).offline).toMatchObject({ mode: 'active', authConnector: OFFLINE_CONNECTOR, error: null })
  })

  it('changes whose online events never arrived are drained from the queue into the mirror, one record per object', async () => {
    await installed()
    h.portal.faults.dropEvents(1_000) // the online handler hears nothing, pushes included
    const ids = [h.portal.data.addLead({ TITLE: 'Заявка с сайта' }), h.portal.data.addLead({ TITLE: 'ООО «Вектор»' })]
    for (let i = 0; i < 5; i++) h.portal.data.updateLead(ids[0]!, { COMMENTS: `правка ${i}` })
    await h.portal.flushEvents()
    await h.app.offline.idle()
    await settle(h)
    expect(await mirrored(ids[0]!)).toBeUndefined()
    // Two adds and one update record: five updates of one lead leave one record.
    expect(h.portal.offlineEvents.map((record) => record.EVENT_NAME).sort()).toEqual(['ONCRMLEADADD', 'ONCRMLEADADD', 'ONCRMLEADUPDATE'])

    const report = await h.app.offline.drain(member())
    await settle(h)
    expect(report).toMatchObject({ taken: 3, accepted: 3, unmapped: 0 })
    for (const id of ids) expect((await mirrored(id))?.snapshot).toMatchObject({ ID: id, TITLE: h.portal.data.lead(id)?.TITLE })
    expect((await mirrored(ids[0]!))?.snapshot.COMMENTS).toBe('правка 4')
    expect(h.portal.offlineEvents).toEqual([])
    // Reserved with clear=0, cleared by process_id afterwards.
    expect(called('event.offline.get')[0]?.params).toMatchObject({ clear: 0, limit: 50, auth_connector: OFFLINE_CONNECTOR })
    expect(called('event.offline.clear')[0]?.params).toHaveProperty('process_id')
    expect((await health()).offline).toMatchObject({ drained: 3, unmapped: 0, error: null })
  })

  it('ONOFFLINEEVENT makes the app drain at once', async () => {
    await installed()
    h.portal.faults.dropEvents(1) // the online ONCRMLEADADD; the push behind it gets through
    const id = h.portal.data.addLead({ TITLE: 'Звонок' })
    await drained()
    expect(h.portal.deliveries.filter((d) => d.event === 'ONOFFLINEEVENT' && d.status === 200)).toHaveLength(1)
    expect((await mirrored(id))?.snapshot.TITLE).toBe('Звонок')
    expect(h.portal.offlineEvents).toEqual([])
  })

  itOnSqlite('the failing inbox is a spy on SQLite\'s synchronous repository')('clears the queue only after the inbox has committed; a failure on either side leaves the records to the next drain', async () => {
    await installed()
    h.portal.faults.dropEvents(1_000)
    const ids = ['Первый', 'Второй', 'Третий'].map((title) => h.portal.data.addLead({ TITLE: title }))
    await h.portal.flushEvents()
    await h.app.offline.idle()
    h.portal.clearCalls()

    // The inbox fails: nothing is written and nothing is cleared; the batch stays reserved on the portal.
    vi.spyOn(syncOf(h.store).inbox, 'accept').mockImplementationOnce(() => {
      throw new Error('disk I/O error')
    })
    await expect(h.app.offline.drain(member())).rejects.toThrow('disk I/O error')
    expect(called('event.offline.clear')).toEqual([])
    expect(await h.store.inbox.count(member())).toBe(0)
    expect(h.portal.offlineEvents).toHaveLength(3)
    expect(new Set(h.portal.offlineEvents.map((record) => record.PROCESS_ID)).size).toBe(1)
    expect(h.portal.offlineEvents[0]?.PROCESS_ID).not.toBe('')
    expect((await health()).offline.error).toBe('disk I/O error')

    // The next drain finds the reservation nobody cleared and takes it again.
    const again = await h.app.offline.drain(member())
    await settle(h)
    expect(again).toMatchObject({ recovered: 3, accepted: 3 })
    for (const id of ids) expect(await mirrored(id)).toBeDefined()
    expect(h.portal.offlineEvents).toEqual([])

    // The clear fails after the commit (as a crash would leave it): taken again, the record is a duplicate the
    // inbox keeps once (at most one more re-read of the record).
    h.portal.data.updateLead(ids[0]!, { TITLE: 'Первый, уточнён' })
    h.portal.faults.fail({ method: 'event.offline.clear', status: 400, error: 'ERROR_ARGUMENT', description: 'scripted' })
    await expect(h.app.offline.drain(member())).rejects.toThrow()
    const rows = await h.store.inbox.count(member())
    const retried = await h.app.offline.drain(member())
    expect(retried).toMatchObject({ recovered: 1 })
    expect(await h.store.inbox.count(member())).toBe(rows)
    await settle(h)
    expect((await mirrored(ids[0]!))?.snapshot.TITLE).toBe('Первый, уточнён')
    expect(h.portal.offlineEvents).toEqual([])
    expect((await health()).offline.error).toBeNull()
  })

  it("the app's own write carries the source key and is not queued; the same write without it is", async () => {
    await installed()
    const id = h.portal.data.addLead({ TITLE: 'Заявка' })
    await drained()
    const client = await h.app.clients.get(member())
    expect(client.authConnector).toBe(OFFLINE_CONNECTOR)

    const delivered = h.portal.deliveries.length
    await client.write('crm.lead.update', { id, fields: { COMPANY_TITLE: 'ООО «Вектор»' } })
    expect(called('crm.lead.update')[0]?.params).toMatchObject({ auth_connector: OFFLINE_CONNECTOR })
    expect(h.portal.offlineEvents).toEqual([])
    await h.portal.flushEvents()
    // Online events still fire for it (offline-events.md leaves out the queue only); no push, nothing was queued.
    expect(h.portal.deliveries.slice(delivered).map((d) => d.event)).toEqual(['ONCRMLEADUPDATE'])
    expect(h.portal.data.lead(id)?.COMPANY_TITLE).toBe('ООО «Вектор»')

    await client.call('crm.lead.update', { id, fields: { COMPANY_TITLE: 'Вектор' } })
    expect(h.portal.offlineEvents.map((record) => record.EVENT_NAME)).toEqual(['ONCRMLEADUPDATE'])
    await drainNow()
    expect(h.portal.offlineEvents).toEqual([])

    // Inside a batch, writeParams() adds the key.
    await client.batch({ fix: { method: 'crm.lead.update', params: client.writeParams({ id, fields: { COMPANY_TITLE: 'ООО «Вектор»' } }) } })
    expect(h.portal.data.lead(id)?.COMPANY_TITLE).toBe('ООО «Вектор»')
    expect(h.portal.offlineEvents).toEqual([])
    await drained()
  })

  it('a plan without offline events keeps online events only and says so on /healthz', async () => {
    await installed({ portal: { features: { rest_offline_extended: false } } })
    expect(h.portal.eventBindings.filter((binding) => binding.offline || binding.event === 'ONOFFLINEEVENT')).toEqual([])
    expect((await h.store.offlineQueues.get(member()))?.mode).toBe('unavailable')
    expect((await h.store.journal.recent(member())).map((entry) => entry.kind)).toContain('offline.unavailable')
    expect((await h.app.clients.get(member())).authConnector).toBeNull()
    expect((await health()).offline).toMatchObject({ mode: 'unavailable', authConnector: null })
    const id = h.portal.data.addLead({ TITLE: 'Онлайн' })
    await drained()
    expect((await mirrored(id))?.snapshot.TITLE).toBe('Онлайн')
    expect(called('event.offline.get')).toEqual([])
  })

  it('a plan without the source key binds offline events without one, and the own writes carry none', async () => {
    await installed({ portal: { features: { rest_auth_connector: false } } })
    expect(h.portal.eventBindings.filter((binding) => binding.offline).every((binding) => binding.authConnector === '')).toBe(true)
    expect(await h.store.offlineQueues.get(member())).toMatchObject({ mode: 'active', authConnector: null })
    const client = await h.app.clients.get(member())
    expect(client.authConnector).toBeNull()
    h.portal.faults.dropEvents(1_000)
    const id = h.portal.data.addLead({ TITLE: 'Без ключа' })
    await h.app.offline.drain(member())
    await settle(h)
    expect((await mirrored(id))?.snapshot.TITLE).toBe('Без ключа')
    expect(called('event.offline.get').every((call) => !('auth_connector' in (call.params as object)))).toBe(true)
  })

  it('records whose EVENT_DATA names nothing are logged and cleared; the sweeper finds their change', async () => {
    await installed({ portal: { offlineEventData: 'false' } })
    h.portal.faults.dropEvents(1_000)
    const id = h.portal.data.addLead({ TITLE: 'Без данных' })
    await h.portal.flushEvents()
    await h.app.offline.idle()
    const report = await h.app.offline.drain(member())
    expect(report).toMatchObject({ taken: 1, accepted: 0, unmapped: 1 })
    expect(h.portal.offlineEvents).toEqual([])
    expect((await h.store.journal.recent(member())).map((entry) => entry.kind)).toContain('offline.unmapped')
    expect((await health()).offline).toMatchObject({ unmapped: 1 })
    await h.app.sweeper.sweep(member())
    await settle(h)
    expect((await mirrored(id))?.snapshot.TITLE).toBe('Без данных')
  })

  it('with B24_OFFLINE_EVENTS off nothing offline is bound; switching off removes what was bound', async () => {
    h = await startHarness()
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    await settle(h)
    expect(h.portal.eventBindings.filter((binding) => binding.offline || binding.event === 'ONOFFLINEEVENT')).toEqual([])
    expect(called('feature.get')).toEqual([])
    expect(await h.store.offlineQueues.get(member())).toBeUndefined()
    expect((await health()).offline).toEqual({ mode: 'off' })
    await h.close()

    await installed()
    expect(h.portal.eventBindings.some((binding) => binding.offline)).toBe(true)
    const setup = await bindOffline(await h.app.clients.get(member()), manifest, h.url, 'off', OFFLINE_CONNECTOR)
    expect(setup).toMatchObject({ mode: 'off', unbound: RECORD_EVENTS.length + 1 })
    expect(h.portal.eventBindings.filter((binding) => binding.offline || binding.event === 'ONOFFLINEEVENT')).toEqual([])
    expect(h.portal.eventBindings.map((binding) => binding.event).sort()).toEqual([...manifest.events.codes].sort())
  })
})
