// Waves over real HTTP: a burst's records read once each, ⌈records/50⌉ batches; a change after a read still read; fixes not held.
import { afterEach, describe, expect, it } from 'vitest'
import type { AppDeps } from '../../src/app.js'
import { ENTITIES, project } from '../../src/ingest/entities.js'
import { actionKey } from '../../src/store/plan.js'
import { settle, startHarness, testSettings, type Harness } from '../helpers/harness.js'

// Long enough that the wall clock never ends a wave during a test: only the test's moves of the app's clock do.
const QUIET_MS = 60_000
const leadKind = ENTITIES.lead!

describe('waves', () => {
  let h: Harness
  let offset = 0
  const now = () => Date.now() + offset
  afterEach(async () => h?.close())

  const start = async (app: Partial<AppDeps> = { onChange: () => {} }) => {
    offset = 0
    h = await startHarness({
      env: { WORKER_QUIET_MS: String(QUIET_MS), WORKER_MAX_WAIT_MS: String(10 * QUIET_MS) },
      portal: { now },
      app: { now: () => new Date(now()), ...app },
    })
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    await waveOver()
    h.portal.clearCalls()
  }
  const pending = async () => (await h.store.inbox.stats(h.portal.memberId)).pending
  // The burst is over: every event delivered, the app's clock moved past the quiet time, the wave read (and the echoes
  // of what the app wrote, in waves of their own).
  const waveOver = async () => {
    for (let round = 0; round < 5; round++) {
      await h.app.sweeper.idle()
      await h.portal.flushEvents()
      if (await pending() === 0) break
      offset += QUIET_MS
      h.app.worker.wake(h.portal.memberId)
      await h.app.worker.idle()
      await h.app.executor.idle()
    }
    await settle(h)
  }
  const batches = () => h.portal.calls.filter((call) => call.method === 'batch' && !call.viaBatch)
  const readsOf = (id: string) => h.portal.calls.filter((call) => call.viaBatch && call.method === 'crm.lead.get' && (call.params as { ID?: unknown }).ID === id)
  const mirrored = async (id: string) => (await h.store.mirror.get(h.portal.memberId, 'lead', id))?.snapshot
  const portalLead = (id: string) => project(leadKind, h.portal.data.lead(id) ?? {})

  it('a burst of 360 events over 120 leads is read once it settles: ⌈120/50⌉ = 3 batches, each lead once', async () => {
    await start()
    const ids = Array.from({ length: 120 }, (_, i) => h.portal.data.addLead({ TITLE: `Вектор ${i}: ноутбуки` }, { byUserId: 5 }))
    await waveOver()
    h.portal.clearCalls()
    const delivered = h.portal.deliveries.length
    for (let round = 0; round < 3; round++) ids.forEach((id, i) => h.portal.data.updateLead(id, { COMMENTS: `правка ${round}`, OPPORTUNITY: 1000 * round + i }, { byUserId: 5 }))
    await h.portal.flushEvents()
    // Every event is in (those of one lead within one second stored once: the same ts), and nothing read yet.
    expect(h.portal.deliveries.slice(delivered).filter((d) => d.status === 200)).toHaveLength(360)
    expect(await pending()).toBeGreaterThanOrEqual(120)
    expect(batches()).toHaveLength(0)
    await waveOver()
    expect(batches()).toHaveLength(3)
    for (const id of ids) expect(readsOf(id)).toHaveLength(1)
    for (const id of ids) expect(await mirrored(id)).toEqual(portalLead(id))
    expect(await h.store.inbox.stats(h.portal.memberId)).toMatchObject({ pending: 0, parked: 0 })
  })

  it('on the wall clock, a wave is read by itself once the events have stopped for the quiet time', async () => {
    h = await startHarness({ env: { WORKER_QUIET_MS: '500', WORKER_MAX_WAIT_MS: '20000' }, app: { onChange: () => {} } })
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    const ids = Array.from({ length: 30 }, (_, i) => h.portal.data.addLead({ TITLE: `Вектор ${i}` }, { byUserId: 5 }))
    await h.portal.flushEvents()
    const stopped = Date.now()
    for (let i = 0; i < 200 && await pending() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 25))
    expect(await pending()).toBe(0)
    expect(Date.now() - stopped).toBeGreaterThanOrEqual(300)
    for (const id of ids) expect(await mirrored(id)).toEqual(portalLead(id))
  })

  it('a change whose event arrives after its record was read is read in the next wave (no change lost)', async () => {
    await start()
    const id = h.portal.data.addLead({ TITLE: 'Заявка' }, { byUserId: 5 })
    const other = h.portal.data.addLead({ TITLE: 'Другая заявка' }, { byUserId: 5 })
    await h.portal.flushEvents()
    // The portal reads the lead, then holds its answer a second: the change and its event come in meanwhile.
    h.portal.faults.slow({ method: 'crm.lead.get', ms: 1_000 })
    offset += QUIET_MS
    h.app.worker.wake(h.portal.memberId)
    for (let i = 0; i < 100 && readsOf(id).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(readsOf(id)).toHaveLength(1)
    h.portal.data.updateLead(id, { TITLE: 'Заявка: 20 ноутбуков' }, { byUserId: 5 })
    await h.portal.flushEvents()
    await h.app.worker.idle()
    // The read answered the events that were in when it was sent, not the one that came after.
    expect((await mirrored(id))?.TITLE).toBe('Заявка')
    expect(await pending()).toBe(1)
    await waveOver()
    expect(readsOf(id)).toHaveLength(2)
    expect(readsOf(other)).toHaveLength(1)
    expect(await mirrored(id)).toEqual(portalLead(id))
  })

  it("a fix in the outbox goes out while a burst is still settling; the fix's own echo waits for the wave", async () => {
    await start({ rules: testSettings({ rules: { 'LEAD-COMPANY-NAME': { mode: 'autofix' }, 'LEAD-TITLE': { mode: 'off' }, 'LEAD-FIELDS': { mode: 'off' } } }) })
    const fixed = h.portal.data.addLead({ TITLE: 'Вектор: 20 ноутбуков', COMPANY_TITLE: 'ООО "Вектор"' }, { byUserId: 5 })
    const ids = Array.from({ length: 60 }, (_, i) => h.portal.data.addLead({ TITLE: `Ромашка ${i}: кресла`, COMPANY_TITLE: `Ромашка ${i} ООО` }, { byUserId: 5 }))
    await h.portal.flushEvents()
    expect(await pending()).toBe(61)
    // The fix the rules would plan, planned now, while the burst settles: the outbox sends it without waiting for the wave.
    const violation = { ruleId: 'LEAD-COMPANY-NAME', ruleVersion: 1, entity: 'lead' as const, entityId: fixed, variant: '', responsibleId: '5', message: { problem: { ru: 'п', en: 'p' }, todo: { ru: 'т', en: 't' } } }
    const ref = { ref: 'v1' }
    await h.store.apply({
      memberId: h.portal.memberId, unknownUsers: [],
      steps: [
        { op: 'violation.open', ref: 'v1', violation, journal: { ruleId: 'LEAD-COMPANY-NAME', entity: 'lead', entityId: fixed } },
        {
          op: 'action', key: actionKey({ violation: ref }, 'fix'), priority: 'fix',
          payload: {
            kind: 'fix', violation: ref, ruleId: 'LEAD-COMPANY-NAME', entity: 'lead', entityId: fixed, fields: { COMPANY_TITLE: 'Вектор ООО' }, describe: { ru: 'и', en: 'f' },
            then: [{ op: 'violation.resolve', violation: ref, resolution: 'fixed by the app' }],
          },
        },
      ],
    })
    h.app.executor.wake(h.portal.memberId)
    await h.app.executor.idle()
    expect(h.portal.calls.filter((call) => call.method === 'crm.lead.update')).toHaveLength(1)
    expect(h.portal.data.lead(fixed)?.COMPANY_TITLE).toBe('Вектор ООО')
    // No record of the burst was read meanwhile; the fix's echo joined it.
    expect(h.portal.calls.filter((call) => call.viaBatch && call.method === 'crm.lead.get')).toHaveLength(0)
    await h.portal.flushEvents()
    expect(await pending()).toBeGreaterThanOrEqual(61)
    await waveOver()
    // One wave: 61 leads, 2 batches; the fix was not written twice.
    expect(readsOf(fixed)).toHaveLength(1)
    for (const id of ids) expect(readsOf(id)).toHaveLength(1)
    expect(h.portal.calls.filter((call) => call.method === 'crm.lead.update')).toHaveLength(1)
    expect((await mirrored(fixed))?.COMPANY_TITLE).toBe('Вектор ООО')
  })
})
