// Every request shape real portals sent (and the docs show), with a test portal's identities, sent to the app over HTTP.
import Fastify from 'fastify'
import qs from 'qs'
import { afterEach, describe, expect, it } from 'vitest'
import { registerFormParser } from '../../handlers/form.js'
import { ENTITIES } from '../../src/ingest/entities.js'
import { capturedRequests, phpUrlencode, withIdentities, type PortalIdentities, type RequestFixture } from '../fixtures/captured-requests.js'
import { startCapture, type Capture } from '../helpers/capture.js'
import { postForm, settle, startHarness, type Harness } from '../helpers/harness.js'

// Placement and app-page frames belong to the pages (not served yet); every other shape must be accepted.
const served = capturedRequests.filter((fixture) => fixture.kind !== 'placement-frame' && fixture.kind !== 'app-frame')
const recordEvents = served.filter((fixture) => fixture.kind === 'event' && fixture.expect.entity !== undefined)
const appEvents = served.filter((fixture) => fixture.kind === 'event' && fixture.expect.entity === undefined)
const installs = served.filter((fixture) => fixture.kind === 'install-event' || fixture.kind === 'install-frame')

describe('what real portals send is accepted', () => {
  let h: Harness | undefined
  let capture: Capture | undefined
  afterEach(async () => {
    await h?.close()
    await capture?.close()
  })

  const identities = (harness: Harness, tokens: Partial<PortalIdentities> = {}): PortalIdentities => ({
    memberId: harness.portal.memberId,
    applicationToken: harness.portal.applicationToken ?? '',
    domain: harness.portal.domain,
    clientEndpoint: harness.portal.clientEndpoint,
    serverEndpoint: harness.portal.serverEndpoint,
    ...tokens,
  })

  // A genuine administrator's pair, as the frame of the app's page hands it out.
  async function adminTokens(harness: Harness, open: 'install' | 'app'): Promise<Partial<PortalIdentities>> {
    capture = await startCapture()
    if (open === 'install') await harness.portal.openInstallFrame({ url: `${capture.url}/install` })
    else await harness.portal.openApp({ url: `${capture.url}/app` })
    const frame = await capture.next()
    return { accessToken: String(frame.AUTH_ID), refreshToken: String(frame.REFRESH_ID) }
  }

  it.each(recordEvents.map((fixture) => [fixture.name, fixture] as const))('%s: accepted and its record re-read', async (_name, fixture) => {
    const harness = await startHarness()
    h = harness
    await harness.portal.installApp({ installUrl: `${harness.url}/install` })
    await settle(harness)
    const reply = await postForm(`${harness.url}/events`, withIdentities(fixture.body, identities(harness)))
    expect(reply.status).toBe(200)
    expect(reply.json).toEqual({ status: 'ok', message: 'event accepted' })
    await settle(harness)
    const { entity, recordId } = fixture.expect
    const read = ENTITIES[entity ?? '']?.get(recordId ?? '')
    expect(harness.portal.calls.some((call) => call.method === read?.method && JSON.stringify(call.params).includes(`"${recordId}"`))).toBe(true)
  })

  it.each(appEvents.map((fixture) => [fixture.name, fixture] as const))('%s: accepted', async (_name, fixture) => {
    const harness = await startHarness()
    h = harness
    await harness.portal.installApp({ installUrl: `${harness.url}/install` })
    await settle(harness)
    const tokens = fixture.expect.event === 'ONAPPUPDATE' ? await adminTokens(harness, 'app') : {}
    const reply = await postForm(`${harness.url}/events`, withIdentities(fixture.body, identities(harness, tokens)))
    expect(reply.status).toBe(200)
    const outcome = { ONAPPUNINSTALL: 'uninstalled', ONAPPUPDATE: 'updated', ONOFFLINEEVENT: 'offline queue will be drained' } as Record<string, string>
    expect(reply.json).toEqual({ status: 'ok', message: outcome[fixture.expect.event ?? ''] })
  })

  it.each(installs.map((fixture) => [fixture.name, fixture] as const))('%s: installs the app', async (_name, fixture) => {
    const harness = await startHarness()
    h = harness
    const ids = identities(harness, await adminTokens(harness, 'install'))
    const body = withIdentities(fixture.body, { ...ids, applicationToken: harness.portal.applicationToken ?? '' })
    // The test portal speaks plain http on loopback: PROTOCOL is part of its identity, like DOMAIN.
    const query = fixture.query === undefined ? '' : `?${withIdentities(fixture.query, ids).replace(/(^|&)PROTOCOL=1(&|$)/, '$1PROTOCOL=0$2')}`
    const reply = await postForm(`${harness.url}/install${query}`, body)
    expect(reply.status).toBe(200)
    const stored = await harness.store.portals.get(harness.portal.memberId)
    expect(stored?.status).toBe('active')
    // A frame without APPLICATION_TOKEN leaves it to ONAPPINSTALL; the event brings it.
    const carried = qs.parse(fixture.body).APPLICATION_TOKEN !== undefined || fixture.kind === 'install-event'
    expect(stored?.applicationToken).toBe(carried ? harness.portal.applicationToken : '')
  })

  it('a `+`-encoded value arrives with its spaces, and escapes as PHP writes them', async () => {
    const app = Fastify()
    await registerFormParser(app)
    app.post('/echo', async (request) => request.body)
    const fixture = recordEvents[0] as RequestFixture
    const title = 'ООО «Вектор» и партнёры (Москва) ~ 100%!'
    const body = `${fixture.body}&data%5BFIELDS%5D%5BTITLE%5D=${phpUrlencode(title)}`
    expect(body).toContain('+%C2%AB')
    const reply = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body })
    expect(reply.json().data.FIELDS.TITLE).toBe(title)
    await app.close()
  })
})
