// The install with the interface as cloud portals do it: no APPLICATION_TOKEN in the frame, ONAPPINSTALL after installFinish.
import qs from 'qs'
import { afterEach, describe, expect, it } from 'vitest'
import { startCapture, type Capture } from '../helpers/capture.js'
import { healthOf, postForm, settle, startHarness, type Harness } from '../helpers/harness.js'

describe('install with the interface, as real portals send it', () => {
  let h: Harness | undefined
  let capture: Capture | undefined
  afterEach(async () => {
    await h?.close()
    await capture?.close()
  })

  const leadDeliveries = (harness: Harness) => harness.portal.deliveries.filter((d) => d.event === 'ONCRMLEADADD').map((d) => d.status)

  it('the frame has no APPLICATION_TOKEN: the app binds ONAPPINSTALL, and the event after installFinish brings the token', async () => {
    const harness = await startHarness()
    h = harness
    const reply = await harness.portal.openInstallFrame({ url: `${harness.url}/install` })
    expect(reply.status).toBe(200)
    expect(reply.body).toContain('Приложение установлено')
    expect(await harness.store.portals.get(harness.portal.memberId)).toMatchObject({ status: 'active', applicationToken: '' })
    expect(harness.portal.eventBindings.some((b) => b.event === 'ONAPPINSTALL' && b.handler === `${harness.url}/events`)).toBe(true)
    expect(await healthOf(harness)).toMatchObject({
      status: 'degraded',
      portals: [{ memberId: harness.portal.memberId, installation: 'waiting for its application_token (ONAPPINSTALL)' }],
    })

    harness.portal.finishInstall()
    await settle(harness)
    expect(harness.portal.deliveries.filter((d) => d.event === 'ONAPPINSTALL').map((d) => d.status)).toEqual([200])
    expect((await harness.store.portals.get(harness.portal.memberId))?.applicationToken).toBe(harness.portal.applicationToken)
    expect(await healthOf(harness)).toMatchObject({ status: 'ok', portals: [{ installation: 'finished' }] })

    // From now on the application_token alone proves an event, even a robot's, which carries no user token.
    const id = harness.portal.data.addLead({ TITLE: 'Заявка от робота' }, { byRobot: true })
    await settle(harness)
    expect(leadDeliveries(harness)).toEqual([200])
    expect((await harness.store.mirror.get(harness.portal.memberId, 'lead', id))?.snapshot.TITLE).toBe('Заявка от робота')
  })

  it('until ONAPPINSTALL arrives, an event is accepted only with tokens the stored portal confirms', async () => {
    const harness = await startHarness()
    h = harness
    await harness.portal.openInstallFrame({ url: `${harness.url}/install` })
    harness.portal.faults.dropEvents(1)
    harness.portal.finishInstall()
    await harness.portal.flushEvents()
    expect(harness.portal.deliveries.filter((d) => d.event === 'ONAPPINSTALL').map((d) => d.dropped)).toEqual([true])

    // Three changes by one user: her token is asked of the portal once.
    harness.portal.clearCalls()
    const byUser = [1, 2, 3].map((n) => harness.portal.data.addLead({ TITLE: `Заявка менеджера ${n}` }, { byUserId: 5 }))
    await settle(harness)
    for (const id of byUser) expect((await harness.store.mirror.get(harness.portal.memberId, 'lead', id))?.snapshot.TITLE).toMatch(/^Заявка менеджера/)
    expect(harness.portal.calls.filter((call) => call.method === 'app.info')).toHaveLength(1)
    harness.portal.data.addLead({ TITLE: 'Заявка от робота' }, { byRobot: true })
    await settle(harness)
    expect(leadDeliveries(harness)).toEqual([200, 200, 200, 401])

    // A made-up access token for that portal is not confirmed, by the stored portal only, and its application_token is not learnt from it.
    capture = await startCapture()
    const forged = qs.stringify({
      event: 'ONCRMLEADADD', data: { FIELDS: { ID: String(byUser[0]) } }, ts: '1766047124',
      auth: {
        access_token: 'made-up-access-token', domain: harness.portal.domain, client_endpoint: `${capture.url}/rest/`,
        server_endpoint: `${capture.url}/rest/`, member_id: harness.portal.memberId, application_token: 'attackers-own-application-token',
      },
    })
    const before = await harness.store.inbox.count(harness.portal.memberId)
    const refused = await postForm(`${harness.url}/events`, forged)
    expect(refused.status).toBe(401)
    expect(refused.json).toMatchObject({ error: 'APPLICATION_TOKEN_AWAITED' })
    expect(await harness.store.inbox.count(harness.portal.memberId)).toBe(before)
    expect((await harness.store.portals.get(harness.portal.memberId))?.applicationToken).toBe('')
    expect(capture.requests).toEqual([])
  })

  it('a forged ONAPPINSTALL while the token is awaited changes nothing', async () => {
    const harness = await startHarness()
    h = harness
    await harness.portal.openInstallFrame({ url: `${harness.url}/install` })
    const before = await harness.store.portals.get(harness.portal.memberId)
    const forged = (auth: Record<string, string>) => qs.stringify({
      event: 'ONAPPINSTALL', data: { VERSION: '1', LANGUAGE_ID: 'ru' }, ts: '1766047124',
      auth: {
        access_token: 'made-up-access-token', refresh_token: 'made-up-refresh-token', expires_in: '3600', scope: 'crm',
        domain: harness.portal.domain, server_endpoint: harness.portal.serverEndpoint, status: 'L',
        client_endpoint: harness.portal.clientEndpoint, member_id: harness.portal.memberId, application_token: 'forged0000000000000000000000000', ...auth,
      },
    })
    const unconfirmed = await postForm(`${harness.url}/events`, forged({}))
    expect(unconfirmed.status).toBe(403)
    expect(unconfirmed.json).toMatchObject({ error: 'TOKENS_NOT_CONFIRMED' })

    // A genuine employee (not an administrator) cannot hand the app an application_token either.
    capture = await startCapture()
    await harness.portal.openApp({ url: `${capture.url}/app`, userId: 5 })
    const frame = await capture.next()
    const employee = await postForm(`${harness.url}/events`, forged({ access_token: frame.AUTH_ID, refresh_token: frame.REFRESH_ID }))
    expect(employee.status).toBe(403)
    expect(employee.json).toMatchObject({ error: 'NOT_ADMIN' })
    expect(await harness.store.portals.get(harness.portal.memberId)).toEqual(before)
  })

  it('a frame that does carry APPLICATION_TOKEN keeps working as before', async () => {
    const harness = await startHarness({ portal: { frames: 'documented' } })
    h = harness
    const reply = await harness.portal.openInstallFrame({ url: `${harness.url}/install` })
    expect(reply.status).toBe(200)
    expect((await harness.store.portals.get(harness.portal.memberId))?.applicationToken).toBe(harness.portal.applicationToken)
    harness.portal.finishInstall()
    await settle(harness)
    const id = harness.portal.data.addLead({ TITLE: 'Заявка от робота' }, { byRobot: true })
    await settle(harness)
    expect((await harness.store.mirror.get(harness.portal.memberId, 'lead', id))?.snapshot.TITLE).toBe('Заявка от робота')
  })
})
