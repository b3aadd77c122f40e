// Installing into a portal over real HTTP with the fake portal: both install kinds, update, uninstall, bad input.
import qs from 'qs'
import { afterEach, describe, expect, it } from 'vitest'
import { loadManifest } from '../../src/portal/manifest.js'
import { healthOf, postForm, settle, startHarness, type Harness } from '../helpers/harness.js'

const manifest = loadManifest()
const BINDS = ['event.bind', 'placement.bind']

describe('install', () => {
  let h: Harness
  afterEach(async () => h?.close())

  const expectBoundOnce = () => {
    const events = h.portal.eventBindings.map((binding) => `${binding.event} ${binding.handler}`)
    expect(events.sort()).toEqual(manifest.events.codes.map((code) => `${code} ${h.url}/events`).sort())
    const placements = h.portal.placementBindings.map((binding) => `${binding.placement} ${binding.handler}`)
    expect(placements.sort()).toEqual([`CRM_DEAL_DETAIL_TAB ${h.url}/placements/deal`, `CRM_LEAD_DETAIL_TAB ${h.url}/placements/lead`])
  }

  it('API-only: ONAPPINSTALL stores the confirmed tokens and binds every event and tab once', async () => {
    h = await startHarness()
    const reply = await h.portal.installApp({ installUrl: `${h.url}/install` })
    expect(reply.status).toBe(200)
    expect(JSON.parse(reply.body)).toMatchObject({ status: 'success' })
    const portal = await h.store.portals.get(h.portal.memberId)
    expect(portal).toMatchObject({ status: 'active', domain: h.portal.domain, applicationToken: h.portal.applicationToken, adminUserId: 1 })
    expect(portal?.clientEndpoint).toBe(h.portal.clientEndpoint.replace(/\/$/, ''))
    expect(h.portal.calls.some((call) => call.method === 'app.info')).toBe(true)
    expectBoundOnce()
    expect((await h.store.journal.recent(h.portal.memberId)).map((entry) => entry.kind)).toEqual(['robots.registered', 'app.bound', 'app.installed'])
  })

  it('a second install binds nothing twice', async () => {
    h = await startHarness()
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    h.portal.clearCalls()
    const again = await h.portal.installApp({ installUrl: `${h.url}/install` })
    expect(again.status).toBe(200)
    expect(h.portal.calls.filter((call) => BINDS.includes(call.method))).toEqual([])
    expectBoundOnce()
  })

  it('with the interface: the frame install binds, is framable by the portal only, and finishes in the browser', async () => {
    h = await startHarness()
    const reply = await h.portal.openInstallFrame({ url: `${h.url}/install` })
    expect(reply.status).toBe(200)
    expect(reply.headers['content-type']).toContain('text/html')
    expect(reply.headers['content-security-policy']).toBe(`frame-ancestors 'self' ${new URL(h.portal.clientEndpoint).origin}`)
    expect(reply.body).toContain('Приложение установлено')
    expect(reply.body).toContain('installFinish()')
    // A cloud portal's frame carries no APPLICATION_TOKEN: ONAPPINSTALL brings it (test/portal/install-ui.test.ts).
    expect(await h.store.portals.get(h.portal.memberId)).toMatchObject({ status: 'active', applicationToken: '' })
    expectBoundOnce()
    const sdk = await fetch(`${h.url}/assets/b24jssdk.js`)
    expect(sdk.status).toBe(200)
    expect(await sdk.text()).toContain('installFinish')
  })

  it('ONAPPUPDATE keeps the new application_token and binds again', async () => {
    h = await startHarness()
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    const before = (await h.store.portals.get(h.portal.memberId))?.applicationToken
    await h.portal.updateApp({ version: '2' })
    await h.portal.flushEvents()
    const after = (await h.store.portals.get(h.portal.memberId))?.applicationToken
    expect(after).toBe(h.portal.applicationToken)
    expect(after).not.toBe(before)
    expectBoundOnce()
    expect((await h.store.journal.recent(h.portal.memberId)).map((entry) => entry.kind)).toContain('app.updated')
  })

  it('a forged uninstall changes nothing', async () => {
    h = await startHarness()
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    const before = await h.store.portals.get(h.portal.memberId)
    const forged = qs.stringify({
      event: 'ONAPPUNINSTALL', data: { LANGUAGE_ID: 'ru', CLEAN: '1' }, ts: '1466439714',
      auth: { domain: h.portal.domain, member_id: h.portal.memberId, application_token: 'forged0000000000000000000000000' },
    })
    const reply = await postForm(`${h.url}/events`, forged)
    expect(reply.status).toBe(401)
    expect(reply.json).toMatchObject({ error: 'INVALID_APPLICATION_TOKEN' })
    expect(await h.store.portals.get(h.portal.memberId)).toEqual(before)
  })

  it('the real uninstall with CLEAN=1 removes the portal and its data', async () => {
    h = await startHarness()
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    h.portal.data.addLead({ TITLE: 'Лид до удаления' })
    // Settled, so that no read of the portal is under way when it goes (on a slower store one would still be).
    await settle(h)
    expect(await h.store.inbox.count(h.portal.memberId)).toBeGreaterThan(0)
    await h.portal.uninstallApp({ clean: true })
    await h.portal.flushEvents()
    expect(await h.store.portals.get(h.portal.memberId)).toBeUndefined()
    expect(await h.store.inbox.count(h.portal.memberId)).toBe(0)
    expect((await h.store.journal.recent(h.portal.memberId)).map((entry) => entry.kind)).toEqual(['app.uninstalled'])
    const health = await healthOf(h)
    expect(health.portals).toEqual([])
  })

  it('an uninstall without CLEAN forgets the tokens and keeps the data', async () => {
    h = await startHarness()
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    await h.portal.uninstallApp({ clean: false })
    await h.portal.flushEvents()
    expect(await h.store.portals.get(h.portal.memberId)).toMatchObject({ status: 'uninstalled', accessToken: '', refreshToken: '' })
    expect((await h.store.journal.recent(h.portal.memberId)).length).toBeGreaterThan(1)
  })
})

describe('install: bad input gets a 4xx and stores nothing', () => {
  let h: Harness
  afterEach(async () => h?.close())

  const installBody = (overrides: Record<string, string> = {}) =>
    qs.stringify({
      event: 'ONAPPINSTALL',
      data: { VERSION: '1', ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: 'ru' },
      ts: '1696527000',
      auth: {
        domain: h.portal.domain, access_token: 'made-up-access-token', refresh_token: 'made-up-refresh-token',
        expires_in: '3600', scope: 'crm', server_endpoint: h.portal.serverEndpoint, client_endpoint: h.portal.clientEndpoint,
        member_id: h.portal.memberId, application_token: 'made-up-app-token', status: 'L', ...overrides,
      },
    })

  const expectNothingStored = async () => {
    expect(await h.store.portals.all()).toEqual([])
    expect(h.portal.eventBindings).toEqual([])
  }

  it('a host off the allow-list', async () => {
    h = await startHarness()
    const reply = await postForm(`${h.url}/install`, installBody({ client_endpoint: 'https://evil.example.com/rest/' }))
    expect(reply.status).toBe(403)
    expect(reply.json).toMatchObject({ error: 'HOST_NOT_ALLOWED', message: expect.stringContaining('evil.example.com') })
    await expectNothingStored()
  })

  it('a plain http endpoint on an allowed host that is not loopback', async () => {
    h = await startHarness({ env: { B24_ALLOWED_HOSTS: '127.0.0.1,*.bitrix24.ru' } })
    const reply = await postForm(`${h.url}/install`, installBody({ client_endpoint: 'http://vector.bitrix24.ru/rest/' }))
    expect(reply.status).toBe(403)
    expect(reply.json).toMatchObject({ error: 'ENDPOINT_NOT_HTTPS', message: expect.stringContaining('must use https') })
    expect(h.portal.calls).toEqual([])
    await expectNothingStored()
  })

  it('an OAuth server off the allow-list (it would receive the client secret)', async () => {
    h = await startHarness()
    const reply = await postForm(`${h.url}/install`, installBody({ server_endpoint: 'https://oauth.evil.example.com/rest/' }))
    expect(reply.status).toBe(403)
    await expectNothingStored()
  })

  it('tokens the portal does not confirm', async () => {
    h = await startHarness()
    const reply = await postForm(`${h.url}/install`, installBody())
    expect(reply.status).toBe(403)
    expect(reply.json).toMatchObject({ error: 'TOKENS_NOT_CONFIRMED', message: expect.stringContaining('did not confirm') })
    await expectNothingStored()
  })

  it('missing fields', async () => {
    h = await startHarness()
    const body = qs.stringify({ event: 'ONAPPINSTALL', auth: { domain: 'x.bitrix24.ru', member_id: 'abc' } })
    const reply = await postForm(`${h.url}/install`, body)
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({ error: 'MALFORMED_INSTALL', message: 'auth.access_token is missing' })
    await expectNothingStored()
  })

  it.each([
    ['garbage', 'application/x-www-form-urlencoded', '%%%&&&===', 400],
    ['an empty body', 'application/x-www-form-urlencoded', '', 400],
    ['JSON', 'application/json', '{"event":"ONAPPINSTALL"}', 415],
    ['XML', 'text/xml', '<install/>', 415],
  ])('%s', async (_name, type, body, status) => {
    h = await startHarness()
    const reply = await postForm(`${h.url}/install`, body, type)
    expect(reply.status).toBe(status)
    expect(reply.json).toMatchObject({ status: 'error', message: expect.any(String) })
    await expectNothingStored()
  })

  it('a frame install whose tokens the portal does not confirm shows the reason', async () => {
    h = await startHarness()
    const body = qs.stringify({
      AUTH_ID: 'made-up', AUTH_EXPIRES: '3600', REFRESH_ID: 'made-up', SERVER_ENDPOINT: h.portal.serverEndpoint,
      APPLICATION_TOKEN: 'x', member_id: h.portal.memberId,
    })
    const query = qs.stringify({ DOMAIN: h.portal.domain, PROTOCOL: '0', LANG: 'ru' })
    const reply = await postForm(`${h.url}/install?${query}`, body)
    expect(reply.status).toBe(403)
    expect(reply.text).toContain('Установка не удалась')
    expect(reply.text).toContain('did not confirm')
    await expectNothingStored()
  })
})
