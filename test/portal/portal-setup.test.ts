// Issue 16.5: binding as the portal answers it — what event.get and placement.get show is not bound again (one batch to
// look, one to bind), a bind that meets its own binding (another set-up got there first) is no failure, and anything
// else the portal refuses fails the set-up with the portal's code and message.
import { afterEach, describe, expect, it } from 'vitest'
import { loadManifest } from '../../src/portal/manifest.js'
import { bindOffline, OFFLINE_CONNECTOR } from '../../src/portal/offline-setup.js'
import { bindPortal, isAlreadyBound, type BatchCaller } from '../../src/portal/portal-setup.js'
import { startHarness, type Harness } from '../helpers/harness.js'

const manifest = loadManifest()
type Batch = BatchCaller['batch']

describe('binding events and card tabs', () => {
  let h: Harness
  afterEach(async () => h?.close())

  const installed = async (env: Record<string, string> = {}) => {
    h = await startHarness({ env })
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    h.portal.clearCalls()
  }
  const client = () => h.app.clients.get(h.portal.memberId)
  // The set-up's client, counting its batches (each under 50 commands: one request) and their methods.
  const counted = () => {
    const batches: string[][] = []
    const caller: BatchCaller = {
      batch: (async (commands) => {
        batches.push(Object.values(commands).map((command) => command.method).sort())
        return (await client()).batch(commands)
      }) as Batch,
    }
    return { caller, batches }
  }
  const bindings = () => ({
    events: h.portal.eventBindings.map((binding) => `${binding.event} ${binding.handler}`).sort(),
    placements: h.portal.placementBindings.map((binding) => `${binding.placement} ${binding.handler}`).sort(),
  })
  // The set-up's client, with another set-up's identical binds slipped in just before its own: the race.
  const racing = (): BatchCaller => ({
    batch: (async (commands) => {
      const binds = Object.fromEntries(Object.entries(commands).filter(([, command]) => command.method.endsWith('.bind')))
      if (Object.keys(binds).length > 0) await (await client()).batch(binds)
      return (await client()).batch(commands)
    }) as Batch,
  })
  // Removes an event binding and a card tab, as an administrator might.
  const unbindSome = async () => {
    await (await client()).batch({
      lead: { method: 'event.unbind', params: { event: 'ONCRMLEADADD', handler: `${h.url}/events` } },
      tab: { method: 'placement.unbind', params: { PLACEMENT: 'CRM_LEAD_DETAIL_TAB', HANDLER: `${h.url}/placements/lead` } },
    })
    h.portal.clearCalls()
  }

  it('a re-install looks once (event.get and placement.get in one batch), binds nothing and does not fail', async () => {
    await installed()
    const before = bindings()
    const { caller, batches } = counted()
    await expect(bindPortal(caller, manifest, h.url)).resolves.toEqual({ boundEvents: [], boundPlacements: [], unboundStale: 0 })
    expect(batches).toEqual([['event.get', 'placement.get']])
    expect(h.portal.calls.filter((call) => call.method.endsWith('.bind'))).toEqual([])
    expect(bindings()).toEqual(before)
  })

  it('binds only what is missing, in one batch: a card tab still bound is not bound again', async () => {
    await installed()
    const before = bindings()
    await unbindSome()
    const { caller, batches } = counted()
    const setup = await bindPortal(caller, manifest, h.url)
    expect(setup).toEqual({ boundEvents: ['ONCRMLEADADD'], boundPlacements: ['CRM_LEAD_DETAIL_TAB'], unboundStale: 0 })
    expect(batches).toEqual([['event.get', 'placement.get'], ['event.bind', 'placement.bind']])
    expect(h.portal.calls.filter((call) => call.method === 'placement.bind').map((call) => (call.params as { PLACEMENT: string }).PLACEMENT)).toEqual(['CRM_LEAD_DETAIL_TAB'])
    expect(bindings()).toEqual(before)
  })

  it('a bind that meets its own binding, bound meanwhile by another set-up, is no failure and binds nothing twice', async () => {
    await installed()
    const before = bindings()
    await unbindSome()
    // Both duplicates answer ERROR_CORE "…: Handler already binded", for the event and for the tab.
    await expect(bindPortal(racing(), manifest, h.url)).resolves.toEqual({ boundEvents: [], boundPlacements: [], unboundStale: 0 })
    expect(h.portal.calls.filter((call) => call.error === 'ERROR_CORE').map((call) => call.method).sort()).toEqual(['event.bind', 'placement.bind'])
    expect(bindings()).toEqual(before)
  })

  it('an offline binding made meanwhile by another set-up is no failure either', async () => {
    await installed()
    expect(h.portal.eventBindings.filter((binding) => binding.offline)).toEqual([])
    // Offline events switched on: event.get shows none bound offline, and another set-up binds them first.
    await expect(bindOffline(racing(), manifest, h.url, 'on', undefined)).resolves.toMatchObject({ mode: 'active', authConnector: OFFLINE_CONNECTOR })
    expect(h.portal.calls.filter((call) => call.method === 'event.bind' && call.error === 'ERROR_CORE').length).toBeGreaterThan(1)
    const offline = h.portal.eventBindings.filter((binding) => binding.offline).map((binding) => binding.event)
    expect(offline.length).toBeGreaterThan(0)
    expect(new Set(offline).size).toBe(offline.length)
    expect(h.portal.eventBindings.filter((binding) => binding.event === 'ONOFFLINEEVENT')).toHaveLength(1)
  })

  it('any other refusal fails the set-up with the portal\'s code and message, an ERROR_CORE of another cause too', async () => {
    await installed()
    await unbindSome()
    h.portal.faults.fail({ method: 'event.bind', status: 400, error: 'ERROR_WRONG_HANDLER_URL', description: 'Wrong handler URL' })
    await expect(bindPortal(await client(), manifest, h.url)).rejects.toMatchObject({
      code: 'PORTAL_SETUP_FAILED', message: expect.stringContaining('event_ONCRMLEADADD: ERROR_WRONG_HANDLER_URL Wrong handler URL'),
    })
    await unbindSome()
    h.portal.faults.fail({ method: 'placement.bind', status: 400, error: 'ERROR_CORE', description: 'Unable to set placement handler: Process of binding the handler has already started' })
    await expect(bindPortal(await client(), manifest, h.url)).rejects.toThrow('placement_CRM_LEAD_DETAIL_TAB: ERROR_CORE Unable to set placement handler: Process of binding the handler has already started')
  })

  it('a bind answering false ("the handler was not registered") fails the set-up', async () => {
    await installed()
    await unbindSome()
    const falseForTabs: BatchCaller = {
      batch: (async (commands) => {
        const outcome = await (await client()).batch(commands)
        for (const [key, command] of Object.entries(commands)) if (command.method === 'placement.bind') outcome.results[key] = false
        return outcome
      }) as Batch,
    }
    await expect(bindPortal(falseForTabs, manifest, h.url)).rejects.toThrow('placement_CRM_LEAD_DETAIL_TAB: FALSE placement.bind answered false')
  })

  it('an install whose binding is refused fails, and nothing says it was set up', async () => {
    h = await startHarness()
    h.portal.faults.fail({ method: 'placement.bind', status: 403, error: 'ACCESS_DENIED', description: 'Access denied!' })
    const reply = await h.portal.installApp({ installUrl: `${h.url}/install` })
    expect(reply.status).toBe(502)
    expect((await h.store.journal.recent(h.portal.memberId)).map((entry) => entry.kind)).not.toContain('app.bound')
  })
})

describe('isAlreadyBound', () => {
  it.each([
    ['ERROR_CORE', 'Unable to set event handler: Handler already binded', true],
    ['ERROR_CORE', 'Unable to set placement handler: Handler already binded', true],
    ['ERROR_CORE', 'Unable to set event handler: Process of binding the handler has already started', false],
    ['ERROR_CORE', 'Unable to set placement handler: Handler not found', false],
    ['ERROR_HANDLER_ALREADY_EXIST', 'Handler already exists!', false],
    ['ERROR_EVENT_NOT_FOUND', 'Event not found', false],
  ])('%s %s → %s', (error, description, expected) => {
    expect(isAlreadyBound({ error, description })).toBe(expected)
  })
})
