// Nothing but the portal itself can install, update or move a portal: two portals, an attacker's and another app's.
import qs from 'qs'
import { afterEach, describe, expect, it } from 'vitest'
import { startFakePortal, type FakePortal } from '../fake-portal/index.js'
import { startCapture, type Capture } from '../helpers/capture.js'
import { postForm, settle, startHarness, type Harness } from '../helpers/harness.js'

describe('no portal takeover', () => {
  let h: Harness | undefined
  const others: Array<FakePortal | Capture> = []
  afterEach(async () => {
    await h?.close()
    for (const other of others.splice(0)) await other.close()
  })

  /** The app with portal A installed, and the attacker's own portal B installed too (both real, both this app). */
  async function twoPortals() {
    const harness = await startHarness()
    h = harness
    await harness.portal.installApp({ installUrl: `${harness.url}/install` })
    const attacker = await startFakePortal()
    others.push(attacker)
    await attacker.installApp({ installUrl: `${harness.url}/install` })
    await settle(harness)
    return { h: harness, a: harness.portal, b: attacker }
  }

  /** The genuine ONAPPINSTALL body portal `p` sends an administrator's install to (captured on the attacker's server). */
  async function genuineInstallOf(p: FakePortal): Promise<Record<string, any>> {
    const capture = await startCapture()
    others.push(capture)
    await p.installApp({ installUrl: `${capture.url}/install` })
    return capture.next()
  }

  /** A lead change on portal A still reaches the app and its mirror. */
  async function eventsStillAccepted(harness: Harness) {
    const id = harness.portal.data.addLead({ TITLE: 'Заявка после атаки' }, { byUserId: 5 })
    await settle(harness)
    expect(harness.portal.deliveries.filter((d) => d.event === 'ONCRMLEADADD').at(-1)?.status).toBe(200)
    expect((await harness.store.mirror.get(harness.portal.memberId, 'lead', id))?.snapshot.TITLE).toBe('Заявка после атаки')
  }

  it("an install or update naming A's member_id from B's endpoint, with B's genuine admin tokens, is asked of A only and refused", async () => {
    const { h, a, b } = await twoPortals()
    const before = await h.store.portals.get(a.memberId)
    const genuine = await genuineInstallOf(b)
    const forged = { ...genuine, auth: { ...genuine.auth, member_id: a.memberId } }
    b.clearCalls()
    const attempts = [
      ['/install', forged], ['/events', forged], ['/events', { ...forged, event: 'ONAPPUPDATE' }],
      ['/events', { ...forged, event: 'ONAPPUPDATE', auth: { ...forged.auth, client_endpoint: a.clientEndpoint, domain: a.domain } }],
    ] as const
    for (const [path, body] of attempts) {
      const reply = await postForm(`${h.url}${path}`, qs.stringify(body))
      expect(reply.status).toBe(403)
      expect(reply.json).toMatchObject({ error: 'TOKENS_NOT_CONFIRMED' })
    }
    expect(b.calls).toEqual([])
    expect(await h.store.portals.get(a.memberId)).toEqual(before)
    await eventsStillAccepted(h)
  })

  it('a flood of forged installs naming an installed portal asks it at most 20 times at once, then is answered 429', async () => {
    const { h, a, b } = await twoPortals()
    const genuine = await genuineInstallOf(b)
    a.clearCalls()
    b.clearCalls()
    const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => postForm(`${h.url}/install`,
      qs.stringify({ ...genuine, auth: { ...genuine.auth, member_id: a.memberId, access_token: `forged-${i}` } }))))
    const statuses = replies.map((reply) => reply.status)
    expect({ refused: statuses.filter((status) => status === 403).length, tooMany: statuses.filter((status) => status === 429).length }).toEqual({ refused: 20, tooMany: 10 })
    expect(a.calls.length).toBeLessThanOrEqual(20)
    expect(b.calls).toEqual([])
    await eventsStillAccepted(h)
  })

  it("A's own genuine install naming B's endpoint is confirmed by A and leaves A where it is", async () => {
    const { h, a, b } = await twoPortals()
    const genuine = await genuineInstallOf(a)
    const misdirected = { ...genuine, auth: { ...genuine.auth, client_endpoint: b.clientEndpoint, domain: b.domain } }
    b.clearCalls()
    const reply = await postForm(`${h.url}/install`, qs.stringify(misdirected))
    expect(reply.status).toBe(200)
    expect(b.calls).toEqual([])
    expect((await h.store.portals.get(a.memberId))?.clientEndpoint).toBe(a.clientEndpoint.replace(/\/$/, ''))
    expect((await h.store.portals.get(b.memberId))?.clientEndpoint).toBe(b.clientEndpoint.replace(/\/$/, ''))
  })

  it('an update with a non-administrator’s genuine tokens changes nothing', async () => {
    const { h, a } = await twoPortals()
    const before = await h.store.portals.get(a.memberId)
    // Every user who opens the app gets a genuine pair in the frame POST.
    const capture = await startCapture()
    others.push(capture)
    await a.openApp({ url: `${capture.url}/app`, userId: 5 })
    const frame = await capture.next()
    const update = {
      event: 'ONAPPUPDATE', data: { VERSION: '2', PREVIOUS_VERSION: '1', LANGUAGE_ID: 'ru' }, ts: '1766047124',
      auth: {
        access_token: frame.AUTH_ID, refresh_token: frame.REFRESH_ID, expires_in: '3600', scope: 'crm', domain: a.domain,
        server_endpoint: a.serverEndpoint, status: 'L', client_endpoint: a.clientEndpoint, member_id: a.memberId,
        application_token: 'swapped0000000000000000000000000',
      },
    }
    const reply = await postForm(`${h.url}/events`, qs.stringify(update))
    expect(reply.status).toBe(403)
    expect(reply.json).toMatchObject({ error: 'NOT_ADMIN' })
    expect(await h.store.portals.get(a.memberId)).toEqual(before)
    await eventsStillAccepted(h)
  })

  it('a portal registered to another application cannot install this one', async () => {
    const harness = await startHarness()
    h = harness
    const foreign = await startFakePortal({ clientId: 'local.other00000000000.11111111', clientSecret: 'other-secret' })
    others.push(foreign)
    const reply = await foreign.installApp({ installUrl: `${harness.url}/install` })
    expect(reply.status).toBe(403)
    expect(JSON.parse(reply.body)).toMatchObject({ error: 'FOREIGN_APPLICATION' })
    expect(await harness.store.portals.all()).toEqual([])
    expect(foreign.eventBindings).toEqual([])
  })
})
