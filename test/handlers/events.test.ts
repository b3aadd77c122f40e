// POST /events over real HTTP: a good event is stored before its 200; bad input gets its 4xx and stores nothing.
import qs from 'qs'
import { afterEach, describe, expect, it } from 'vitest'
import { startCapture } from '../helpers/capture.js'
import { postForm, settle, startHarness, type Harness } from '../helpers/harness.js'

describe('POST /events', () => {
  let h: Harness
  afterEach(async () => h?.close())

  const installed = async () => {
    h = await startHarness({ app: { onChange: () => {} } })
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    await settle(h)
  }
  const inboxRows = () => h.store.inbox.count(h.portal.memberId)
  const event = (auth: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
    qs.stringify({
      event: 'ONCRMLEADUPDATE',
      event_handler_id: '12',
      data: { FIELDS: { ID: '7' } },
      ts: '1766047124',
      auth: {
        domain: h.portal.domain, member_id: h.portal.memberId, application_token: h.portal.applicationToken ?? '',
        client_endpoint: h.portal.clientEndpoint, server_endpoint: h.portal.serverEndpoint, scope: 'crm', status: 'L', ...auth,
      },
      ...extra,
    })

  it('answers 200 only once the event is in the inbox, and keeps a duplicate once', async () => {
    await installed()
    const before = await inboxRows()
    const reply = await postForm(`${h.url}/events`, event())
    expect(reply.status).toBe(200)
    expect(reply.json).toEqual({ status: 'ok', message: 'event accepted' })
    expect(await inboxRows()).toBe(before + 1)
    await postForm(`${h.url}/events`, event())
    expect(await inboxRows()).toBe(before + 1)
  })

  it('accepts a robot change, which carries no tokens, on its application_token', async () => {
    await installed()
    const id = h.portal.data.addLead({ TITLE: 'Создан роботом' }, { byRobot: true })
    await settle(h)
    const delivered = h.portal.deliveries.filter((d) => d.event === 'ONCRMLEADADD')
    expect(delivered.at(-1)?.body).not.toContain('access_token')
    expect((await h.store.mirror.get(h.portal.memberId, 'lead', id))?.snapshot.TITLE).toBe('Создан роботом')
  })

  it.each([
    ['a wrong application_token', () => event({ application_token: 'forged-token-0000000000000000' }), 401, 'INVALID_APPLICATION_TOKEN'],
    ['no application_token', () => event({ application_token: '' }), 400, 'MALFORMED_EVENT'],
    ['an unknown member_id', () => event({ member_id: '0123456789abcdef0123456789abcdef' }), 401, 'UNKNOWN_PORTAL'],
    ['no auth at all', () => qs.stringify({ event: 'ONCRMLEADUPDATE', data: { FIELDS: { ID: '7' } }, ts: '1766047124' }), 400, 'MALFORMED_EVENT'],
    ['no record id', () => event({}, { data: { FIELDS: { TITLE: 'x' } } }), 400, 'MALFORMED_EVENT'],
    ['garbage', () => '%%%&&&===', 400, 'MALFORMED_EVENT'],
    ['an oversized body', () => event({}, { padding: 'x'.repeat(70 * 1024) }), 413, 'FST_ERR_CTP_BODY_TOO_LARGE'],
  ])('%s → %i', async (_name, body, status, code) => {
    await installed()
    const before = await inboxRows()
    const reply = await postForm(`${h.url}/events`, body())
    expect(reply.status).toBe(status)
    expect(reply.json).toMatchObject({ status: 'error', error: code, message: expect.any(String) })
    expect(await inboxRows()).toBe(before)
  })

  it('answers every authentication failure 401, stores nothing and calls no host named in the request', async () => {
    await installed()
    const elsewhere = await startCapture()
    try {
      const pointing = { client_endpoint: `${elsewhere.url}/rest/`, server_endpoint: `${elsewhere.url}/rest/`, access_token: 'a-user-token' }
      const update = (auth: Record<string, string>) => event({ ...pointing, refresh_token: 'r', ...auth }, { event: 'ONAPPUPDATE', data: { VERSION: '2' } })
      const cases = [
        event({ ...pointing, application_token: 'forged-token-0000000000000000' }),
        event({ ...pointing, member_id: '0123456789abcdef0123456789abcdef' }),
        event({ ...pointing, application_token: 'forged-token-0000000000000000' }, { event: 'ONAPPUNINSTALL', data: { CLEAN: '1' } }),
        update({ member_id: '0123456789abcdef0123456789abcdef' }),
      ]
      const before = await inboxRows()
      for (const body of cases) {
        const reply = await postForm(`${h.url}/events`, body)
        expect(reply.status).toBe(401)
      }
      expect(await inboxRows()).toBe(before)
      expect((await h.store.portals.get(h.portal.memberId))?.status).toBe('active')
      expect(elsewhere.requests).toEqual([])
    } finally {
      await elsewhere.close()
    }
  })

  it('answers an authentic event it does not handle with 200 and stores nothing', async () => {
    await installed()
    const before = await inboxRows()
    const reply = await postForm(`${h.url}/events`, event({}, { event: 'ONCRMINVOICEADD' }))
    expect(reply.status).toBe(200)
    expect(reply.json).toEqual({ status: 'ok', message: 'event ignored' })
    expect(await inboxRows()).toBe(before)
  })

  it.each([
    ['no ts', { ts: undefined }],
    ['a ts that is not a number', { ts: '2025-06-01T10:00:00+03:00' }],
    ['no event_handler_id', { event_handler_id: undefined }],
  ])('accepts an authentic event with %s, the arrival time standing in for ts', async (_name, extra) => {
    await installed()
    const before = await inboxRows()
    const reply = await postForm(`${h.url}/events`, event({}, extra))
    expect(reply.status).toBe(200)
    expect(await inboxRows()).toBe(before + 1)
  })

  it.each([
    ['application/json', JSON.stringify({ event: 'ONCRMLEADUPDATE' })],
    ['text/plain', 'event=ONCRMLEADUPDATE'],
    ['multipart/form-data; boundary=x', '--x--'],
  ])('refuses %s with 415', async (type, body) => {
    await installed()
    const before = await inboxRows()
    const reply = await postForm(`${h.url}/events`, body, type)
    expect(reply.status).toBe(415)
    expect(await inboxRows()).toBe(before)
  })
})
