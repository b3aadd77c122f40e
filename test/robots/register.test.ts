// Registering the robots over HTTP with the fake portal: once at install, again (never twice) at a second install and
// at an update, and a portal without automation installs without them and says so.
import { afterEach, describe, expect, it } from 'vitest'
import { ROBOTS } from '../../src/robots/catalogue.js'
import { healthOf, startHarness, type Harness } from '../helpers/harness.js'

const CODES = ROBOTS.map((robot) => robot.code)

describe('registering the robots', () => {
  let h: Harness
  afterEach(async () => h?.close())

  const robotsOnPortal = () => h.portal.data.robots.map((robot) => `${robot.code} ${robot.handler}`)
  const expected = () => CODES.map((code) => `${code} ${h.url}/robots`)

  it('the install registers each robot of the catalogue once, on the /robots handler, named in both languages', async () => {
    h = await startHarness()
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    expect(robotsOnPortal()).toEqual(expected())
    expect(h.portal.data.robots[0]).toMatchObject({ useSubscription: 'Y', name: { ru: 'Проверить правила компании', en: 'Check the company rules' }, authUserId: 1 })
    expect((await healthOf(h)).portals[0].robots).toMatchObject({ mode: 'registered', registered: CODES })
  })

  it('a second install adds none twice; an update (which removes them on the portal) registers them again', async () => {
    h = await startHarness()
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    h.portal.clearCalls()
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    expect(h.portal.calls.filter((call) => call.method === 'bizproc.robot.add')).toEqual([])
    expect(robotsOnPortal()).toEqual(expected())
    await h.portal.updateApp()
    await h.app.worker.idle()
    expect(robotsOnPortal()).toEqual(expected())
    h.portal.clearCalls()
    await h.portal.updateApp()
    expect(robotsOnPortal()).toEqual(expected())
  })

  it('a portal whose plan has no automation installs without robots, and /healthz says so', async () => {
    h = await startHarness({ portal: { automation: false } })
    const reply = await h.portal.installApp({ installUrl: `${h.url}/install` })
    expect(reply.status).toBe(200)
    expect((await h.store.portals.get(h.portal.memberId))?.status).toBe('active')
    expect(h.portal.data.robots).toEqual([])
    const health = await healthOf(h)
    expect(health.portals[0].robots).toMatchObject({ mode: 'unavailable', registered: [], error: expect.stringContaining('ERROR_METHOD_NOT_FOUND') })
    expect(h.portal.eventBindings.length).toBeGreaterThan(0)
    expect((await (await fetch(`${h.url}/healthz`)).json()).totals).toMatchObject({ portals: 1, active: 1, withoutAutomation: 1 })
  })
})
