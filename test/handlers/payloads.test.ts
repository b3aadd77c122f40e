// Parsing the portal's event POSTs: the documented payloads in, the record out, a clear 400 otherwise.
import qs from 'qs'
import { describe, expect, it } from 'vitest'
import { parseEvent, recordOf } from '../../handlers/event-payload.js'
import { installKind, parseAppEventGrant, parseFrameGrant } from '../../handlers/install-payload.js'
import { BadRequestError } from '../../src/shared/app-error.js'

const auth = {
  access_token: 's6p6eclrvim6da22ft9ch94ekreb52lv',
  expires_in: '3600',
  scope: 'crm',
  domain: 'some-domain.bitrix24.com',
  server_endpoint: 'https://oauth.bitrix.info/rest/',
  status: 'L',
  client_endpoint: 'https://some-domain.bitrix24.com/rest/',
  member_id: 'd897063e1ce7c5eb9f04b9751eef5915',
  application_token: '51856fefc120afa4b628cc82d3935cce',
}

// The wire form is PHP-style nested keys; qs gives back what Fastify's parser hands the route.
const wire = (payload: object) => qs.parse(qs.stringify(payload), { depth: 10 })

describe('parseEvent and recordOf', () => {
  it.each([
    ['ONCRMDEALADD', { FIELDS: { ID: '7405' } }, 'deal', '7405'],
    ['onCrmLeadUpdate', { FIELDS: { ID: '1000983' } }, 'lead', '1000983'],
    ['ONCRMDEALMOVETOCATEGORY', { FIELDS: { ID: '6675', CATEGORY_ID: '1', STAGE_ID: 'C1:NEW' } }, 'deal', '6675'],
    ['ONCRMACTIVITYADD', { FIELDS: { ID: '999' } }, 'activity', '999'],
    ['ONTASKADD', { FIELDS_BEFORE: 'undefined', FIELDS_AFTER: { ID: '123' }, IS_ACCESSIBLE_BEFORE: 'N', IS_ACCESSIBLE_AFTER: 'undefined' }, 'task', '123'],
    ['ONTASKUPDATE', { FIELDS_BEFORE: { ID: '123' }, FIELDS_AFTER: { ID: '123' } }, 'task', '123'],
    ['ONTASKDELETE', { FIELDS_BEFORE: { ID: '123' }, FIELDS_AFTER: 'undefined' }, 'task', '123'],
    ['ONTASKCOMMENTADD', { FIELDS_AFTER: { ID: '0', TASK_ID: '555', MESSAGE_ID: '1458' } }, 'task', '555'],
  ])('%s → %s %s', (code, data, entity, id) => {
    const event = parseEvent(wire({ event: code, event_handler_id: '185', data, ts: '1766047124', auth }))
    expect(event.event).toBe(code.toUpperCase())
    expect(recordOf(event)).toMatchObject({ entity, entityId: id })
  })

  it('accepts an event from a robot, which carries no tokens', () => {
    const { access_token: _a, expires_in: _e, ...robotAuth } = auth
    const event = parseEvent(wire({ event: 'ONCRMLEADADD', data: { FIELDS: { ID: '1' } }, ts: '1', auth: robotAuth }))
    expect(event.auth.access_token).toBeUndefined()
  })

  it('keeps the comment ids of a new-card task comment', () => {
    const event = parseEvent(wire({ event: 'ONTASKCOMMENTADD', data: { FIELDS_AFTER: { ID: '0', TASK_ID: '555', MESSAGE_ID: '1458' } }, ts: '1', auth }))
    expect(recordOf(event).extra).toEqual({ commentId: '0', messageId: '1458' })
  })

  it.each([['yesterday'], [''], [undefined]])('reads a ts of %j as absent: the arrival time stands in', (ts) => {
    const event = parseEvent(wire({ event: 'ONCRMLEADADD', data: { FIELDS: { ID: '1' } }, ts, auth }))
    expect(event.ts).toBeUndefined()
  })

  it.each([
    [{}, 'event is missing'],
    [{ event: 'ONCRMLEADADD', data: { FIELDS: { ID: '1' } }, ts: '1' }, 'auth is missing'],
    [{ event: 'ONCRMLEADADD', data: { FIELDS: { ID: '1' } }, ts: '1', auth: { member_id: 'a223c6b3710f85df22e9377d6c4f7553' } }, 'auth.application_token is missing'],
  ])('refuses a malformed body %#', (body, message) => {
    expect(() => parseEvent(wire(body))).toThrow(message)
  })

  it.each([
    [{ event: 'ONCRMLEADADD', data: { FIELDS: { TITLE: 'x' } } }, 'data.FIELDS.ID is missing'],
    [{ event: 'ONCRMLEADADD', data: { FIELDS: { ID: 'abc' } } }, 'data.FIELDS.ID must be a numeric id'],
    [{ event: 'ONCRMLEADADD' }, 'data is missing'],
    [{ event: 'ONSOMETHINGELSE', data: {} }, 'Event ONSOMETHINGELSE is not one the app handles'],
  ])('refuses an event without its record %#', (body, message) => {
    const event = parseEvent(wire({ ts: '1', auth, ...body }))
    expect(() => recordOf(event)).toThrow(BadRequestError)
    expect(() => recordOf(event)).toThrow(message)
  })
})

describe('install payloads', () => {
  const install = {
    event: 'ONAPPINSTALL',
    data: { VERSION: '1', ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: 'ru' },
    ts: '1696527000',
    auth: { ...auth, refresh_token: '4s386p3q0tr8dy89xvmt96234v3dljg8', scope: 'crm task im' },
  }

  it('reads ONAPPINSTALL, with the space-separated scope of its documentation', () => {
    const body = wire(install) as Record<string, unknown>
    expect(installKind(body)).toBe('api')
    expect(parseAppEventGrant(body)).toMatchObject({
      memberId: auth.member_id, accessToken: auth.access_token, refreshToken: '4s386p3q0tr8dy89xvmt96234v3dljg8',
      expiresIn: 3600, scope: 'crm,task,im', language: 'ru', clientEndpoint: 'https://some-domain.bitrix24.com/rest/',
    })
  })

  it('reads the install frame, building the endpoint from DOMAIN and PROTOCOL', () => {
    const fields = {
      DOMAIN: 'portal.bitrix24.com', PROTOCOL: '1', LANG: 'en', APP_SID: 'dd8c',
      AUTH_ID: 'ahodg4h37', AUTH_EXPIRES: '3600', REFRESH_ID: '2lg086mx', SERVER_ENDPOINT: 'https://oauth.bitrix.info/rest/',
      APPLICATION_TOKEN: 'ec1b2074', APPLICATION_SCOPE: 'crm,entity,im,task', member_id: 'a223c6b3710f85df22e9377d6c4f7553', status: 'F', PLACEMENT: 'DEFAULT',
    }
    expect(installKind(fields)).toBe('ui')
    expect(parseFrameGrant(fields)).toMatchObject({
      clientEndpoint: 'https://portal.bitrix24.com/rest/', accessToken: 'ahodg4h37', refreshToken: '2lg086mx',
      applicationToken: 'ec1b2074', language: 'en', scope: 'crm,entity,im,task',
    })
  })

  it.each([
    [{ ...install, auth: { ...install.auth, refresh_token: undefined } }, 'auth.refresh_token is missing'],
    [{ ...install, auth: { ...install.auth, client_endpoint: 'javascript:alert(1)' } }, 'auth.client_endpoint'],
    [{ ...install, auth: { ...install.auth, expires_in: '-5' } }, 'auth.expires_in'],
    [{ ...install, auth: { ...install.auth, member_id: '../../etc/passwd' } }, 'auth.member_id must be the portal member_id'],
  ])('refuses a broken ONAPPINSTALL %#', (body, message) => {
    expect(() => parseAppEventGrant(wire(body))).toThrow(message)
  })

  it('refuses a frame whose DOMAIN is not a host', () => {
    expect(() => parseFrameGrant({ DOMAIN: 'evil.com/x?', AUTH_ID: 'a', REFRESH_ID: 'r', APPLICATION_TOKEN: 't', member_id: 'm' }))
      .toThrow('DOMAIN must be a host name')
  })

  it('refuses a frame whose member_id names no portal (a portal sends 32 hexadecimal characters)', () => {
    expect(() => parseFrameGrant({ DOMAIN: 'example.bitrix24.ru', AUTH_ID: 'a', REFRESH_ID: 'r', member_id: 'ONCRMDEALUPDATE' }))
      .toThrow('member_id must be the portal member_id')
  })
})
