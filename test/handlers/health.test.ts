// /healthz: each portal's token state and the version, never a secret; a refused refresh shows there.
import { hostname } from 'node:os'
import { afterEach, describe, expect, it } from 'vitest'
import { HEALTHZ_TOKEN, healthOf, settle, startHarness, testSettings, type Harness } from '../helpers/harness.js'

describe('/healthz', () => {
  let h: Harness
  afterEach(async () => h?.close())

  it('lists the installed portal with its token state and no secret', async () => {
    h = await startHarness()
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    const response = await fetch(`${h.url}/healthz`, { headers: { authorization: `Bearer ${HEALTHZ_TOKEN}` } })
    const text = await response.text()
    expect(response.status).toBe(200)
    expect(JSON.parse(text)).toMatchObject({
      status: 'ok',
      version: '0.1.0',
      portals: [{
        domain: h.portal.domain, memberId: h.portal.memberId, status: 'active', token: 'valid', license: 'project',
        inbox: { pending: expect.any(Number), parked: 0 },
        actions: { pending: expect.any(Number), sending: expect.any(Number), failed: 0 },
        mirror: { records: expect.any(Number) },
        clocks: { running: 0, breached: 0, nextStepAt: null },
      }],
    })
    const portal = await h.store.portals.get(h.portal.memberId)
    for (const secret of [portal?.accessToken, portal?.refreshToken, portal?.applicationToken, h.config.clientSecret]) {
      expect(secret).toBeTruthy()
      expect(text).not.toContain(secret)
    }
  })

  it('names the instance that answered and whether it takes requests; /readyz says the same to a load balancer', async () => {
    h = await startHarness()
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    const answer = await (await fetch(`${h.url}/healthz`, { headers: { authorization: `Bearer ${HEALTHZ_TOKEN}` } })).json()
    expect(answer.instance).toEqual({ id: `${hostname()}:${process.pid}`, startedAt: expect.any(String), readiness: 'ready', working: { worker: expect.any(Array), outbox: expect.any(Array) } })
    const ready = await fetch(`${h.url}/readyz`)
    expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 200, body: { status: 'ready' } })
  })

  it('/readyz answers 503 when the store does not answer', async () => {
    h = await startHarness()
    const ping = h.store.ping
    h.store.ping = async () => { throw new Error('SQLITE_IOERR: disk I/O error') }
    try {
      const ready = await fetch(`${h.url}/readyz`)
      expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 503, body: { status: 'store unavailable' } })
    } finally {
      h.store.ping = ping
    }
  })

  it('shows the deadline clocks of a portal: running, past their breach, the next step', async () => {
    h = await startHarness({ app: { rules: testSettings({ rules: { 'DEAL-NEXT-STEP': { within: 'PT1H', escalate: ['PT1H'] } } }) } })
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    h.portal.data.addDeal({ TITLE: 'Вектор: серверы', ASSIGNED_BY_ID: 5 }, { byUserId: 5 })
    await settle(h)
    const answer = await (await fetch(`${h.url}/healthz`, { headers: { authorization: `Bearer ${HEALTHZ_TOKEN}` } })).json()
    const [clock] = await h.store.clocks.all(h.portal.memberId)
    expect(answer.portals[0].clocks).toEqual({ running: 1, breached: 0, nextStepAt: clock?.dueAt })
  })

  it('tells an anonymous caller the state and totals only, never a portal identity', async () => {
    h = await startHarness()
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    const response = await fetch(`${h.url}/healthz`)
    const text = await response.text()
    expect(response.status).toBe(200)
    expect(JSON.parse(text)).toEqual({
      status: 'ok', version: '0.1.0',
      totals: { portals: 1, active: 1, needsReauth: 0, uninstalled: 0, waitingForApplicationToken: 0, inboxPending: expect.any(Number), parked: 0, withoutAutomation: 0 },
    })
    expect(text).not.toContain(h.portal.memberId)
    expect(text).not.toContain(h.portal.domain)
  })

  it('refuses a wrong token, and serves no details at all when HEALTHZ_TOKEN is not set', async () => {
    h = await startHarness()
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    const wrong = await fetch(`${h.url}/healthz`, { headers: { authorization: 'Bearer not-the-healthz-token-at-all' } })
    expect(wrong.status).toBe(401)
    expect(await wrong.text()).not.toContain(h.portal.memberId)
    await h.close()
    h = await startHarness({ env: { HEALTHZ_TOKEN: '' } })
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    const guessed = await fetch(`${h.url}/healthz`, { headers: { authorization: `Bearer ${HEALTHZ_TOKEN}` } })
    expect(guessed.status).toBe(401)
    expect(await (await fetch(`${h.url}/healthz`)).json()).toMatchObject({ totals: { portals: 1 } })
  })

  it('refreshes an expired token once and keeps the new pair in the store', async () => {
    h = await startHarness()
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    const before = await h.store.portals.get(h.portal.memberId)
    h.portal.expireAccessTokens()
    const client = await h.app.clients.get(h.portal.memberId)
    await Promise.all(Array.from({ length: 10 }, () => client.call('profile')))
    expect(h.portal.oauthCalls.length).toBe(1)
    const after = await h.store.portals.get(h.portal.memberId)
    expect(after?.refreshToken).not.toBe(before?.refreshToken)
    expect(after?.accessToken).not.toBe(before?.accessToken)
  })

  it('shows a portal whose refresh token was refused as needing re-authorisation', async () => {
    h = await startHarness()
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    h.portal.expireAccessTokens()
    h.portal.revokeRefreshTokens()
    await expect((await h.app.clients.get(h.portal.memberId)).call('profile')).rejects.toMatchObject({ code: 'invalid_grant' })
    const health = await healthOf(h)
    expect(health).toMatchObject({
      status: 'degraded',
      portals: [{ memberId: h.portal.memberId, status: 'needs_reauth', token: 'needs re-authorisation' }],
    })
  })
})
